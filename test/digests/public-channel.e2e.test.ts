// The digest names members (at-risk regulars, top contributors): /digest schedule and /digest show
// warn when everyone can read the channel it posts in, and say nothing when only staff can.
import { OverwriteType, PermissionFlagsBits } from 'discord.js';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { updateSettings } from '../../src/settings/store.js';
import { TestBot } from '../support/bot.js';

let bot: TestBot;
beforeEach(async () => {
  bot = await TestBot.start({ now: Date.parse('2026-11-02T09:30:00Z') });
  await updateSettings(bot.db, bot.ids.guildId, { staffChannelId: bot.ids.staffChannel, staffRoleId: bot.ids.staffRoleId, timezone: 'UTC' }, bot.clock.now());
});
afterEach(() => bot.close());

const slash = (subcommand: string, options?: Record<string, string | number>) =>
  bot.fake.slash({ channelId: bot.ids.general, userId: bot.ids.moderator, name: 'digest', subcommand, ...(options ? { options } : {}) }).reply(15_000);

it('warns in the schedule reply and in /digest show when everyone can read the channel', async () => {
  const saved = JSON.stringify((await slash('schedule', { frequency: 'daily', time: '09:00', channel: bot.ids.general })).embeds[0]);
  expect(saved).toContain(`Everyone can read <#${bot.ids.general}>, and the digest names members there`);
  expect(JSON.stringify((await slash('show')).embeds[0])).toContain('⚠️ Everyone can read this channel');

  // Closed to @everyone: no warning.
  bot.fake.setChannelOverwrites(bot.ids.general, [{ id: bot.ids.guildId, type: OverwriteType.Role, allow: '0', deny: String(PermissionFlagsBits.ViewChannel) }]);
  await slash('show');
  expect(JSON.stringify((await slash('show')).embeds[0])).not.toContain('Everyone can read');
});
