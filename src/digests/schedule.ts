// Digest schedules: when they fall due in a zone, and which period each run covers (pure).
import { parse as parseCron, validateDetailed } from 'node-cron';
import {
  addDays,
  daysInMonth,
  formatDate,
  weekdayOf,
  weekStart,
  localDate,
  localToInstant,
  parseDate,
  type LocalDate,
} from '../zone.js';
import { retrySchedule } from '../retry.js';

export type PeriodKind = 'day' | 'week' | 'month';

export type Timing =
  | { kind: 'daily'; time: string }
  | { kind: 'weekly'; weekday: number; time: string } // weekday 1 = Monday … 7 = Sunday
  | { kind: 'monthly'; monthDay: number; time: string } // 1-31; clamped to the month's last day
  | { kind: 'cron'; expression: string };

export interface Period {
  kind: PeriodKind;
  from: LocalDate;
  to: LocalDate;
}

export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

/** The period a timing covers unless staff choose otherwise. */
export function defaultPeriodKind(timing: Timing): PeriodKind {
  switch (timing.kind) {
    case 'daily':
      return 'day';
    case 'weekly':
      return 'week';
    case 'monthly':
      return 'month';
    case 'cron':
      return 'week';
  }
}

const HHMM = /^([01]?\d|2[0-3]):([0-5]\d)$/;

/** 'HH:MM' (24-hour) -> [hour, minute], or null. */
export function parseTime(text: string): [number, number] | null {
  const m = HHMM.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2])] : null;
}

export function normalizeTime(text: string): string | null {
  const t = parseTime(text);
  return t ? `${String(t[0]).padStart(2, '0')}:${String(t[1]).padStart(2, '0')}` : null;
}

// ---- cron (5 fields: minute hour day-of-month month day-of-week) ----

export interface CronSpec {
  minutes: number[];
  hours: number[];
  monthDays: Array<number | 'L'>;
  months: number[];
  weekdays: number[]; // 0 = Sunday … 6 = Saturday
  /** Vixie cron: when both day fields are restricted, a day matching either one matches. */
  dayOr: boolean;
}

/**
 * How many times an hour a cron schedule would post when that is more than once, else null. A
 * digest covers a whole day, week or month: posting it more often only floods the staff channel.
 */
export function cronTimesPerHour(spec: CronSpec): number | null {
  return spec.minutes.length <= 1 ? null : spec.minutes.length;
}

/**
 * Whether a day field limits the days, for the either-day rule. As in Vixie cron, a field
 * starting with `*` does not (a step over `*` included). node-cron also accepts Quartz's `?`
 * ("no specific value", e.g. `0 9 ? * FRI`): it must not count either, or that digest would
 * post every day.
 */
function dayFieldRestricted(field: string): boolean {
  return !field.startsWith('*') && field !== '?';
}

/** Parses a 5-field cron expression, or returns the reason it is not one. */
export function parseCronExpression(expression: string): CronSpec | { error: string } {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) return { error: 'a cron expression has 5 fields: minute hour day-of-month month day-of-week' };
  const check = validateDetailed(fields.join(' '));
  if (!check.valid) return { error: check.errors.map((e) => e.message).join('; ') || 'invalid cron expression' };
  let parsed;
  try {
    parsed = parseCron(fields.join(' '));
  } catch (err) {
    return { error: err instanceof Error ? err.message : 'invalid cron expression' };
  }
  const monthDays: Array<number | 'L'> = [];
  for (const d of parsed.dayOfMonth) {
    if (d === 'L') monthDays.push('L');
    else if (typeof d === 'number') monthDays.push(d);
    else return { error: `unsupported day-of-month ${String(d)}` };
  }
  const weekdays: number[] = [];
  for (const d of parsed.dayOfWeek) {
    if (typeof d !== 'number') return { error: `unsupported day-of-week ${String(d)}` };
    weekdays.push(d % 7);
  }
  const domRestricted = dayFieldRestricted(fields[2]!);
  const dowRestricted = dayFieldRestricted(fields[4]!);
  return {
    minutes: [...new Set(parsed.minute)].sort((a, b) => a - b),
    hours: [...new Set(parsed.hour)].sort((a, b) => a - b),
    monthDays,
    months: parsed.month,
    weekdays: [...new Set(weekdays)],
    dayOr: domRestricted && dowRestricted,
  };
}

function cronDayMatches(spec: CronSpec, date: LocalDate): boolean {
  const { year, month, day } = parseDate(date);
  if (!spec.months.includes(month)) return false;
  const last = daysInMonth(year, month);
  const domOk = spec.monthDays.some((d) => (d === 'L' ? day === last : d === day));
  const dowOk = spec.weekdays.includes((weekdayOf(date) + 1) % 7);
  return spec.dayOr ? domOk || dowOk : domOk && dowOk;
}

