// The reason Pulse gives Discord's audit log (X-Audit-Log-Reason) when a moderator deletes a flagged
// message or times its author out: in the server's language, on the click and when redone on start.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyCaseAction, getCaseByMessage, type FlagCase } from '../../src/flags/store.js';
import { t } from '../../src/i18n/index.js';
import { updateSettings } from '../../src/settings/store.js';
import { TestBot } from '../support/bot.js';
import { button, until } from './helpers.js';

describe('the audit log reason of a flag case action', () => {
  let bot: TestBot;

  beforeEach(async () => {
    bot = await TestBot.start();
    await updateSettings(bot.db, bot.ids.guildId, { modChannelId: bot.ids.modChannel, staffRoleId: bot.ids.staffRoleId, flagThreshold: 1, language: 'es' }, bot.clock.now());
  });
  afterEach(async () => {
    const errors = bot.errors;
    await bot.close();
    expect(errors).toEqual([]);
  });

  async function flaggedCase(content: string): Promise<FlagCase> {
    const message = bot.fake.post({ channelId: bot.ids.general, content, userId: bot.ids.alice });
    bot.fake.react({ channelId: bot.ids.general, messageId: message.id, userId: bot.ids.bob, emoji: '🚩' });
    return until(async () => {
      const found = await getCaseByMessage(bot.db, message.id);
      return found?.reviewMessageId ? found : undefined;
    }, 'the case message');
  }
  const click = (c: FlagCase, key: 'flags.button.delete' | 'flags.button.t10m') => {
    const message = bot.fake.message(bot.ids.modChannel, c.reviewMessageId!)!;
    return bot.fake.click({ userId: bot.ids.moderator, message, customId: button(message, t('es', key)) }).reply();
  };
  /** The audit log reason of a request, as Discord reads it (discord.js sends it URL-encoded). */
  const reasonOf = (method: string, path: string) => {
    const [request] = bot.fake.requestsMatching(method, path);
    const header = request?.headers['x-audit-log-reason'];
    return header === undefined ? undefined : decodeURIComponent(header);
  };

  it('a delete and a timeout clicked in a Spanish server give the reason in Spanish', async () => {
    const { ids } = bot;
    const deleted = await flaggedCase('one');
    await click(deleted, 'flags.button.delete');
    const reason = reasonOf('DELETE', `/channels/${ids.general}/messages/${deleted.messageId}`);
    expect(reason).toBe(`Pulse, caso de reporte n.º ${deleted.id}, por el moderador ${ids.moderator}`);
    expect(reason!.length).toBeLessThanOrEqual(512);

    const timedOut = await flaggedCase('two');
    await click(timedOut, 'flags.button.t10m');
    expect(reasonOf('PATCH', `/guilds/${ids.guildId}/members/${ids.alice}`)).toBe(`Pulse, caso de reporte n.º ${timedOut.id}, por el moderador ${ids.moderator}`);
  });

  it('an action redone on start gives it in the server language too', async () => {
    const { ids } = bot;
    const c = await flaggedCase('three');
    expect(await applyCaseAction(bot.db, c.id, 'delete', 'deleted', ids.moderator, bot.clock.now())).toBe(true);
    await bot.crash();
    await until(async () => (await getCaseByMessage(bot.db, c.messageId))?.status === 'closed', 'the case closed on start');
    expect(reasonOf('DELETE', `/channels/${ids.general}/messages/${c.messageId}`)).toBe(`Pulse, caso de reporte n.º ${c.id}, por el moderador ${ids.moderator}`);
  });
});
