// Every command Pulse registers with Discord: the one source for deploy-commands.
import type { RESTPutAPIApplicationCommandsJSONBody } from 'discord-api-types/v10';
import { digestCommand } from './digest.js';
import { flagMessageCommand } from './flag-message.js';
import { flagsCommand } from './flags.js';
import { insightsCommand } from './insights.js';
import { pollCommand } from './poll.js';
import { privacyCommand } from './privacy.js';
import { pulseCommand } from './pulse.js';
import { settingsCommand } from './settings.js';
import { surveyCommand } from './survey.js';

// Each definition is checked against Discord's type in its own file (`satisfies`); the cast
// only drops `as const`'s readonly marks, which the REST body type does not accept.
export const commands = [pulseCommand, settingsCommand, digestCommand, flagsCommand, flagMessageCommand, pollCommand, insightsCommand, privacyCommand, surveyCommand] as unknown as RESTPutAPIApplicationCommandsJSONBody;
