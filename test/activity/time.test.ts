// Time-zone helpers against hand-computed instants: DST days of 23 and 25 hours, :30 and :45 zones.
import { describe, expect, it } from 'vitest';
import { dateOf, dayNumber, isIsoDate, LocalGrid, localDate, startOfDate, weekdayOf, weekStart } from '../../src/activity/time.js';
import { offsetAt } from '../../src/zone.js';

const H = 3_600_000;
const ms = (iso: string) => Date.parse(iso);

describe('time zones', () => {
  it.each([
    ['UTC', '2026-11-02', '2026-11-02T00:00:00Z'],
    ['America/New_York', '2026-11-01', '2026-11-01T04:00:00Z'], // EDT
    ['America/New_York', '2026-11-02', '2026-11-02T05:00:00Z'], // EST
    ['America/New_York', '2026-03-08', '2026-03-08T05:00:00Z'],
    ['America/New_York', '2026-03-09', '2026-03-09T04:00:00Z'],
    ['Asia/Kolkata', '2026-11-02', '2026-11-01T18:30:00Z'],
    ['Asia/Kathmandu', '2026-11-02', '2026-11-01T18:15:00Z'],
    ['Australia/Lord_Howe', '2026-10-04', '2026-10-03T13:30:00Z'], // +10:30 before its 30-minute DST shift
    ['America/Santiago', '2026-09-06', '2026-09-06T04:00:00Z'], // midnight skipped: the day starts at 01:00 (-03)
  ])('%s: %s starts at %s', (tz, date, iso) => {
    expect(new Date(startOfDate(date, tz)).toISOString()).toBe(new Date(iso).toISOString());
  });

  it('DST days last 25 and 23 hours', () => {
    const ny = 'America/New_York';
    expect(startOfDate('2026-11-02', ny) - startOfDate('2026-11-01', ny)).toBe(25 * H);
    expect(startOfDate('2026-03-09', ny) - startOfDate('2026-03-08', ny)).toBe(23 * H);
    expect(startOfDate('2026-11-03', ny) - startOfDate('2026-11-02', ny)).toBe(24 * H);
  });

  it('local dates of instants on both sides of a local midnight', () => {
    expect(localDate(ms('2026-11-01T18:29:59Z'), 'Asia/Kolkata')).toBe('2026-11-01');
    expect(localDate(ms('2026-11-01T18:30:00Z'), 'Asia/Kolkata')).toBe('2026-11-02');
    expect(localDate(ms('2026-11-01T18:14:59Z'), 'Asia/Kathmandu')).toBe('2026-11-01');
    expect(localDate(ms('2026-11-01T18:15:00Z'), 'Asia/Kathmandu')).toBe('2026-11-02');
    expect(localDate(ms('2026-11-02T04:59:59Z'), 'America/New_York')).toBe('2026-11-01');
    // Fall back at 06:00Z (02:00 EDT becomes 01:00 EST).
    expect(offsetAt(ms('2026-11-01T05:59:59Z'), 'America/New_York')).toBe(-4 * H);
    expect(offsetAt(ms('2026-11-01T06:00:00Z'), 'America/New_York')).toBe(-5 * H);
  });

  it('weeks start on Monday', () => {
    const sunday = dayNumber('2026-11-08');
    expect(weekdayOf(dayNumber('2026-11-02'))).toBe(0);
    expect(weekdayOf(sunday)).toBe(6);
    expect(dateOf(weekStart(sunday))).toBe('2026-11-02');
    expect(dateOf(weekStart(dayNumber('2026-11-09')))).toBe('2026-11-09');
  });

  it('validates calendar dates', () => {
    expect(isIsoDate('2026-02-28')).toBe(true);
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2026-2-1')).toBe(false);
  });

  it('a quarter-hour grid maps across a DST change', () => {
    const start = ms('2026-11-01T03:00:00Z');
    const grid = new LocalGrid(start, 900_000, 4 * 30, 'America/New_York');
    // 05:45Z is 01:45 EDT; 06:00Z is 01:00 EST (the second 01:00).
    const at = (iso: string) => (ms(iso) - start) / 900_000;
    expect(grid.minutes[at('2026-11-01T05:45:00Z')]).toBe(60 + 45); // 01:45 EDT
    expect(grid.minutes[at('2026-11-01T06:00:00Z')]).toBe(60); // 01:00 EST
    expect(dateOf(grid.days[at('2026-11-02T04:45:00Z')]!)).toBe('2026-11-01'); // 23:45 EST
    expect(dateOf(grid.days[at('2026-11-02T05:00:00Z')]!)).toBe('2026-11-02');
  });
});
