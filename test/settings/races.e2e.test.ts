// /settings changes made at the same time: each writes only what it changes, so two staff
// members changing different settings, or ignoring two channels, at once keep both changes.
import { afterEach, describe, expect, it } from 'vitest';
import type { FeatureFactory } from '../../src/feature.js';
import { settingsRoutes } from '../../src/settings/discord.js';
import { changeIgnoredChannel, getSettings, updateSettings } from '../../src/settings/store.js';
import type { Database } from '../../src/db/open.js';
import { TestBot } from '../support/bot.js';
import { testDatabase } from '../support/db.js';

let bot: TestBot | undefined;
let database: Database | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
  await database?.close();
  database = undefined;
});

const features: FeatureFactory[] = [(ctx) => ({ name: 'settings', routes: settingsRoutes(ctx) })];
const settings = (b: TestBot, userId: string, subcommand: string, options: Record<string, string | number | boolean>) =>
  b.fake.slash({ channelId: b.ids.staffChannel, userId, name: 'settings', subcommand, options }).reply();

describe('/settings changed at the same time', () => {
  it('two staff members set different settings at once: both are kept', async () => {
    bot = await TestBot.start({ features });
    const { ids } = bot;
    await settings(bot, ids.ownerId, 'set', { staff_role: ids.staffRoleId });
    const [a, b] = await Promise.all([settings(bot, ids.ownerId, 'set', { timezone: 'Europe/Berlin' }), settings(bot, ids.moderator, 'set', { flag_threshold: 5 })]);
    expect([a.content, b.content]).toEqual(['Settings saved.', 'Settings saved.\n⚠️ No moderation channel is set: new flag cases wait unseen in `/flags queue`. Set one with `/settings set mod_channel`.']);
    const s = await getSettings(bot.db, ids.guildId);
    expect([s.timezone, s.flagThreshold, s.staffRoleId]).toEqual(['Europe/Berlin', 5, ids.staffRoleId]);
  });

  it('two channels ignored at once: both are ignored, as both replies say', async () => {
    bot = await TestBot.start({ features });
    const { ids } = bot;
    const [a, b] = await Promise.all([settings(bot, ids.ownerId, 'ignore-channel', { channel: ids.general }), settings(bot, ids.ownerId, 'ignore-channel', { channel: ids.voice })]);
    expect([a.content, b.content]).toEqual([`Activity in <#${ids.general}> is no longer recorded.`, `Activity in <#${ids.voice}> is no longer recorded.`]);
    expect((await getSettings(bot.db, ids.guildId)).ignoredChannelIds.sort()).toEqual([ids.general, ids.voice].sort());

    // Unignoring one while ignoring another: the list ends with exactly the other two changes made.
    await Promise.all([settings(bot, ids.ownerId, 'unignore-channel', { channel: ids.general }), settings(bot, ids.ownerId, 'ignore-channel', { channel: ids.modChannel })]);
    expect((await getSettings(bot.db, ids.guildId)).ignoredChannelIds.sort()).toEqual([ids.voice, ids.modChannel].sort());
  });

  it('the store writes only the settings a change names', async () => {
    database = await testDatabase();
    const { db } = database;
    await Promise.all([updateSettings(db, 'g', { timezone: 'Asia/Tokyo' }, 1), updateSettings(db, 'g', { flagThreshold: 7 }, 2), updateSettings(db, 'g', { language: 'es' }, 3)]);
    const s = await getSettings(db, 'g');
    expect([s.timezone, s.flagThreshold, s.language, s.flagEmoji, s.ignoredChannelIds]).toEqual(['Asia/Tokyo', 7, 'es', '🚩', []]);
    // What it returns is the whole row as it now is.
    expect(await updateSettings(db, 'g', { staffRoleId: 'r' }, 4)).toEqual({ ...s, staffRoleId: 'r' });

    const ignored = await Promise.all(['c1', 'c2', 'c3'].map((channelId, i) => changeIgnoredChannel(db, 'g', { channelId, ignore: true, max: 100, now: 10 + i })));
    expect(ignored.map((r) => r.tooMany)).toEqual([false, false, false]);
    expect((await getSettings(db, 'g')).ignoredChannelIds).toEqual(['c1', 'c2', 'c3']);
    // Past the limit nothing is written; taking one out always works.
    expect((await changeIgnoredChannel(db, 'g', { channelId: 'c4', ignore: true, max: 3, now: 20 })).tooMany).toBe(true);
    expect((await changeIgnoredChannel(db, 'g', { channelId: 'c2', ignore: false, max: 1, now: 21 })).settings.ignoredChannelIds).toEqual(['c1', 'c3']);
    expect((await getSettings(db, 'g')).timezone).toBe('Asia/Tokyo');
  });
});
