// /settings and /pulse about.
import { ChannelType, EmbedBuilder, MessageFlags, type ChatInputCommandInteraction, type Client } from 'discord.js';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { DB } from '../db/schema.js';
import { UserError } from '../discord/errors.js';
import { botPermission, requireBotCan, type NamedPermission } from '../discord/permissions.js';
import type { Routes } from '../discord/router.js';
import { requireStaff } from '../discord/staff.js';
import { clearPatch, clearableSettings, flagEmojiSchema, settingLimits, timeZoneSchema, type ClearableSetting, type GuildSettings, type SettingsPatch } from './settings.js';
import { getSettings, updateSettings } from './store.js';

export interface SettingsDeps {
  db: Kysely<DB>;
  clock: Clock;
}

const channel = (id: string | null) => (id ? `<#${id}>` : 'not set');

export function renderSettings(s: GuildSettings): EmbedBuilder {
  return new EmbedBuilder().setTitle('Pulse settings').addFields(
    { name: 'Staff channel (digests)', value: channel(s.staffChannelId), inline: true },
    { name: 'Moderation channel', value: channel(s.modChannelId), inline: true },
    { name: 'Feedback channel', value: channel(s.feedbackChannelId), inline: true },
    { name: 'Staff role', value: s.staffRoleId ? `<@&${s.staffRoleId}>` : 'not set (Manage Server only)', inline: true },
    { name: 'Time zone', value: s.timezone, inline: true },
    { name: 'Flag emoji', value: s.flagEmoji, inline: true },
    { name: 'Flag threshold', value: `${s.flagThreshold} members`, inline: true },
    { name: 'Flags per member per day', value: String(s.flagDailyLimit), inline: true },
    { name: 'Flags ignored on messages older than', value: `${s.flagMaxAgeHours} h`, inline: true },
    { name: 'Feedback capture', value: s.feedbackCaptureStaffOnly ? 'staff only' : 'everyone', inline: true },
    { name: 'Lock feedback threads on close', value: s.feedbackLockOnClose ? 'yes' : 'no (archive only)', inline: true },
    { name: 'Feedback waiting after', value: `${s.feedbackWaitingHours} h without a staff answer`, inline: true },
    { name: 'Ignored channels', value: s.ignoredChannelIds.length ? s.ignoredChannelIds.map((id) => `<#${id}>`).join(' ') : 'none' },
  );
}

/** The bot must be able to post where staff point it: checked against its own permissions. */
function requirePostable(interaction: ChatInputCommandInteraction, option: string): string | null {
  const chosen = interaction.options.getChannel(option);
  if (!chosen) return null;
  const { view, send, embed, createThreads, sendInThreads, manageThreads, manageChannels, history } = botPermission;
  let needed: readonly NamedPermission[] = [view, send, embed];
  // Feedback posts: a thread per item (forum posts, or threads on the item's message), tags
  // created on the forum and changed on posts, threads archived and locked on decisions.
  if (option === 'feedback_channel') {
    needed = chosen.type === ChannelType.GuildForum ? [view, send, embed, sendInThreads, manageThreads, manageChannels] : [view, send, embed, history, createThreads, sendInThreads, manageThreads];
  } else if (chosen.type === ChannelType.GuildForum) needed = [view, send, createThreads];
  requireBotCan(interaction.guild, chosen.id, needed);
  return chosen.id;
}

