// /survey: create from a template or a JSON file, start, close, results, export, recurring runs, reminders.
import { ApplicationCommandOptionType as Opt, ChannelType, PermissionFlagsBits } from 'discord-api-types/v10';
import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord-api-types/v10';

const surveyOption = { type: Opt.Integer, name: 'survey', description: 'The survey (type to search by title or id)', required: true, autocomplete: true, min_value: 1 } as const;
const channelTypes: Array<ChannelType.GuildText | ChannelType.GuildAnnouncement> = [ChannelType.GuildText, ChannelType.GuildAnnouncement];

export const SURVEY_TEMPLATE_CHOICES: Array<{ name: string; value: string }> = [
  { name: 'NPS: 0–10 score and why', value: 'nps' },
  { name: 'CSAT: satisfaction 1–5', value: 'csat' },
  { name: 'New-member onboarding', value: 'onboarding' },
  { name: 'Check-in for quiet members', value: 'checkin' },
  { name: 'Event feedback', value: 'event' },
];

export const surveyCommand = {
  name: 'survey',
  description: 'Run multi-question surveys in Discord modals: NPS, CSAT, per-role results (staff)',
  contexts: [0],
  default_member_permissions: String(PermissionFlagsBits.ManageGuild),
  options: [
    {
      type: Opt.Subcommand,
      name: 'create',
      description: 'Create a survey from a template or a JSON definition (it starts with /survey start)',
      options: [
        { type: Opt.String, name: 'template', description: 'A built-in survey', choices: SURVEY_TEMPLATE_CHOICES },
        { type: Opt.Attachment, name: 'file', description: 'A .json survey definition (see docs/surveys.md)' },
        { type: Opt.String, name: 'title', description: 'Replace the title', max_length: 100 },
        { type: Opt.Boolean, name: 'anonymous', description: 'Store no member with the answers (overrides the definition)' },
      ],
    },
    {
      type: Opt.Subcommand,
      name: 'start',
      description: 'Post the survey with a “Take the survey” button',
      options: [
        surveyOption,
        { type: Opt.Channel, name: 'channel', description: 'Where to post it (default: here)', channel_types: channelTypes },
        { type: Opt.String, name: 'closes_in', description: 'Close automatically after e.g. 2h, 3d, 1w (1 minute to 90 days)', max_length: 20 },
        { type: Opt.Role, name: 'role', description: 'Only members with this role may answer' },
      ],
    },
    { type: Opt.Subcommand, name: 'close', description: 'Close a survey now', options: [surveyOption] },
    { type: Opt.Subcommand, name: 'list', description: 'List the surveys of this server' },
    { type: Opt.Subcommand, name: 'results', description: 'Scores, distributions, charts and per-role results (only to you)', options: [surveyOption] },
    { type: Opt.Subcommand, name: 'export', description: 'Download the responses as CSV, one row per response', options: [surveyOption] },
    { type: Opt.Subcommand, name: 'delete', description: 'Delete a survey, its responses and its schedule', options: [surveyOption] },
    { type: Opt.Subcommand, name: 'remind', description: 'DM members who started but did not submit (once each)', options: [surveyOption] },
    {
      type: Opt.Subcommand,
      name: 'recur',
      description: 'Run a copy of this survey on a schedule (e.g. a monthly NPS)',
      options: [
        surveyOption,
        {
          type: Opt.String,
          name: 'every',
          description: 'How often (or stop)',
          required: true,
          choices: [
            { name: 'day', value: 'day' },
            { name: 'week', value: 'week' },
            { name: 'month', value: 'month' },
            { name: 'stop', value: 'stop' },
          ],
        },
        { type: Opt.String, name: 'time', description: 'Local time HH:MM in the server’s time zone (default 09:00)', max_length: 5 },
        { type: Opt.Integer, name: 'weekday', description: 'Weekly: 1 = Monday … 7 = Sunday (default 1)', min_value: 1, max_value: 7 },
        { type: Opt.Integer, name: 'day', description: 'Monthly: day of the month (default 1; past the month’s end means its last day)', min_value: 1, max_value: 31 },
        { type: Opt.String, name: 'open_for', description: 'How long each run stays open, e.g. 3d (default: 3 days, less than the interval)', max_length: 20 },
        { type: Opt.Channel, name: 'channel', description: 'Where to post each run (default: here)', channel_types: channelTypes },
        { type: Opt.Role, name: 'role', description: 'Only members with this role may answer' },
      ],
    },
  ],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;
