// The folds of docs/metrics.md figures over stored rows (window, active days, message tallies, voice,
// quarter counts, top lists): pure, no kysely, no discord.js, no clock.
import { NONE, WORDS } from '../activity/hour-records.js';
import { HOUR, QUARTER, type QuarterRow } from '../activity/rollup.js';
import { dayNumber, LocalGrid, startOfDay, weekdayOf, weekStart } from '../zone.js';
import type { Report } from './report-types.js';

export const WEEK_MS = 7 * 24 * HOUR;
const MIN_VOICE_MS = 60_000;

export interface MemberEventRow {
  userId: string;
  at: number;
  kind: 'join' | 'leave';
}
export interface VoiceSessionRow {
  userId: string;
  startedAt: number;
  endedAt: number | null;
}
export interface FlagReactionRow {
  messageId: string;
  userId: string;
  authorId: string | null;
  at: number;
}
export interface ReviewFigures {
  resolved: number;
  actioned: number;
  dismissed: number;
  median_minutes_to_resolution: number | null;
}

/** The local days and instants a report for [from, to] looks at, and the rows it needs. */
export interface ReportWindow {
  fromDay: number;
  toDay: number;
  periodStart: number;
  periodEnd: number;
  /** First local day whose activity matters (cohort weeks, churn look-back, MAU). */
  firstDay: number;
  /** Rollup rows needed: [scanStart, scanEnd). Past periodEnd only for week-1 activation. */
  scanStart: number;
  scanEnd: number;
}

export function reportWindow(from: string, to: string, timeZone: string): ReportWindow {
  const fromDay = dayNumber(from);
  const toDay = dayNumber(to);
  const firstDay = Math.min(weekStart(fromDay), toDay - 41);
  const periodEnd = startOfDay(toDay + 1, timeZone);
  return {
    fromDay,
    toDay,
    periodStart: startOfDay(fromDay, timeZone),
    periodEnd,
    firstDay,
    scanStart: startOfDay(firstDay, timeZone),
    scanEnd: periodEnd + WEEK_MS + HOUR,
  };
}

/** Members as small integers: the rollup's ids first, others (voice-only, joins) appended. */
export class MemberIndex {
  private readonly byId = new Map<string, number>();
  readonly ids: string[];
  constructor(ids: readonly string[]) {
    this.ids = [...ids];
    this.ids.forEach((id, i) => {
      if (id !== undefined) this.byId.set(id, i);
    });
  }
  of(id: string): number {
    let n = this.byId.get(id);
    if (n === undefined) {
      n = this.ids.length;
      this.ids.push(id);
      this.byId.set(id, n);
    }
    return n;
  }
  idOf(n: number): string {
    return this.ids[n]!;
  }
}

/**
 * Which local days each member (by index) was active on, over [firstDay, lastDay]: a flat byte
 * grid, one row of `capacity` members per day, so the fold (an hour's records at a time) writes
 * within one small row instead of striding across all members.
 */
export class ActiveDays {
  /** data[(day - firstDay) * capacity + member] = 1 when active. */
  data: Uint8Array;
  /** seen[member] = 1 when active on any day. */
  seen: Uint8Array;
  private cap: number;
  private list: number[] | undefined;
  readonly span: number;
  constructor(
    readonly firstDay: number,
    readonly lastDay: number,
    capacity = 1024,
  ) {
    this.span = lastDay - firstDay + 1;
    this.cap = Math.max(1, capacity);
    this.data = new Uint8Array(this.cap * this.span);
    this.seen = new Uint8Array(this.cap);
  }

  /** Members per day row (rows move when it grows). */
  get capacity(): number {
    return this.cap;
  }

  /** Makes room for members 0..member (before writing data and seen directly). */
  ensure(member: number): void {
    this.list = undefined;
    if (member < this.cap) return;
    const old = this.cap;
    while (member >= this.cap) this.cap *= 2;
    const grown = new Uint8Array(this.cap * this.span);
    for (let d = 0; d < this.span; d++) grown.set(this.data.subarray(d * old, (d + 1) * old), d * this.cap);
    this.data = grown;
    const seen = new Uint8Array(this.cap);
    seen.set(this.seen);
    this.seen = seen;
  }

  mark(member: number, day: number): void {
    if (day < this.firstDay || day > this.lastDay) return;
    this.ensure(member);
    this.data[(day - this.firstDay) * this.cap + member] = 1;
    this.seen[member] = 1;
    this.list = undefined;
  }

  /** Members with at least one active day, by index. */
  get members(): number[] {
    if (!this.list) {
      this.list = [];
      for (let m = 0; m < this.cap; m++) if (this.seen[m]) this.list.push(m);
    }
    return this.list;
  }

  /** Distinct active days of one member in [a, b]. */
  countIn(member: number, a: number, b: number): number {
    if (member >= this.cap) return 0;
    let n = 0;
    for (let d = Math.max(a, this.firstDay), end = Math.min(b, this.lastDay); d <= end; d++) n += this.data[(d - this.firstDay) * this.cap + member]!;
    return n;
  }

