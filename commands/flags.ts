// /flags: the moderators' review queue, flag figures, and blocking members from flagging (staff only).
import { ApplicationCommandOptionType as Opt, PermissionFlagsBits } from 'discord-api-types/v10';
import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord-api-types/v10';

export const flagsCommand = {
  name: 'flags',
  description: 'Review flagged messages and flag figures (staff only)',
  // Moderators usually have Manage Messages; the handler re-checks staff (Manage Server or the staff role).
  default_member_permissions: String(PermissionFlagsBits.ManageMessages),
  contexts: [0],
  options: [
    {
      type: Opt.Subcommand,
      name: 'queue',
      description: 'Open review cases, oldest first',
      options: [{ type: Opt.Integer, name: 'from', description: 'Start the list at this open case (the list ends with where to go on)', min_value: 1 }],
    },
    {
      type: Opt.Subcommand,
      name: 'stats',
      description: 'Flag and review figures for a period',
      options: [
        {
          type: Opt.String,
          name: 'period',
          description: 'The period to count (default: last 7 days)',
          choices: [
            { name: 'last 24 hours', value: 'day' },
            { name: 'last 7 days', value: 'week' },
            { name: 'last 30 days', value: 'month' },
          ],
        },
      ],
    },
    {
      type: Opt.Subcommand,
      name: 'block',
      description: "Stop a member's flags from counting",
      options: [{ type: Opt.User, name: 'member', description: 'The member whose flags stop counting', required: true }],
    },
    {
      type: Opt.Subcommand,
      name: 'unblock',
      description: "Count a blocked member's flags again",
      options: [{ type: Opt.User, name: 'member', description: 'The member whose flags count again', required: true }],
    },
  ],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;
