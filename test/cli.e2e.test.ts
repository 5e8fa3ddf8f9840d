// The `pulse` command line as a user runs it: a real child process against the fake Discord.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { commands } from '../commands/index.js';
import { runCli } from '../src/cli.js';
import { FakeDiscord } from '../src/fake-discord/index.js';
import Database from 'better-sqlite3';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  vi.restoreAllMocks();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pulse-cli-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

interface Run {
  code: Promise<number | null>;
  output: () => string;
  kill(signal: NodeJS.Signals): void;
}

function pulse(args: string[], env: Record<string, string>): Run {
  // The same entry point as `npm start` / `npm run pulse`, without npm in between.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: process.cwd(),
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  cleanups.push(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return { code, output: () => output, kill: (signal) => child.kill(signal) };
}

describe('pulse start', () => {
  it('without a token exits with one line naming DISCORD_TOKEN', { timeout: 90_000 }, async () => {
    const run = pulse(['start'], { DATABASE_URL: `sqlite:${join(tempDir(), 'p.db')}` });
    expect(await run.code).toBe(1);
    expect(run.output().trim()).toMatch(/^Pulse cannot start: DISCORD_TOKEN is missing: set it to the bot token/);
    expect(run.output().trim().split('\n')).toHaveLength(1);
  });

  it('refuses a second start on the database a running bot uses, and starts once that one was killed', { timeout: 120_000 }, async () => {
    const fake = await FakeDiscord.start();
    cleanups.push(() => fake.close());
    fake.addGuild({ name: 'CLI test' });
    const env = { DISCORD_TOKEN: 'fake-token-for-tests-0123456789', DISCORD_APP_ID: fake.appId, DISCORD_API_URL: fake.apiUrl, DATABASE_URL: `sqlite:${join(tempDir(), 'pulse.db')}`, LOG_LEVEL: 'warn' };
    const first = pulse(['start'], env);
    await fake.waitForReady(60_000);
    const second = pulse(['start'], env);
    expect(await second.code).toBe(1);
    expect(second.output().trim()).toMatch(/^Pulse cannot start: another Pulse is running on .*pulse\.db \(it holds .*pulse\.db-lock\)\. Stop it first/);
    expect(fake.identifyCount).toBe(1);
    // A bot killed outright leaves no lock behind: the next start goes ahead.
    first.kill('SIGKILL');
    await first.code;
    const third = pulse(['start'], env);
    await fake.waitFor(() => fake.identifyCount === 2, 60_000);
    third.kill('SIGTERM');
    expect(await third.code).toBe(0);
  });

  it('connects through DISCORD_API_URL, answers /pulse about, and stops cleanly on SIGTERM', { timeout: 90_000 }, async () => {
    const fake = await FakeDiscord.start();
    cleanups.push(() => fake.close());
    const guild = fake.addGuild({ name: 'CLI test' });
    const channel = fake.addChannel(guild.id, { name: 'general' });
    const member = fake.addMember(guild.id, { username: 'alice' });

    const run = pulse(['start'], {
      DISCORD_TOKEN: 'fake-token-for-tests-0123456789',
      DISCORD_APP_ID: fake.appId,
      DISCORD_API_URL: fake.apiUrl,
      DATABASE_URL: `sqlite:${join(tempDir(), 'pulse.db')}`,
      LOG_LEVEL: 'info',
    });
    await fake.waitForReady(60_000);
    // On start the bot registers its commands itself.
    await fake.waitFor(() => fake.commands().length === commands.length, 20_000);
    const reply = await fake.slash({ guildId: guild.id, channelId: channel.id, userId: member.user.id, name: 'pulse', subcommand: 'about' }).reply(10_000);
    expect(reply.ephemeral).toBe(true);
    expect(reply.embeds[0]?.title).toBe('Pulse');

    run.kill('SIGTERM');
    expect(await run.code).toBe(0);
    const events = run
      .output()
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(events).toContain('client.ready');
    expect(events).toContain('commands.synced');
    expect(events.at(-1)).toBe('app.stopped');

    // The start registered what `pulse deploy-commands` does, translations included: nothing to change.
    expect(fake.commands().find((c) => c.name === 'poll')?.name_localizations).toMatchObject({ 'es-ES': expect.any(String), ru: expect.any(String) });
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    expect(await runCli(['deploy-commands'], { DISCORD_TOKEN: 'fake-token-for-tests-0123456789', DISCORD_APP_ID: fake.appId, DISCORD_API_URL: fake.apiUrl })).toBe(0);
    expect(log.mock.calls.at(-1)?.[0]).toMatch(/added none; updated none; removed none; unchanged /);
  });
});

describe('a database Pulse cannot open', () => {
  it('is named in one line, with the setting and the reason', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const dir = tempDir();
    const notDb = join(dir, 'notes.txt');
    writeFileSync(notDb, 'not a database, just text\n'.repeat(100));
    expect(await runCli(['migrate'], { DATABASE_URL: `sqlite:${notDb}` })).toBe(1);
    expect(error.mock.calls.at(-1)?.[0]).toBe(`pulse migrate failed: Cannot open the database ${notDb} (DATABASE_URL): the file is not a SQLite database.`);
    // A path under a file, as if it were a folder: migrate would create it, and cannot; report reads
    // only a database that exists.
    expect(await runCli(['migrate'], { DATABASE_URL: `sqlite:${join(notDb, 'pulse.db')}` })).toBe(1);
    expect(error.mock.calls.at(-1)?.[0]).toBe(`pulse migrate failed: Cannot open the database ${join(notDb, 'pulse.db')} (DATABASE_URL): ${notDb} is not a folder.`);
    expect(await runCli(['report', '--guild', '123456789012345678'], { DATABASE_URL: `sqlite:${join(notDb, 'pulse.db')}` })).toBe(1);
    expect(error.mock.calls.at(-1)?.[0]).toBe(`No database at ${join(notDb, 'pulse.db')} (DATABASE_URL).`);
    // A folder where the file should be.
    expect(await runCli(['migrate'], { DATABASE_URL: `sqlite:${dir}` })).toBe(1);
    expect(error.mock.calls.at(-1)?.[0]).toBe(`pulse migrate failed: Cannot open the database ${dir} (DATABASE_URL): ${dir} is a folder: give the path of the database file in it, like sqlite:${dir}/pulse.db.`);
    // The commands that read through a read-only connection say the same.
    expect(await runCli(['privacy-export', '--guild', '123456789012345678', '--user', '223456789012345678', '--out', join(dir, 'x.json')], { DATABASE_URL: `sqlite:${notDb}` })).toBe(1);
    expect(error.mock.calls.at(-1)?.[0]).toMatch(`Cannot open the database ${notDb} (DATABASE_URL): the file is not a SQLite database.`);
  });

  it('says a database a newer Pulse upgraded is from a newer Pulse (not corrupted), and leaves it as it is', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const path = join(tempDir(), 'pulse.db');
    expect(await runCli(['migrate'], { DATABASE_URL: `sqlite:${path}` })).toBe(0);
    // What a newer Pulse leaves: a migration this one does not know.
    const sqlite = new Database(path);
    sqlite.prepare(`INSERT INTO kysely_migration (name, timestamp) VALUES (?, ?)`).run('9999-from-the-future', new Date().toISOString());
    const tables = () => sqlite.prepare(`SELECT name FROM sqlite_master ORDER BY name`).pluck().all();
    const before = tables();
    for (const command of [['migrate'], ['report', '--guild', '123456789012345678'], ['privacy-opt-out', '--guild', '123456789012345678', '--user', '123456789012345679']]) {
      expect(await runCli(command, { DATABASE_URL: `sqlite:${path}` })).toBe(1);
      expect(error.mock.calls.at(-1)?.[0]).toBe(
        `pulse ${command[0]} failed: The database ${path} was upgraded by a newer Pulse (migrations 9999-from-the-future); run that version, or restore the backup taken before the upgrade (README, Upgrading).`,
      );
    }
    expect(tables()).toEqual(before);
    expect(sqlite.prepare(`SELECT count(*) FROM activity_opt_outs`).pluck().get()).toBe(0);
    sqlite.close();
  });
});

