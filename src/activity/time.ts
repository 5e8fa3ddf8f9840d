// Time-zone arithmetic with Intl only: local dates of instants, start instants of local dates,
// weeks starting Monday. A "day number" is a local calendar date counted from 1970-01-01.
import { offsetAt } from '../zone.js';

const DAY = 86_400_000;

/** Day number of an ISO date 'YYYY-MM-DD'. */
export function dayNumber(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Math.floor(Date.UTC(y, m - 1, d) / DAY);
}

/** ISO date 'YYYY-MM-DD' of a day number. */
export function dateOf(day: number): string {
  return new Date(day * DAY).toISOString().slice(0, 10);
}

/** Local day number of an instant in a zone. */
export function localDay(instant: number, timeZone: string): number {
  return Math.floor((instant + offsetAt(instant, timeZone)) / DAY);
}

/** Local date 'YYYY-MM-DD' of an instant in a zone. */
export function localDate(instant: number, timeZone: string): string {
  return dateOf(localDay(instant, timeZone));
}

/**
 * The first instant of a local day. Where a DST change skips midnight the day starts at the
 * first instant that exists (e.g. 01:00).
 */
export function startOfDay(day: number, timeZone: string): number {
  const midnight = day * DAY;
  // Offsets are at most ±14 h: the day starts somewhere in this window; bisect to the minute.
  let lo = midnight - 15 * 3_600_000; // surely on an earlier day
  let hi = midnight + 15 * 3_600_000; // surely on this day or later
  // Fast path: the usual case where local midnight exists.
  const guess = midnight - offsetAt(midnight - offsetAt(midnight, timeZone), timeZone);
  if (localDay(guess, timeZone) === day && localDay(guess - 1, timeZone) < day) return guess;
  while (hi - lo > 60_000) {
    const mid = lo + Math.floor((hi - lo) / 2 / 60_000) * 60_000;
    if (localDay(mid, timeZone) >= day) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** The local start instant of an ISO date. */
export function startOfDate(date: string, timeZone: string): number {
  return startOfDay(dayNumber(date), timeZone);
}

/** 0 = Monday … 6 = Sunday. */
export function weekdayOf(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

/** The Monday on or before a day. */
export function weekStart(day: number): number {
  return day - weekdayOf(day);
}

/** Whether a string is a real calendar date written YYYY-MM-DD. */
export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  return dateOf(dayNumber(value)) === value;
}

/**
 * Maps the instants of a fixed grid (e.g. quarter-hours) to local day numbers and local minutes
 * of the day. Offsets change rarely: sample every 6 hours and refine only where they differ.
 */
export class LocalGrid {
  readonly days: Int32Array;
  readonly minutes: Int16Array;
  constructor(
    readonly start: number,
    readonly step: number,
    readonly count: number,
    timeZone: string,
  ) {
    this.days = new Int32Array(count);
    this.minutes = new Int16Array(count);
    const window = Math.max(1, Math.floor((6 * 3_600_000) / step));
    for (let i = 0; i < count; i += window) {
      const last = Math.min(count - 1, i + window);
      const a = offsetAt(start + i * step, timeZone);
      const same = a === offsetAt(start + last * step, timeZone);
      for (let k = i; k <= last; k++) {
        const at = start + k * step;
        const local = at + (same ? a : offsetAt(at, timeZone));
        const day = Math.floor(local / DAY);
        this.days[k] = day;
        this.minutes[k] = Math.floor((local - day * DAY) / 60_000);
      }
    }
  }
}
