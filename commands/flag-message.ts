// "Flag for moderators": the private message context-menu command members flag with.
import { ApplicationCommandType } from 'discord-api-types/v10';
import type { RESTPostAPIContextMenuApplicationCommandsJSONBody } from 'discord-api-types/v10';

export const FLAG_MESSAGE_COMMAND = 'Flag for moderators';

export const flagMessageCommand = {
  type: ApplicationCommandType.Message,
  name: FLAG_MESSAGE_COMMAND,
  contexts: [0],
} as const satisfies RESTPostAPIContextMenuApplicationCommandsJSONBody;
