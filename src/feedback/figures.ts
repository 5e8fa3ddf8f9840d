// The answer-time figures of feedback (docs/metrics.md, "Feedback: answer times"), pure.
import { CLOSED, isClosed, type Status } from './feedback.js';

/** One item as the figures see it; instants are epoch ms. */
export interface FigureItem {
  id: number;
  category: string;
  openedAt: number;
  /** Every status change with its instant, oldest first (the item starts as `open`). */
  changes: ReadonlyArray<{ at: number; to: Status; byStaff: boolean }>;
  /** Instants of thread messages by staff other than the item's author. */
  staffReplies: readonly number[];
}

export interface FeedbackFigures {
  opened: number;
  by_category: Record<string, number>;
  by_status: Record<string, number>;
  responded: number;
  median_minutes_to_first_response: number | null;
  p90_minutes_to_first_response: number | null;
  answered_within_30m: number;
  answered_within_24h: number;
  median_hours_to_decision: number | null;
  waiting: { count: number; item_ids: string[] };
}

const MINUTE = 60_000;
const HOUR = 3_600_000;

/** Median; the mean of the two middle values for an even count; null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile: the value at rank ceil(p/100 × n) of the sorted values; null for none. */
export function nearestRank(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/** The status an item had at `asOf`: its last change at or before then, else `open`. */
export function statusAt(item: Pick<FigureItem, 'changes'>, asOf: number): Status {
  let status: Status = 'open';
  for (const c of item.changes) if (c.at <= asOf) status = c.to;
  return status;
}

/** The first staff response: the earliest staff thread reply or staff status change; null for none. */
export function firstResponseAt(item: Pick<FigureItem, 'changes' | 'staffReplies'>): number | null {
  let first: number | null = null;
  for (const at of item.staffReplies) if (first === null || at < first) first = at;
  for (const c of item.changes) if (c.byStaff && (first === null || c.at < first)) first = c.at;
  return first;
}

/** The first decision (done, declined or duplicate); null when never decided. */
export function firstDecisionAt(item: Pick<FigureItem, 'changes'>): number | null {
  let first: number | null = null;
  for (const c of item.changes) if (CLOSED.includes(c.to) && (first === null || c.at < first)) first = c.at;
  return first;
}

export interface FigureWindow {
  /** [start, end) of the period, epoch ms. */
  start: number;
  end: number;
  asOf: number;
  /** The guild's waiting threshold in ms (default 48 h). */
  waitingMs: number;
}

export function feedbackFigures(items: readonly FigureItem[], w: FigureWindow): FeedbackFigures {
  const inPeriod = items.filter((i) => i.openedAt >= w.start && i.openedAt < w.end && i.openedAt <= w.asOf);
  const by_category: Record<string, number> = {};
  const by_status: Record<string, number> = {};
  const minutes: number[] = [];
  let within30 = 0;
  let within24 = 0;
  for (const item of inPeriod) {
    by_category[item.category] = (by_category[item.category] ?? 0) + 1;
    const status = statusAt(item, w.asOf);
    by_status[status] = (by_status[status] ?? 0) + 1;
    const first = firstResponseAt(item);
    if (first === null || first > w.asOf) continue;
    const elapsed = Math.max(0, first - item.openedAt);
    minutes.push(elapsed / MINUTE);
    if (elapsed <= 30 * MINUTE) within30++;
    if (elapsed <= 24 * HOUR) within24++;
  }
  const decisions: number[] = [];
  for (const item of items) {
    const decided = firstDecisionAt(item);
    if (decided !== null && decided >= w.start && decided < w.end && decided <= w.asOf) decisions.push(Math.max(0, decided - item.openedAt) / HOUR);
  }
  const waiting = items
    .filter((i) => {
      if (i.openedAt > w.asOf || isClosed(statusAt(i, w.asOf))) return false;
      const first = firstResponseAt(i);
      if (first !== null && first <= w.asOf) return false;
      return w.asOf - i.openedAt > w.waitingMs;
    })
    .sort((a, b) => a.openedAt - b.openedAt || a.id - b.id);
  const opened = inPeriod.length;
  return {
    opened,
    by_category,
    by_status,
    responded: minutes.length,
    median_minutes_to_first_response: median(minutes),
    p90_minutes_to_first_response: nearestRank(minutes, 90),
    answered_within_30m: opened === 0 ? 0 : within30 / opened,
    answered_within_24h: opened === 0 ? 0 : within24 / opened,
    median_hours_to_decision: median(decisions),
    waiting: { count: waiting.length, item_ids: waiting.map((i) => String(i.id)) },
  };
}