async function handleSet(interaction: ChatInputCommandInteraction, deps: SettingsDeps): Promise<GuildSettings> {
  const patch: SettingsPatch = {};
  const staffChannel = requirePostable(interaction, 'staff_channel');
  if (staffChannel) patch.staffChannelId = staffChannel;
  const modChannel = requirePostable(interaction, 'mod_channel');
  if (modChannel) patch.modChannelId = modChannel;
  const feedbackChannel = requirePostable(interaction, 'feedback_channel');
  if (feedbackChannel) patch.feedbackChannelId = feedbackChannel;
  const tz = interaction.options.getString('timezone');
  if (tz !== null) {
    const parsed = timeZoneSchema.safeParse(tz);
    if (!parsed.success) throw new UserError(`\`${tz.slice(0, 64)}\` is not a time zone I know. Use an IANA name such as \`Europe/Berlin\` or \`America/New_York\`.`);
    patch.timezone = parsed.data;
  }
  const emoji = interaction.options.getString('flag_emoji');
  if (emoji !== null) {
    const parsed = flagEmojiSchema.safeParse(emoji);
    if (!parsed.success) throw new UserError('The flag emoji must be a single emoji, like 🚩, or a custom emoji of this server.');
    patch.flagEmoji = parsed.data;
  }
  const threshold = interaction.options.getInteger('flag_threshold');
  if (threshold !== null) patch.flagThreshold = boundedInt(threshold, 1, 50, 'flag_threshold');
  const daily = interaction.options.getInteger('flag_daily_limit');
  if (daily !== null) patch.flagDailyLimit = boundedInt(daily, 1, 1000, 'flag_daily_limit');
  const age = interaction.options.getInteger('flag_max_age_hours');
  if (age !== null) patch.flagMaxAgeHours = boundedInt(age, 1, 8760, 'flag_max_age_hours');
  const captureStaffOnly = interaction.options.getBoolean('feedback_capture_staff_only');
  if (captureStaffOnly !== null) patch.feedbackCaptureStaffOnly = captureStaffOnly;
  const lockOnClose = interaction.options.getBoolean('feedback_lock_on_close');
  if (lockOnClose !== null) patch.feedbackLockOnClose = lockOnClose;
  const waiting = interaction.options.getInteger('feedback_waiting_hours');
  if (waiting !== null) patch.feedbackWaitingHours = boundedInt(waiting, settingLimits.feedbackWaitingHours.min, settingLimits.feedbackWaitingHours.max, 'feedback_waiting_hours');
  const role = interaction.options.getRole('staff_role');
  if (role) {
    if (role.id === interaction.guildId) throw new UserError('@everyone cannot be the staff role.');
    patch.staffRoleId = role.id;
  }
  if (Object.keys(patch).length === 0) throw new UserError('Choose at least one setting to change.');
  return updateSettings(deps.db, interaction.guildId!, patch, deps.clock.now());
}

/** Discord enforces option ranges in its client, but a crafted request can skip them. */
function boundedInt(value: number, min: number, max: number, name: string): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new UserError(`\`${name}\` must be a whole number from ${min} to ${max}.`);
  return value;
}

export function settingsRoutes(deps: SettingsDeps): Routes {
  return {
    commands: {
      async settings(interaction) {
        const guildId = interaction.guildId!;
        const current = await getSettings(deps.db, guildId);
        requireStaff(interaction, current.staffRoleId);
        const sub = interaction.options.getSubcommand(true);
        let next = current;
        let note = '';
        if (sub === 'set') {
          next = await handleSet(interaction, deps);
          note = 'Settings saved.';
        } else if (sub === 'ignore-channel' || sub === 'unignore-channel') {
          const target = interaction.options.getChannel('channel', true).id;
          const ids = new Set(current.ignoredChannelIds);
          if (sub === 'ignore-channel') ids.add(target);
          else ids.delete(target);
          if (ids.size > 100) throw new UserError('You can ignore at most 100 channels.');
          next = await updateSettings(deps.db, guildId, { ignoredChannelIds: [...ids] }, deps.clock.now());
          note = sub === 'ignore-channel' ? `Activity in <#${target}> is no longer recorded.` : `Activity in <#${target}> is recorded again.`;
        } else if (sub === 'clear') {
          const setting = interaction.options.getString('setting', true);
          if (!(clearableSettings as readonly string[]).includes(setting)) throw new UserError('Unknown setting.');
          next = await updateSettings(deps.db, guildId, clearPatch(setting as ClearableSetting), deps.clock.now());
          note = 'Setting reset to its default.';
        }
        await interaction.reply({ content: note || undefined, embeds: [renderSettings(next)], flags: MessageFlags.Ephemeral });
      },
    },
    autocomplete: {
      async settings(interaction) {
        const typed = interaction.options.getFocused().toLowerCase();
        const zones = ['UTC', ...Intl.supportedValuesOf('timeZone')];
        const matches = zones.filter((z) => z.toLowerCase().includes(typed)).slice(0, 25);
        await interaction.respond(matches.map((z) => ({ name: z, value: z })));
      },
    },
  };
}

export function aboutRoutes(client: () => Client): Routes {
  return {
    commands: {
      async pulse(interaction) {
        const embed = new EmbedBuilder()
          .setTitle('Pulse')
          .setDescription(
            [
              'Pulse runs polls, counts member activity, routes 🚩 flags to moderators, runs feedback threads, and posts engagement digests to staff.',
              '',
              '**What it keeps about members**: ids and instants of messages, reactions, threads, voice sessions, joins and leaves, so it can count activity. It never stores message text, except a short excerpt of a message flagged to moderators from its menu and the text of feedback you submit or that is captured as feedback (replies in feedback threads are counted, not stored).',
              '**Your choice**: `/privacy show` tells what is kept about you, `/privacy export` gives it to you, `/privacy opt-out` stops recording and deletes your activity.',
              '**Who sees what**: per-member figures are shown to staff only; anonymous polls never link you to your answer.',
            ].join('\n'),
          )
          .setFooter({ text: `Serving ${client().guilds.cache.size} server(s)` });
        await interaction.reply({ embeds: [embed], flags: MessageFlags.Ephemeral });
      },
    },
  };
}
