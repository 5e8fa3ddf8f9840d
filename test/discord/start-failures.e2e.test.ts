// When Discord will not take the bot: each refused connection is logged with its close code and
// what to do, a stop during start-up ends start-up, and failures end with one plain line.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { explainStartFailure } from '../../src/discord/start-failure.js';
import { FakeDiscord } from '../../src/fake-discord/index.js';
import type { LogLine } from '../support/bot.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const TOKEN = 'fake-token-for-tests-0123456789';

async function fakeDiscord(options: Parameters<typeof FakeDiscord.start>[0] = {}): Promise<FakeDiscord> {
  const fake = await FakeDiscord.start(options);
  cleanups.push(() => fake.close());
  fake.addGuild({ name: 'Refused' });
  return fake;
}

async function app(apiUrl: string, appId: string, token = TOKEN): Promise<{ app: App; logs: LogLine[]; apiUrl: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'pulse-refused-'));
  const config = loadConfig({ DISCORD_TOKEN: token, DISCORD_APP_ID: appId, DISCORD_API_URL: apiUrl, DATABASE_URL: `sqlite:${join(dir, 'pulse.db')}`, LOG_LEVEL: 'debug' });
  const logs: LogLine[] = [];
  const logger = pino({ level: 'debug', base: undefined }, { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) });
  const made = await createApp({ config, logger });
  cleanups.push(async () => {
    await made.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return { app: made, logs, apiUrl };
}

/** Starts the app, expecting start-up to fail; gives the plain line the CLI prints. */
async function failedStart(a: { app: App; apiUrl: string }): Promise<string> {
  const error = await a.app.start().then(
    () => new Error('start-up succeeded'),
    (err: unknown) => err,
  );
  return explainStartFailure(error, a.app.gateway.lastCloseCode, a.apiUrl);
}

describe('Discord refuses the gateway connection', () => {
  it('logs each failed attempt at warn with the close code and advice, and a stop ends start-up', { timeout: 60_000 }, async () => {
    const fake = await fakeDiscord({ refuseGateway: 4000 });
    const { app: bot, logs } = await app(fake.apiUrl, fake.appId);
    let settled = false;
    const starting = bot.start().then(() => (settled = true));
    const failures = () => logs.filter((l) => l.msg === 'gateway.connect-failed');
    await fake.waitFor(() => failures().length >= 2, 30_000);
    expect(fake.refusedConnections).toBeGreaterThanOrEqual(2);
    expect(failures()[0]).toMatchObject({ level: 40, code: 4000, attempt: 1, advice: expect.stringMatching(/Discord closed the connection \(code 4000\); Pulse retries/) });
    expect(failures()[1]).toMatchObject({ code: 4000, attempt: 2 });
    expect(settled).toBe(false);

    await bot.stop();
    await starting; // resolves once stopped, instead of waiting for a connection forever
    expect(settled).toBe(true);
    const after = logs.length;
    await new Promise((r) => setTimeout(r, 1_500));
    // Nothing more: no warning for our own close, no new attempt after the stop.
    expect(logs.slice(after).filter((l) => l.level >= 40)).toEqual([]);
    expect(logs.filter((l) => l.level >= 50)).toEqual([]);
    expect(logs.at(-1)?.msg).toBe('app.stopped');
  });

  it('connects once the gateway takes connections again, and resets the count', { timeout: 60_000 }, async () => {
    const fake = await fakeDiscord({ refuseGateway: 1000 });
    const { app: bot, logs } = await app(fake.apiUrl, fake.appId);
    const starting = bot.start();
    await fake.waitFor(() => logs.some((l) => l.msg === 'gateway.connect-failed' && l['code'] === 1000), 30_000);
    fake.refuseGateway(null);
    await starting;
    expect(bot.client.isReady()).toBe(true);
    expect(bot.gateway.failedAttempts).toBe(0);
  });
});

describe('failures after configuration end with one plain line', () => {
  it('a token Discord rejects (401 on REST)', async () => {
    const fake = await fakeDiscord({ token: 'the-right-token-0123456789' });
    const line = await failedStart(await app(fake.apiUrl, fake.appId, 'a-wrong-token-0123456789'));
    expect(line).toBe('Pulse cannot start: Discord rejected the token: copy the bot token again (Developer Portal, your application, Bot, Reset Token) into DISCORD_TOKEN.');
    expect(fake.sessions).toHaveLength(0);
  });

  it('a missing privileged intent (close 4014)', async () => {
    const fake = await fakeDiscord({ privilegedIntents: 0 });
    const a = await app(fake.apiUrl, fake.appId);
    const line = await failedStart(a);
    expect(a.app.gateway.lastCloseCode).toBe(4014);
    expect(line).toMatch(/^Pulse cannot start: Discord refused the Server Members intent: turn on "Server Members Intent" under Privileged Gateway Intents .*; then start Pulse again\.$/);
    expect(a.logs.find((l) => l.msg === 'gateway.refused')).toMatchObject({ level: 50, code: 4014 });
  });

  it('a Discord that cannot be reached', { timeout: 60_000 }, async () => {
    // A port nothing listens on.
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    await new Promise((r) => server.close(r));
    const apiUrl = `http://127.0.0.1:${port}`;
    const line = await failedStart(await app(apiUrl, '100000000000000001'));
    expect(line).toBe(`Pulse cannot start: it cannot reach Discord at ${apiUrl} (ECONNREFUSED). Check the network connection and DISCORD_API_URL, then start Pulse again.`);
  });
});

describe('pulse start as a child process', () => {
  function pulseStart(env: Record<string, string>) {
    const dir = mkdtempSync(join(tmpdir(), 'pulse-child-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'start'], {
      cwd: process.cwd(),
      env: { PATH: process.env['PATH'] ?? '', DATABASE_URL: `sqlite:${join(dir, 'pulse.db')}`, LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    cleanups.push(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    });
    const events = () => stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as LogLine);
    return { child, code, events, stderr: () => stderr };
  }

  it('SIGTERM while Discord refuses every connection: the process exits 0', { timeout: 90_000 }, async () => {
    const fake = await fakeDiscord({ refuseGateway: 4000 });
    const run = pulseStart({ DISCORD_TOKEN: TOKEN, DISCORD_APP_ID: fake.appId, DISCORD_API_URL: fake.apiUrl });
    await fake.waitFor(() => run.events().some((e) => e.msg === 'gateway.connect-failed'), 60_000);
    const signalled = Date.now();
    run.child.kill('SIGTERM');
    expect(await run.code).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(4_000);
    const msgs = run.events().map((e) => e.msg);
    expect(msgs).toContain('app.stopping');
    expect(msgs.slice(msgs.indexOf('app.stopping'))).toContain('app.stopped');
    expect(run.events().filter((e) => e.level >= 50)).toEqual([]);
    expect(run.events().find((e) => e.msg === 'gateway.connect-failed')).toMatchObject({ level: 40, code: 4000 });
  });

  it('a missing privileged intent: exits 1 with one plain line on stderr', { timeout: 90_000 }, async () => {
    const fake = await fakeDiscord({ privilegedIntents: 0 });
    const run = pulseStart({ DISCORD_TOKEN: TOKEN, DISCORD_APP_ID: fake.appId, DISCORD_API_URL: fake.apiUrl });
    expect(await run.code).toBe(1);
    const lines = run.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Pulse cannot start: Discord refused the Server Members intent: turn on "Server Members Intent"/);
    expect(run.events().map((e) => e.msg)).toContain('app.start-failed');
  });

  it('Discord ends a running session for good (4004, token reset): exits 1 with one plain line', { timeout: 90_000 }, async () => {
    const fake = await fakeDiscord();
    const run = pulseStart({ DISCORD_TOKEN: TOKEN, DISCORD_APP_ID: fake.appId, DISCORD_API_URL: fake.apiUrl });
    await fake.waitFor(() => run.events().some((e) => e.msg === 'commands.synced'), 60_000);
    fake.dropConnection({ code: 4004 });
    expect(await run.code).toBe(1);
    expect(run.stderr().trim().split('\n')).toEqual(['Pulse stopped: Discord rejected the token: copy the bot token again (Developer Portal, your application, Bot, Reset Token) into DISCORD_TOKEN.']);
    const msgs = run.events().map((e) => e.msg);
    expect(msgs).toContain('gateway.gave-up');
    expect(msgs.at(-1)).toBe('app.stopped');
  });
});
