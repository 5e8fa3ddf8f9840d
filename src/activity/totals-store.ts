// Per-member totals (activity_member_totals) and the logs of increments not folded in yet: a write
// batch appends one row per guild to activity_count_batches (its members' increments by member
// number, a small blob), opt-out steps append their count-downs to activity_count_log (JSON, by
// snowflake), a background step folds both into the totals, and /privacy show reads a member's
// totals plus what is not folded yet. Members who opted out are skipped (their rows are being
// deleted). The totals are kept by member number too, CHUNK members a row: a fold rewrites a row
// per CHUNK members it touches, not a row per member (a replay's fold: ~800 rows for ~50,000
// members, against ~50,000 upserts by snowflake).
import type BetterSqlite3 from 'better-sqlite3';
import { decode, encode } from './hour-records.js';

type Raw = BetterSqlite3.Database;

export type TotalColumn = 'messages' | 'reactions' | 'reactions_received';
const COLUMN: Record<TotalColumn, 0 | 1 | 2> = { messages: 0, reactions: 1, reactions_received: 2 };
/** Members per row of activity_member_totals: member n's three counts are at (n % CHUNK) * 3 in row n / CHUNK (int32 LE). */
export const CHUNK = 64;
/** Entries of a log row, flat: guild, member, messages, reactions, reactions received, guild, … */
const STRIDE = 5;
type LogRow = Array<string | number>;

/**
 * One write batch's increments per member (per guild, the batch's usual one remembered). The
 * counts sit in one flat array, three a member, so a batch allocates no array per member.
 */
export class MemberTally {
  /** Per guild: member -> the offset of their three counts in `counts`. */
  private readonly guilds = new Map<string, Map<string, number>>();
  private readonly counts: number[] = [];
  private lastGuild = '';
  private last: Map<string, number> | undefined;

  /** Adds `n` (-1: an opt-out step deleted a counted row) to a member's column. */
  add(guildId: string, userId: string, column: TotalColumn, n = 1): void {
    const at = this.row(guildId, userId) + COLUMN[column];
    this.counts[at] = this.counts[at]! + n;
  }

  private row(guildId: string, userId: string): number {
    let members = guildId === this.lastGuild ? this.last : this.guilds.get(guildId);
    if (!members) this.guilds.set(guildId, (members = new Map()));
    this.lastGuild = guildId;
    this.last = members;
    let at = members.get(userId);
    if (at === undefined) {
      at = this.counts.length;
      members.set(userId, at);
      this.counts.push(0, 0, 0);
    }
    return at;
  }

  get size(): number {
    return this.counts.length / 3;
  }

  /** The log row's JSON. */
  toJSON(): LogRow {
    const out: LogRow = new Array<string | number>((this.counts.length / 3) * STRIDE);
    const c = this.counts;
    let o = 0;
    // forEach: no [key, value] array per entry, as for-of over a Map makes.
    this.guilds.forEach((members, guildId) => {
      members.forEach((at, userId) => {
        out[o++] = guildId;
        out[o++] = userId;
        out[o++] = c[at]!;
        out[o++] = c[at + 1]!;
        out[o++] = c[at + 2]!;
      });
    });
    return out;
  }
}

/** Entries of a batch row, flat u32 (as the hours' records: decode/encode): member idx, messages, reactions, reactions received, idx, … */
const QUAD = 4;

/**
 * A write batch's increments per member by their number in the guild (activity_ids), in a dense
 * array reused from batch to batch: no per-member map or string on the writer's thread. `take`
 * gives each guild's increments as a batch row and resets.
 */
export class BatchCounts {
  private readonly guilds = new Map<string, { counts: Uint32Array; touched: number[] }>();
  private lastGuild = '';
  private last: { counts: Uint32Array; touched: number[] } | undefined;

  /** Adds one to member `idx`'s column (0 messages, 1 reactions, 2 reactions received). */
  add(guildId: string, idx: number, column: 0 | 1 | 2): void {
    let g = guildId === this.lastGuild ? this.last : this.guilds.get(guildId);
    if (!g) this.guilds.set(guildId, (g = { counts: new Uint32Array(3 * 1024), touched: [] }));
    this.lastGuild = guildId;
    this.last = g;
    const at = idx * 3;
    if (at >= g.counts.length) {
      const grown = new Uint32Array(Math.max(g.counts.length * 2, at + 3 * 1024));
      grown.set(g.counts);
      g.counts = grown;
    }
    const c = g.counts;
    if (c[at] === 0 && c[at + 1] === 0 && c[at + 2] === 0) g.touched.push(idx);
    c[at + column]!++;
  }

