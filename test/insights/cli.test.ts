// `pulse report` for a server with nothing recorded: `--json` prints the spec's report of zeros
// and nulls (METRICS.md) and exits 0, with a one-line warning on stderr; the text output says so
// instead. A server whose only data is a survey or a flag case has data.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli.js';
import { migrate, openDatabase } from '../../src/db/open.js';

const G = '100000000000000001';
const week = ['--from', '2026-11-02', '--to', '2026-11-08', '--as-of', '2026-11-23T12:00:00Z'];

let dir: string;
let env: Record<string, string>;
let out: string[];
let err: string[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pulse-report-cli-'));
  env = { DATABASE_URL: `sqlite:${join(dir, 'pulse.db')}`, LOG_LEVEL: 'silent' };
  out = [];
  err = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
});
// The database exists, with nothing in it (one that does not exist is refused: test/activity/cli.test.ts).
beforeEach(async () => {
  const database = openDatabase(join(dir, 'pulse.db'));
  await migrate(database.db);
  await database.close();
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

/** Writes rows into the (migrated) database file, as the slices would. */
async function seed(sql: string, ...params: unknown[]): Promise<void> {
  const database = openDatabase(join(dir, 'pulse.db'));
  try {
    await migrate(database.db);
    database.sqlite.prepare(sql).run(...params);
  } finally {
    await database.close();
  }
}

const zero = (from: string, days: number) => Array.from({ length: days }, (_, i) => ({ date: new Date(Date.parse(from) + i * 86_400_000).toISOString().slice(0, 10), count: 0 }));

describe('pulse report --json for a server with nothing recorded', () => {
  it("prints the spec's report of zeros and nulls, exits 0, and warns in one line on stderr", async () => {
    expect(await runCli(['report', '--guild', G, '--json', ...week], env)).toBe(0);
    expect(err).toEqual([`Warning: nothing is recorded for server ${G} in ${join(dir, 'pulse.db')}: the report is all zeros. Check --guild and DATABASE_URL.`]);
    expect(JSON.parse(out.join('\n'))).toEqual({
      schema: 'pulse.report.v1',
      guild_id: G,
      timezone: 'UTC',
      period: { from: '2026-11-02', to: '2026-11-08' },
      as_of: '2026-11-23T12:00:00.000Z',
      members: { joined: 0, left: 0, net: 0 },
      new_members: { cohort: 0, activated: 0, pending: 0, retained_week1: 0, activation_rate: 0, week1_retention: 0 },
      activity: {
        messages: 0, reactions: 0, threads_created: 0, voice_minutes: 0, active_members: 0, dau: zero('2026-11-02', 7),
        dau_avg: 0, wau_end: 0, mau_end: 0, stickiness: 0, reactions_per_message: 0,
      },
      hour_of_week: Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 0)),
      top_contributors: [],
      top_channels: [],
      cohorts: [{ week_start: '2026-11-02', size: 0, active_by_week: [0, null, null, null, null] }],
      churn_risk: { count: 0, user_ids: [] },
      flags: { reactions: 0, messages_flagged: 0, flaggers: 0, reached_threshold: 0, resolved: 0, actioned: 0, dismissed: 0, median_minutes_to_resolution: null },
      feedback: {
        opened: 0, by_category: {}, by_status: {}, responded: 0, median_minutes_to_first_response: null, p90_minutes_to_first_response: null,
        answered_within_30m: 0, answered_within_24h: 0, median_hours_to_decision: null, waiting: { count: 0, item_ids: [] },
      },
      surveys: [],
      gaps: [],
    });
  });

  it('the text report still says so in one line instead of zeros (exit 1)', async () => {
    expect(await runCli(['report', '--guild', G, ...week], env)).toBe(1);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^No activity is recorded for server /);
  });

  it.each([
    ['a survey', `INSERT INTO surveys (guild_id, author_id, title, definition, anonymous, status, created_at) VALUES (?, '200000000000000001', 'Pulse check', '{}', 0, 'draft', 0)`],
    ['a flag case', `INSERT INTO flag_cases (guild_id, channel_id, message_id, author_id, excerpt, status, opened_at) VALUES (?, '400000000000000001', '300000000000000001', '200000000000000001', NULL, 'open', 0)`],
  ])('a server whose only data is %s has a report, with no warning', async (_what, sql) => {
    await seed(sql, G);
    expect(await runCli(['report', '--guild', G, ...week], env)).toBe(0);
    expect(out[0]).toContain(`Pulse report for guild ${G}`);
    out = [];
    expect(await runCli(['report', '--guild', G, '--json', ...week], env)).toBe(0);
    expect(JSON.parse(out.join('\n'))).toMatchObject({ schema: 'pulse.report.v1', guild_id: G });
    expect(err).toEqual([]);
  });
});

