// /feedback and the "Capture as feedback" message command: submit, read, triage and export feedback.
import { ApplicationCommandOptionType as Opt, ApplicationCommandType } from 'discord-api-types/v10';
import type { RESTPostAPIChatInputApplicationCommandsJSONBody, RESTPostAPIContextMenuApplicationCommandsJSONBody } from 'discord-api-types/v10';

export const CAPTURE_COMMAND = 'Capture as feedback';

const statusChoices: Array<{ name: string; value: string }> = [
  { name: 'open', value: 'open' },
  { name: 'under review', value: 'under_review' },
  { name: 'planned', value: 'planned' },
  { name: 'in progress', value: 'in_progress' },
  { name: 'done', value: 'done' },
  { name: 'declined', value: 'declined' },
  { name: 'duplicate', value: 'duplicate' },
];

const itemOption = { type: Opt.Integer, name: 'item', description: 'The item (type to search by title or id)', required: true, autocomplete: true, min_value: 1 } as const;

export const feedbackCommand = {
  name: 'feedback',
  description: 'Share ideas and bugs, vote, and follow what staff decide',
  contexts: [0],
  options: [
    { type: Opt.Subcommand, name: 'submit', description: 'Submit feedback: a title, details and a category' },
    {
      type: Opt.Subcommand,
      name: 'list',
      description: 'List feedback items (only to you)',
      options: [
        { type: Opt.String, name: 'status', description: 'Only items with this status', choices: statusChoices },
        { type: Opt.String, name: 'category', description: 'Only items of this category', autocomplete: true, max_length: 40 },
        {
          type: Opt.String,
          name: 'sort',
          description: 'top: most votes · new: newest · waiting: no staff answer yet, oldest first',
          choices: [
            { name: 'top', value: 'top' },
            { name: 'new', value: 'new' },
            { name: 'waiting', value: 'waiting' },
          ],
        },
      ],
    },
    { type: Opt.Subcommand, name: 'show', description: "Show an item: votes, thread, history (only to you)", options: [itemOption] },
    {
      type: Opt.Subcommand,
      name: 'status',
      description: "Change an item's status, with a reason (staff only)",
      options: [
        itemOption,
        { type: Opt.String, name: 'status', description: 'The new status', required: true, choices: statusChoices },
        { type: Opt.String, name: 'reason', description: 'Why (shown on the post and to the author)', max_length: 500 },
        { type: Opt.Integer, name: 'duplicate_of', description: 'With the status duplicate: the original item', autocomplete: true, min_value: 1 },
      ],
    },
    { type: Opt.Subcommand, name: 'export', description: 'Download every item as CSV (staff only)' },
    {
      type: Opt.SubcommandGroup,
      name: 'categories',
      description: 'Manage the categories members choose from (staff only)',
      options: [
        { type: Opt.Subcommand, name: 'list', description: 'Show the categories' },
        { type: Opt.Subcommand, name: 'add', description: 'Add a category', options: [{ type: Opt.String, name: 'name', description: 'The category', required: true, max_length: 40 }] },
        { type: Opt.Subcommand, name: 'remove', description: 'Remove a category (items keep theirs)', options: [{ type: Opt.String, name: 'name', description: 'The category', required: true, autocomplete: true, max_length: 40 }] },
      ],
    },
  ],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

export const captureCommand = {
  type: ApplicationCommandType.Message,
  name: CAPTURE_COMMAND,
  contexts: [0],
} as const satisfies RESTPostAPIContextMenuApplicationCommandsJSONBody;
