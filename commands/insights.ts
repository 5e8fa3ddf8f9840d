// /insights: the activity figures of this server as a compact embed (staff only).
import { ApplicationCommandOptionType as Opt, PermissionFlagsBits } from 'discord-api-types/v10';
import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord-api-types/v10';

export const insightsPeriods = { '7d': 7, '28d': 28, '90d': 90 } as const;
export type InsightsPeriod = keyof typeof insightsPeriods;

export const insightsCommand = {
  name: 'insights',
  description: 'Member activity of this server: joins, activity, retention, top members (staff only)',
  default_member_permissions: String(PermissionFlagsBits.ManageGuild),
  contexts: [0],
  options: [
    {
      type: Opt.String,
      name: 'period',
      description: 'The complete days to count, ending yesterday (default 7 days)',
      choices: [
        { name: 'last 7 days', value: '7d' },
        { name: 'last 28 days', value: '28d' },
        { name: 'last 90 days', value: '90d' },
      ],
    },
  ],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;