  /** Members active on at least one day of [a, b] (optionally among `among`). */
  distinctIn(a: number, b: number, among?: Iterable<number>): number {
    let n = 0;
    if (among) {
      for (const m of among) if (this.countIn(m, a, b) > 0) n++;
      return n;
    }
    const any = new Uint8Array(this.cap);
    for (let d = Math.max(a, this.firstDay), end = Math.min(b, this.lastDay); d <= end; d++) {
      const row = (d - this.firstDay) * this.cap;
      for (let m = 0; m < this.cap; m++) any[m]! |= this.data[row + m]!;
    }
    for (let m = 0; m < this.cap; m++) n += any[m]!;
    return n;
  }

  /** DAU(D) for each day of [a, b]. */
  perDay(a: number, b: number): number[] {
    const counts = new Array<number>(b - a + 1).fill(0);
    for (let d = Math.max(a, this.firstDay), end = Math.min(b, this.lastDay); d <= end; d++) {
      const row = (d - this.firstDay) * this.cap;
      let n = 0;
      for (let m = 0; m < this.cap; m++) n += this.data[row + m]!;
      counts[d - a] = n;
    }
    return counts;
  }
}

/** A quarter-hour grid over the report's rows, mapping each quarter to its local day and minute. */
export function quarterGrid(w: ReportWindow, timeZone: string): LocalGrid {
  const startQ = Math.floor(w.scanStart / QUARTER);
  const endQ = Math.ceil(w.scanEnd / QUARTER);
  return new LocalGrid(startQ * QUARTER, QUARTER, endQ - startQ, timeZone);
}

/** One guild-hour of packed rollup records (src/activity/hour-records.ts). */
export interface HourBlock {
  bucket: number;
  records: Uint32Array;
}

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
    this.slotOf.forEach((slot, channel) => {
      if (slot >= 0) out.set(channel, this.counts[slot]!);
    });
    for (const [channel, set] of this.overflow) out.set(channel, set.size);
    return out;
  }
}

/**
 * Folds the packed hour records into active days, the period's message tallies and cohort
 * activation (a message within 7 × 24 h after the join instant). Tight typed-array loop: this is
 * the report's one big read.
 */
export function foldHours(
  blocks: Iterable<HourBlock>,
  idCount: number,
  w: ReportWindow,
  grid: LocalGrid,
  active: ActiveDays,
  cohortJoins: Map<number, number>,
): { tallies: MessageTallies; activated: Set<number> } {
  // Every member and channel integer is below idCount (the guild's id dictionary).
  const byMember = new Float64Array(idCount);
  const byChannel = new Float64Array(idCount);
  const authors = new AuthorSets(idCount - 1, idCount);
  const joinOf = new Float64Array(idCount).fill(Number.NaN);
  for (const [m, at] of cohortJoins) if (m < idCount) joinOf[m] = at;
  const activated = new Set<number>();
  const gridStartQ = grid.start / QUARTER;
  const pStartQ = w.periodStart / QUARTER;
  const pEndQ = w.periodEnd / QUARTER;
  // Each grid quarter's offset into a member's days, or -1 outside the days looked at.
  const dayIdx = new Int32Array(grid.count);
  for (let k = 0; k < grid.count; k++) {
    const d = grid.days[k]!;
    dayIdx[k] = d < active.firstDay || d > active.lastDay ? -1 : d - active.firstDay;
  }
  active.ensure(idCount); // then write its arrays directly
  const cap = active.capacity;
  const data = active.data;
  const seen = active.seen;
  // Each quarter's day row in data (or -1 outside the days looked at), per hour.
  const rowOf = (qi: number) => (qi >= 0 && qi < grid.count && dayIdx[qi]! >= 0 ? dayIdx[qi]! * cap : -1);
  for (const { bucket, records } of blocks) {
    const baseQ = bucket * 4;
    const base = bucket * HOUR;
    const qi0 = baseQ - gridStartQ;
    // Which of the hour's quarters are inside the period (all, none, or a split hour).
    let inMask = 0;
    for (let q = 0; q < 4; q++) if (baseQ + q >= pStartQ && baseQ + q < pEndQ) inMask |= 1 << q;
    const r0 = rowOf(qi0);
    const r1 = rowOf(qi0 + 1);
    const r2 = rowOf(qi0 + 2);
    const r3 = rowOf(qi0 + 3);
    // Usually the whole hour is one local day: then any record marks that day.
    const whole = r0 === r1 && r1 === r2 && r2 === r3 ? r0 : -2;
    for (let i = 0; i < records.length; i += WORDS) {
      const member = records[i]!;
      const w4 = records[i + 4]!;
      if (whole >= 0) {
        if (w4 >>> 24 === 0) continue; // no activity (never written so; for safety)
        data[whole + member] = 1;
        seen[member] = 1;
      } else if (whole === -2) {
        const quarters = w4 >>> 24;
        if (quarters & 1 && r0 >= 0) (data[r0 + member] = 1), (seen[member] = 1);
        if (quarters & 2 && r1 >= 0) (data[r1 + member] = 1), (seen[member] = 1);
        if (quarters & 4 && r2 >= 0) (data[r2 + member] = 1), (seen[member] = 1);
        if (quarters & 8 && r3 >= 0) (data[r3 + member] = 1), (seen[member] = 1);
      }
      const a = records[i + 2]!;
      const b = records[i + 3]!;
      if (a === 0 && b === 0) continue; // no messages
      let inPeriod = 0;
      if (inMask === 15) inPeriod = (a & 0xffff) + (a >>> 16) + (b & 0xffff) + (b >>> 16);
      else if (inMask) {
        if (inMask & 1) inPeriod += a & 0xffff;
        if (inMask & 2) inPeriod += a >>> 16;
        if (inMask & 4) inPeriod += b & 0xffff;
        if (inMask & 8) inPeriod += b >>> 16;
      }
      if (inPeriod > 0) {
        byMember[member]! += inPeriod;
        const channel = records[i + 1]!;
        byChannel[channel]! += inPeriod;
        authors.add(channel, member);
      }
      const join = joinOf[member]!;
      if (join === join) {
        // A cohort member (not NaN): a message in [join, join + 7 × 24 h]?
        const first = w4 & 0x3fffff;
        if (first !== NONE && base + records[i + 5]! >= join && base + first <= join + WEEK_MS) activated.add(member);
      }
    }
  }
  return { tallies: { byMember, byChannel, authors: authors.result() }, activated };
}

