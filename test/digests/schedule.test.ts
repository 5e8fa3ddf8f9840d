import { describe, expect, it } from 'vitest';
import {
  lastCompletePeriod,
  lastRunAtOrBefore,
  nextAttemptAt,
  nextRunAfter,
  nextRuns,
  normalizeTime,
  parseCronExpression,
  periodForRun,
  periodKey,
  previousPeriod,
  type Timing,
} from '../../src/digests/schedule.js';
import { addDays, localToInstant, weekdayOf } from '../../src/zone.js';

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
const at = (s: string) => Date.parse(s);

describe('local time to instant', () => {
  it.each([
    // zone, date, hh, mm, expected UTC
    ['UTC', '2026-11-23', 9, 0, '2026-11-23T09:00:00.000Z'],
    ['America/New_York', '2026-11-23', 9, 0, '2026-11-23T14:00:00.000Z'],
    ['America/New_York', '2026-07-01', 9, 0, '2026-07-01T13:00:00.000Z'],
    // spring forward: 02:30 does not exist on 2026-03-08 -> 03:30 EDT
    ['America/New_York', '2026-03-08', 2, 30, '2026-03-08T07:30:00.000Z'],
    // fall back: 01:30 happens twice on 2026-11-01 -> the first (EDT)
    ['America/New_York', '2026-11-01', 1, 30, '2026-11-01T05:30:00.000Z'],
    ['Europe/Berlin', '2026-03-29', 2, 15, '2026-03-29T01:15:00.000Z'],
    ['Europe/Berlin', '2026-10-25', 2, 15, '2026-10-25T00:15:00.000Z'],
    ['Asia/Kathmandu', '2026-01-01', 0, 0, '2025-12-31T18:15:00.000Z'],
    // a 30-minute change: 02:15 does not exist -> 02:45 (+11:00)
    ['Australia/Lord_Howe', '2026-10-04', 2, 15, '2026-10-03T15:45:00.000Z'],
    ['Pacific/Chatham', '2026-06-15', 12, 0, '2026-06-14T23:15:00.000Z'],
  ])('%s %s %i:%i', (zone, date, h, m, expected) => {
    expect(iso(localToInstant(date, h, m, zone))).toBe(expected);
  });
});

