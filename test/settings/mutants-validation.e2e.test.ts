// /settings refuses what it must, and saves nothing then: numbers outside their range (a crafted
// request can skip Discord's own check), @everyone as the staff role, a change that names no
// setting, a member who is not staff, a staff channel where the bot cannot attach the digest's
// chart, and a 101st ignored channel (the store takes the 100th).
import { PermissionFlagsBits } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { changeIgnoredChannel, getSettings, updateSettings } from '../../src/settings/store.js';
import { testDatabase } from '../support/db.js';
import { TestBot } from '../support/bot.js';

describe('/settings validation', () => {
  let bot: TestBot;

  beforeEach(async () => {
    bot = await TestBot.start();
  });
  afterEach(async () => {
    const errors = bot.errors;
    await bot.close();
    expect(errors).toEqual([]);
  });

  const settings = (userId: string, subcommand: string, options: Record<string, string | number | boolean> = {}) =>
    bot.fake.slash({ guildId: bot.ids.guildId, channelId: bot.ids.general, userId, name: 'settings', subcommand, options }).reply(15_000);
  const stored = async () => await getSettings(bot.db, bot.ids.guildId);

  it('takes each number up to its bound, and refuses one past it or below 1, saving nothing', async () => {
    const { ids } = bot;
    const cases: Array<[string, number, keyof Awaited<ReturnType<typeof stored>>]> = [
      ['flag_threshold', 50, 'flagThreshold'],
      ['flag_daily_limit', 1000, 'flagDailyLimit'],
      ['flag_max_age_hours', 8760, 'flagMaxAgeHours'],
      ['feedback_waiting_hours', 2160, 'feedbackWaitingHours'],
      ['feedback_daily_limit', 1000, 'feedbackDailyLimit'],
    ];
    for (const [name, max, key] of cases) {
      const before = (await stored())[key];
      const over = await settings(ids.ownerId, 'set', { [name]: max + 1 });
      expect(over.ephemeral).toBe(true);
      // The bound as the reader's language writes numbers (1,000).
      const refusal = `\`${name}\` must be a whole number from 1 to ${max.toLocaleString('en-US')}.`;
      expect(over.content, name).toBe(refusal);
      expect((await settings(ids.ownerId, 'set', { [name]: 0 })).content, name).toBe(refusal);
      expect((await stored())[key], name).toBe(before);
      expect((await settings(ids.ownerId, 'set', { [name]: max })).content, name).toMatch(/^Settings saved\./);
      expect((await stored())[key], name).toBe(max);
      expect((await settings(ids.ownerId, 'set', { [name]: 1 })).content, name).toMatch(/^Settings saved\./);
      expect((await stored())[key], name).toBe(1);
    }
  });

  it('refuses @everyone as the staff role, a change that names nothing, and members who are not staff', async () => {
    const { ids } = bot;
    const everyone = await settings(ids.ownerId, 'set', { staff_role: ids.guildId, flag_threshold: 9 });
    expect(everyone.ephemeral).toBe(true);
    expect(everyone.content).toBe('@everyone cannot be the staff role.');
    expect(await stored()).toMatchObject({ staffRoleId: null, flagThreshold: 3 });

    const nothing = await settings(ids.ownerId, 'set');
    expect(nothing.ephemeral).toBe(true);
    expect(nothing.content).toBe('Choose at least one setting to change.');

    // A member without Manage Server nor the staff role: refused, and shown nothing.
    for (const [subcommand, options] of [['show', {}], ['set', { flag_threshold: 9 }], ['clear', { setting: 'timezone' }], ['ignore-channel', { channel: ids.general }]] as const) {
      const refused = await settings(ids.alice, subcommand, options);
      expect(refused.ephemeral, subcommand).toBe(true);
      expect(refused.content, subcommand).toBe('Only staff can do this: members with Manage Server or the staff role set in `/settings`.');
      expect(refused.embeds, subcommand).toEqual([]);
    }
    expect(await stored()).toMatchObject({ flagThreshold: 3, ignoredChannelIds: [] });
  });

  it('refuses a staff channel where the bot cannot attach files (the digest chart), but takes it as the moderation channel', async () => {
    const { ids, fake } = bot;
    fake.setChannelOverwrites(ids.staffChannel, [{ id: fake.appId, type: 1, allow: '0', deny: String(PermissionFlagsBits.AttachFiles) }]);
    const client = bot.app.client;
    await fake.waitFor(() => client.guilds.cache.get(ids.guildId)?.channels.cache.get(ids.staffChannel)?.permissionsFor(fake.appId)?.has(PermissionFlagsBits.AttachFiles) === false);
    const refused = await settings(ids.ownerId, 'set', { staff_channel: ids.staffChannel });
    expect(refused.content).toBe(`I can't post in <#${ids.staffChannel}>: I need Attach Files there. Ask an admin, or pick another channel.`);
    expect((await stored()).staffChannelId).toBeNull();
    expect((await settings(ids.ownerId, 'set', { mod_channel: ids.staffChannel })).content).toMatch(/^Settings saved\./);
    expect((await stored()).modChannelId).toBe(ids.staffChannel);
  });

  it('ignores at most 100 channels: with 100 ignored, another is refused and nothing is written', async () => {
    const { ids } = bot;
    const hundred = Array.from({ length: 100 }, (_, i) => String(910000000000000000n + BigInt(i)));
    await updateSettings(bot.db, ids.guildId, { ignoredChannelIds: hundred }, bot.clock.now());
    const refused = await settings(ids.ownerId, 'ignore-channel', { channel: ids.modChannel });
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toBe('You can ignore at most 100 channels.');
    expect((await stored()).ignoredChannelIds).toEqual(hundred);
    // /settings show still answers, listing all 100 over as many fields as they take.
    const shown = await settings(ids.ownerId, 'show', {});
    const fields = (shown.embeds[0]?.fields ?? []).filter((f) => f.name === 'Ignored channels');
    expect(fields.length).toBeGreaterThan(1);
    expect(fields.every((f) => f.value.length <= 1024)).toBe(true);
    expect(fields.flatMap((f) => f.value.split(' '))).toEqual(hundred.map((id) => `<#${id}>`));
    expect(bot.errors).toEqual([]);
  });
});