describe("a report's gaps", () => {
  it("are the bot's own and the server's outages, not another server's", async () => {
    const at = (iso: string) => Date.parse(iso);
    await seed(
      `INSERT INTO activity_gaps (started_at, ended_at, reason, guild_id) VALUES (?, ?, 'offline', ''), (?, ?, 'unavailable', ?), (?, ?, 'unavailable', ?)`,
      at('2026-11-03T10:00:00Z'), at('2026-11-03T11:00:00Z'),
      at('2026-11-04T10:00:00Z'), at('2026-11-04T12:00:00Z'), G,
      at('2026-11-05T10:00:00Z'), at('2026-11-05T12:00:00Z'), '100000000000000002',
    );
    expect(await runCli(['report', '--guild', G, '--json', ...week], env)).toBe(0);
    expect((JSON.parse(out.join('\n')) as { gaps: unknown }).gaps).toEqual([
      { from: '2026-11-03T10:00:00.000Z', to: '2026-11-03T11:00:00.000Z' },
      { from: '2026-11-04T10:00:00.000Z', to: '2026-11-04T12:00:00.000Z' },
    ]);
  });
});

describe("a report's gaps, still going on", () => {
  it('list the server’s removal or outage not yet ended up to as-of, not another server’s', async () => {
    await seed(
      `INSERT INTO activity_guild_outages (guild_id, started_at, reason) VALUES (?, ?, 'removed'), (?, ?, 'unavailable')`,
      G, Date.parse('2026-11-06T10:00:00Z'),
      '100000000000000002', Date.parse('2026-11-05T10:00:00Z'),
    );
    expect(await runCli(['report', '--guild', G, '--json', ...week], env)).toBe(0);
    expect((JSON.parse(out.join('\n')) as { gaps: unknown }).gaps).toEqual([{ from: '2026-11-06T10:00:00.000Z', to: '2026-11-23T12:00:00.000Z' }]);
    // One that began after the period: not this period's.
    out = [];
    expect(await runCli(['report', '--guild', G, '--json', '--from', '2026-10-26', '--to', '2026-11-01', '--as-of', '2026-11-23T12:00:00Z'], env)).toBe(0);
    expect((JSON.parse(out.join('\n')) as { gaps: unknown }).gaps).toEqual([]);
  });
});

describe('pulse report --tz', () => {
  it('is taken as /settings takes a zone (any case, spaces, a city, an old name) and used by its current name', async () => {
    for (const [typed, zone] of [['america/new york', 'America/New_York'], ['Calcutta', 'Asia/Kolkata'], ['Kolkata', 'Asia/Kolkata']] as const) {
      out = [];
      expect(await runCli(['report', '--guild', G, '--json', '--tz', typed, ...week], env)).toBe(0);
      expect((JSON.parse(out.join('\n')) as { timezone: string }).timezone).toBe(zone);
    }
  });

  it('refuses a name that is no zone, saying so in one line with the usage', async () => {
    expect(await runCli(['report', '--guild', G, '--tz', 'Mars/Base', ...week], env)).toBe(1);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^--tz: "Mars\/Base" is not an IANA time zone such as Europe\/Berlin\.\nUsage: pulse report /);
  });
});
