// The house rules of docs/architecture.md, read from the imports of src/, and proof on fixtures that each rule bites.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkArchitecture, readModules, roomOf, sliceOf, type Violation } from './support/architecture.js';

const SRC = join(import.meta.dirname, '..', 'src');

describe('src/', () => {
  it('keeps every rule', () => {
    const modules = readModules(SRC);
    expect(modules.length).toBeGreaterThan(50);
    expect(checkArchitecture(modules)).toEqual([]);
  });

  it('sees the imports it checks (a reader that found nothing would pass everything)', () => {
    const modules = readModules(SRC);
    const features = modules.find((m) => m.path === 'features.ts');
    expect(features?.imports.some((e) => e.target === 'polls/discord.ts')).toBe(true);
    const pollsAdapter = modules.find((m) => m.path === 'polls/discord.ts');
    expect(pollsAdapter?.imports.some((e) => e.specifier === 'discord.js')).toBe(true);
    expect(modules.find((m) => m.path === 'polls/store.ts')?.sqlTemplate).toBe(true);
  });
});

describe('the rooms', () => {
  it('are named by file', () => {
    expect(roomOf('polls/poll.ts')).toBe('core');
    expect(roomOf('polls/store.ts')).toBe('store');
    expect(roomOf('flags/figures-store.ts')).toBe('store');
    expect(roomOf('polls/service.ts')).toBe('service');
    expect(roomOf('polls/discord.ts')).toBe('adapter');
    expect(roomOf('flags/discord-case.ts')).toBe('adapter');
    expect(sliceOf('surveys/survey.ts')).toBe('surveys');
    expect(sliceOf('features.ts')).toBeNull();
    expect(sliceOf('db/open.ts')).toBeNull();
    expect(sliceOf('discord/router.ts')).toBeNull();
    // Developer tools are not slices: they have no rooms, and product code never imports them.
    expect(sliceOf('fake-discord/index.ts')).toBeNull();
    expect(sliceOf('playground/main.ts')).toBeNull();
  });
});

