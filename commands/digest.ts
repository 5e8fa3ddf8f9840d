// /digest: staff schedule, inspect and preview the engagement digests posted to the staff channel.
import { ApplicationCommandOptionType as Opt, ChannelType, PermissionFlagsBits } from 'discord-api-types/v10';
import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord-api-types/v10';

const periodChoices: Array<{ name: string; value: string }> = [
  { name: 'day (yesterday)', value: 'day' },
  { name: 'week (last Monday–Sunday)', value: 'week' },
  { name: 'month (last calendar month)', value: 'month' },
];

export const digestCommand = {
  name: 'digest',
  description: 'Scheduled engagement digests for staff (staff only)',
  default_member_permissions: String(PermissionFlagsBits.ManageGuild),
  contexts: [0],
  options: [
    {
      type: Opt.Subcommand,
      name: 'schedule',
      description: 'Post a digest on a schedule (replaces the current one)',
      options: [
        {
          type: Opt.String,
          name: 'frequency',
          description: 'How often',
          required: true,
          choices: [
            { name: 'daily', value: 'daily' },
            { name: 'weekly', value: 'weekly' },
            { name: 'monthly', value: 'monthly' },
            { name: 'cron expression (advanced)', value: 'cron' },
          ],
        },
        { type: Opt.String, name: 'time', description: 'Local time HH:MM, 24-hour (default 09:00), in the server time zone', max_length: 5 },
        {
          type: Opt.Integer,
          name: 'weekday',
          description: 'Weekly: the day to post (default Monday)',
          choices: [
            { name: 'Monday', value: 1 },
            { name: 'Tuesday', value: 2 },
            { name: 'Wednesday', value: 3 },
            { name: 'Thursday', value: 4 },
            { name: 'Friday', value: 5 },
            { name: 'Saturday', value: 6 },
            { name: 'Sunday', value: 7 },
          ],
        },
        { type: Opt.Integer, name: 'day', description: 'Monthly: the day of the month (default 1; 29–31 mean the last day in short months)', min_value: 1, max_value: 31 },
        { type: Opt.String, name: 'cron', description: 'Cron: 5 fields, minute hour day month weekday, e.g. "0 9 * * 1"', max_length: 100 },
        { type: Opt.String, name: 'period', description: 'What each digest covers (default: matches the frequency; week for cron)', choices: periodChoices },
        { type: Opt.Channel, name: 'channel', description: 'Where to post (default: the staff channel from /settings)', channel_types: [ChannelType.GuildText, ChannelType.GuildAnnouncement] },
      ],
    },
    { type: Opt.Subcommand, name: 'show', description: 'Show the schedule, the next runs and the last posts' },
    { type: Opt.Subcommand, name: 'pause', description: 'Stop posting digests until resumed' },
    { type: Opt.Subcommand, name: 'resume', description: 'Post digests again (missed ones are not sent)' },
    {
      type: Opt.Subcommand,
      name: 'preview',
      description: 'See the digest of the last complete period now, only for you',
      options: [{ type: Opt.String, name: 'period', description: 'The period (default: the schedule’s, else week)', choices: periodChoices }],
    },
  ],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;
