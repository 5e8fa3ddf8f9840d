// /poll: create, close, show, list, export and delete polls.
import { ApplicationCommandOptionType as Opt, ChannelType } from 'discord-api-types/v10';
import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord-api-types/v10';

const pollOption = { type: Opt.Integer, name: 'poll', description: 'The poll (type to search by question or id)', required: true, autocomplete: true, min_value: 1 } as const;

export const pollCommand = {
  name: 'poll',
  description: 'Run polls: anonymous or open, timed, role-restricted, with live results',
  contexts: [0],
  options: [
    {
      type: Opt.Subcommand,
      name: 'create',
      description: 'Post a new poll',
      options: [
        { type: Opt.String, name: 'question', description: 'What you are asking', required: true, max_length: 300 },
        { type: Opt.String, name: 'choices', description: '2 to 20 choices separated by |, e.g. Pizza | Tacos | Sushi', required: true, max_length: 2000 },
        { type: Opt.Boolean, name: 'multiple', description: 'Members may pick several choices (default: one)' },
        { type: Opt.Integer, name: 'max_choices', description: 'With multiple: at most this many choices per member', min_value: 1, max_value: 20 },
        { type: Opt.Boolean, name: 'anonymous', description: 'Nobody, staff included, can see who voted for what' },
        { type: Opt.Boolean, name: 'hide_results', description: 'Hide the counts until the poll closes' },
        { type: Opt.String, name: 'duration', description: 'Close automatically after e.g. 30m, 2h, 3d (1 minute to 30 days)', max_length: 20 },
        { type: Opt.Role, name: 'role', description: 'Only members with this role may vote' },
        { type: Opt.Channel, name: 'channel', description: 'Where to post it (default: here)', channel_types: [ChannelType.GuildText, ChannelType.GuildAnnouncement] },
        { type: Opt.Boolean, name: 'native', description: "Post a native Discord poll instead (≤10 choices, public, 1 h to 32 days)" },
      ],
    },
    { type: Opt.Subcommand, name: 'close', description: 'Close a poll now and show its final results', options: [pollOption] },
    { type: Opt.Subcommand, name: 'results', description: "Show a poll's current or final results (only to you)", options: [pollOption] },
    { type: Opt.Subcommand, name: 'list', description: 'List the open polls in this server' },
    { type: Opt.Subcommand, name: 'export', description: "Download a poll's votes as CSV (staff only)", options: [pollOption] },
    { type: Opt.Subcommand, name: 'delete', description: 'Delete a poll, its message and its votes', options: [pollOption] },
  ],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;
