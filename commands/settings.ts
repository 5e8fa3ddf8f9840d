// /settings: staff configure Pulse for their server.
import { ApplicationCommandOptionType as Opt, ChannelType, PermissionFlagsBits } from 'discord-api-types/v10';
import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord-api-types/v10';

const textChannels: [ChannelType.GuildText, ChannelType.GuildAnnouncement] = [ChannelType.GuildText, ChannelType.GuildAnnouncement];
/**
 * What activity happens in (an ignored channel covers its threads and forum posts too). Not
 * categories: no event names one, so ignoring one would do nothing.
 */
const activityChannels = [
  ...textChannels,
  ChannelType.GuildForum,
  ChannelType.GuildMedia,
  ChannelType.GuildVoice,
  ChannelType.GuildStageVoice,
  ChannelType.PublicThread,
  ChannelType.PrivateThread,
  ChannelType.AnnouncementThread,
] as const;

export const settingsCommand = {
  name: 'settings',
  description: 'Show or change how Pulse works in this server (staff only)',
  default_member_permissions: String(PermissionFlagsBits.ManageGuild),
  contexts: [0],
  options: [
    { type: Opt.Subcommand, name: 'show', description: 'Show the current settings' },
    {
      type: Opt.Subcommand,
      name: 'set',
      description: 'Change one or more settings',
      options: [
        { type: Opt.Channel, name: 'staff_channel', description: 'Where digests go', channel_types: textChannels },
        { type: Opt.Channel, name: 'mod_channel', description: 'Where flagged messages are reviewed', channel_types: textChannels },
        { type: Opt.Channel, name: 'feedback_channel', description: 'Where feedback threads are opened', channel_types: [...textChannels, ChannelType.GuildForum] },
        { type: Opt.String, name: 'timezone', description: 'IANA time zone for days and weeks, e.g. Europe/Berlin', autocomplete: true, max_length: 64 },
        { type: Opt.String, name: 'flag_emoji', description: 'The reaction that flags a message (default 🚩)', max_length: 80 },
        { type: Opt.Integer, name: 'flag_threshold', description: 'Members whose 🚩 reactions open a review case (default 3); a menu report opens one at once', min_value: 1, max_value: 50 },
        { type: Opt.Integer, name: 'flag_daily_limit', description: 'Flags one member may make per day (default 20)', min_value: 1, max_value: 1000 },
        { type: Opt.Integer, name: 'flag_max_age_hours', description: 'Ignore flags on messages older than this (default 168)', min_value: 1, max_value: 8760 },
        { type: Opt.Role, name: 'staff_role', description: 'Members with this role count as staff' },
        {
          type: Opt.String,
          name: 'language',
          description: 'The language of digests and other posts everyone sees',
          choices: [
            { name: 'English', value: 'en' },
            { name: 'Español', value: 'es' },
            { name: 'Русский', value: 'ru' },
          ],
        },
        { type: Opt.Boolean, name: 'feedback_capture_staff_only', description: 'Only staff may use "Capture as feedback" (default: everyone)' },
        { type: Opt.Boolean, name: 'feedback_lock_on_close', description: 'Lock feedback threads when done, declined or duplicate (default: archive only)' },
        { type: Opt.Integer, name: 'feedback_waiting_hours', description: 'Feedback unanswered this long counts as waiting (default 48)', min_value: 1, max_value: 2160 },
        { type: Opt.Integer, name: 'feedback_daily_limit', description: 'Feedback items one member may add per day (default 10)', min_value: 1, max_value: 1000 },
      ],
    },
    {
      type: Opt.Subcommand,
      name: 'ignore-channel',
      description: 'Stop recording activity in a channel',
      options: [{ type: Opt.Channel, name: 'channel', description: 'The channel to ignore', required: true, channel_types: [...activityChannels] }],
    },
    {
      type: Opt.Subcommand,
      name: 'unignore-channel',
      description: 'Record activity in an ignored channel again',
      options: [{ type: Opt.Channel, name: 'channel', description: 'The channel to record again', required: true }],
    },
    {
      type: Opt.Subcommand,
      name: 'clear',
      description: 'Reset one setting to its default',
      options: [
        {
          type: Opt.String,
          name: 'setting',
          description: 'The setting to reset',
          required: true,
          choices: [
            { name: 'staff channel', value: 'staff_channel' },
            { name: 'moderation channel', value: 'mod_channel' },
            { name: 'feedback channel', value: 'feedback_channel' },
            { name: 'staff role', value: 'staff_role' },
            { name: 'time zone', value: 'timezone' },
            { name: 'flag emoji', value: 'flag_emoji' },
            { name: 'flag threshold', value: 'flag_threshold' },
            { name: 'flag daily limit', value: 'flag_daily_limit' },
            { name: 'flag max age (hours)', value: 'flag_max_age_hours' },
            { name: 'ignored channels', value: 'ignored_channels' },
            { name: 'feedback waiting hours', value: 'feedback_waiting_hours' },
            { name: 'feedback daily limit', value: 'feedback_daily_limit' },
            { name: 'feedback capture: staff only', value: 'feedback_capture_staff_only' },
            { name: 'feedback: lock threads on close', value: 'feedback_lock_on_close' },
            { name: 'language (back to the server’s Discord language)', value: 'language' },
          ],
        },
      ],
    },
  ],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;
