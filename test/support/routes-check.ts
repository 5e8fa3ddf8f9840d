// Checks for the routes test: definitions and routes one to one (groups included), and option reads outside src/discord/options.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ApplicationCommandOptionType, ApplicationCommandType } from 'discord.js';
import type { SubcommandHandler } from '../../src/discord/options.js';
import type { Routes } from '../../src/discord/router.js';

export type Definition = { name: string; type?: number; options?: Array<{ type: number; name: string; autocomplete?: boolean; options?: Definition['options'] }> };

/** "sub" and "group sub" for every subcommand a definition declares. */
export function definedPaths(def: Definition): string[] {
  const paths: string[] = [];
  for (const o of def.options ?? []) {
    if (o.type === ApplicationCommandOptionType.Subcommand) paths.push(o.name);
    else if (o.type === ApplicationCommandOptionType.SubcommandGroup) {
      for (const s of o.options ?? []) if (s.type === ApplicationCommandOptionType.Subcommand) paths.push(`${o.name} ${s.name}`);
    }
  }
  return paths.sort();
}

const KINDS = [
  ['commands', ApplicationCommandType.ChatInput],
  ['messageCommands', ApplicationCommandType.Message],
  ['userCommands', ApplicationCommandType.User],
] as const;

/**
 * Where definitions and routes differ: a command without a route or a route without a command (per
 * kind), a command with subcommands not routed per subcommand, a subcommand table that names a
 * different set of "sub" / "group sub" than its definition, autocomplete routes that do not match
 * the commands declaring an autocompleted option.
 */
export function routeMismatches(defs: readonly Definition[], routes: readonly Routes[]): string[] {
  const problems: string[] = [];
  for (const [key, type] of KINDS) {
    const defined = new Set(defs.filter((d) => (d.type ?? ApplicationCommandType.ChatInput) === type).map((d) => d.name));
    const routed = routes.flatMap((r) => Object.keys(r[key] ?? {}));
    for (const name of routed) if (!defined.has(name)) problems.push(`${key}: route ${name} has no definition`);
    for (const name of defined) {
      const count = routed.filter((n) => n === name).length;
      if (count !== 1) problems.push(`${key}: ${name} has ${count} routes`);
    }
  }
  for (const def of defs.filter((d) => (d.type ?? ApplicationCommandType.ChatInput) === ApplicationCommandType.ChatInput)) {
    const handler = routes.map((r) => r.commands?.[def.name]).find((h) => h !== undefined);
    if (!handler) continue;
    const paths = definedPaths(def);
    const table = 'subcommands' in handler ? (handler as SubcommandHandler) : null;
    if (paths.length === 0) {
      if (table) problems.push(`${def.name}: routed per subcommand but defines none`);
      continue;
    }
    if (!table) {
      problems.push(`${def.name}: defines subcommands but is not routed per subcommand`);
      continue;
    }
    if (table.command !== def.name) problems.push(`${def.name}: routed by the table of ${table.command}`);
    for (const p of paths) if (!table.subcommands.includes(p)) problems.push(`${def.name}: no handler for ${p}`);
    for (const p of table.subcommands) if (!paths.includes(p)) problems.push(`${def.name}: handler for undefined ${p}`);
  }
  const autocompleted = new Set(defs.filter((d) => JSON.stringify(d.options ?? []).includes('"autocomplete":true')).map((d) => d.name));
  const completing = routes.flatMap((r) => Object.keys(r.autocomplete ?? {}));
  for (const name of completing) if (!autocompleted.has(name)) problems.push(`autocomplete: ${name} declares no autocompleted option`);
  for (const name of autocompleted) if (!completing.includes(name)) problems.push(`autocomplete: ${name} has no autocomplete route`);
  return problems;
}

export interface SourceFile {
  readonly path: string;
  readonly text: string;
}

/** Every .ts file under a folder, with its path relative to it. */
export function readSources(root: string): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) out.push({ path: relative(root, full).split('\\').join('/'), text: readFileSync(full, 'utf8') });
    }
  };
  walk(root);
  return out;
}

/** The one module allowed to read a command interaction's options. */
export const OPTIONS_MODULE = 'discord/options.ts';

const READS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\.options\s*\??\.\s*(?:get\w*|data|resolved)\b/, 'reads options by name'],
  [/\b\w*[iI]nteraction\w*\s*\??\.\s*options\b/, "takes an interaction's options"],
  [/\{[^}]*\boptions\b[^}]*\}\s*=\s*\w*[iI]nteraction/, "takes an interaction's options"],
  [/\.\s*(?:getSubcommand|getSubcommandGroup|getFocused|getString|getInteger|getNumber|getBoolean|getChannel|getRole|getAttachment|getMentionable)\s*\(/, 'calls an option resolver'],
];

/** Lines of src/ (outside options.ts) that read command options themselves instead of through options.ts. */
export function optionReads(files: readonly SourceFile[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    if (file.path === OPTIONS_MODULE) continue;
    file.text.split('\n').forEach((line, i) => {
      for (const [pattern, what] of READS) {
        if (pattern.test(line)) {
          found.push(`${file.path}:${i + 1} ${what}: ${line.trim()}`);
          break;
        }
      }
    });
  }
  return found;
}