  /** Each guild's increments as [guild, quadruples], the counts back to zero. */
  take(): Array<[string, Uint32Array]> {
    const out: Array<[string, Uint32Array]> = [];
    for (const [guildId, g] of this.guilds) {
      if (!g.touched.length) continue;
      out.push([guildId, BatchCounts.rowOf(g.counts, g.touched)]);
      g.touched.length = 0;
    }
    return out;
  }

  /**
   * The touched members' quadruples, their counts back to zero. (A method, not a callback made per
   * call: V8 compiles its loop once. And its loop is all it does: with a statement after it that
   * only the loop's compiled code ever reached, that code was dropped at the statement, and
   * entered again at the next batch, to be dropped again: ~54 times in a 300,000-line replay.)
   */
  private static rowOf(c: Uint32Array, touched: readonly number[]): Uint32Array {
    const row = new Uint32Array(touched.length * QUAD);
    let o = 0;
    for (const idx of touched) {
      const at = idx * 3;
      row[o++] = idx;
      row[o++] = c[at]!;
      row[o++] = c[at + 1]!;
      row[o++] = c[at + 2]!;
      c[at] = c[at + 1] = c[at + 2] = 0;
    }
    return row;
  }

  /** Back to zero without a row (a batch rolled back). */
  clear(): void {
    this.take();
  }
}

/** From this many entries in one fold, GuildSum finds a member's counts by an array, not a map. */
const DENSE_FROM = 20_000;

/** The highest member number in a batch row. */
function topOf(q: Uint32Array): number {
  let top = 0;
  for (let i = 0; i < q.length; i += QUAD) if (q[i]! > top) top = q[i]!;
  return top;
}

/** Batch rows of one guild added up per member number, in the order the numbers were first seen. */
class GuildSum {
  readonly members: number[] = [];
  readonly counts: number[] = [];

  constructor(rows: readonly Uint32Array[]) {
    let entries = 0;
    let top = 0;
    for (const q of rows) {
      entries += q.length / QUAD;
      top = Math.max(top, topOf(q));
    }
    // Member number -> 1 + the offset of its counts. An array the size of the guild for a
    // replay's fold (~170,000 entries: ~3x faster than a map); a map for the bot's fold turn, a
    // row or two, where allocating that array each turn cost more than the lookups.
    if (entries >= DENSE_FROM) {
      const at = new Int32Array(top + 1);
      for (const q of rows) this.addDense(q, at);
    } else {
      const at = new Map<number, number>();
      for (const q of rows) this.addMapped(q, at);
    }
  }

  // (One row per call: a loop inside the loop over rows would leave the code V8 compiled on the
  // fly for the inner loop at the end of each row.)
  private addDense(q: Uint32Array, at: Int32Array): void {
    for (let i = 0; i < q.length; i += QUAD) {
      const idx = q[i]!;
      let offset = at[idx]! - 1;
      if (offset < 0) at[idx] = (offset = this.member(idx)) + 1;
      this.add(offset, q, i);
    }
  }

  private addMapped(q: Uint32Array, at: Map<number, number>): void {
    for (let i = 0; i < q.length; i += QUAD) {
      const idx = q[i]!;
      let offset = at.get(idx);
      if (offset === undefined) at.set(idx, (offset = this.member(idx)));
      this.add(offset, q, i);
    }
  }

  /** A member first seen: the offset of their counts. */
  private member(idx: number): number {
    const offset = this.counts.length;
    this.members.push(idx);
    this.counts.push(0, 0, 0);
    return offset;
  }

  /** (The words read as int32: a count-down row's are negative.) */
  private add(offset: number, q: Uint32Array, i: number): void {
    const c = this.counts;
    c[offset] = c[offset]! + (q[i + 1]! | 0);
    c[offset + 1] = c[offset + 1]! + (q[i + 2]! | 0);
    c[offset + 2] = c[offset + 2]! + (q[i + 3]! | 0);
  }
}

/** A totals row's counts (CHUNK int32 triples), a copy the caller may change. */
function chunkCounts(blob: Buffer | undefined): Int32Array {
  const out = new Int32Array(CHUNK * 3);
  if (blob) out.set(new Int32Array(new Uint8Array(blob).buffer, 0, Math.min(out.length, blob.byteLength >> 2)));
  return out;
}
const chunkBlob = (counts: Int32Array) => Buffer.from(counts.buffer, counts.byteOffset, counts.byteLength);

