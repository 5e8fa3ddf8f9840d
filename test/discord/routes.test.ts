// Every command definition in commands/ has a route, every route a definition; subcommand tables (groups included) match one to one; only options.ts reads options.
import { join } from 'node:path';
import { ApplicationCommandOptionType, ApplicationCommandType, ChannelType, Client } from 'discord.js';
import { pino } from 'pino';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { commands } from '../../commands/index.js';
import { feedbackCommand } from '../../commands/feedback.js';
import { pollCommand } from '../../commands/poll.js';
import { surveyCommand } from '../../commands/survey.js';
import { ManualClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import type { Database } from '../../src/db/open.js';
import { readOptions, type ArgsOf, type AutocompletedOf, type SubcommandHandler, type SubcommandOf } from '../../src/discord/options.js';
import { UserError } from '../../src/discord/errors.js';
import type { Routes } from '../../src/discord/router.js';
import type { FeatureContext } from '../../src/feature.js';
import { WorkerPool } from '../../src/workers/pool.js';
import { features } from '../../src/features.js';
import { testDatabase } from '../support/db.js';
import { definedPaths, optionReads, readSources, routeMismatches, type Definition } from '../support/routes-check.js';

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
    // Every command with subcommands is routed per subcommand.
    const withSubcommands = defs.filter((d) => definedPaths(d).length > 0).map((d) => d.name).sort();
    expect(withSubcommands).toEqual(['digest', 'feedback', 'flags', 'poll', 'privacy', 'pulse', 'settings', 'survey']);
    expect(handlers.map((h) => h.command).sort()).toEqual(withSubcommands);
    for (const h of handlers) {
      const def = defs.find((d) => d.name === h.command);
      expect([...h.subcommands].sort(), h.command).toEqual(definedPaths(def!));
    }
    // Subcommands in a group are routed as "group sub".
    expect(handlers.find((h) => h.command === 'feedback')?.subcommands).toEqual(expect.arrayContaining(['categories list', 'categories add', 'categories remove']));
    expect(routeMismatches(defs, routes)).toEqual([]);
  });

  it('the one-to-one check catches a definition and a route that differ', () => {
    const { Subcommand, SubcommandGroup, String: Str } = ApplicationCommandOptionType;
    const defs: Definition[] = [
      {
        name: 'fixture',
        options: [
          { type: Subcommand, name: 'show' },
          { type: Subcommand, name: 'set', options: [{ type: Str, name: 'value', autocomplete: true }] },
          { type: SubcommandGroup, name: 'tags', options: [{ type: Subcommand, name: 'add' }, { type: Subcommand, name: 'remove' }] },
        ],
      },
      { name: 'plain', options: [{ type: Subcommand, name: 'go' }] },
      { name: 'gone' },
    ];
    const handle = async () => undefined;
    const table = (command: string, subcommands: string[]): SubcommandHandler => Object.assign(async () => undefined, { command, subcommands });
    const good = [{ commands: { fixture: table('fixture', ['show', 'set', 'tags add', 'tags remove']), plain: table('plain', ['go']), gone: handle }, autocomplete: { fixture: handle } }];
    expect(routeMismatches(defs, good)).toEqual([]);
    const bad = [
      {
        commands: { fixture: table('fixture', ['show', 'set', 'tags add', 'tags rename', 'add']), plain: handle, extra: handle },
        autocomplete: { fixture: handle, plain: handle },
      },
    ];
    expect(routeMismatches(defs, bad).sort()).toEqual(
      [
        'commands: route extra has no definition',
        'commands: gone has 0 routes',
        'fixture: no handler for tags remove',
        'fixture: handler for undefined tags rename',
        'fixture: handler for undefined add',
        'plain: defines subcommands but is not routed per subcommand',
        'autocomplete: plain declares no autocompleted option',
      ].sort(),
    );
    // A group's subcommand routed without its group, or a group routed as a whole, is a mismatch too.
    expect(routeMismatches(defs, [{ ...good[0]!, commands: { ...good[0]!.commands, fixture: table('fixture', ['show', 'set', 'add', 'tags']) } }]).sort()).toEqual(
      ['fixture: handler for undefined add', 'fixture: handler for undefined tags', 'fixture: no handler for tags add', 'fixture: no handler for tags remove'].sort(),
    );
  });
});