describe('next and last run', () => {
  const table: Array<[string, Timing, string, string, string]> = [
    // name, timing, zone, after, expected next
    ['daily later today', { kind: 'daily', time: '09:00' }, 'UTC', '2026-11-23T08:59:00Z', '2026-11-23T09:00:00.000Z'],
    ['daily strictly after', { kind: 'daily', time: '09:00' }, 'UTC', '2026-11-23T09:00:00Z', '2026-11-24T09:00:00.000Z'],
    ['daily across spring forward NY', { kind: 'daily', time: '02:30' }, 'America/New_York', '2026-03-07T08:00:00Z', '2026-03-08T07:30:00.000Z'],
    ['daily after spring forward', { kind: 'daily', time: '09:00' }, 'America/New_York', '2026-03-07T15:00:00Z', '2026-03-08T13:00:00.000Z'],
    ['daily across fall back runs once', { kind: 'daily', time: '01:30' }, 'America/New_York', '2026-11-01T05:30:00Z', '2026-11-02T06:30:00.000Z'],
    ['weekly Monday in Berlin', { kind: 'weekly', weekday: 1, time: '09:00' }, 'Europe/Berlin', '2026-11-23T08:00:00Z', '2026-11-30T08:00:00.000Z'],
    ['weekly Sunday late evening', { kind: 'weekly', weekday: 7, time: '23:30' }, 'Asia/Tokyo', '2026-11-23T00:00:00Z', '2026-11-29T14:30:00.000Z'],
    ['monthly 31st in February', { kind: 'monthly', monthDay: 31, time: '08:00' }, 'UTC', '2026-02-01T00:00:00Z', '2026-02-28T08:00:00.000Z'],
    ['monthly 31st in leap February', { kind: 'monthly', monthDay: 31, time: '08:00' }, 'UTC', '2028-02-01T00:00:00Z', '2028-02-29T08:00:00.000Z'],
    ['monthly 31st in April', { kind: 'monthly', monthDay: 31, time: '08:00' }, 'UTC', '2026-04-02T00:00:00Z', '2026-04-30T08:00:00.000Z'],
    ['monthly 1st year end', { kind: 'monthly', monthDay: 1, time: '00:00' }, 'Pacific/Auckland', '2026-12-15T00:00:00Z', '2026-12-31T11:00:00.000Z'],
    ['cron weekdays 9', { kind: 'cron', expression: '0 9 * * 1-5' }, 'UTC', '2026-11-27T10:00:00Z', '2026-11-30T09:00:00.000Z'],
    ['cron every 15 min', { kind: 'cron', expression: '*/15 * * * *' }, 'UTC', '2026-11-23T10:07:00Z', '2026-11-23T10:15:00.000Z'],
    ['cron last day of month', { kind: 'cron', expression: '0 18 L * *' }, 'UTC', '2026-02-10T00:00:00Z', '2026-02-28T18:00:00.000Z'],
    ['cron dom OR dow', { kind: 'cron', expression: '0 12 13 * 5' }, 'UTC', '2026-11-10T00:00:00Z', '2026-11-13T12:00:00.000Z'],
    ['cron Feb 29', { kind: 'cron', expression: '0 0 29 2 *' }, 'UTC', '2026-03-01T00:00:00Z', '2028-02-29T00:00:00.000Z'],
    ['cron in zone with DST gap', { kind: 'cron', expression: '30 2 * * *' }, 'Europe/Berlin', '2026-03-28T12:00:00Z', '2026-03-29T01:30:00.000Z'],
    ['cron sunday as 7', { kind: 'cron', expression: '0 8 * * 7' }, 'UTC', '2026-11-23T00:00:00Z', '2026-11-29T08:00:00.000Z'],
  ];
  it.each(table)('%s', (_name, timing, zone, after, expected) => {
    expect(iso(nextRunAfter(timing, zone, at(after)))).toBe(expected);
  });

  it.each(table)('last run at or before the next run is itself: %s', (_name, timing, zone, after) => {
    const next = nextRunAfter(timing, zone, at(after))!;
    expect(lastRunAtOrBefore(timing, zone, next)).toBe(next);
    expect(lastRunAtOrBefore(timing, zone, next - 1)! < next).toBe(true);
  });

  it('three next runs of a weekly schedule keep the wall time across DST', () => {
    const runs = nextRuns({ kind: 'weekly', weekday: 1, time: '09:00' }, 'America/New_York', at('2026-10-20T00:00:00Z'), 3);
    expect(runs.map(iso)).toEqual(['2026-10-26T13:00:00.000Z', '2026-11-02T14:00:00.000Z', '2026-11-09T14:00:00.000Z']);
  });

  // node-cron accepts Quartz's `?` in a day field: it means "any", not a restriction, so the
  // other day field alone decides (not "either field", which would run every day).
  it('? in day-of-month runs only on the weekdays named', () => {
    const runs = nextRuns({ kind: 'cron', expression: '0 9 ? * 5' }, 'UTC', at('2026-11-23T00:00:00Z'), 3);
    expect(runs.map(iso)).toEqual(['2026-11-27T09:00:00.000Z', '2026-12-04T09:00:00.000Z', '2026-12-11T09:00:00.000Z']);
    const named = nextRuns({ kind: 'cron', expression: '0 9 ? * FRI' }, 'UTC', at('2026-11-23T00:00:00Z'), 3);
    expect(named).toEqual(runs);
  });

  it('? in day-of-week runs only on the month days named', () => {
    const runs = nextRuns({ kind: 'cron', expression: '0 9 1 * ?' }, 'UTC', at('2026-11-23T00:00:00Z'), 3);
    expect(runs.map(iso)).toEqual(['2026-12-01T09:00:00.000Z', '2027-01-01T09:00:00.000Z', '2027-02-01T09:00:00.000Z']);
  });

  it('a day with 25 hours does not fire twice for hourly cron at the repeated hour', () => {
    const runs = nextRuns({ kind: 'cron', expression: '30 1 * * *' }, 'America/New_York', at('2026-10-31T12:00:00Z'), 2);
    expect(runs.map(iso)).toEqual(['2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z']);
  });
});