/** Marks voice sessions (60 s or longer; open ones up to as-of) as activity; returns voice minutes in the period. */
export function foldVoice(sessions: readonly VoiceSessionRow[], w: ReportWindow, grid: LocalGrid, asOf: number, active: ActiveDays, index: MemberIndex): number {
  let ms = 0;
  const gridStartQ = grid.start / QUARTER;
  const dayAt = (instant: number) => grid.days[Math.floor(instant / QUARTER) - gridStartQ]!;
  for (const s of sessions) {
    const end = s.endedAt ?? asOf;
    if (end - s.startedAt < MIN_VOICE_MS) continue;
    ms += Math.max(0, Math.min(end, w.periodEnd) - Math.max(s.startedAt, w.periodStart));
    // The local days the session overlaps, within the days the report looks at.
    const a = Math.max(s.startedAt, w.scanStart);
    const b = Math.min(end, w.periodEnd);
    if (b <= a) continue;
    const member = index.of(s.userId);
    for (let day = dayAt(a), last = dayAt(b - 1); day <= last; day++) active.mark(member, day);
  }
  return Math.floor(ms / 60_000);
}

export interface QuarterFigures {
  messages: number;
  reactions: number;
  threads: number;
  hourOfWeek: number[][];
}

/** Period totals and the hour-of-week grid from the guild's quarter-hour counts. */
export function foldQuarters(rows: Iterable<QuarterRow>, w: ReportWindow, grid: LocalGrid): QuarterFigures {
  const out: QuarterFigures = { messages: 0, reactions: 0, threads: 0, hourOfWeek: Array.from({ length: 7 }, () => new Array<number>(24).fill(0)) };
  const gridStartQ = grid.start / QUARTER;
  const pStartQ = w.periodStart / QUARTER;
  const pEndQ = w.periodEnd / QUARTER;
  for (const r of rows) {
    if (r.bucket < pStartQ || r.bucket >= pEndQ) continue;
    out.messages += r.messages;
    out.reactions += r.reactions;
    out.threads += r.threads;
    const qi = r.bucket - gridStartQ;
    if (r.messages > 0 && qi >= 0 && qi < grid.count) out.hourOfWeek[weekdayOf(grid.days[qi]!)]![Math.floor(grid.minutes[qi]! / 60)]! += r.messages;
  }
  return out;
}

/** Most first, ties by id ascending as strings (docs/metrics.md). */
export const byCountThenId = <T>(count: (x: T) => number, id: (x: T) => string) => (a: T, b: T) =>
  count(b) - count(a) || (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0);

export function topContributors(t: MessageTallies, index: MemberIndex): Report['top_contributors'] {
  const found: Array<{ user_id: string; messages: number }> = [];
  t.byMember.forEach((messages, m) => {
    if (messages > 0) found.push({ user_id: index.idOf(m), messages });
  });
  return found
    .sort(byCountThenId((x) => x.messages, (x) => x.user_id))
    .slice(0, 10);
}

export function topChannels(t: MessageTallies, index: MemberIndex): Report['top_channels'] {
  const found: Report['top_channels'] = [];
  t.byChannel.forEach((messages, c) => {
    if (messages > 0) found.push({ channel_id: index.idOf(c), messages, active_members: t.authors.get(c) ?? 0 });
  });
  return found
    .sort(byCountThenId((x) => x.messages, (x) => x.channel_id))
    .slice(0, 10);
}
