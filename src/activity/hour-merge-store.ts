// The worker's half of rollup compaction (compaction.ts): reads one guild-hour's parts and merges
// them, and lists each part it read with its length, so that the main thread stores the merge
// only if no part changed since (ActivityStore.applyMergedHour).
import type BetterSqlite3 from 'better-sqlite3';
import { decode, mergeParts, release } from './hour-records.js';

/** An hour merged by a worker: the parts it read (number and length) and their merged records. */
export interface MergedHour {
  guildId: string;
  bucket: number;
  parts: Array<[part: number, bytes: number]>;
  records: Uint8Array;
}

/** Reads one hour's parts and merges them (the worker's half); null when there is nothing to merge. */
export function mergeHourParts(read: BetterSqlite3.Database, guildId: string, bucket: number): MergedHour | null {
  const rows = read.prepare(`SELECT part, records FROM activity_hours WHERE guild_id = ? AND bucket = ? ORDER BY part`).raw().all(guildId, bucket) as Array<[number, Buffer]>;
  if (rows.length < 2) return null;
  const merged = mergeParts(rows.map(([, blob]) => decode(blob)));
  const parts = rows.map(([part, blob]): [number, number] => [part, blob.byteLength]);
  // A copy of just the records (the set's buffer has room to grow): it crosses to the main thread
  // without another copy. Each buffer read or grown here is freed now, not at the next GC.
  const records = new Uint8Array(merged.buffer, merged.byteOffset, merged.byteLength).slice();
  for (const [, blob] of rows) release(blob);
  release(new Uint8Array(merged.buffer));
  return { guildId, bucket, parts, records };
}
