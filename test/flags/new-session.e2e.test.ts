// A reconnect Discord would not resume (a new session): the reactions of the gap were never
// delivered, so the open cases are read again, as on start; a resume (Discord replays the gap) is not.
import { Events } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { countedFlaggers, getCaseByMessage } from '../../src/flags/store.js';
import { updateSettings } from '../../src/settings/store.js';
import { TestBot } from '../support/bot.js';
import { field, until } from './helpers.js';

let bot: TestBot | undefined;
afterEach(async () => {
  const errors = bot?.errors ?? [];
  await bot?.close();
  bot = undefined;
  expect(errors).toEqual([]);
});

describe('a new gateway session', () => {
  it('flags withdrawn while the session was lost (op 9, not resumable) are withdrawn once the bot identifies again', { timeout: 60_000 }, async () => {
    bot = await TestBot.start();
    const b = bot;
    const { ids, fake } = b;
    await updateSettings(b.db, ids.guildId, { modChannelId: ids.modChannel }, b.clock.now());
    const message = fake.post({ channelId: ids.general, userId: ids.alice, content: 'buy followers' });
    const flaggers = [ids.bob, ids.carol, ids.dave];
    for (const userId of flaggers) fake.react({ channelId: ids.general, messageId: message.id, userId, emoji: '🚩' });
    const c = await until(async () => {
      const found = await getCaseByMessage(b.db, message.id);
      return found?.reviewMessageId ? found : undefined;
    }, 'the case message');

    const identified = new Promise<void>((resolve) => b.app.client.once(Events.ShardReady, () => resolve()));
    fake.invalidateSession(false);
    // The session is gone at once: these never reach the bot.
    for (const userId of flaggers) fake.unreact({ channelId: ids.general, messageId: message.id, userId, emoji: '🚩' });
    await identified;

    const shown = await until(() => {
      const now = fake.message(ids.modChannel, c.reviewMessageId!);
      return field(now?.embeds[0], 'Flaggers (0)') !== undefined && now;
    }, 'the case showing no flagger left');
    expect(field(shown.embeds[0], 'Flaggers (0)')).toBe('none left (all withdrawn)');
    expect(await countedFlaggers(b.db, ids.guildId, message.id)).toEqual([]);
    expect(fake.resumeCount).toBe(0);
  });

  it('a resume asks Discord for no reactions (it replays what the bot missed)', async () => {
    bot = await TestBot.start();
    const b = bot;
    const { ids, fake } = b;
    await updateSettings(b.db, ids.guildId, { modChannelId: ids.modChannel, flagThreshold: 1 }, b.clock.now());
    const message = fake.post({ channelId: ids.general, userId: ids.alice, content: 'buy followers' });
    fake.react({ channelId: ids.general, messageId: message.id, userId: ids.bob, emoji: '🚩' });
    await until(async () => (await getCaseByMessage(b.db, message.id))?.reviewMessageId, 'the case message');
    const reads = () => fake.requestsMatching('GET', /\/reactions\//).length;
    const before = reads();

    const resumed = new Promise<void>((resolve) => b.app.client.once(Events.ShardResume, () => resolve()));
    fake.dropConnection();
    await resumed;
    fake.react({ channelId: ids.general, messageId: message.id, userId: ids.carol, emoji: '🚩' });
    await until(async () => (await countedFlaggers(b.db, ids.guildId, message.id)).length === 2, 'the live flag');
    expect(fake.resumeCount).toBe(1);
    expect(reads()).toBe(before);
    expect(b.logs.filter((l) => l.msg === 'client.new-session')).toEqual([]);
  });
});
