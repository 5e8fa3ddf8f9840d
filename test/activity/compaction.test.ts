// Rollup compaction in the worker pool, on a real database file: a worker merges an hour's parts,
// the main thread stores the result only if the parts are still as the worker read them, and no
// figure changes. The store's own (inline) merge is the reference.
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HourCompactor } from '../../src/activity/compaction.js';
import { mergeHourParts } from '../../src/activity/hour-merge-store.js';
import { Ingestor } from '../../src/activity/ingest.js';
import { ActivityStore } from '../../src/activity/store.js';
import { ActivityWriter } from '../../src/activity/writer.js';
import type { Database } from '../../src/db/open.js';
import { buildReport } from '../../src/insights/report.js';
import { privacyEntry } from '../../src/privacy/entries.js';
import { WorkerPool } from '../../src/workers/pool.js';
import { testDatabase, testFileDatabase } from '../support/db.js';
import { G, message, reaction, u } from './payloads.js';

const HOUR = 3_600_000;
const TEN = Date.parse('2026-11-02T10:00:00Z');
const bucket = TEN / HOUR;
const week = { guildId: G, from: '2026-11-02', to: '2026-11-08', asOf: Date.parse('2026-11-23T12:00:00Z') };
const iso = (ms: number) => new Date(ms).toISOString();

/** 30 events in the 10:00 hour, one flush (one part) each, then 3 in the 11:00 hour. */
const events = [
  ...Array.from({ length: 30 }, (_, i) => {
    const at = iso(TEN + i * 110_000);
    return i % 3 === 2 ? reaction(u(i % 5), message(u(1), '2026-11-02T09:00:00Z').d.id, u(1), at) : message(u(i % 7), at);
  }),
  ...[0, 1, 2].map((i) => message(u(i), iso(TEN + HOUR + i * 60_000))),
];

let file: Awaited<ReturnType<typeof testFileDatabase>>;
let database: Database;
let store: ActivityStore;
let writer: ActivityWriter;
let pool: WorkerPool | undefined;
const logs: Array<{ msg?: string }> = [];
const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line) as { msg?: string }) });

/** Feeds events one flush each, as a live writer on a quiet server does. */
function feedEach(into: ActivityWriter, list: ReadonlyArray<{ t: string; at: string; d: unknown }>): void {
  const ingestor = new Ingestor(into);
  for (const e of list) {
    ingestor.ingest({ t: e.t, d: e.d, at: Date.parse(e.at) });
    into.flush();
  }
}
const parts = (db: Database, b = bucket) => db.sqlite.prepare('SELECT part, records FROM activity_hours WHERE guild_id = ? AND bucket = ? ORDER BY part').raw().all(G, b) as Array<[number, Buffer]>;

/** The same events in a second database, merged by the store itself: the reference. */
async function reference(): Promise<Database> {
  const twin = await testDatabase();
  const twinStore = new ActivityStore(twin.sqlite, { mergeAt: 64 });
  feedEach(new ActivityWriter(twinStore, { timer: false }), events);
  twinStore.compactSome(Number.MAX_SAFE_INTEGER, 1000);
  return twin;
}

beforeEach(async () => {
  file = await testFileDatabase('pulse-compaction-');
  database = file.database;
  store = new ActivityStore(database.sqlite, { gate: database.gate, mergeAt: 64 });
  writer = new ActivityWriter(store, { timer: false });
  feedEach(writer, events);
  logs.length = 0;
});
afterEach(async () => {
  await pool?.stop(1000);
  pool = undefined;
  await file.remove();
});