/** The wall-clock times at which a timing fires on a local date, in order. */
export function timesOnDate(timing: Timing, date: LocalDate, cron?: CronSpec): Array<[number, number]> {
  switch (timing.kind) {
    case 'daily':
      return [parseTime(timing.time)!];
    case 'weekly':
      return weekdayOf(date) + 1 === timing.weekday ? [parseTime(timing.time)!] : [];
    case 'monthly': {
      const { year, month, day } = parseDate(date);
      return day === Math.min(timing.monthDay, daysInMonth(year, month)) ? [parseTime(timing.time)!] : [];
    }
    case 'cron': {
      const spec = cron ?? mustParse(timing.expression);
      if (!cronDayMatches(spec, date)) return [];
      return spec.hours.flatMap((h) => spec.minutes.map((m): [number, number] => [h, m]));
    }
  }
}

function mustParse(expression: string): CronSpec {
  const spec = parseCronExpression(expression);
  if ('error' in spec) throw new Error(`invalid cron expression: ${spec.error}`);
  return spec;
}

function instantsOnDate(timing: Timing, date: LocalDate, zone: string, cron: CronSpec | undefined): number[] {
  const set = new Set(timesOnDate(timing, date, cron).map(([h, m]) => localToInstant(date, h, m, zone)));
  return [...set].sort((a, b) => a - b);
}

// Cron expressions like "0 0 29 2 *" fire only every four years: look that far.
const HORIZON_DAYS = 366 * 4 + 1;

/** The first time the timing fires strictly after `instant`, or null if never within 4 years. */
export function nextRunAfter(timing: Timing, zone: string, instant: number): number | null {
  const cron = timing.kind === 'cron' ? mustParse(timing.expression) : undefined;
  const start = addDays(localDate(instant, zone), -1);
  for (let i = 0; i <= HORIZON_DAYS; i++) {
    const found = instantsOnDate(timing, addDays(start, i), zone, cron).find((t) => t > instant);
    if (found !== undefined) return found;
  }
  return null;
}

/** The last time the timing fired at or before `instant`, or null if not within 4 years. */
export function lastRunAtOrBefore(timing: Timing, zone: string, instant: number): number | null {
  const cron = timing.kind === 'cron' ? mustParse(timing.expression) : undefined;
  const start = addDays(localDate(instant, zone), 1);
  for (let i = 0; i <= HORIZON_DAYS; i++) {
    const found = instantsOnDate(timing, addDays(start, -i), zone, cron).filter((t) => t <= instant).at(-1);
    if (found !== undefined) return found;
  }
  return null;
}

/** The next `count` run times after `instant`. */
export function nextRuns(timing: Timing, zone: string, instant: number, count: number): number[] {
  const out: number[] = [];
  let at = instant;
  while (out.length < count) {
    const next = nextRunAfter(timing, zone, at);
    if (next === null) break;
    out.push(next);
    at = next;
  }
  return out;
}

// ---- periods ----

/** The last complete period of `kind` that ends before the local date `date` begins. */
export function lastCompletePeriod(kind: PeriodKind, date: LocalDate): Period {
  switch (kind) {
    case 'day': {
      const d = addDays(date, -1);
      return { kind, from: d, to: d };
    }
    case 'week': {
      const from = addDays(weekStart(date), -7);
      return { kind, from, to: addDays(from, 6) };
    }
    case 'month': {
      const { year, month } = parseDate(date);
      const py = month === 1 ? year - 1 : year;
      const pm = month === 1 ? 12 : month - 1;
      return { kind, from: formatDate(py, pm, 1), to: formatDate(py, pm, daysInMonth(py, pm)) };
    }
  }
}

/** The period of equal kind just before `period`, for the ▲/▼ comparisons. */
export function previousPeriod(period: Period): Period {
  return lastCompletePeriod(period.kind, period.from);
}

/** The period a run that fell due at `dueAt` covers, in the guild's zone. */
export function periodForRun(kind: PeriodKind, zone: string, dueAt: number): Period {
  return lastCompletePeriod(kind, localDate(dueAt, zone));
}

/** The runs table's key for a period: one digest per (guild, schedule, key). */
export function periodKey(period: Period): string {
  return `${period.kind}:${period.from}`;
}

/** Human description of a timing, e.g. "every Monday at 09:00". */
export function describeTiming(timing: Timing): string {
  switch (timing.kind) {
    case 'daily':
      return `every day at ${timing.time}`;
    case 'weekly':
      return `every ${WEEKDAYS[timing.weekday - 1]} at ${timing.time}`;
    case 'monthly':
      return timing.monthDay >= 29
        ? `on day ${timing.monthDay} of every month (or its last day) at ${timing.time}`
        : `on day ${timing.monthDay} of every month at ${timing.time}`;
    case 'cron':
      return `cron \`${timing.expression}\``;
  }
}

// ---- retries ----

const BACKOFF_MS = [1, 5, 15, 60, 180, 360, 720].map((minutes) => minutes * 60_000);
/** A failed post is tried this many times in all before it is given up (and shown as such). */
export const MAX_ATTEMPTS = BACKOFF_MS.length + 1;

/** When to try again after `attempts` failed tries, or null when it is given up. */
export const nextAttemptAt = retrySchedule(BACKOFF_MS, MAX_ATTEMPTS);

/** A run posted this long after it fell due is marked late in its embed. */
export const LATE_AFTER_MS = 10 * 60_000;
