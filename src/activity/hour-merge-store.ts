// The worker's half of rollup compaction (compaction.ts): reads one guild-hour's parts and merges
// them into pieces, and lists each part it read with its length, so that the main thread stores
// the merge only if no part changed since (ActivityStore.applyMergedHour).
import type BetterSqlite3 from 'better-sqlite3';
import { decode, excessParts, mergeParts, PIECE_BYTES, release, splitByMember } from './hour-records.js';

/** An hour merged by a worker: the parts it read (number and length) and the merged pieces. */
export interface MergedHour {
  guildId: string;
  bucket: number;
  parts: Array<[part: number, bytes: number]>;
  pieces: Uint8Array[];
}

/**
 * Reads one hour's parts and merges them (the worker's half); null when there is nothing to
 * merge. An hour still being written (`live`) has only its small parts merged: the writer keeps
 * adding to it, and its big parts would be rewritten at every turn for nothing.
 */
export function mergeHourParts(read: BetterSqlite3.Database, guildId: string, bucket: number, live = false): MergedHour | null {
  const all = read.prepare(`SELECT part, records FROM activity_hours WHERE guild_id = ? AND bucket = ? ORDER BY part`).raw().all(guildId, bucket) as Array<[number, Buffer]>;
  const rows = live ? all.filter(([, blob]) => blob.byteLength < PIECE_BYTES / 2) : all;
  const parts = rows.map(([part, blob]): [number, number] => [part, blob.byteLength]);
  const bytes = parts.reduce((sum, [, n]) => sum + n, 0);
  if (live ? rows.length < 2 : excessParts(rows.length, bytes, Math.max(0, ...parts.map(([, n]) => n))) === 0) return null;
  const merged = mergeParts(rows.map(([, blob]) => decode(blob)));
  // Copies of just the records (the set's buffer has room to grow): they cross to the main
  // thread without another copy. Each buffer read or grown here is freed now, not at the next GC.
  const pieces = splitByMember(merged).map((piece) => new Uint8Array(piece.buffer, piece.byteOffset, piece.byteLength).slice());
  for (const [, blob] of rows) release(blob);
  release(new Uint8Array(merged.buffer));
  return { guildId, bucket, parts, pieces };
}
