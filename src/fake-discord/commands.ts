// Application command definitions: Discord's validation of names, descriptions and options, and the
// stored shape (ids kept across overwrites of a command with the same name and type).
import { ApplicationCommandOptionType, ApplicationCommandType, Locale, type APIApplicationCommand } from 'discord-api-types/v10';
import type { FakeState } from './state.js';
import { Errors, clone, isRecord, optBoolean, optNumber, optString } from './util.js';

/** Whether a definition (name + type) designates an existing command. */
export function sameCommand(def: Record<string, unknown>, command: APIApplicationCommand): boolean {
  return def['name'] === command.name && (optNumber(def['type']) ?? ApplicationCommandType.ChatInput) === (command.type ?? ApplicationCommandType.ChatInput);
}

/** Validates a definition and builds the command Discord would store and return. */
export function buildCommand(state: FakeState, def: Record<string, unknown>, guildId: string | null, path: string, existing: APIApplicationCommand | undefined): APIApplicationCommand {
  validateCommand(def, path);
  const type = (optNumber(def['type']) ?? ApplicationCommandType.ChatInput) as ApplicationCommandType;
  const permissions = def['default_member_permissions'];
  const command: APIApplicationCommand = {
    id: existing?.id ?? state.snowflakes.next(),
    application_id: state.appId,
    version: state.snowflakes.next(),
    default_member_permissions: permissions === undefined || permissions === null ? null : String(permissions),
    type,
    name: String(def['name']),
    name_localizations: (def['name_localizations'] as APIApplicationCommand['name_localizations']) ?? null,
    description: type === ApplicationCommandType.ChatInput ? String(def['description'] ?? '') : '',
    description_localizations: (def['description_localizations'] as APIApplicationCommand['description_localizations']) ?? null,
    nsfw: optBoolean(def['nsfw']) ?? false,
    integration_types: Array.isArray(def['integration_types']) ? (def['integration_types'] as NonNullable<APIApplicationCommand['integration_types']>) : [0],
    contexts: Array.isArray(def['contexts']) ? (def['contexts'] as NonNullable<APIApplicationCommand['contexts']>) : null,
  };
  if (Array.isArray(def['options'])) command.options = clone(def['options']) as NonNullable<APIApplicationCommand['options']>;
  if (guildId) command.guild_id = guildId;
  else command.dm_permission = optBoolean(def['dm_permission']) ?? true;
  return command;
}

/** Bulk overwrite: replaces the scope's commands (global with null) and returns them. */
export function overwriteCommands(state: FakeState, defs: readonly unknown[], guildId: string | null): APIApplicationCommand[] {
  const records = defs.map((d) => (isRecord(d) ? d : {}));
  const seen = new Set<string>();
  records.forEach((def, index) => {
    const key = `${optNumber(def['type']) ?? 1}:${String(def['name'])}`;
    if (seen.has(key)) throw Errors.invalidForm(`${index}.name`, 'Application command names must be unique', 'APPLICATION_COMMANDS_DUPLICATE_NAME');
    seen.add(key);
  });
  // Localized names must be unique too, per type and per locale.
  for (const locale of LOCALES) {
    const names = new Set<string>();
    records.forEach((def, index) => {
      const key = `${optNumber(def['type']) ?? 1}:${localizedName(def, locale)}`;
      if (names.has(key)) throw Errors.invalidForm(`${index}.name_localizations.${locale}`, 'Application command names must be unique', 'APPLICATION_COMMANDS_DUPLICATE_NAME');
      names.add(key);
    });
  }
  const commands = state.commandsFor(guildId);
  const previous = [...commands.values()];
  const built = records.map((def, index) => buildCommand(state, def, guildId, String(index), previous.find((c) => sameCommand(def, c))));
  commands.clear();
  for (const command of built) commands.set(command.id, command);
  return built.map((c) => clone(c));
}

const CHAT_INPUT_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const LOCALES = new Set<string>(Object.values(Locale));

/** The name a definition shows in a locale: its localization, else its name. */
export function localizedName(def: Record<string, unknown>, locale: string): string {
  const localized = isRecord(def['name_localizations']) ? def['name_localizations'][locale] : undefined;
  return typeof localized === 'string' ? localized : String(def['name']);
}

/** name_localizations / description_localizations: known locale keys, and values Discord accepts. */
function validateLocalizations(value: unknown, path: string, check: (text: string) => string | null): void {
  if (value === undefined || value === null) return;
  if (!isRecord(value)) throw Errors.invalidForm(path, 'Must be a dictionary.', 'DICT_TYPE_CONVERT');
  for (const [locale, text] of Object.entries(value)) {
    if (!LOCALES.has(locale)) throw Errors.invalidForm(`${path}.${locale}`, `Invalid locale: ${locale}`, 'LOCALE_INVALID');
    const problem = typeof text === 'string' ? check(text) : 'Must be a string.';
    if (problem) throw Errors.invalidForm(`${path}.${locale}`, problem, problem.startsWith('Must be between') ? 'BASE_TYPE_BAD_LENGTH' : 'APPLICATION_COMMAND_INVALID_NAME');
  }
}
const chatInputName = (text: string) => (CHAT_INPUT_NAME.test(text) && text === text.toLowerCase() ? null : 'Command name is invalid');
const length = (max: number) => (text: string) => (text.length >= 1 && text.length <= max ? null : `Must be between 1 and ${max} in length.`);