describe('cron validation', () => {
  it.each([
    ['0 9 * * 1', true],
    ['*/5 * * * *', true],
    ['0 9 * * mon-fri', true],
    ['0 9 * *', false],
    ['0 0 9 * * 1', false],
    ['61 * * * *', false],
    ['hello', false],
  ])('%s valid: %s', (expr, valid) => {
    expect('error' in parseCronExpression(expr)).toBe(!valid);
  });

  it.each([
    ['9:05', '09:05'],
    ['23:59', '23:59'],
    ['24:00', null],
    ['9', null],
    ['09:60', null],
  ])('time %s -> %s', (text, expected) => {
    expect(normalizeTime(text)).toBe(expected);
  });
});

describe('periods', () => {
  it.each([
    ['day', '2026-11-23', '2026-11-22', '2026-11-22'],
    ['day', '2026-01-01', '2025-12-31', '2025-12-31'],
    ['week', '2026-11-23', '2026-11-16', '2026-11-22'], // Monday -> previous Mon–Sun
    ['week', '2026-11-29', '2026-11-16', '2026-11-22'], // Sunday: the current week is not complete
    ['week', '2026-11-30', '2026-11-23', '2026-11-29'],
    ['week', '2027-01-01', '2026-12-21', '2026-12-27'],
    ['month', '2026-11-23', '2026-10-01', '2026-10-31'],
    ['month', '2026-03-01', '2026-02-01', '2026-02-28'],
    ['month', '2028-03-15', '2028-02-01', '2028-02-29'],
    ['month', '2026-01-05', '2025-12-01', '2025-12-31'],
  ] as const)('%s before %s is %s..%s', (kind, date, from, to) => {
    const p = lastCompletePeriod(kind, date);
    expect([p.from, p.to]).toEqual([from, to]);
    if (kind === 'week') expect(weekdayOf(p.from)).toBe(0);
  });

  it.each([
    ['week', '2026-11-16', '2026-11-09', '2026-11-15'],
    ['month', '2026-03-01', '2026-02-01', '2026-02-28'],
    ['day', '2026-03-01', '2026-02-28', '2026-02-28'],
  ] as const)('previous %s of one starting %s', (kind, from, pFrom, pTo) => {
    const period = lastCompletePeriod(kind, kind === 'month' ? addDays(from, 31) : kind === 'week' ? addDays(from, 7) : addDays(from, 1));
    expect(period.from).toBe(from);
    const prev = previousPeriod(period);
    expect([prev.from, prev.to]).toEqual([pFrom, pTo]);
  });

  it('the period of a run is computed in the guild zone', () => {
    // Monday 00:30 in Tokyo is still Sunday in UTC.
    const due = at('2026-11-22T15:30:00Z');
    expect(periodKey(periodForRun('week', 'Asia/Tokyo', due))).toBe('week:2026-11-16');
    expect(periodKey(periodForRun('week', 'UTC', due))).toBe('week:2026-11-09');
    expect(periodKey(periodForRun('day', 'Asia/Tokyo', due))).toBe('day:2026-11-22');
  });

  it('retry backoff grows and finally gives up', () => {
    const t = 0;
    expect(nextAttemptAt(1, t)).toBe(60_000);
    expect(nextAttemptAt(2, t)).toBe(5 * 60_000);
    expect(nextAttemptAt(7, t)).toBe(720 * 60_000);
    expect(nextAttemptAt(8, t)).toBeNull();
  });
});
