// /privacy: what Pulse keeps about me, my data as a file, opting out and back in (everyone).
import { ApplicationCommandOptionType as Opt } from 'discord-api-types/v10';
import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord-api-types/v10';

export const privacyCommand = {
  name: 'privacy',
  description: 'What Pulse keeps about you in this server, and your choices',
  contexts: [0],
  options: [
    { type: Opt.Subcommand, name: 'show', description: 'What Pulse keeps about you here: counts per kind' },
    { type: Opt.Subcommand, name: 'export', description: 'Your activity data in this server as a JSON file' },
    { type: Opt.Subcommand, name: 'opt-out', description: 'Stop recording your activity here and delete what was kept' },
    { type: Opt.Subcommand, name: 'opt-in', description: 'Record your activity here again (nothing deleted comes back)' },
  ],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;
