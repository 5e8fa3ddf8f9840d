// Messages name commands and options the way the reader's Discord client shows them: a Spanish
// or Russian client lists the localized names (name_localizations), so "`/settings set
// staff_channel`" in a Russian message names a field the reader cannot find.
import { ApplicationCommandOptionType as Opt } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.js';
import { localizeCommands } from '../../src/i18n/commands.js';
import { languages, type Language } from '../../src/i18n/index.js';

interface Choice {
  name: string;
  value: string | number;
  name_localizations?: Record<string, string> | null;
}
interface Node {
  type?: number;
  name: string;
  name_localizations?: Record<string, string> | null;
  options?: Node[];
  choices?: Choice[];
}

const localized = localizeCommands(commands) as unknown as Node[];
/** Slash commands only: context-menu commands (user / message) are not typed as `/name`. */
const slashCommands = localized.filter((c) => c.type === undefined || c.type === 1);

/** The Discord locale whose names a language's messages must use (es-419 is checked to match). */
const locale: Record<Language, string | null> = { en: null, es: 'es-ES', ru: 'ru' };
const shown = (lang: Language, node: { name: string; name_localizations?: Record<string, string> | null }) => {
  const at = locale[lang];
  return (at && node.name_localizations?.[at]) || node.name;
};
const isBranch = (node: Node) => node.type === Opt.Subcommand || node.type === Opt.SubcommandGroup;

/** Every command, subcommand (group) and option node under the slash commands. */
function allNodes(): Node[] {
  const out: Node[] = [];
  const walk = (node: Node) => {
    out.push(node);
    for (const option of node.options ?? []) walk(option);
  };
  for (const command of slashCommands) walk(command);
  return out;
}

/** Identifiers in backticks that are not options: fields of a survey's JSON definition, the CLI. */
const NOT_OPTIONS = new Set(['closes', 'opens', 'deploy-commands']);

/** Every string a language's reader sees: the catalogue and the command descriptions. */
function texts(lang: Language): Array<[where: string, text: string]> {
  const out: Array<[string, string]> = Object.entries(languages[lang].catalogue as Record<string, string>);
  const table = languages[lang].commands;
  for (const [path, entry] of Object.entries(table ?? {})) if (typeof entry !== 'string' && entry.length === 2) out.push([`commands['${path}']`, entry[1]]);
  return out;
}

const backticked = (text: string) => [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

/** Checks a backticked `/command sub … option:value` path word by word; returns what is wrong. */
function checkPath(lang: Language, path: string): string | null {
  const [first, ...rest] = path.slice(1).split(/\s+/);
  let node: Node | undefined = slashCommands.find((c) => shown(lang, c) === first);
  if (!node) return `no command named /${first}`;
  let inOptions = false;
  for (const word of rest) {
    const colon = word.indexOf(':');
    if (colon < 0) {
      if (inOptions) return `"${word}" after an option`;
      const sub: Node | undefined = node.options?.find((o) => isBranch(o) && shown(lang, o) === word);
      if (sub) {
        node = sub;
        continue;
      }
      // A bare option name names the option itself: `/settings set staff_channel`.
      if (!node.options?.some((o) => !isBranch(o) && shown(lang, o) === word)) return `no subcommand or option "${word}" here`;
      inOptions = true;
      continue;
    }
    inOptions = true;
    const name = word.slice(0, colon);
    const value = word.slice(colon + 1);
    const option = node.options?.find((o) => !isBranch(o) && shown(lang, o) === name);
    if (!option) return `no option "${name}" here`;
    if (value === '' || value.includes('{')) continue;
    if (option.choices && !option.choices.some((c) => shown(lang, c) === value)) return `"${value}" is not a choice of ${name}`;
    if (option.type === Opt.Boolean && !['true', 'false'].includes(value.toLowerCase())) return `"${value}" is not true or false`;
  }
  return null;
}

/** A backticked `name` or `name: value` that looks like an option (lower-case identifier). */
const optionLike = /^(\p{Ll}[\p{Ll}\d_-]*)(?::.*)?$/u;

describe('commands named in messages', () => {
  it('registers the same Spanish names for es-ES and es-419', () => {
    const differ: string[] = [];
    const walk = (node: Node) => {
      if (node.name_localizations?.['es-ES'] !== node.name_localizations?.['es-419']) differ.push(node.name);
      for (const choice of node.choices ?? []) if (choice.name_localizations?.['es-ES'] !== choice.name_localizations?.['es-419']) differ.push(`${node.name}:${choice.value}`);
      for (const option of node.options ?? []) walk(option);
    };
    for (const command of localized) walk(command);
    expect(differ).toEqual([]);
  });

  // English too: its paths must match the canonical definitions, which also checks the parser.
  it.each(['en', 'es', 'ru'] as const)('%s: every backticked /path names a real command, subcommand, option and choice as the client shows them', (lang) => {
    const wrong: string[] = [];
    for (const [key, text] of texts(lang)) {
      for (const segment of backticked(text)) {
        if (!segment.startsWith('/')) continue;
        const problem = checkPath(lang, segment);
        if (problem) wrong.push(`${key}: \`${segment}\`: ${problem}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it.each(['en', 'es', 'ru'] as const)('%s: every backticked option name outside a path is an option as the client shows it', (lang) => {
    const names = new Set(allNodes().filter((n) => n.type !== undefined && !isBranch(n)).map((n) => shown(lang, n)));
    const wrong: string[] = [];
    for (const [key, text] of texts(lang)) {
      for (const segment of backticked(text)) {
        const name = optionLike.exec(segment)?.[1];
        if (name && !names.has(name) && !NOT_OPTIONS.has(name)) wrong.push(`${key}: \`${segment}\``);
      }
    }
    expect(wrong).toEqual([]);
  });

  it.each(['es', 'ru'] as const)('%s: names no command or option by its English name where the client shows another', (lang) => {
    // English names whose localization differs, less any that is also a localized name here.
    const nodes = allNodes();
    const localNames = new Set(nodes.map((n) => shown(lang, n)));
    const english = new Set(nodes.filter((n) => shown(lang, n) !== n.name && !localNames.has(n.name)).map((n) => n.name));
    const englishCommands = new Set(slashCommands.filter((c) => english.has(c.name)).map((c) => c.name));
    const wrong: string[] = [];
    for (const [key, text] of texts(lang)) {
      // `/settings …` outside backticks (command descriptions name commands bare).
      const bare = text.replace(/`[^`]*`/g, '');
      for (const m of bare.matchAll(/(?<![\p{L}\d_./-])\/([a-z-]+)/gu)) if (englishCommands.has(m[1]!)) wrong.push(`${key}: /${m[1]}`);
      // Any word of a backticked segment, or the name before `name:`.
      for (const segment of backticked(text)) {
        for (const word of segment.replace(/^\//, '').split(/\s+/)) {
          const name = word.split(':')[0]!;
          if (english.has(name)) wrong.push(`${key}: \`${segment}\` (${name})`);
        }
      }
      // Identifiers like closes_in or staff_channel are never prose: catch them unquoted too.
      for (const m of bare.matchAll(/(?<![\p{L}\d_-])([a-z]+(?:_[a-z]+)+)(?![\p{L}\d_-])/gu)) if (english.has(m[1]!)) wrong.push(`${key}: ${m[1]}`);
    }
    expect(wrong).toEqual([]);
  });
});
