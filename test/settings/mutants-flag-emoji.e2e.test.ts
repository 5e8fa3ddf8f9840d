// /settings set flag_emoji refuses a custom emoji of the server that the server can no longer
// use (Discord marks it unavailable, e.g. after losing a boost level): no reaction could match it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getSettings } from '../../src/settings/store.js';
import { TestBot } from '../support/bot.js';

describe('/settings set flag_emoji with an unavailable emoji', () => {
  let bot: TestBot;

  beforeEach(async () => {
    bot = await TestBot.start();
  });
  afterEach(async () => {
    const errors = bot.errors;
    await bot.close();
    expect(errors).toEqual([]);
  });

  const setEmoji = (flag_emoji: string) =>
    bot.fake.slash({ guildId: bot.ids.guildId, channelId: bot.ids.general, userId: bot.ids.ownerId, name: 'settings', subcommand: 'set', options: { flag_emoji } }).reply();

  it('is refused, and the setting kept; the same emoji once available is taken', async () => {
    const locked = bot.fake.addEmoji(bot.ids.guildId, { name: 'locked', available: false });
    const refused = await setEmoji(`<:locked:${locked.id}>`);
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toBe('The flag emoji must be a single emoji, like 🚩, or a custom emoji of this server.');
    expect((await getSettings(bot.db, bot.ids.guildId)).flagEmoji).toBe('🚩');
    const usable = bot.fake.addEmoji(bot.ids.guildId, { name: 'usable' });
    expect((await setEmoji(`<:usable:${usable.id}>`)).content).toMatch(/^Settings saved\./);
    expect((await getSettings(bot.db, bot.ids.guildId)).flagEmoji).toBe(`<:usable:${usable.id}>`);
  });
});
