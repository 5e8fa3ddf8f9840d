// Applies each language's command localizations (names, descriptions, choices) to the definitions.
import type { RESTPutAPIApplicationCommandsJSONBody } from 'discord-api-types/v10';
import type { CommandLocalizations } from './commands-types.js';
import { languageCodes, languages, type Language } from './index.js';

interface Node {
  type?: number;
  name: string;
  description?: string;
  name_localizations?: Record<string, string> | null;
  description_localizations?: Record<string, string> | null;
  options?: Node[];
  choices?: Array<{ name: string; value: string | number; name_localizations?: Record<string, string> | null }>;
}

/** Every path a definition list has (commands, subcommands, options, choices), in order. */
export function commandPaths(commands: RESTPutAPIApplicationCommandsJSONBody): string[] {
  const out: string[] = [];
  const walk = (node: Node, path: string) => {
    out.push(path);
    for (const choice of node.choices ?? []) out.push(`${path}:${choice.value}`);
    for (const option of node.options ?? []) walk(option, `${path} ${option.name}`);
  };
  for (const command of commands as unknown as Node[]) walk(command, command.name);
  return out;
}

/** The languages that localize commands (all but the source). */
function localizing(): Array<{ code: Language; table: CommandLocalizations; locales: readonly string[] }> {
  return languageCodes.flatMap((code) => {
    const table = languages[code].commands;
    return table ? [{ code, table, locales: languages[code].discord }] : [];
  });
}

/**
 * A copy of the definitions with name_localizations / description_localizations for every
 * Discord locale of every language. Discord still sends the canonical (English) names in
 * interactions, so handlers never see a localized name.
 */
export function localizeCommands(commands: RESTPutAPIApplicationCommandsJSONBody): RESTPutAPIApplicationCommandsJSONBody {
  const copy = structuredClone(commands) as unknown as Node[];
  const langs = localizing();
  const add = (target: Record<string, string> | null | undefined, locales: readonly string[], text: string): Record<string, string> => {
    const out = { ...(target ?? {}) };
    for (const locale of locales) out[locale] = text;
    return out;
  };
  const walk = (node: Node, path: string) => {
    for (const { table, locales } of langs) {
      const entry = table[path];
      if (entry === undefined || typeof entry === 'string') continue;
      node.name_localizations = add(node.name_localizations, locales, entry[0]);
      if (entry.length === 2 && node.description !== undefined) node.description_localizations = add(node.description_localizations, locales, entry[1]);
    }
    for (const choice of node.choices ?? []) {
      for (const { table, locales } of langs) {
        const entry = table[`${path}:${choice.value}`];
        if (typeof entry === 'string') choice.name_localizations = add(choice.name_localizations, locales, entry);
      }
    }
    for (const option of node.options ?? []) walk(option, `${path} ${option.name}`);
  };
  for (const command of copy) walk(command, command.name);
  return copy as unknown as RESTPutAPIApplicationCommandsJSONBody;
}

export interface LocalizationGaps {
  /** Paths of the definitions a language has no entry for. */
  missing: Record<string, string[]>;
  /** Entries that match no definition (renamed or removed commands). */
  unused: Record<string, string[]>;
}

export function localizationGaps(commands: RESTPutAPIApplicationCommandsJSONBody): LocalizationGaps {
  const paths = commandPaths(commands);
  const known = new Set(paths);
  const gaps: LocalizationGaps = { missing: {}, unused: {} };
  for (const { code, table } of localizing()) {
    gaps.missing[code] = paths.filter((p) => !(p in table));
    gaps.unused[code] = Object.keys(table).filter((p) => !known.has(p));
  }
  return gaps;
}