/** A member's number in a guild, if they have one (ActivityStore's table of them). */
export type NumberOf = (guildId: string, userId: string) => number | undefined;

/** The writer's and the fold's statements on one connection. */
export class MemberTotals {
  private readonly s;

  /**
   * `numberOf`: the writer's own table of member numbers, to number the count-downs' snowflakes
   * when folding (without it, one pass over the guild's numbers in SQLite per fold step: ~5 ms on
   * a 50,000-member server, in the bot's background turn).
   */
  constructor(
    private readonly sqlite: Raw,
    private readonly numberOf?: NumberOf,
  ) {
    const p = (source: string) => sqlite.prepare(source);
    this.s = {
      append: p(`INSERT INTO activity_count_log (counts) VALUES (?)`),
      oldest: p(`SELECT id, counts FROM activity_count_log ORDER BY id LIMIT ?`).raw(),
      drop: p(`DELETE FROM activity_count_log WHERE id <= ?`),
      all: p(`SELECT id, counts FROM activity_count_log`).raw(),
      rewrite: p(`UPDATE activity_count_log SET counts = ? WHERE id = ?`),
      dropOne: p(`DELETE FROM activity_count_log WHERE id = ?`),
      appendBatch: p(`INSERT INTO activity_count_batches (guild_id, counts) VALUES (?, ?)`),
      oldestBatches: p(`SELECT id, guild_id, counts FROM activity_count_batches ORDER BY id LIMIT ?`).raw(),
      dropBatches: p(`DELETE FROM activity_count_batches WHERE id <= ?`),
      guildBatches: p(`SELECT id, counts FROM activity_count_batches WHERE guild_id = ?`).raw(),
      rewriteBatch: p(`UPDATE activity_count_batches SET counts = ? WHERE id = ?`),
      dropBatch: p(`DELETE FROM activity_count_batches WHERE id = ?`),
      // Of the numbers in a JSON array, those to count: with a snowflake (not a placeholder) that
      // has not opted out. One statement for a fold step's few hundred (a lookup or two each from
      // JavaScript took 5-8 ms for 400 members, half of the bot's fold step).
      counted: p(`SELECT idx FROM activity_ids i WHERE guild_id = @guild AND idx IN (SELECT value FROM json_each(@members))
                  AND id < '~' AND NOT EXISTS (SELECT 1 FROM activity_opt_outs o WHERE o.guild_id = @guild AND o.user_id = i.id)`).pluck(),
      // The numbers not to count: placeholders of forgotten members (`~n`: after every snowflake)
      // and members opted out (their rows are going). One pass over the guild's numbers, in SQLite.
      skipped: p(`SELECT idx FROM activity_ids WHERE guild_id = ? AND (id >= '~' OR id IN (SELECT user_id FROM activity_opt_outs WHERE guild_id = ?))`).pluck(),
      // Snowflakes to numbers for the count-downs' log (a JSON array of snowflakes): one pass too.
      numbersOf: p(`SELECT id, idx FROM activity_ids WHERE guild_id = ? AND id IN (SELECT value FROM json_each(?))`).raw(),
      chunk: p(`SELECT counts FROM activity_member_totals WHERE guild_id = ? AND chunk = ?`).pluck(),
      putChunk: p(`INSERT INTO activity_member_totals (guild_id, chunk, counts) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET counts = excluded.counts`),
      dropChunk: p(`DELETE FROM activity_member_totals WHERE guild_id = ? AND chunk = ?`),
    };
  }

  /** Appends count-downs by snowflake (an opt-out step's, inside its transaction). */
  append(tally: MemberTally): void {
    if (tally.size) this.s.append.run(JSON.stringify(tally));
  }

  /** Appends a write batch's increments, a row per guild (inside the batch's transaction: they land with its rows). */
  appendBatch(counts: BatchCounts): void {
    for (const [guildId, row] of counts.take()) this.s.appendBatch.run(guildId, encode(row));
  }