describe('pulse deploy-commands', () => {
  it('registers every command, then reports nothing to change', async () => {
    const fake = await FakeDiscord.start();
    cleanups.push(() => fake.close());
    const guild = fake.addGuild({ name: 'Dev' });
    const env = {
      DISCORD_TOKEN: 'fake-token-for-tests-0123456789',
      DISCORD_APP_ID: fake.appId,
      DISCORD_API_URL: fake.apiUrl,
      DEV_GUILD_ID: guild.id,
      DATABASE_URL: `sqlite:${join(tempDir(), 'p.db')}`,
    };
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    expect(await runCli(['deploy-commands'], env)).toBe(0);
    const names = commands.map((c) => c.name);
    expect(log.mock.calls.at(-1)?.[0]).toBe(`Commands (guild ${guild.id}): added ${names.join(', ')}; updated none; removed none; unchanged none.`);
    expect(fake.commands(guild.id).map((c) => c.name).sort()).toEqual([...names].sort());
    expect(fake.commands()).toEqual([]);

    expect(await runCli(['deploy-commands'], env)).toBe(0);
    expect(log.mock.calls.at(-1)?.[0]).toBe(`Commands (guild ${guild.id}): added none; updated none; removed none; unchanged ${names.join(', ')}.`);
    expect(fake.requestsMatching('PUT', /commands/)).toHaveLength(1);
  });
});

