// Every command definition in commands/ has a route, every route a definition; subcommand tables match one to one.
import { ApplicationCommandOptionType, ApplicationCommandType, Client } from 'discord.js';
import { pino } from 'pino';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { commands } from '../../commands/index.js';
import { pollCommand } from '../../commands/poll.js';
import { ManualClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import type { Database } from '../../src/db/open.js';
import type { ArgsOf, SubcommandHandler } from '../../src/discord/options.js';
import type { Routes } from '../../src/discord/router.js';
import type { FeatureContext } from '../../src/feature.js';
import { WorkerPool } from '../../src/workers/pool.js';
import { features } from '../../src/features.js';
import { testDatabase } from '../support/db.js';

let database: Database | undefined;
let client: Client | undefined;
afterEach(async () => {
  await client?.destroy();
  await database?.close();
  database = undefined;
  client = undefined;
});

async function allRoutes(): Promise<Routes[]> {
  database = await testDatabase();
  client = new Client({ intents: [] });
  const ctx: FeatureContext = {
    config: loadConfig({ DISCORD_TOKEN: 'x', DISCORD_CLIENT_ID: '1', DATABASE_URL: 'sqlite::memory:' }, { needsDiscord: false }),
    logger: pino({ level: 'silent' }),
    clock: new ManualClock(Date.parse('2026-11-02T12:00:00Z')),
    database,
    db: database.db,
    client,
    pool: new WorkerPool({ databasePath: null, size: 0, logger: pino({ level: 'silent' }), inline: database }),
  };
  const made = features.map((make) => make(ctx));
  const routes = made.flatMap((f) => (f.routes ? [f.routes] : []));
  await Promise.all(made.map((f) => f.stop?.()));
  return routes;
}

type Definition = { name: string; type?: number; options?: Array<{ type: number; name: string }> };

describe('command definitions and routes', () => {
  it('match one to one, by kind', async () => {
    const routes = await allRoutes();
    const defs = commands as unknown as Definition[];
    const names = (type: ApplicationCommandType) => defs.filter((d) => (d.type ?? ApplicationCommandType.ChatInput) === type).map((d) => d.name).sort();
    const routed = (key: 'commands' | 'messageCommands' | 'userCommands') => routes.flatMap((r) => Object.keys(r[key] ?? {})).sort();
    expect(routed('commands')).toEqual(names(ApplicationCommandType.ChatInput));
    expect(routed('messageCommands')).toEqual(names(ApplicationCommandType.Message));
    expect(routed('userCommands')).toEqual(names(ApplicationCommandType.User));
    // Autocomplete only for commands that declare an autocompleted option.
    const autocompleted = defs
      .filter((d) => JSON.stringify(d.options ?? []).includes('"autocomplete":true'))
      .map((d) => d.name)
      .sort();
    expect(routes.flatMap((r) => Object.keys(r.autocomplete ?? {})).sort()).toEqual(autocompleted);
  });

  it('commands routed per subcommand handle exactly the subcommands they define', async () => {
    const routes = await allRoutes();
    const defs = commands as unknown as Definition[];
    const handlers = routes.flatMap((r) => Object.values(r.commands ?? {})).filter((h): h is SubcommandHandler => 'subcommands' in h);
    expect(handlers.map((h) => h.command).sort()).toEqual(expect.arrayContaining(['digest', 'flags', 'poll']));
    for (const h of handlers) {
      const def = defs.find((d) => d.name === h.command);
      const defined = (def?.options ?? []).filter((o) => o.type === ApplicationCommandOptionType.Subcommand).map((o) => o.name);
      expect([...h.subcommands].sort(), h.command).toEqual(defined.sort());
    }
  });

  it('types each subcommand’s options from its definition', () => {
    type Create = ArgsOf<typeof pollCommand, 'create'>;
    expectTypeOf<Create['question']>().toEqualTypeOf<string>();
    expectTypeOf<Create['multiple']>().toEqualTypeOf<boolean | null>();
    expectTypeOf<Create['max_choices']>().toEqualTypeOf<number | null>();
    expectTypeOf<Create['channel']>().toEqualTypeOf<{ readonly id: string } | null>();
    expectTypeOf<ArgsOf<typeof pollCommand, 'close'>['poll']>().toEqualTypeOf<number>();
    expectTypeOf<keyof ArgsOf<typeof pollCommand, 'list'>>().toEqualTypeOf<never>();
  });
});