describe('rollup compaction in the worker pool', () => {
  it('a worker merges the hours due; the stored hours and every figure equal the store’s own merge', async () => {
    expect(parts(database)).toHaveLength(30);
    expect(parts(database, bucket + 1)).toHaveLength(3);
    const before = await buildReport(database, week);
    pool = new WorkerPool({ databasePath: database.sqlite.name, size: 1, logger, inline: database });
    const compactor = new HourCompactor(store, pool, logger);

    // At 11:30 the 10:00 hour (30 parts) is merged as a live hour; the 11:00 hour (3 parts) waits.
    compactor.turn(TEN + HOUR + HOUR / 2);
    await compactor.running;
    expect(parts(database)).toHaveLength(1);
    expect(parts(database, bucket + 1)).toHaveLength(3);
    // At 13:59 the 11:00 hour is not done yet; at 14:00 (two hours after its end) it is, and is
    // merged whatever its number of parts.
    compactor.turn(TEN + 4 * HOUR - 1);
    expect(compactor.running).toBeUndefined();
    compactor.turn(TEN + 4 * HOUR);
    await compactor.running;
    expect(parts(database, bucket + 1)).toHaveLength(1);
    expect(compactor.running).toBeUndefined();
    compactor.turn(TEN + 4 * HOUR); // nothing left: no round
    expect(compactor.running).toBeUndefined();

    const twin = await reference();
    expect(parts(database)).toEqual(parts(twin));
    expect(parts(database, bucket + 1)).toEqual(parts(twin, bucket + 1));
    await twin.close();
    expect(await buildReport(database, week)).toEqual(before);
    expect(before.activity.messages).toBe(23);
  });

  it('keeps the parts appended after the worker read the hour, and merges them next time', async () => {
    store.findPartedHours(); // as the activity feature does on start: the store tracks parts from here
    const merged = mergeHourParts(database.sqlite, G, bucket)!;
    expect(merged.parts.map(([part]) => part)).toEqual([...Array(30).keys()]);
    feedEach(writer, [message(u(9), '2026-11-02T10:59:00Z')]); // late: part 30
    expect(store.applyMergedHour(merged)).toBe(true);
    // The merge is stored under a new number (a part number is never reused within its hour).
    expect(parts(database).map(([part]) => part)).toEqual([30, 31]);
    expect(parts(database)[1]![1]).toEqual(Buffer.from(merged.records));
    // In two parts, the hour is not due as a live hour (the 11:00 hour, in three, is)…
    expect(store.hoursToMerge(0, 3)).toEqual([{ guildId: G, bucket: bucket + 1, parts: 3 }]);
    // …but it is once done.
    expect(store.hoursToMerge(bucket + 1, 3)).toEqual([{ guildId: G, bucket, parts: 2 }, { guildId: G, bucket: bucket + 1, parts: 3 }]);
    const report = await buildReport(database, week);
    expect(report.activity.messages).toBe(24);
    expect(report.activity.active_members).toBe(8);
  });

  it('writes nothing when the hour changed under the merge: an opt-out step or the writer’s own merge', async () => {
    const before = parts(database);
    const stale = mergeHourParts(database.sqlite, G, bucket)!;
    // An opt-out step rewrites the parts holding member u(3) (number 3 in this guild's ids).
    const member = database.sqlite.prepare('SELECT idx FROM activity_ids WHERE guild_id = ? AND id = ?').pluck().get(G, u(3)) as number;
    privacyEntry('activity_hours').apply!(database.sqlite, G, u(3), [[bucket, member]]);
    const rewritten = parts(database);
    expect(rewritten).not.toEqual(before);
    expect(store.applyMergedHour(stale)).toBe(false);
    expect(parts(database)).toEqual(rewritten);

    // Merged afresh, it lands; merged by the writer in between, a stale one does not.
    const fresh = mergeHourParts(database.sqlite, G, bucket)!;
    expect(store.compactSome(Number.MAX_SAFE_INTEGER)).toBeGreaterThan(0);
    const compacted = parts(database);
    expect(store.applyMergedHour(fresh)).toBe(false);
    expect(parts(database)).toEqual(compacted);
    expect(mergeHourParts(database.sqlite, G, bucket)).toBeNull(); // one part: nothing to merge
  });

  it('a merge that fails leaves the hour in its parts and says so in the log', async () => {
    pool = new WorkerPool({ databasePath: database.sqlite.name, size: 1, logger, inline: database });
    await pool.stop();
    const compactor = new HourCompactor(store, pool, logger);
    compactor.turn(TEN + 4 * HOUR);
    await compactor.running;
    expect(parts(database)).toHaveLength(30);
    expect(logs.some((l) => l.msg === 'activity.merge-failed')).toBe(true);
  });

  it('the writer merges an hour itself only past its mark (16 by default)', async () => {
    const own = await testDatabase();
    const plain = new ActivityStore(own.sqlite);
    feedEach(new ActivityWriter(plain, { timer: false }), events);
    // Parts 0-14; the 16th flush merges them with its own increments into part 15; then 16-29.
    expect(parts(own).map(([part]) => part)).toEqual([...Array(15).keys()].map((i) => 15 + i));
    await own.close();
  });
});