describe('pulse --help and migrate', () => {
  it('lists the commands, and migrates a new database', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    expect(await runCli(['--help'], {})).toBe(0);
    expect(log.mock.calls[0]?.[0]).toMatch(/start\s+Run the bot[\s\S]*deploy-commands[\s\S]*migrate/);
    const env = { DATABASE_URL: `sqlite:${join(tempDir(), 'p.db')}` };
    expect(await runCli(['migrate'], env)).toBe(0);
    expect(log.mock.calls.at(-1)?.[0]).toMatch(/^Applied 0001-core/);
    expect(await runCli(['migrate'], env)).toBe(0);
    expect(log.mock.calls.at(-1)?.[0]).toBe('The database is up to date.');
  });

  it('refuses arguments a command does not take, in one line', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(await runCli(['migrate', '--bogus'], { DATABASE_URL: `sqlite:${join(tempDir(), 'p.db')}` })).toBe(1);
    expect(error.mock.calls[0]?.[0]).toMatch(/^unexpected argument "--bogus": this command takes no options\.\nUsage: pulse migrate/);
  });

  it('says in one line, without a stack, why a command failed', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    // Discord unreachable (nothing listens on the port).
    const env = { DISCORD_TOKEN: 'fake-token-for-tests-0123456789', DISCORD_APP_ID: '100000000000000001', DISCORD_API_URL: 'http://127.0.0.1:9', DATABASE_URL: `sqlite:${join(tempDir(), 'p.db')}` };
    expect(await runCli(['deploy-commands'], env)).toBe(1);
    expect(error.mock.calls).toHaveLength(1);
    expect(error.mock.calls[0]?.[0]).toBe('pulse deploy-commands failed: it cannot reach Discord at http://127.0.0.1:9 (ECONNREFUSED). Check the network connection and DISCORD_API_URL, then start Pulse again.');
    // A file that cannot be read: a directory given to replay.
    error.mockClear();
    expect(await runCli(['replay', tempDir()], { DATABASE_URL: `sqlite:${join(tempDir(), 'p.db')}` })).toBe(1);
    expect(error.mock.calls).toHaveLength(1);
    expect(error.mock.calls[0]?.[0]).toMatch(/^pulse replay failed: .*EISDIR.*\. Run it with LOG_LEVEL=debug for the details\.$/);
  });

  it('refuses an unknown command', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    expect(await runCli(['frobnicate'], {})).toBe(1);
    expect(error.mock.calls[0]?.[0]).toMatch(/^Unknown command "frobnicate"/);
  });

  it('without a command, explains on stderr (stdout stays empty) and fails', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    expect(await runCli([], {})).toBe(1);
    expect(error.mock.calls[0]?.[0]).toMatch(/^Give a command\.\n\nUsage: pulse <command>/);
    expect(log).not.toHaveBeenCalled();
  });
});
