// `pulse replay` and `pulse report` through runCli on a temp database file.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli.js';
import { G, join, leave, message, reaction, thread, u, voice, VOICE } from './payloads.js';

let dir: string;
let env: Record<string, string>;
let out: string[];
let err: string[];

beforeEach(() => {
  dir = mkdtempSync(joinPath(tmpdir(), 'pulse-cli-'));
  env = { DATABASE_URL: `sqlite:${joinPath(dir, 'pulse.db')}`, LOG_LEVEL: 'silent' };
  out = [];
  err = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

function file(lines: Array<unknown>): string {
  const path = joinPath(dir, 'events.jsonl');
  writeFileSync(path, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  return path;
}

const m1 = message(u(1), '2026-11-02T10:00:00Z');
const lines = [
  join(u(1), '2026-11-02T09:00:00Z'),
  m1,
  reaction(u(2), m1.d.id, u(1), '2026-11-02T10:01:00Z'),
  thread(u(2), '2026-11-03T10:00:00Z'),
  voice(u(3), VOICE, '2026-11-04T20:00:00Z'),
  { at: '2026-11-04T20:00:01Z', t: 'TYPING_START', d: { channel_id: '1' } },
  'this is not json',
  { t: 'MESSAGE_CREATE', d: {} },
  voice(u(3), null, '2026-11-04T21:30:00Z'),
  message(u(9), '2026-11-04T22:00:00Z', { author: { id: u(9), bot: true } }),
  leave(u(1), '2026-11-05T09:00:00Z'),
  { at: '2026-11-05T09:00:00Z', t: 'MESSAGE_CREATE', d: { id: 'x' } },
];

describe('pulse replay', () => {
  it('prints counts and bad lines with their numbers; a second run only finds duplicates', async () => {
    const path = file(lines);
    expect(await runCli(['replay', path], env)).toBe(0);
    expect(out.join('\n')).toContain('Replayed 12 lines: 7 ingested, 0 duplicates, 1 ignored');
    expect(out.join('\n')).toContain('Skipped types: TYPING_START 1.');
    expect(out.join('\n')).toContain('Bad lines: 3.');
    expect(out.join('\n')).toContain('line 7: not valid JSON');
    expect(out.join('\n')).toContain('line 8: missing at');
    expect(out.join('\n')).toMatch(/line 12: MESSAGE_CREATE: /);
    out = [];
    expect(await runCli(['replay', path], env)).toBe(0);
    expect(out.join('\n')).toContain('Replayed 12 lines: 0 ingested, 7 duplicates, 1 ignored');
  });

  it('replaying twice gives the identical report JSON', async () => {
    const path = file(lines);
    const reportArgs = ['report', '--guild', G, '--from', '2026-11-02', '--to', '2026-11-08', '--json', '--as-of', '2026-11-23T12:00:00Z'];
    await runCli(['replay', path], env);
    out = [];
    expect(await runCli(reportArgs, env)).toBe(0);
    const first = out.join('\n');
    await runCli(['replay', path], env);
    out = [];
    await runCli(reportArgs, env);
    expect(out.join('\n')).toBe(first);
    const r = JSON.parse(first);
    expect(r).toMatchObject({
      schema: 'pulse.report.v1',
      guild_id: G,
      timezone: 'UTC',
      period: { from: '2026-11-02', to: '2026-11-08' },
      as_of: '2026-11-23T12:00:00.000Z',
      members: { joined: 1, left: 1, net: 0 },
      new_members: { cohort: 1, activated: 1, pending: 0, retained_week1: 0, activation_rate: 1, week1_retention: 0 },
      activity: { messages: 1, reactions: 1, threads_created: 1, voice_minutes: 90, active_members: 3, reactions_per_message: 1 },
      top_contributors: [{ user_id: u(1), messages: 1 }],
    });
    expect(r.surveys).toEqual([]);
    expect(Object.keys(r)).toEqual(['schema', 'guild_id', 'timezone', 'period', 'as_of', 'members', 'new_members', 'activity', 'hour_of_week', 'top_contributors', 'top_channels', 'cohorts', 'churn_risk', 'flags', 'feedback', 'surveys', 'gaps']);
  });

  it('reads a file that starts with a UTF-8 byte order mark: its first line is not a bad line', async () => {
    const path = joinPath(dir, 'bom.jsonl');
    writeFileSync(path, '\uFEFF' + [m1, thread(u(2), '2026-11-03T10:00:00Z')].map((l) => JSON.stringify(l)).join('\r\n') + '\r\n');
    expect(await runCli(['replay', path], env)).toBe(0);
    expect(out.join('\n')).toContain('Replayed 2 lines: 2 ingested, 0 duplicates, 0 ignored');
    expect(out.join('\n')).toContain('Bad lines: none.');
  });

  it.each([
    ['a CSV file', 'at,t,user\n2026-11-02T10:00:00Z,MESSAGE_CREATE,1\n2026-11-02T10:01:00Z,MESSAGE_CREATE,2\n'],
    ['a gzip file', gzipSync(JSON.stringify(m1) + '\n')],
  ])('exits 1 when not one line could be read (%s), saying so', async (_what, content) => {
    const path = joinPath(dir, 'events.data');
    writeFileSync(path, content);
    expect(await runCli(['replay', path], env)).toBe(1);
    expect(out.join('\n')).toMatch(/Replayed \d+ lines: 0 ingested, 0 duplicates, 0 ignored/);
    expect(out.join('\n')).toMatch(/Bad lines: \d+\./);
    expect(err).toEqual([`No line of ${path} could be read: it should be JSON Lines of gateway events, one {"at", "t", "d"} object a line (docs/activity.md).`]);
  });

  it('exits 0 when some lines were read, or only skipped types, however many were bad', async () => {
    expect(await runCli(['replay', file(['not json', 'nor this', { at: '2026-11-04T20:00:01Z', t: 'TYPING_START', d: { channel_id: '1' } }])], env)).toBe(0);
    expect(out.join('\n')).toContain('Bad lines: 2.');
    expect(err).toEqual([]);
  });

  it('refuses a missing file with a one-line error', async () => {
    expect(await runCli(['replay', joinPath(dir, 'nope.jsonl')], env)).toBe(1);
    expect(err[0]).toMatch(/^No such file: /);
  });
});

describe('pulse report', () => {
  // The database exists (a missing one is refused: below).
  beforeEach(async () => {
    expect(await runCli(['migrate'], env)).toBe(0);
    out = [];
  });

  it('refuses a DATABASE_URL naming no file, and creates none', async () => {
    const missing = joinPath(dir, 'typo', 'pulse.db');
    for (const json of [[], ['--json']]) {
      err = [];
      expect(await runCli(['report', '--guild', G, ...json], { ...env, DATABASE_URL: `sqlite:${missing}` })).toBe(1);
      expect(out).toEqual([]);
      expect(err).toEqual([`No database at ${missing} (DATABASE_URL).`]);
    }
    expect(existsSync(joinPath(dir, 'typo'))).toBe(false);
  });

  it('says so, instead of printing zeros, for a server with no recorded activity', async () => {
    expect(await runCli(['report', '--guild', G], env)).toBe(1);
    expect(out).toEqual([]);
    expect(err).toEqual([`No activity is recorded for server ${G} in ${joinPath(dir, 'pulse.db')}. Check --guild and DATABASE_URL; the bot records from the moment it joins (or load history with \`pulse replay FILE\`).`]);
  });

  it('--as-of: the instant it names, in any zone it is written in; a period that starts on its day is a report', async () => {
    await runCli(['replay', file(lines)], env);
    const asOf = async (...args: string[]) => {
      out = [];
      expect(await runCli(['report', '--guild', G, '--json', ...args], env)).toBe(0);
      return JSON.parse(out.join('\n')) as { as_of: string; period: unknown; activity: { messages: number } };
    };
    expect((await asOf('--as-of', '2026-11-23T07:00:00-05:00')).as_of).toBe('2026-11-23T12:00:00.000Z');
    expect((await asOf('--as-of', '2026-11-29T12:00:00.5+00:00')).as_of).toBe('2026-11-29T12:00:00.500Z');
    // The period of the as-of day itself (begun, not over): counted.
    const r = await asOf('--from', '2026-11-02', '--as-of', '2026-11-02T10:30:00Z');
    expect(r.period).toEqual({ from: '2026-11-02', to: '2026-11-02' });
    expect(r.activity.messages).toBe(1);
  });

  it('defaults to the last 7 complete days in the guild zone and prints a summary', async () => {
    await runCli(['replay', file(lines)], env);
    out.length = 0;
    expect(await runCli(['report', '--guild', G, '--as-of', '2026-11-09T03:00:00Z', '--tz', 'America/New_York'], env)).toBe(0);
    // 2026-11-09T03:00Z is Nov 8 22:00 in New York: the last complete day is Nov 7.
    expect(out[0]).toContain(`Pulse report for guild ${G}: 2026-11-01 to 2026-11-07 (America/New_York)`);
  });

  it.each([
    [['--guild', '12'], '--guild must be a server id (17 to 20 digits)'],
    [[], '--guild is required: the server id (17 to 20 digits)'],
    [['--guild', G, '--from', '2026-13-01'], '--from must be a date written YYYY-MM-DD, like 2026-10-05'],
    [['--guild', G, '--tz', 'Mars/Olympus'], '--tz: "Mars/Olympus" is not an IANA time zone such as Europe/Berlin.'],
    [['--guild', G, '--from', '2026-11-09', '--to', '2026-11-02'], '--from (2026-11-09) must not be after --to (2026-11-02).'],
    [['--guild', G, '--from', '2024-01-01', '--to', '2026-01-01'], 'The period may be at most 366 days.'],
    [['--guild', G, '--verbose'], "Unknown option '--verbose'"],
    // --as-of: with its zone (not read in the machine's zone), of a date that exists.
    [['--guild', G, '--as-of', '2026-11-23T12:00:00'], '--as-of must be an ISO instant of a real date with its zone (Z or ±HH:MM), like 2026-11-23T12:00:00Z'],
    [['--guild', G, '--as-of', '2026-02-30T12:00:00Z'], '--as-of must be an ISO instant of a real date with its zone (Z or ±HH:MM), like 2026-11-23T12:00:00Z'],
    [['--guild', G, '--as-of', '2026-11-23'], '--as-of must be an ISO instant of a real date with its zone (Z or ±HH:MM), like 2026-11-23T12:00:00Z'],
    // A period that starts after as-of's day: nothing in it can have happened yet.
    [['--guild', G, '--to', '2099-01-01', '--as-of', '2026-11-23T12:00:00Z'], 'The period starts on 2098-12-26, after the as-of day 2026-11-23 (UTC).'],
    [['--guild', G, '--from', '2026-11-24', '--as-of', '2026-11-23T12:00:00Z'], 'The period starts on 2026-11-24, after the as-of day 2026-11-23 (UTC).'],
    [['--guild', G, '--from', '2026-11-23', '--to', '2026-11-29', '--tz', 'Pacific/Auckland', '--as-of', '2026-11-22T10:00:00Z'], 'The period starts on 2026-11-23, after the as-of day 2026-11-22 (Pacific/Auckland).'],
  ])('rejects %j with one clear line', async (args, message) => {
    expect(await runCli(['report', ...args], env)).toBe(1);
    expect(err[0]!.split('\n')[0]).toBe(message);
  });
});
