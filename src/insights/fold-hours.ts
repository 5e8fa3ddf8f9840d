// The report's one big read: the packed hour records folded into active days, the period's message tallies and cohort activation. Pure.
import { NONE, WORDS } from '../activity/hour-records.js';
import { HOUR, QUARTER } from '../activity/rollup.js';
import type { LocalGrid } from '../zone.js';
import type { ActiveDays } from './active-days.js';
import { WEEK_MS, type HourBlock, type ReportWindow } from './metrics.js';

export interface MessageTallies {
  /** Messages in the period by member index (0 for most). */
  byMember: Float64Array;
  /** Messages in the period by channel index. */
  byChannel: Float64Array;
  /** Distinct message authors in the period, by channel index. */
  authors: Map<number, number>;
}

/**
 * Distinct (channel, member) pairs: a bit grid per channel while it stays small (sets are
 * ~10x slower at millions of records; bits keep the grid in cache), sets for the channels
 * beyond it.
 */
class AuthorSets {
  private readonly slotOf: Int32Array;
  private bits: Uint32Array;
  private slots = 0;
  private readonly maxSlots: number;
  private readonly counts: number[] = [];
  private readonly overflow = new Map<number, Set<number>>();
  constructor(
    maxChannel: number,
    private readonly width: number,
  ) {
    this.slotOf = new Int32Array(maxChannel + 1).fill(-1);
    this.maxSlots = Math.max(1, Math.floor(128_000_000 / width));
    this.bits = new Uint32Array(Math.ceil((Math.min(this.maxSlots, 16) * width) / 32));
  }
  add(channel: number, member: number): void {
    const slot = this.slotOf[channel]!;
    if (slot < 0) return this.addNew(channel, member);
    const at = slot * this.width + member;
    const word = at >>> 5;
    const bit = 1 << (at & 31);
    if ((this.bits[word]! & bit) === 0) {
      this.bits[word]! |= bit;
      this.counts[slot]!++;
    }
  }
  private addNew(channel: number, member: number): void {
    if (this.slots >= this.maxSlots) {
      let set = this.overflow.get(channel);
      if (!set) this.overflow.set(channel, (set = new Set()));
      set.add(member);
      return;
    }
    this.slotOf[channel] = this.slots++;
    this.counts.push(0);
    if (Math.ceil((this.slots * this.width) / 32) > this.bits.length) {
      const grown = new Uint32Array(Math.ceil((Math.min(this.maxSlots, this.slots * 2) * this.width) / 32));
      grown.set(this.bits);
      this.bits = grown;
    }
    this.add(channel, member);
  }
  result(): Map<number, number> {
    const out = new Map<number, number>();
    for (let channel = 0; channel < this.slotOf.length; channel++) {
      const slot = this.slotOf[channel]!;
      if (slot >= 0) out.set(channel, this.counts[slot]!);
    }
    for (const [channel, set] of this.overflow) out.set(channel, set.size);
    return out;
  }
}

/** What the fold writes into, shared by every hour. */
interface Fold {
  data: Uint8Array;
  byMember: Float64Array;
  byChannel: Float64Array;
  authors: AuthorSets;
  /** Each cohort member's join instant, NaN for others. */
  joinAt: Float64Array;
  activated: Uint8Array;
}

/**
 * Folds the packed hour records into active days, the period's message tallies and cohort
 * activation (a message within 7 × 24 h after the join instant, `joinAt` by member index, NaN
 * for members outside the cohort). Tight typed-array loop: this is the report's one big read.
 */
