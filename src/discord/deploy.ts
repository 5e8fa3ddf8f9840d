// Registers the command definitions with Discord and says what changed.
import { REST } from '@discordjs/rest';
import { Routes } from 'discord-api-types/v10';
import type { RESTGetAPIApplicationCommandsQuery, RESTGetAPIApplicationCommandsResult, RESTPutAPIApplicationCommandsJSONBody } from 'discord-api-types/v10';
import { commands } from '../../commands/index.js';
import { noArguments, type CliCommand } from '../command-line.js';
import type { Config } from '../config.js';
import { localizeCommands } from '../i18n/commands.js';

export interface DeployOutcome {
  scope: string;
  added: string[];
  updated: string[];
  removed: string[];
  unchanged: string[];
}

/** Compares what Discord has with what we define, field by field that we set. */
function differs(existing: Record<string, unknown>, wanted: Record<string, unknown>): boolean {
  const norm = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(norm) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, norm(x)])) : v;
  for (const [key, value] of Object.entries(wanted)) {
    if (JSON.stringify(norm(existing[key])) !== JSON.stringify(norm(value))) return true;
  }
  return false;
}

export async function deployCommands(discord: NonNullable<Config['discord']>, commands: RESTPutAPIApplicationCommandsJSONBody): Promise<DeployOutcome> {
  const rest = new REST(discord.apiUrl ? { api: discord.apiUrl } : {}).setToken(discord.token);
  const route = discord.devGuildId ? Routes.applicationGuildCommands(discord.appId, discord.devGuildId) : Routes.applicationCommands(discord.appId);
  // Without with_localizations Discord answers with each name and description in the requester's
  // language (name_localized, description_localized) instead of the dictionaries we send, and
  // every command would look changed: every deploy would upload them all again.
  const query = new URLSearchParams({ with_localizations: 'true' } satisfies Record<keyof RESTGetAPIApplicationCommandsQuery, string>);
  const existing = (await rest.get(route, { query })) as RESTGetAPIApplicationCommandsResult;
  const byName = new Map(existing.map((c) => [c.name, c as unknown as Record<string, unknown>]));
  const outcome: DeployOutcome = {
    scope: discord.devGuildId ? `guild ${discord.devGuildId}` : 'global',
    added: [],
    updated: [],
    removed: [],
    unchanged: [],
  };
  for (const command of commands) {
    const current = byName.get(command.name);
    if (!current) outcome.added.push(command.name);
    else if (differs(current, command as unknown as Record<string, unknown>)) outcome.updated.push(command.name);
    else outcome.unchanged.push(command.name);
    byName.delete(command.name);
  }
  outcome.removed.push(...byName.keys());
  if (outcome.added.length || outcome.updated.length || outcome.removed.length) await rest.put(route, { body: commands });
  return outcome;
}

/**
 * Registers this version's commands, with their names, descriptions and choices in every
 * language Pulse speaks: what `pulse deploy-commands` and every start do, so neither undoes the other.
 */
export function syncCommands(discord: NonNullable<Config['discord']>): Promise<DeployOutcome> {
  return deployCommands(discord, localizeCommands(commands));
}

export const deployCli: Pick<CliCommand, 'run'> = {
  async run(args, config) {
    noArguments(args);
    const outcome = await syncCommands(config.discord!);
    const list = (names: string[]) => (names.length ? names.join(', ') : 'none');
    console.log(`Commands (${outcome.scope}): added ${list(outcome.added)}; updated ${list(outcome.updated)}; removed ${list(outcome.removed)}; unchanged ${list(outcome.unchanged)}.`);
  },
};
