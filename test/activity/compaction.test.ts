// Rollup compaction in the worker pool, on a real database file: a worker merges an hour's parts,
// the main thread stores the result only if the parts are still as the worker read them, and no
// figure changes. The store's own (inline) merge is the reference.
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HourCompactor } from '../../src/activity/compaction.js';
import { PIECE_BYTES, WORDS } from '../../src/activity/hour-records.js';
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
    expect(merged.pieces).toHaveLength(1); // a small hour merges into one piece
    expect(parts(database)[1]![1]).toEqual(Buffer.from(merged.pieces[0]!));
    // One part more than a merge leaves: not due as a live hour (the 11:00 hour, two more, is)…
    const due = (doneBefore: number) => store.hoursToMerge(doneBefore, 2).map((h) => [h.bucket, h.parts]);
    expect(due(0)).toEqual([[bucket + 1, 3]]);
    // …but it is once done.
    expect(due(bucket + 1)).toEqual([[bucket, 2], [bucket + 1, 3]]);
    const report = await buildReport(database, week);
    expect(report.activity.messages).toBe(24);
    expect(report.activity.active_members).toBe(8);
  });

  it('writes nothing when the hour changed under the merge: an opt-out step or the writer’s own merge', async () => {
    const before = parts(database);
    const stale = mergeHourParts(database.sqlite, G, bucket)!;
    // An opt-out step rewrites the parts holding member u(3).
    const hours = privacyEntry('activity_hours');
    const keys = [...hours.scan!(database.sqlite, G, u(3))].filter(([b]) => b === bucket);
    expect(keys.length).toBeGreaterThan(0);
    hours.apply!(database.sqlite, G, u(3), keys);
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
    // Parts 0-15; the 17th flush (16 parts more than a merge leaves) merges them with its own
    // increments into part 16; then 17-29.
    expect(parts(own).map(([part]) => part)).toEqual([...Array(14).keys()].map((i) => 16 + i));
    await own.close();
  });

  it('stores a busy hour in pieces by member: an opt-out step rewrites one piece, and no figure changes', async () => {
    // 12,000 members post once at 18:00-18:59, in 12 flushes: ~288 KB of records in 12 parts.
    const member = (n: number) => String(500_000_000_000_000_000n + BigInt(n));
    const EIGHTEEN = TEN + 8 * HOUR;
    const ingestor = new Ingestor(writer);
    for (let n = 0; n < 12_000; n++) {
      const m = message(member(n), iso(EIGHTEEN + Math.floor((n * HOUR) / 12_000)));
      ingestor.ingest({ t: m.t, d: m.d, at: Date.parse(m.at) });
      if (writer.pending >= 1000) writer.flush();
    }
    writer.flush();
    const busy = bucket + 8;
    expect(parts(database, busy)).toHaveLength(12);
    const day = { guildId: G, from: '2026-11-02', to: '2026-11-02', asOf: week.asOf };
    const before = await buildReport(database, day);
    expect(before.activity.active_members).toBe(12_000 + 7);

    pool = new WorkerPool({ databasePath: database.sqlite.name, size: 1, logger, inline: database });
    const compactor = new HourCompactor(store, pool, logger);
    compactor.turn(EIGHTEEN + 3 * HOUR);
    await compactor.running;
    const pieces = parts(database, busy);
    expect(pieces).toHaveLength(3); // 288,000 bytes in pieces of at most 128 KB
    for (const [, blob] of pieces) expect(blob.byteLength).toBeLessThanOrEqual(PIECE_BYTES);
    expect(pieces.reduce((sum, [, blob]) => sum + blob.byteLength, 0)).toBe(12_000 * WORDS * 4);
    expect(store.hoursToMerge(Number.MAX_SAFE_INTEGER, 1)).toEqual([]); // compact: nothing more to merge
    expect(await buildReport(database, day)).toEqual(before);

    // The opt-out of one member finds one piece and rewrites only it.
    const hours = privacyEntry('activity_hours');
    const keys = [...hours.scan!(database.sqlite, G, member(4242))].filter(([b]) => b === busy);
    expect(keys).toHaveLength(1);
    hours.apply!(database.sqlite, G, member(4242), keys);
    const after = parts(database, busy);
    expect(after.filter(([part, blob], i) => part === pieces[i]![0] && blob.equals(pieces[i]![1]))).toHaveLength(2);
    expect(after.reduce((sum, [, blob]) => sum + blob.byteLength, 0)).toBe(11_999 * WORDS * 4);

    // Late events while the hour is still being written: 8 small parts. A turn then merges only
    // those (the big pieces stay as they are: no rewrite of the whole hour at every turn).
    for (let n = 0; n < 8; n++) feedEach(writer, [message(member(n), iso(EIGHTEEN + 50 * 60_000 + n))]);
    expect(parts(database, busy)).toHaveLength(3 + 8);
    compactor.turn(EIGHTEEN + 55 * 60_000);
    await compactor.running;
    const live = parts(database, busy);
    expect(live.slice(0, 3)).toEqual(after);
    expect(live).toHaveLength(4);
    expect(live[3]![1].byteLength).toBe(8 * WORDS * 4);
    expect((await buildReport(database, day)).activity.messages).toBe(before.activity.messages + 8);

    // A merged hour from before pieces (one ~288 KB part) is split at the next turn.
    const stale = [...hours.scan!(database.sqlite, G, member(777))].filter(([b]) => b === busy);
    const whole = Buffer.concat(after.map(([, blob]) => blob)); // (the 8 late messages left out)
    database.sqlite.prepare('DELETE FROM activity_hours WHERE guild_id = ? AND bucket = ?').run(G, busy);
    database.sqlite.prepare('INSERT INTO activity_hours (guild_id, bucket, part, records) VALUES (?, ?, 99, ?)').run(G, busy, whole);
    const fresh = new ActivityStore(database.sqlite, { gate: database.gate, mergeAt: 64 }); // a restart: it looks again
    const again = new HourCompactor(fresh, pool, logger);
    again.turn(EIGHTEEN + 3 * HOUR);
    await again.running;
    expect(parts(database, busy).map(([part]) => part)).toEqual([100, 101, 102]);
    expect((await buildReport(database, day)).activity.active_members).toBe(12_000 + 7 - 1);
    // An opt-out step whose part was merged away since its scan reads the hour's parts again.
    hours.apply!(database.sqlite, G, member(777), stale);
    const idx = database.sqlite.prepare('SELECT idx FROM activity_ids WHERE guild_id = ? AND id = ?').pluck().get(G, member(777)) as number;
    const left = parts(database, busy).flatMap(([, blob]) => [...new Uint32Array(blob.buffer, blob.byteOffset, blob.byteLength / 4)].filter((word, i) => i % WORDS === 0 && word === idx));
    expect(left).toEqual([]);
    expect((await buildReport(database, day)).activity.active_members).toBe(12_000 + 7 - 2);
  });
});