export function foldHours(
  blocks: Iterable<HourBlock>,
  idCount: number,
  w: ReportWindow,
  grid: LocalGrid,
  active: ActiveDays,
  joinAt: Float64Array,
): { tallies: MessageTallies; activated: Uint8Array } {
  // Every member and channel integer is below idCount (the guild's id dictionary).
  active.ensure(idCount); // then write its grid directly
  const cap = active.capacity;
  const fold: Fold = {
    data: active.data,
    byMember: new Float64Array(idCount),
    byChannel: new Float64Array(idCount),
    authors: new AuthorSets(idCount - 1, idCount),
    joinAt,
    activated: new Uint8Array(joinAt.length),
  };
  const gridStartQ = grid.start / QUARTER;
  const pStartQ = w.periodStart / QUARTER;
  const pEndQ = w.periodEnd / QUARTER;
  // Each grid quarter's day row in the grid (or -1 outside the days looked at).
  const rowOf = new Int32Array(grid.count);
  for (let k = 0; k < grid.count; k++) {
    const d = grid.days[k]!;
    rowOf[k] = d < active.firstDay || d > active.lastDay ? -1 : (d - active.firstDay) * cap;
  }
  const row = (qi: number) => (qi >= 0 && qi < grid.count ? rowOf[qi]! : -1);
  for (const { bucket, records } of blocks) {
    const baseQ = bucket * 4;
    const qi0 = baseQ - gridStartQ;
    // Which of the hour's quarters are inside the period (all, none, or a split hour).
    let inMask = 0;
    for (let q = 0; q < 4; q++) if (baseQ + q >= pStartQ && baseQ + q < pEndQ) inMask |= 1 << q;
    const r0 = row(qi0);
    const r1 = row(qi0 + 1);
    const r2 = row(qi0 + 2);
    const r3 = row(qi0 + 3);
    // Usually the whole hour is one local day: then any record marks that day.
    if (r0 === r1 && r1 === r2 && r2 === r3) foldWholeHour(records, fold, bucket * HOUR, r0, inMask);
    else foldSplitHour(records, fold, bucket * HOUR, r0, r1, r2, r3, inMask);
  }
  return { tallies: { byMember: fold.byMember, byChannel: fold.byChannel, authors: fold.authors.result() }, activated: fold.activated };
}

/** Messages of a record in the period's quarters of its hour (inMask: bit q for quarter q). */
function inPeriod(a: number, b: number, inMask: number): number {
  if (inMask === 15) return (a & 0xffff) + (a >>> 16) + (b & 0xffff) + (b >>> 16);
  let n = 0;
  if (inMask & 1) n += a & 0xffff;
  if (inMask & 2) n += a >>> 16;
  if (inMask & 4) n += b & 0xffff;
  if (inMask & 8) n += b >>> 16;
  return n;
}

/** The messages of one record (at word i): tallies in the period, and cohort activation. */
function foldMessages(records: Uint32Array, i: number, member: number, f: Fold, base: number, inMask: number): void {
  const a = records[i + 2]!;
  const b = records[i + 3]!;
  if (a === 0 && b === 0) return; // no messages
  if (inMask !== 0) {
    const n = inMask === 15 ? (a & 0xffff) + (a >>> 16) + (b & 0xffff) + (b >>> 16) : inPeriod(a, b, inMask);
    if (n > 0) {
      f.byMember[member]! += n;
      const channel = records[i + 1]!;
      f.byChannel[channel]! += n;
      f.authors.add(channel, member);
    }
  }
  const join = f.joinAt[member]!;
  if (join === join) {
    // A cohort member (not NaN): a message in [join, join + 7 × 24 h]?
    const first = records[i + 4]! & 0x3fffff;
    if (first !== NONE && base + records[i + 5]! >= join && base + first <= join + WEEK_MS) f.activated[member] = 1;
  }
}

/** An hour inside one local day (row r, or -1 outside the days looked at): any record marks it. */
function foldWholeHour(records: Uint32Array, f: Fold, base: number, r: number, inMask: number): void {
  const data = f.data;
  const end = records.length;
  if (r < 0) {
    for (let i = 0; i < end; i += WORDS) foldMessages(records, i, records[i]!, f, base, inMask);
    return;
  }
  for (let i = 0; i < end; i += WORDS) {
    const member = records[i]!;
    if (records[i + 4]! >>> 24 === 0) continue; // no activity (never written so; for safety)
    data[r + member] = 1;
    foldMessages(records, i, member, f, base, inMask);
  }
}

/** An hour across a local midnight: each active quarter marks its own day. */
function foldSplitHour(records: Uint32Array, f: Fold, base: number, r0: number, r1: number, r2: number, r3: number, inMask: number): void {
  const data = f.data;
  for (let i = 0; i < records.length; i += WORDS) {
    const member = records[i]!;
    const quarters = records[i + 4]! >>> 24;
    if (quarters & 1 && r0 >= 0) data[r0 + member] = 1;
    if (quarters & 2 && r1 >= 0) data[r1 + member] = 1;
    if (quarters & 4 && r2 >= 0) data[r2 + member] = 1;
    if (quarters & 8 && r3 >= 0) data[r3 + member] = 1;
    foldMessages(records, i, member, f, base, inMask);
  }
}