describe('each rule fails when broken (fixture)', () => {
  // Every folder a test made (some check twice), removed after it.
  const dirs: string[] = [];
  afterEach(() => {
    for (const made of dirs.splice(0)) rmSync(made, { recursive: true, force: true });
  });

  /** Writes a small fake src/ and returns what the checker says about it. */
  function check(files: Record<string, string>): Violation[] {
    const dir = mkdtempSync(join(tmpdir(), 'pulse-arch-'));
    dirs.push(dir);
    const base: Record<string, string> = {
      'features.ts': "import { pollsFeature } from './polls/discord.js';\nexport const features = [pollsFeature];\n",
      'db/open.ts': "import Database from 'better-sqlite3';\nimport { Kysely, sql } from 'kysely';\nexport const x = sql`select 1`;\n",
      'polls/poll.ts': "// pure\nexport const tally = (n: number) => n + 1;\n",
      'polls/store.ts': "import { sql, type Kysely } from 'kysely';\nimport type { DB } from '../db/open.js';\nexport const q = (db: Kysely<DB>) => sql`select 1`.execute(db);\n",
      'polls/service.ts': "import type { Kysely } from 'kysely';\nimport { tally } from './poll.js';\nimport { q } from './store.js';\nexport const vote = (db: Kysely<never>) => [tally(1), q];\n",
      'polls/discord.ts': "import { Client } from 'discord.js';\nimport { vote } from './service.js';\nimport { render } from './discord-render.js';\nexport const pollsFeature = [Client, vote, render];\n",
      'polls/discord-render.ts': "import { EmbedBuilder } from 'discord.js';\nexport const render = EmbedBuilder;\n",
      'digests/runner.ts': "// a slice may use another slice's core and store\nimport { tally } from '../polls/poll.js';\nimport { q } from '../polls/store.js';\nexport const run = [tally, q];\n",
      'fake-discord/index.ts': "import { pollsFeature } from '../polls/discord.js';\nexport const fake = pollsFeature;\n",
      'playground/main.ts': "import { fake } from '../fake-discord/index.js';\nimport { features } from '../features.js';\nexport const play = [fake, features];\n",
      ...files,
    };
    for (const [path, text] of Object.entries(base)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    return checkArchitecture(readModules(dir));
  }

  it('a fixture in the house shape passes', () => {
    expect(check({})).toEqual([]);
  });

  it('pure core importing discord.js, kysely or better-sqlite3', () => {
    expect(check({ 'polls/poll.ts': "import { EmbedBuilder } from 'discord.js';\nexport const tally = EmbedBuilder;\n" })).toEqual([
      { rule: 'pure-core', module: 'polls/poll.ts', detail: 'imports discord.js' },
    ]);
    expect(check({ 'polls/poll.ts': "import type { Kysely } from 'kysely';\nexport const tally = (k: Kysely<never>) => k;\n" }).map((v) => v.rule)).toEqual(['pure-core']);
    expect(check({ 'polls/poll.ts': "import type Database from 'better-sqlite3';\nexport const tally = (d: Database.Database) => d;\n" }).map((v) => v.rule)).toEqual(['pure-core']);
  });

  it('a store importing discord.js', () => {
    const v = check({ 'polls/store.ts': "import { sql } from 'kysely';\nimport type { Client } from 'discord.js';\nexport const q = (c: Client) => [c, sql`x`];\n" });
    expect(v).toEqual([{ rule: 'store-discord', module: 'polls/store.ts', detail: 'imports discord.js' }]);
  });

  it('a service with discord.js types', () => {
    const v = check({ 'polls/service.ts': "import type { ButtonInteraction } from 'discord.js';\nexport const vote = (i: ButtonInteraction) => i;\n" });
    expect(v).toEqual([{ rule: 'service-discord', module: 'polls/service.ts', detail: 'imports discord.js' }]);
  });

  it("a slice importing another slice's adapter", () => {
    const v = check({ 'digests/runner.ts': "import { render } from '../polls/discord-render.js';\nexport const run = render;\n" });
    expect(v).toEqual([{ rule: 'foreign-adapter', module: 'digests/runner.ts', detail: 'imports polls/discord-render.ts' }]);
    // Not even the slice's own core or service may reach its adapters: only adapters and the composition root.
    const own = check({ 'polls/service.ts': "import { render } from './discord-render.js';\nexport const vote = render;\n" });
    expect(own.map((x) => x.rule)).toEqual(['foreign-adapter']);
  });

  it('product code importing a developer tool', () => {
    const v = check({ 'polls/service.ts': "import { clone } from '../fake-discord/util.js';\nexport const vote = clone;\n", 'fake-discord/util.ts': 'export const clone = 1;\n' });
    expect(v.map((x) => [x.rule, x.module])).toEqual([['dev-tool', 'polls/service.ts']]);
  });

  it('an import cycle, type-only imports included', () => {
    const v = check({
      'polls/store.ts': "import { sql } from 'kysely';\nimport type { vote } from './service.js';\nexport const q = (v: typeof vote) => [v, sql`x`];\n",
    });
    expect(v).toEqual([{ rule: 'cycle', module: 'polls/service.ts', detail: 'polls/service.ts -> polls/store.ts -> polls/service.ts' }]);
  });

  it('SQL outside src/db/ and the stores: kysely or better-sqlite3 values, or the sql template', () => {
    expect(check({ 'polls/discord-render.ts': "import { sql } from 'kysely';\nexport const render = sql`select 1`;\n" }).map((v) => v.rule)).toEqual(['sql-outside-store', 'sql-outside-store']);
    expect(check({ 'polls/discord-render.ts': "import Database from 'better-sqlite3';\nexport const render = Database;\n" })).toEqual([
      { rule: 'sql-outside-store', module: 'polls/discord-render.ts', detail: 'imports better-sqlite3' },
    ]);
    // A template written out of a string still counts.
    expect(check({ 'app.ts': "import { sql } from './db/open.js';\nexport const n = sql.raw('select 1');\n" }).map((v) => v.rule)).toEqual(['sql-outside-store']);
  });
});