/** The checks Discord applies to command definitions (names, descriptions, option order and counts). */
export function validateCommand(def: Record<string, unknown>, path: string): void {
  const at = (field: string): string => (path ? `${path}.${field}` : field);
  const type = optNumber(def['type']) ?? ApplicationCommandType.ChatInput;
  const name = optString(def['name']);
  if (!name) throw Errors.invalidForm(at('name'), 'This field is required', 'BASE_TYPE_REQUIRED');
  if (type === ApplicationCommandType.ChatInput) {
    if (!CHAT_INPUT_NAME.test(name) || name !== name.toLowerCase()) {
      throw Errors.invalidForm(at('name'), 'Command name is invalid', 'APPLICATION_COMMAND_INVALID_NAME');
    }
    const description = optString(def['description']);
    if (!description || description.length > 100) {
      throw Errors.invalidForm(at('description'), 'Must be between 1 and 100 in length.', 'BASE_TYPE_BAD_LENGTH');
    }
    validateLocalizations(def['name_localizations'], at('name_localizations'), chatInputName);
    validateLocalizations(def['description_localizations'], at('description_localizations'), length(100));
    validateOptions(def['options'], at('options'), 0);
  } else {
    if (name.length > 32) throw Errors.invalidForm(at('name'), 'Must be between 1 and 32 in length.', 'BASE_TYPE_BAD_LENGTH');
    validateLocalizations(def['name_localizations'], at('name_localizations'), length(32));
  }
}

function validateOptions(options: unknown, path: string, depth: number): void {
  if (options === undefined || options === null) return;
  if (!Array.isArray(options)) throw Errors.invalidForm(path, 'Must be an array.', 'BASE_TYPE_ARRAY');
  for (const locale of LOCALES) {
    const shown = new Set<string>();
    options.forEach((raw, index) => {
      const name = localizedName(isRecord(raw) ? raw : {}, locale);
      if (shown.has(name)) throw Errors.invalidForm(`${path}.${index}.name_localizations.${locale}`, 'Option names must be unique', 'APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS');
      shown.add(name);
    });
  }
  if (options.length > 25) throw Errors.invalidForm(path, 'Must be 25 or fewer in length.', 'BASE_TYPE_MAX_LENGTH');
  let sawOptional = false;
  const names = new Set<string>();
  options.forEach((raw, index) => {
    const option = isRecord(raw) ? raw : {};
    const at = `${path}.${index}`;
    const name = optString(option['name']) ?? '';
    if (!CHAT_INPUT_NAME.test(name) || name !== name.toLowerCase()) throw Errors.invalidForm(`${at}.name`, 'Command name is invalid', 'APPLICATION_COMMAND_INVALID_NAME');
    if (names.has(name)) throw Errors.invalidForm(`${at}.name`, 'Option names must be unique', 'APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS');
    names.add(name);
    const description = optString(option['description']);
    if (!description || description.length > 100) throw Errors.invalidForm(`${at}.description`, 'Must be between 1 and 100 in length.', 'BASE_TYPE_BAD_LENGTH');
    validateLocalizations(option['name_localizations'], `${at}.name_localizations`, chatInputName);
    validateLocalizations(option['description_localizations'], `${at}.description_localizations`, length(100));
    const type = optNumber(option['type']);
    if (type === undefined || type < 1 || type > 11) throw Errors.invalidForm(`${at}.type`, 'Value must be one of (1..11).', 'BASE_TYPE_CHOICES');
    if (type === ApplicationCommandOptionType.Subcommand || type === ApplicationCommandOptionType.SubcommandGroup) {
      if (depth > (type === ApplicationCommandOptionType.SubcommandGroup ? 0 : 1)) {
        throw Errors.invalidForm(`${at}.type`, 'Sub-command and sub-command group option types are mutually exclusive to all other types', 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID');
      }
      validateOptions(option['options'], `${at}.options`, depth + 1);
      return;
    }
    const required = option['required'] === true;
    if (required && sawOptional) throw Errors.invalidForm(`${at}.required`, 'Required options must be placed before non-required options', 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID');
    if (!required) sawOptional = true;
    const choices = option['choices'];
    if (Array.isArray(choices) && choices.length > 25) throw Errors.invalidForm(`${at}.choices`, 'Must be 25 or fewer in length.', 'BASE_TYPE_MAX_LENGTH');
    if (Array.isArray(choices)) {
      choices.forEach((choice, c) => {
        const record = isRecord(choice) ? choice : {};
        const choiceName = optString(record['name']);
        if (!choiceName || choiceName.length > 100) throw Errors.invalidForm(`${at}.choices.${c}.name`, 'Must be between 1 and 100 in length.', 'BASE_TYPE_BAD_LENGTH');
        validateLocalizations(record['name_localizations'], `${at}.choices.${c}.name_localizations`, length(100));
      });
    }
    if (option['autocomplete'] === true && Array.isArray(choices) && choices.length > 0) {
      throw Errors.invalidForm(`${at}.autocomplete`, 'Autocomplete cannot be set on options with choices', 'APPLICATION_COMMAND_OPTIONS_AUTOCOMPLETE_WITH_CHOICES');
    }
  });
}