describe('option reads', () => {
  const SRC = join(import.meta.dirname, '..', '..', 'src');

  it('happen in src/discord/options.ts only: handlers get their options typed from the definitions', () => {
    const files = readSources(SRC);
    expect(files.some((f) => f.path === 'discord/options.ts' && f.text.includes('interaction.options.get('))).toBe(true);
    expect(optionReads(files)).toEqual([]);
  });

  it('are caught on a fixture: by name, through an alias, by subcommand, by focus', () => {
    const file = (text: string) => [{ path: 'fixture/discord.ts', text }];
    expect(optionReads(file("const id = interaction.options.getInteger('survey', true);"))).toHaveLength(1);
    expect(optionReads(file('const o = interaction.options;\nconst every = o.getString(\'every\', true);'))).toHaveLength(2);
    expect(optionReads(file('const { options } = interaction;'))).toHaveLength(1);
    expect(optionReads(file('if (i.options.getSubcommand(true) === "set") {}'))).toHaveLength(1);
    expect(optionReads(file('const group = interaction.options?.getSubcommandGroup(false);'))).toHaveLength(1);
    expect(optionReads(file('const typed = interaction.options.getFocused();'))).toHaveLength(1);
    expect(optionReads(file('const typed = focusOf(interaction, pollCommand).value;\nconst n = this.options.limit;'))).toEqual([]);
    // The same text in options.ts itself is allowed.
    expect(optionReads([{ path: 'discord/options.ts', text: 'interaction.options.get(def.name)' }])).toEqual([]);
  });

  it('types each subcommand’s options from its definition', () => {
    type Create = ArgsOf<typeof pollCommand, 'create'>;
    expectTypeOf<Create['question']>().toEqualTypeOf<string>();
    expectTypeOf<Create['multiple']>().toEqualTypeOf<boolean | null>();
    expectTypeOf<Create['max_choices']>().toEqualTypeOf<number | null>();
    expectTypeOf<Create['channel']>().toEqualTypeOf<{ readonly id: string; readonly type: ChannelType } | null>();
    expectTypeOf<ArgsOf<typeof pollCommand, 'close'>['poll']>().toEqualTypeOf<number>();
    expectTypeOf<keyof ArgsOf<typeof pollCommand, 'list'>>().toEqualTypeOf<never>();
    // Subcommands in a group are "group sub", with their own options.
    expectTypeOf<SubcommandOf<typeof feedbackCommand>>().toEqualTypeOf<'submit' | 'list' | 'show' | 'status' | 'export' | 'categories list' | 'categories add' | 'categories remove'>();
    expectTypeOf<ArgsOf<typeof feedbackCommand, 'categories add'>>().toEqualTypeOf<{ name: string }>();
    expectTypeOf<keyof ArgsOf<typeof feedbackCommand, 'categories list'>>().toEqualTypeOf<never>();
    expectTypeOf<ArgsOf<typeof feedbackCommand, 'status'>['duplicate_of']>().toEqualTypeOf<number | null>();
    // The options a command autocompletes, at any depth.
    expectTypeOf<AutocompletedOf<typeof feedbackCommand>>().toEqualTypeOf<'category' | 'item' | 'duplicate_of' | 'name'>();
    expectTypeOf<AutocompletedOf<typeof surveyCommand>>().toEqualTypeOf<'survey'>();
  });
});

describe('options registered before a change of the command', () => {
  it('are refused in the member\'s language, not with a crash', () => {
    // As Discord sends it: an option of another type than the definition (an old registration).
    const interaction = { options: { get: (name: string) => (name === 'poll' ? { name, type: ApplicationCommandOptionType.String, value: 'x' } : null) } };
    const definitions = [{ name: 'poll', description: 'Poll', type: ApplicationCommandOptionType.Integer, required: true }] as const;
    let error: unknown;
    try {
      readOptions(interaction as never, definitions as never);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).in('en')).toBe('This command has changed since it was registered. Try again in a minute; if it keeps happening, ask an admin to run `deploy-commands`.');
    expect((error as UserError).in('es')).toMatch(/^Este comando ha cambiado/);
    expect((error as UserError).in('ru')).toMatch(/^Эта команда изменилась/);
  });
});
