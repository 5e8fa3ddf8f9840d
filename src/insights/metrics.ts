// The report's window, member index, voice and quarter-hour folds and top lists of docs/metrics.md:
// pure, no kysely, no discord.js, no clock (the hour records fold in fold-hours.ts).
import { HOUR, QUARTER, type QuarterRow } from '../activity/rollup.js';
import { dayNumber, LocalGrid, startOfDay, weekdayOf, weekStart } from '../zone.js';
import type { ActiveDays } from './active-days.js';
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
/** A guild quarter-hour's counts (the rollup row without its guild). */
export type QuarterCounts = Pick<QuarterRow, 'bucket' | 'messages' | 'reactions' | 'threads'>;
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
  /** byId holds every id of the dictionary (after a whole scan). */
  private complete = false;
  private readonly extra: string[] = [];
  constructor(private readonly dictionary: readonly string[]) {}

  /** How many members have an index (the rollup's ids and those appended). */
  get size(): number {
    return this.dictionary.length + this.extra.length;
  }

  /**
   * Finds the members of many rows with one scan of the dictionary, mapping only these (a map of every id costs
   * more than the look-ups); ids not in it are appended.
   */
  resolve(...rows: ReadonlyArray<ReadonlyArray<{ userId: string }>>): void {
    const fresh: string[] = [];
    for (const list of rows) {
      for (let i = 0; i < list.length; i++) {
        const id = list[i]!.userId;
        if (this.byId.has(id)) continue;
        this.byId.set(id, -1);
        fresh.push(id);
      }
    }
    if (fresh.length === 0 || this.complete) return this.appendUnresolved(fresh);
    const dictionary = this.dictionary;
    for (let i = 0; i < dictionary.length; i++) {
      const id = dictionary[i];
      if (id !== undefined && this.byId.get(id) !== undefined) this.byId.set(id, i); // the last of duplicates, as a whole map would
    }
    this.appendUnresolved(fresh);
  }

  private appendUnresolved(fresh: readonly string[]): void {
    for (const id of fresh) {
      if (this.byId.get(id) !== -1) continue;
      this.byId.set(id, this.size);
      this.extra.push(id);
    }
  }

  of(id: string): number {
    let n = this.byId.get(id);
    if (n === undefined && !this.complete) {
      // Not resolved before: map the whole dictionary once.
      this.complete = true;
      for (let i = 0; i < this.dictionary.length; i++) {
        const known = this.dictionary[i];
        if (known !== undefined) this.byId.set(known, i);
      }
      n = this.byId.get(id);
    }
    if (n === undefined) {
      n = this.size;
      this.extra.push(id);
      this.byId.set(id, n);
    }
    return n;
  }

  /** Each row's member index (resolve them first for one scan). */
  ofAll<T>(rows: readonly T[], id: (row: T) => string): Int32Array {
    const out = new Int32Array(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = this.of(id(rows[i]!));
    return out;
  }

  idOf(n: number): string {
    return n < this.dictionary.length ? this.dictionary[n]! : this.extra[n - this.dictionary.length]!;
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
 * Marks voice sessions (60 s or longer; open ones up to as-of) as activity; returns voice minutes
 * in the period. members[i] is session i's member index.
 */
export function foldVoice(sessions: readonly VoiceSessionRow[], members: Int32Array, w: ReportWindow, grid: LocalGrid, asOf: number, active: ActiveDays): number {
  let ms = 0;
  const gridStartQ = grid.start / QUARTER;
  const dayAt = (instant: number) => grid.days[Math.floor(instant / QUARTER) - gridStartQ]!;
  for (let i = 0; i < sessions.length; i++) {
    const s = sessions[i]!;
    const end = s.endedAt ?? asOf;
    if (end - s.startedAt < MIN_VOICE_MS) continue;
    ms += Math.max(0, Math.min(end, w.periodEnd) - Math.max(s.startedAt, w.periodStart));
    // The local days the session overlaps, within the days the report looks at.
    const a = Math.max(s.startedAt, w.scanStart);
    const b = Math.min(end, w.periodEnd);
    if (b <= a) continue;
    const member = members[i]!;
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
export function foldQuarters(rows: Iterable<QuarterCounts>, w: ReportWindow, grid: LocalGrid): QuarterFigures {
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

/**
 * The indices of the (up to) 10 largest positive counts, most first, ties by id ascending as
 * strings: only the indices that can make the list (count at least the 10th largest) are named
 * and sorted, not every member.
 */
function topTen(counts: Float64Array, index: MemberIndex, unnamed?: ReadonlySet<string>): Array<{ i: number; id: string; count: number }> {
  const left = (i: number) => unnamed !== undefined && unnamed.size !== 0 && unnamed.has(index.idOf(i));
  // The 10 largest counts (with repeats), descending.
  const best: number[] = [];
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    if (c <= 0 || left(i)) continue;
    if (best.length === 10) {
      if (c <= best[9]!) continue;
      best.pop();
    }
    let at = best.length;
    best.push(c);
    while (at > 0 && best[at - 1]! < c) {
      best[at] = best[at - 1]!;
      at--;
    }
    best[at] = c;
  }
  if (best.length === 0) return [];
  const floor = best[best.length - 1]!;
  const found: Array<{ i: number; id: string; count: number }> = [];
  for (let i = 0; i < counts.length; i++) if (counts[i]! >= floor && !left(i)) found.push({ i, id: index.idOf(i), count: counts[i]! });
  return found.sort(byCountThenId((x) => x.count, (x) => x.id)).slice(0, 10);
}

/** The top members; those in `unnamed` (opted out, their rows not deleted yet) are left out. */
export function topContributors(t: MessageTallies, index: MemberIndex, unnamed?: ReadonlySet<string>): Report['top_contributors'] {
  return topTen(t.byMember, index, unnamed).map((x) => ({ user_id: x.id, messages: x.count }));
}

export function topChannels(t: MessageTallies, index: MemberIndex): Report['top_channels'] {
  return topTen(t.byChannel, index).map((x) => ({ channel_id: x.id, messages: x.count, active_members: t.authors.get(x.i) ?? 0 }));
}