  /**
   * Folds up to `rows` of the oldest rows of each log into the totals (inside the caller's
   * transaction), adding up each member's increments first; returns how many rows it folded, and
   * whether either log may hold more.
   */
  fold(rows = 1_000_000_000, members = Number.POSITIVE_INFINITY): { folded: number; more: boolean } {
    const logged = this.s.oldest.all(rows) as Array<[number, string]>;
    const batches = this.s.oldestBatches.all(rows) as Array<[number, string, Buffer]>;
    if (!logged.length && !batches.length) return { folded: 0, more: false };
    const first = batches[0];
    if (first && first[2].byteLength / (QUAD * 4) > members) return this.foldPart(first, members);
    // Per guild: its batch rows (by member number) and count-downs (by snowflake, numbered below).
    const byGuild = new Map<string, { rows: Uint32Array[]; logged: LogRow }>();
    const guild = (guildId: string) => {
      let g = byGuild.get(guildId);
      if (!g) byGuild.set(guildId, (g = { rows: [], logged: [] }));
      return g;
    };
    for (const [, guildId, blob] of batches) guild(guildId).rows.push(decode(blob));
    for (const [, json] of logged) {
      const row = JSON.parse(json) as LogRow;
      for (let i = 0; i < row.length; i += STRIDE) guild(row[i] as string).logged.push(...row.slice(i, i + STRIDE));
    }
    byGuild.forEach((g, guildId) => this.foldGuild(guildId, g.rows, g.logged));
    if (logged.length) this.s.drop.run(logged[logged.length - 1]![0]);
    if (batches.length) this.s.dropBatches.run(batches[batches.length - 1]![0]);
    return { folded: logged.length + batches.length, more: logged.length === rows || batches.length === rows };
  }

  /**
   * Folds the members of a write batch's row that fall in its first totals rows, about `members`
   * of them (whole totals rows: each is written once), and keeps the others in the batch row for
   * the next step, in the same transaction. A step of the bot's fold then writes a bounded number
   * of totals rows however big the batch was (a whole one, ~400 members and ~300 totals rows,
   * took up to ~20 ms).
   */
  private foldPart([id, guildId, blob]: [number, string, Buffer], members: number): { folded: number; more: boolean } {
    const q = decode(blob);
    const chunks = new Float64Array(q.length / QUAD);
    for (let i = 0; i < chunks.length; i++) chunks[i] = Math.floor(q[i * QUAD]! / CHUNK);
    const last = chunks.slice().sort()[Math.max(0, members - 1)]!;
    const now: number[] = [];
    const later: number[] = [];
    for (let i = 0; i < chunks.length; i++) (chunks[i]! <= last ? now : later).push(q[i * QUAD]!, q[i * QUAD + 1]!, q[i * QUAD + 2]!, q[i * QUAD + 3]!);
    this.foldGuild(guildId, [Uint32Array.from(now)], []);
    if (later.length) this.s.rewriteBatch.run(encode(Uint32Array.from(later)), id);
    else this.s.dropBatch.run(id);
    return { folded: later.length ? 0 : 1, more: true };
  }

  /** One guild's increments into its totals rows: each row they touch read, added to and written once. */
  private foldGuild(guildId: string, rows: Uint32Array[], logged: LogRow): void {
    if (logged.length) rows.push(this.numbered(guildId, logged));
    const sum = new GuildSum(rows);
    const skip = this.skipped(guildId, sum.members);
    // Members by row of the totals, in the order first seen (a row is read and written once).
    const byChunk = new Map<number, number[]>();
    sum.members.forEach((idx, i) => {
      if (skip(idx)) return;
      const at = byChunk.get(Math.floor(idx / CHUNK));
      if (at) at.push(i);
      else byChunk.set(Math.floor(idx / CHUNK), [i]);
    });
    byChunk.forEach((members, chunk) => {
      const counts = chunkCounts(this.s.chunk.get(guildId, chunk) as Buffer | undefined);
      for (const i of members) {
        const at = (sum.members[i]! % CHUNK) * 3;
        counts[at] = counts[at]! + sum.counts[i * 3]!;
        counts[at + 1] = counts[at + 1]! + sum.counts[i * 3 + 1]!;
        counts[at + 2] = counts[at + 2]! + sum.counts[i * 3 + 2]!;
      }
      this.putChunk(guildId, chunk, counts);
    });
  }

  /** Stores a totals row, or deletes it once it counts nothing. */
  private putChunk(guildId: string, chunk: number, counts: Int32Array): void {
    if (counts.some((n) => n !== 0)) this.s.putChunk.run(guildId, chunk, chunkBlob(counts));
    else this.s.dropChunk.run(guildId, chunk);
  }

