// /settings set flag_emoji end to end: one emoji, or a custom emoji of this very server.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getCaseByMessage } from '../../src/flags/store.js';
import { getSettings, updateSettings } from '../../src/settings/store.js';
import { TestBot } from '../support/bot.js';

const NO_MOD_CHANNEL = '\n⚠️ No moderation channel is set: new flag cases wait unseen in `/flags queue`. Set one with `/settings set mod_channel`.';

describe('/settings set flag_emoji', () => {
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
  const stored = async () => (await getSettings(bot.db, bot.ids.guildId)).flagEmoji;
  const REFUSED = 'The flag emoji must be a single emoji, like 🚩, or a custom emoji of this server.';

  it('refuses several emoji, a text symbol and an emoji of another server, and keeps the setting', async () => {
    const other = bot.fake.addGuild({ name: 'Elsewhere' });
    const foreign = bot.fake.addEmoji(other.id, { name: 'redflag' });
    for (const value of ['🚩🚩', '🚩👍🔥', '™', `<:redflag:${foreign.id}>`, '<a:spin:900000000000009999>']) {
      const reply = await setEmoji(value);
      expect(reply.ephemeral, value).toBe(true);
      expect(reply.content, value).toBe(REFUSED);
      expect(await stored(), value).toBe('🚩');
    }
    expect(bot.fake.requestsMatching('GET', `/guilds/${bot.ids.guildId}/emojis/${foreign.id}`)).toHaveLength(1);
  });

  it.each(['🚩', '👍🏽', '🏳️‍🌈', '1️⃣', '🇺🇸'])('accepts %s', async (value) => {
    const reply = await setEmoji(value);
    // (No moderation channel is set here: the answer says where cases wait meanwhile.)
    expect(reply.content).toBe(`Settings saved.${NO_MOD_CHANNEL}`);
    expect(await stored()).toBe(value);
  });

  it("accepts a custom emoji of the server, under the server's name for it, and its reactions flag", async () => {
    const { ids, fake } = bot;
    const own = fake.addEmoji(ids.guildId, { name: 'redflag' });
    // Typed with another name (an old one, say): stored as the server calls it.
    expect((await setEmoji(`<:flag_old:${own.id}>`)).content).toBe(`Settings saved.${NO_MOD_CHANNEL}`);
    expect(await stored()).toBe(`<:redflag:${own.id}>`);
    // A refused value afterwards leaves it as it was.
    expect((await setEmoji('🚩🚩')).content).toBe(REFUSED);
    expect(await stored()).toBe(`<:redflag:${own.id}>`);

    await updateSettings(bot.db, ids.guildId, { modChannelId: ids.modChannel, flagThreshold: 1 }, bot.clock.now());
    const rude = fake.post({ channelId: ids.general, userId: ids.alice, content: 'rude' });
    fake.react({ channelId: ids.general, messageId: rude.id, userId: ids.bob, emoji: { id: own.id!, name: 'redflag' } });
    await vi.waitFor(async () => expect(await getCaseByMessage(bot.db, rude.id)).toBeDefined());
  });
});
