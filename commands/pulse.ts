// /pulse: about the bot, for everyone.
import { ApplicationCommandOptionType as Opt } from 'discord-api-types/v10';
import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord-api-types/v10';

export const pulseCommand = {
  name: 'pulse',
  description: 'About Pulse',
  contexts: [0],
  options: [{ type: Opt.Subcommand, name: 'about', description: 'What Pulse does and which data it keeps' }],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;