  /**
   * Count-downs by snowflake as a batch row by member number (int32 values in the row's u32
   * words: added back as int32). A snowflake without a number has no totals: it is left out.
   */
  private numbered(guildId: string, logged: LogRow): Uint32Array {
    let number: (userId: string) => number | undefined;
    if (this.numberOf) number = (userId) => this.numberOf!(guildId, userId);
    else {
      const users = [...new Set(logged.filter((_, i) => i % STRIDE === 1) as string[])];
      const numbers = new Map(this.s.numbersOf.all(guildId, JSON.stringify(users)) as Array<[string, number]>);
      number = (userId) => numbers.get(userId);
    }
    const out: number[] = [];
    for (let i = 0; i < logged.length; i += STRIDE) {
      const idx = number(logged[i + 1] as string);
      if (idx !== undefined) out.push(idx, logged[i + 2] as number, logged[i + 3] as number, logged[i + 4] as number);
    }
    return new Uint32Array(Int32Array.from(out).buffer);
  }

  /**
   * Which of these member numbers not to count: a forgotten member's (placeholder), an opted-out
   * one's, or a number with no snowflake. One statement over them when they are few (the bot's
   * fold turn), else one pass over the guild's numbers (a replay's fold: tens of thousands).
   */
  private skipped(guildId: string, members: readonly number[]): (idx: number) => boolean {
    if (members.length < 1000) {
      const counted = new Set(this.s.counted.all({ guild: guildId, members: JSON.stringify(members) }) as number[]);
      return (idx) => !counted.has(idx);
    }
    const skip = new Set(this.s.skipped.all(guildId, guildId) as number[]);
    return (idx) => skip.has(idx);
  }

  /**
   * Opt-out's last step for a member: their increments leave both logs (a few rows: rewritten, not
   * folded) and their counts are zeroed in their totals row, so no row here counts them.
   */
  forget(guildId: string, userId: string, idx: number | null): void {
    for (const [id, json] of this.s.all.all() as Array<[number, string]>) {
      const row = JSON.parse(json) as LogRow;
      const kept: LogRow = [];
      for (let i = 0; i < row.length; i += STRIDE) if (row[i] !== guildId || row[i + 1] !== userId) kept.push(...row.slice(i, i + STRIDE));
      if (kept.length === row.length) continue;
      if (kept.length) this.s.rewrite.run(JSON.stringify(kept), id);
      else this.s.dropOne.run(id);
    }
    // `idx`: the member's number (null: they have none, so no totals), which the opt-out's scan
    // read in a worker.
    if (idx === null) return;
    for (const [id, blob] of this.s.guildBatches.all(guildId) as Array<[number, Buffer]>) {
      const q = decode(blob);
      const kept: number[] = [];
      for (let i = 0; i < q.length; i += QUAD) if (q[i] !== idx) kept.push(q[i]!, q[i + 1]!, q[i + 2]!, q[i + 3]!);
      if (kept.length === q.length) continue;
      if (kept.length) this.s.rewriteBatch.run(encode(Uint32Array.from(kept)), id);
      else this.s.dropBatch.run(id);
    }
    const chunk = Math.floor(idx / CHUNK);
    const blob = this.s.chunk.get(guildId, chunk) as Buffer | undefined;
    if (!blob) return;
    const counts = chunkCounts(blob);
    counts.fill(0, (idx % CHUNK) * 3, (idx % CHUNK) * 3 + 3);
    this.putChunk(guildId, chunk, counts);
  }

  /**
   * Background folding, a transaction a step, until `budgetMs` (default 8) is spent or the logs
   * are empty: a step folds `rows` (default 1) of each log, or part of a write batch's row of
   * more than `members` members (foldPart; default: whole rows).
   */
  foldSome({ budgetMs = 8, rows = 1, members = Number.POSITIVE_INFINITY }: { budgetMs?: number; rows?: number; members?: number } = {}): number {
    const started = performance.now();
    let folded = 0;
    for (;;) {
      // IMMEDIATE: takes the write lock before reading the log (a replay may fold next to the bot).
      const step = this.sqlite.transaction(() => this.fold(rows, members)).immediate();
      folded += step.folded;
      if (!step.more || performance.now() - started >= budgetMs) return folded;
    }
  }
}

/** While set (see sharingTotals): each member's totals, computed once. */
let shared: Map<string, readonly [number, number, number]> | undefined;

/**
 * Runs `read` with each member's totals computed once however many entries ask for them
 * (`/privacy show`: the three counted entries and the totals' own). Only around reads of one
 * transaction, whose snapshot does not change; synchronous, so no other job's reads share it.
 */