describe('the ignored channels in the store', () => {
  it('takes the 100th channel under a limit of 100, refuses a 101st, and always lets one out', async () => {
    const database = await testDatabase();
    try {
      const guild = '900000000000000001';
      const ids = Array.from({ length: 99 }, (_, i) => String(910000000000000000n + BigInt(i)));
      await updateSettings(database.db, guild, { ignoredChannelIds: ids }, 0);
      const hundredth = await changeIgnoredChannel(database.db, guild, { channelId: '920000000000000001', ignore: true, max: 100, now: 1 });
      expect(hundredth.tooMany).toBe(false);
      expect(hundredth.settings.ignoredChannelIds).toHaveLength(100);
      const again = await changeIgnoredChannel(database.db, guild, { channelId: '920000000000000001', ignore: true, max: 100, now: 2 });
      expect(again.tooMany).toBe(false); // already ignored: nothing grows
      const extra = await changeIgnoredChannel(database.db, guild, { channelId: '920000000000000002', ignore: true, max: 100, now: 3 });
      expect(extra.tooMany).toBe(true);
      expect((await getSettings(database.db, guild)).ignoredChannelIds).toHaveLength(100);
      const out = await changeIgnoredChannel(database.db, guild, { channelId: ids[0]!, ignore: false, max: 100, now: 4 });
      expect(out.tooMany).toBe(false);
      expect((await getSettings(database.db, guild)).ignoredChannelIds).toHaveLength(99);
    } finally {
      await database.close();
    }
  });
});
