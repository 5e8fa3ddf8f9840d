// A replayed event happened at its line's `at` (METRICS.md, "The replay file"), a message too: its
// payload's `timestamp` does not move it. (Live, a message keeps its own timestamp: store.test.ts.)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