export function sharingTotals<T>(read: () => T): T {
  const outer = shared;
  shared ??= new Map();
  try {
    return read();
  } finally {
    shared = outer;
  }
}

/**
 * A member's totals [messages, reactions, reactions received]: the folded row plus the
 * increments still in the logs (a read of a few rows, and of the member's number).
 */
export function memberTotals(read: Raw, guildId: string, userId: string): [number, number, number] {
  const known = shared?.get(`${guildId}|${userId}`);
  if (known) return [...known];
  const n = readTotals(read, guildId, userId);
  shared?.set(`${guildId}|${userId}`, [...n]);
  return n;
}

function readTotals(read: Raw, guildId: string, userId: string): [number, number, number] {
  const n: [number, number, number] = [0, 0, 0];
  for (const json of read.prepare(`SELECT counts FROM activity_count_log`).pluck().iterate() as Iterable<string>) {
    const row = JSON.parse(json) as LogRow;
    for (let i = 0; i < row.length; i += STRIDE) {
      if (row[i] !== guildId || row[i + 1] !== userId) continue;
      n[0] += row[i + 2] as number;
      n[1] += row[i + 3] as number;
      n[2] += row[i + 4] as number;
    }
  }
  const idx = memberIdx(read, guildId, userId);
  if (idx === undefined) return n;
  const folded = read.prepare(`SELECT counts FROM activity_member_totals WHERE guild_id = ? AND chunk = ?`).pluck().get(guildId, Math.floor(idx / CHUNK)) as Buffer | undefined;
  if (folded) {
    const counts = chunkCounts(folded);
    const at = (idx % CHUNK) * 3;
    n[0] += counts[at]!;
    n[1] += counts[at + 1]!;
    n[2] += counts[at + 2]!;
  }
  for (const blob of read.prepare(`SELECT counts FROM activity_count_batches WHERE guild_id = ?`).pluck().iterate(guildId) as Iterable<Buffer>) {
    const q = decode(blob);
    for (let i = 0; i < q.length; i += QUAD) {
      if (q[i] !== idx) continue;
      n[0] += q[i + 1]!;
      n[1] += q[i + 2]!;
      n[2] += q[i + 3]!;
    }
  }
  return n;
}

/**
 * Every member's folded totals in a guild, by member number (members counting nothing left out;
 * the logs not read): one pass over the table, a row at a time (the bench finds its heaviest
 * member so, building nothing per member).
 */
export function* numberedTotals(read: Raw, guildId: string): Iterable<[number, [number, number, number]]> {
  for (const [chunk, blob] of read.prepare(`SELECT chunk, counts FROM activity_member_totals WHERE guild_id = ?`).raw().iterate(guildId) as Iterable<[number, Buffer]>) {
    const c = chunkCounts(blob);
    for (let slot = 0; slot < CHUNK; slot++) {
      const t: [number, number, number] = [c[slot * 3]!, c[slot * 3 + 1]!, c[slot * 3 + 2]!];
      if (t.some((n) => n !== 0)) yield [chunk * CHUNK + slot, t];
    }
  }
}

/** numberedTotals by snowflake (`#n` for a number without one), for tests. */
export function foldedTotals(read: Raw, guildId: string): Map<string, [number, number, number]> {
  const names = new Map(read.prepare(`SELECT idx, id FROM activity_ids WHERE guild_id = ?`).raw().all(guildId) as Array<[number, string]>);
  const out = new Map<string, [number, number, number]>();
  for (const [n, t] of numberedTotals(read, guildId)) out.set(names.get(n) ?? `#${n}`, t);
  return out;
}

/** One of a member's totals (see memberTotals). */
export function memberTotal(read: Raw, guildId: string, userId: string, column: TotalColumn): number {
  return memberTotals(read, guildId, userId)[COLUMN[column]];
}

/** A member's rollup integer in a guild (activity_ids has no index by id: a scan of the guild's, for workers and rare reads). */
export function memberIdx(read: Raw, guildId: string, userId: string): number | undefined {
  return read.prepare(`SELECT idx FROM activity_ids WHERE guild_id = ? AND id = ?`).pluck().get(guildId, userId) as number | undefined;
}

/** The connection's MemberTotals, prepared once (opt-out steps use it step after step). */
const onConnection = new WeakMap<Raw, MemberTotals>();
export function memberTotalsOn(write: Raw): MemberTotals {
  let totals = onConnection.get(write);
  if (!totals) onConnection.set(write, (totals = new MemberTotals(write)));
  return totals;
}
