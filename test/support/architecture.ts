// Reads the imports of every module under a source folder and checks the house rules (docs/architecture.md).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** Folders of src/ that are shared plumbing, not slices. */
export const PLATFORM = new Set(['db', 'discord', 'time']);
/** Folders of src/ that are developer tools (the loopback Discord and the playground): no rooms, and no slice may import them. */
export const DEV_TOOLS = new Set(['fake-discord', 'playground']);
/** The composition root: the one module allowed to import slices' adapters. */
export const COMPOSITION_ROOT = 'features.ts';

const DISCORD = /^(discord\.js|@discordjs\/.*)$/;
const SQL = /^(kysely|better-sqlite3)$/;

export interface ImportEdge {
  /** The module specifier as written. */
  specifier: string;
  /** Path relative to the root, for imports inside it; null for packages. */
  target: string | null;
  typeOnly: boolean;
}

export interface Module {
  /** Path relative to the root, with forward slashes (e.g. "polls/store.ts"). */
  path: string;
  imports: ImportEdge[];
  /** Whether the module uses kysely's `sql` template literal. */
  sqlTemplate: boolean;
}

export type Room = 'core' | 'store' | 'service' | 'adapter' | 'cli';

export interface Violation {
  rule: 'pure-core' | 'store-discord' | 'service-discord' | 'foreign-adapter' | 'dev-tool' | 'cycle' | 'sql-outside-store';
  module: string;
  detail: string;
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...walk(full));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

const IMPORT = /(?:^|[;\n])\s*(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/g;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The modules under `root` with their imports (static, re-exports and dynamic). */
export function readModules(root: string): Module[] {
  const abs = resolve(root);
  return walk(abs).map((file) => {
    const text = stripComments(readFileSync(file, 'utf8'));
    const imports: ImportEdge[] = [];
    const add = (specifier: string, typeOnly: boolean) => {
      let target: string | null = null;
      if (specifier.startsWith('.')) target = relative(abs, resolve(dirname(file), specifier.replace(/\.js$/, '.ts'))).split(sep).join('/');
      imports.push({ specifier, target, typeOnly });
    };
    for (const m of text.matchAll(IMPORT)) {
      // `import { type A, type B } from` is type-only too.
      const named = /^[;\n]?\s*(?:import|export)\s*\{([^}]*)\}\s*from/.exec(m[0])?.[1];
      const allTyped = named !== undefined && named.split(',').filter((s) => s.trim()).every((s) => s.trim().startsWith('type '));
      add(m[3]!, Boolean(m[2]) || allTyped);
    }
    for (const m of text.matchAll(DYNAMIC)) add(m[1]!, false);
    return { path: relative(abs, file).split(sep).join('/'), imports, sqlTemplate: /\bsql(?:<[^`]*?>)?(?:\.\w+)?\s*`|\bsql\.(raw|ref|id|lit|join|table|val)\(/.test(text) };
  });
}

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

/** The slice a module belongs to, or null for top-level, platform and dev-tool modules. */
export function sliceOf(path: string): string | null {
  const parts = path.split('/');
  if (parts.length < 2) return null;
  const top = parts[0]!;
  return PLATFORM.has(top) || DEV_TOOLS.has(top) ? null : top;
}

function isDevTool(path: string): boolean {
  return DEV_TOOLS.has(path.split('/')[0]!);
}

/** The room of a slice module, from its file name. */
export function roomOf(path: string): Room {
  const name = path.split('/').pop()!.replace(/\.ts$/, '');
  if (name === 'discord' || name.startsWith('discord-')) return 'adapter';
  if (name === 'store' || name.endsWith('-store')) return 'store';
  if (name === 'service' || name.endsWith('-service')) return 'service';
  if (name === 'cli') return 'cli';
  return 'core';
}

function isStoreFile(path: string): boolean {
  const name = path.split('/').pop()!.replace(/\.ts$/, '');
  return name === 'store' || name.endsWith('-store');
}

/** Every broken rule, in a stable order. */
export function checkArchitecture(modules: Module[]): Violation[] {
  const out: Violation[] = [];
  const known = new Set(modules.map((m) => m.path));
  for (const m of modules) {
    const slice = sliceOf(m.path);
    const room = slice ? roomOf(m.path) : null;
    for (const edge of m.imports) {
      const pkg = edge.target === null ? edge.specifier : null;
      if (room === 'core' && pkg && (DISCORD.test(pkg) || SQL.test(pkg))) {
        out.push({ rule: 'pure-core', module: m.path, detail: `imports ${pkg}` });
      }
      if (room === 'store' && pkg && DISCORD.test(pkg)) out.push({ rule: 'store-discord', module: m.path, detail: `imports ${pkg}` });
      if (room === 'service' && pkg && DISCORD.test(pkg)) out.push({ rule: 'service-discord', module: m.path, detail: `imports ${pkg}` });
      // SQL: value imports of kysely or better-sqlite3 (a type names an executor; it runs no query).
      if (pkg && SQL.test(pkg) && !edge.typeOnly && !m.path.startsWith('db/') && !isStoreFile(m.path)) {
        out.push({ rule: 'sql-outside-store', module: m.path, detail: `imports ${pkg}` });
      }
      if (edge.target && known.has(edge.target)) {
        const targetSlice = sliceOf(edge.target);
        if (targetSlice && roomOf(edge.target) === 'adapter' && m.path !== COMPOSITION_ROOT && !isDevTool(m.path)) {
          // A slice's own adapters may use each other; nobody else may, but the composition root.
          if (!(slice === targetSlice && room === 'adapter')) out.push({ rule: 'foreign-adapter', module: m.path, detail: `imports ${edge.target}` });
        }
        if (isDevTool(edge.target) && !isDevTool(m.path)) out.push({ rule: 'dev-tool', module: m.path, detail: `imports ${edge.target}` });
      }
    }
    if (m.sqlTemplate && !m.path.startsWith('db/') && !isStoreFile(m.path)) out.push({ rule: 'sql-outside-store', module: m.path, detail: 'uses the sql template' });
  }
  for (const cycle of cycles(modules)) out.push({ rule: 'cycle', module: cycle[0]!, detail: [...cycle, cycle[0]].join(' -> ') });
  return out;
}

/** Strongly connected components of more than one module (or a module importing itself), by Tarjan. */
export function cycles(modules: Module[]): string[][] {
  const graph = new Map<string, string[]>();
  const known = new Set(modules.map((m) => m.path));
  for (const m of modules) graph.set(m.path, [...new Set(m.imports.map((e) => e.target).filter((t): t is string => t !== null && known.has(t)))]);
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)!.includes(v)) found.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) visit(v);
  return found;
}
