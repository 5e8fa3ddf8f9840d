// /flags stats names reaction flags (which have no reason) in the member's language under "Top reasons".
import { afterEach, describe, expect, it } from 'vitest';
import { updateSettings } from '../../src/settings/store.js';
import { TestBot } from '../support/bot.js';
import { field, until } from './helpers.js';

describe('/flags stats: top reasons', () => {
  let bot: TestBot | undefined;
  afterEach(async () => {
    const errors = bot?.errors ?? [];
    await bot?.close();
    bot = undefined;
    expect(errors).toEqual([]);
  });

  const cases = [
    ['es', 'Motivos principales', 'reacción (sin motivo): 1'],
    ['ru', 'Частые причины', 'реакция (без причины): 1'],
    ['en', 'Top reasons', 'reaction (no reason): 1'],
  ] as const;
  it.each(cases)('%s: one 🚩 shows as a reaction in the language', async (language, title, line) => {
    bot = await TestBot.start();
    const { ids, fake } = bot;
    await updateSettings(bot.db, ids.guildId, { modChannelId: ids.modChannel, staffRoleId: ids.staffRoleId, language }, bot.clock.now());
    const msg = fake.post({ channelId: ids.general, userId: ids.alice, content: 'spam spam spam' });
    fake.react({ channelId: ids.general, messageId: msg.id, userId: ids.bob, emoji: '🚩' });
    await until(() => bot!.db.selectFrom('flags').select('user_id').where('message_id', '=', msg.id).executeTakeFirst(), 'the flag');

    const stats = await fake.slash({ channelId: ids.modChannel, userId: ids.moderator, name: 'flags', subcommand: 'stats', locale: language }).reply();
    expect(field(stats.embeds[0], title)).toBe(line);
  });
});
