// A replayed event happened at its line's `at` (METRICS.md, "The replay file"), a message too: its
// payload's `timestamp` does not move it. (Live, a message keeps its own timestamp: store.test.ts.)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { zonedInstantMillis } from '../../src/activity/instants.js';
import { replayFile } from '../../src/activity/replay.js';
import type { Database } from '../../src/db/open.js';
import { buildReport } from '../../src/insights/report.js';
import { testDatabase } from '../support/db.js';
import { G, message, u } from './payloads.js';

let dir: string;
let database: Database;
beforeEach(async () => {
  dir = mkdtempSync(joinPath(tmpdir(), 'pulse-replay-at-'));
  database = await testDatabase();
});
afterEach(async () => {
  await database.close();
  rmSync(dir, { recursive: true, force: true });
});

function file(lines: unknown[]): string {
  const path = joinPath(dir, 'events.jsonl');
  writeFileSync(path, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  return path;
}

describe("pulse replay: a message's instant", () => {
  it("is the line's `at`, not the payload's timestamp: its hour of the week and its day", async () => {
    // Monday 2026-11-02 (UTC): `at` 15:00, timestamp 16:30; and one `at` 23:50 whose timestamp is Tuesday.
    const a = { ...message(u(1), '2026-11-02T16:30:00.000Z'), at: '2026-11-02T15:00:00.000Z' };
    const b = { ...message(u(2), '2026-11-03T00:30:00.000000+00:00'), at: '2026-11-02T23:50:00Z' };
    const outcome = await replayFile(database, file([a, b]));
    expect(outcome).toMatchObject({ ingested: 2, badLines: 0 });
    expect(database.sqlite.prepare('SELECT at FROM activity_messages ORDER BY user_id').pluck().all()).toEqual([Date.parse(a.at), Date.parse(b.at)]);
    const r = await buildReport(database, { guildId: G, from: '2026-11-02', to: '2026-11-08', asOf: Date.parse('2026-11-23T12:00:00Z') });
    expect(r.hour_of_week[0]![15]).toBe(1);
    expect(r.hour_of_week[0]![16]).toBe(0);
    expect(r.hour_of_week[0]![23]).toBe(1);
    expect(r.hour_of_week[1]![0]).toBe(0);
    expect(r.activity.dau.slice(0, 2)).toEqual([{ date: '2026-11-02', count: 2 }, { date: '2026-11-03', count: 0 }]);
  });

  it('still checks the timestamp is a string (skimmed or parsed in full, the same answer)', async () => {
    const skimmed = { ...message(u(1), '2026-11-02T15:00:00Z'), d: { ...message(u(1), '2026-11-02T15:00:00Z').d, timestamp: 5 } };
    // An escaped key is not skimmed: the line goes through JSON.parse.
    const parsed = JSON.stringify(skimmed).replace('"t":', '"\\u0074":');
    const outcome = await replayFile(database, file([skimmed, parsed]));
    expect(outcome.bad).toEqual([
      { line: 1, reason: expect.stringMatching(/^MESSAGE_CREATE: timestamp: /) },
      { line: 2, reason: outcome.bad[0]!.reason },
    ]);
  });
});

describe("pulse replay: a line's `at`", () => {
  const stored = () => database.sqlite.prepare('SELECT at FROM activity_messages ORDER BY at').pluck().all();

  it('must name its zone: without one it is a bad line, not an instant in the machine’s zone', async () => {
    const zoneless = message(u(1), '2026-10-05T09:00:00');
    const outcome = await replayFile(database, file([zoneless, { ...message(u(2), '2026-10-05T09:00'), at: '2026-10-05T09:00' }]));
    expect(outcome).toMatchObject({ ingested: 0, badLines: 2 });
    expect(outcome.bad).toEqual([
      { line: 1, reason: '"at" is not an ISO instant' },
      { line: 2, reason: '"at" is not an ISO instant' },
    ]);
    expect(stored()).toEqual([]);
  });

  it('must be a real date and time: February 30, April 31, February 29 of a common year, 24:00 are bad lines', async () => {
    const impossible = ['2026-02-30T09:00:00.000Z', '2026-04-31T09:00:00Z', '2025-02-29T12:00:00.000+00:00', '2026-10-05T24:00:00Z', '2026-10-05T09:00:00+24:00'];
    const outcome = await replayFile(database, file(impossible.map((at) => message(u(1), at))));
    expect(outcome).toMatchObject({ ingested: 0, badLines: impossible.length });
    expect(outcome.bad.map((b) => b.reason)).toEqual(impossible.map(() => '"at" is not an ISO instant'));
    expect(stored()).toEqual([]);
  });

  it('past the 28th, without seconds, with an offset or a long fraction: read as the instant it names', async () => {
    const ats = ['2024-02-29T12:00:00.000Z', '2026-10-31T23:30:00+02:00', '2026-12-31T23:59:59.9999999999Z', '2026-01-31T08:15-05:00', '2026-03-30T10:00Z'];
    const outcome = await replayFile(database, file(ats.map((at, i) => message(u(i + 1), at))));
    expect(outcome).toMatchObject({ ingested: ats.length, badLines: 0 });
    expect(stored()).toEqual(
      [Date.UTC(2024, 1, 29, 12), Date.UTC(2026, 9, 31, 21, 30), Date.UTC(2026, 11, 31, 23, 59, 59, 999), Date.UTC(2026, 0, 31, 13, 15), Date.UTC(2026, 2, 30, 10)].sort((a, b) => a - b),
    );
  });
});

describe('zonedInstantMillis', () => {
  it('is isoMillis where it reads, Date.parse for the rest of the zoned forms, NaN without a zone or for a date that does not exist', () => {
    expect(zonedInstantMillis('2026-11-11T17:27:07.299000+00:00')).toBe(Date.UTC(2026, 10, 11, 17, 27, 7, 299));
    expect(zonedInstantMillis('2026-11-29T17:27:07.299000+00:00')).toBe(Date.UTC(2026, 10, 29, 17, 27, 7, 299));
    expect(zonedInstantMillis('0050-01-31T00:00:00Z')).toBe(Date.parse('0050-01-31T00:00:00Z'));
    for (const s of ['2026-10-05T09:00:00', '2026-10-05', '2026-10-05T09:00:00z', '2026-02-30T09:00:00Z', '2026-02-29T00:00:00Z', '2026-10-05T09:60:00Z', '2026-10-05T09:00:60Z', 'Mon, 05 Oct 2026 09:00:00 GMT', '+002026-10-05T09:00:00Z', '2026-10-05T09:00:00+0200']) {
      expect(zonedInstantMillis(s), s).toBeNaN();
    }
  });
});
