// The built bundle (scripts/build.mjs, what `npm start` runs): plain JavaScript in every thread.
// The CLI answers, `pulse replay` parses in its bundled thread, and the bot started from dist
// (re-executed with its process settings) answers /insights from a report built in a bundled
// worker thread, against the fake Discord.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../commands/index.js';
import { FakeDiscord } from '../src/fake-discord/index.js';
import { bundle } from '../scripts/build.mjs';

// Inside the project, so the bundle resolves its packages from node_modules as dist/ does.
const out = join(process.cwd(), '.cache', `test-dist-${process.pid}`);
const dir = mkdtempSync(join(tmpdir(), 'pulse-build-'));
const cli = join(out, 'cli.mjs');

beforeAll(async () => {
  await bundle(out);
}, 60_000);
afterAll(() => {
  rmSync(out, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

describe('the built bundle', () => {
  it('runs the CLI with plain node, and replays through its bundled parsing thread', () => {
    const help = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: pulse <command>');
    const dbPath = join(dir, 'replay.db');
    const replay = spawnSync(process.execPath, [cli, 'replay', 'examples/replay.jsonl'], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', DATABASE_URL: `sqlite:${dbPath}` } });
    expect(replay.stderr).toBe('');
    expect(replay.stdout).toContain('Replayed 20 lines: 17 ingested, 1 duplicates, 1 ignored');
    const sqlite = new Database(dbPath, { readonly: true });
    expect(sqlite.prepare('SELECT count(*) FROM activity_messages').pluck().get()).toBeGreaterThan(0);
    sqlite.close();
  });

  it('starts the bot from dist and answers /insights from a report built in a bundled worker thread', { timeout: 90_000 }, async () => {
    const fake = await FakeDiscord.start();
    const guild = fake.addGuild({ name: 'Built' });
    const channel = fake.addChannel(guild.id, { name: 'general' }).id;
    const member = fake.addMember(guild.id, { username: 'ana' }).user.id;
    fake.setCommands(commands);
    const child = spawn(process.execPath, [cli, 'start'], {
      env: { PATH: process.env['PATH'] ?? '', DISCORD_TOKEN: 'build-token-0123456789abcdef', DISCORD_APP_ID: fake.appId, DISCORD_API_URL: fake.apiUrl, DATABASE_URL: `sqlite:${join(dir, 'bot.db')}`, LOG_LEVEL: 'debug' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const logs = () => stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { level: number; msg?: string; job?: string });
    try {
      await fake.waitForReady(60_000);
      await fake.waitFor(() => logs().some((l) => l.msg === 'commands.synced'), 60_000);
      if (process.platform === 'linux') {
        // Started without the bot's process settings, it re-executed itself with them (same pid).
        const cmdline = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
        expect(cmdline).toContain('--max-semi-space-size=2');
        expect(cmdline.slice(-2)).toEqual([cli, 'start']);
        expect(readFileSync(`/proc/${child.pid}/environ`, 'utf8').split('\0')).toContain('MALLOC_ARENA_MAX=2');
      }
      fake.post({ channelId: channel, userId: member, content: 'hello' });
      const reply = await fake.slash({ guildId: guild.id, channelId: channel, userId: guild.ownerId, name: 'insights' }).reply(30_000);
      expect(reply.embeds[0]?.title).toBeTruthy();
      expect(reply.embeds[0]?.fields?.length).toBeGreaterThan(3);
      expect(logs().some((l) => l.msg === 'pool.job-started' && l.job === 'report')).toBe(true);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(logs().filter((l) => l.level >= 50)).toEqual([]);
      expect(stderr).toBe('');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await fake.close();
    }
  });
});
