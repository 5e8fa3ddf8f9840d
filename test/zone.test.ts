// The one time module against hand-computed instants: DST edges, days of 23 and 25 hours, :30 and :45 zones, year ends.
import { describe, expect, it } from 'vitest';
import {
  addDays,
  canonicalTimeZone,
  dateOf,
  dayNumber,
  isIsoDate,
  LocalGrid,
  localDate,
  localDay,
  localParts,
  localToInstant,
  offsetAt,
  OLD_ZONE_NAMES,
  searchTimeZones,
  startOfDay,
  timeZoneNames,
  weekdayOf,
  weekStart,
} from '../src/zone.js';

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
    expect(new Date(startOfDay(date, tz)).toISOString()).toBe(new Date(iso).toISOString());
  });

  it('DST days last 25 and 23 hours', () => {
    const ny = 'America/New_York';
    expect(startOfDay('2026-11-02', ny) - startOfDay('2026-11-01', ny)).toBe(25 * H);
    expect(startOfDay('2026-03-09', ny) - startOfDay('2026-03-08', ny)).toBe(23 * H);
    expect(startOfDay('2026-11-03', ny) - startOfDay('2026-11-02', ny)).toBe(24 * H);
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

describe('one function each, at the edges', () => {
  // zone, instant, local date, local hour:minute, offset in minutes
  it.each([
    ['America/New_York', '2026-03-08T06:59:59Z', '2026-03-08', '01:59', -300], // just before spring forward
    ['America/New_York', '2026-03-08T07:00:00Z', '2026-03-08', '03:00', -240], // 02:00 never happens
    ['America/New_York', '2026-11-01T05:30:00Z', '2026-11-01', '01:30', -240], // first 01:30
    ['America/New_York', '2026-11-01T06:30:00Z', '2026-11-01', '01:30', -300], // second 01:30
    ['Europe/Berlin', '2026-03-29T00:59:59Z', '2026-03-29', '01:59', 60],
    ['Europe/Berlin', '2026-03-29T01:00:00Z', '2026-03-29', '03:00', 120],
    ['Asia/Kolkata', '2026-12-31T18:29:59Z', '2026-12-31', '23:59', 330], // :30 zone, year end
    ['Asia/Kolkata', '2026-12-31T18:30:00Z', '2027-01-01', '00:00', 330],
    ['Asia/Kathmandu', '2026-12-31T18:15:00Z', '2027-01-01', '00:00', 345], // :45 zone
    ['Australia/Eucla', '2026-12-31T15:15:00Z', '2027-01-01', '00:00', 525], // +08:45
    ['Pacific/Chatham', '2026-12-31T10:15:00Z', '2027-01-01', '00:00', 825], // +13:45 in summer
    ['America/St_Johns', '2027-01-01T03:30:00Z', '2027-01-01', '00:00', -210], // -03:30
    ['Australia/Adelaide', '2026-10-03T16:29:59Z', '2026-10-04', '01:59', 570], // +09:30 …
    ['Australia/Adelaide', '2026-10-03T16:30:00Z', '2026-10-04', '03:00', 630], // … springs to +10:30
    ['Pacific/Kiritimati', '2026-12-31T10:00:00Z', '2027-01-01', '00:00', 840], // +14, the first new year
    ['Pacific/Pago_Pago', '2027-01-01T11:00:00Z', '2027-01-01', '00:00', -660], // -11, among the last
    ['UTC', '2026-12-31T23:59:59Z', '2026-12-31', '23:59', 0],
  ])('%s at %s reads %s %s (offset %i min)', (zone, iso, date, hm, offsetMin) => {
    const t = ms(iso);
    expect(localDate(t, zone)).toBe(date);
    expect(localDay(t, zone)).toBe(dayNumber(date));
    const p = localParts(t, zone);
    expect(`${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`).toBe(hm);
    expect(offsetAt(t, zone)).toBe(offsetMin * 60_000);
  });

  // zone, date, first instant of the day
  it.each([
    ['America/Santiago', '2026-09-06', '2026-09-06T04:00:00Z'], // midnight skipped
    ['America/Havana', '2026-03-08', '2026-03-08T05:00:00Z'], // Cuba springs forward at midnight
    ['America/Havana', '2026-11-01', '2026-11-01T04:00:00Z'], // and falls back at 01:00
    ['Asia/Kathmandu', '2027-01-01', '2026-12-31T18:15:00Z'],
    ['Pacific/Chatham', '2027-01-01', '2026-12-31T10:15:00Z'],
    ['America/St_Johns', '2027-01-01', '2027-01-01T03:30:00Z'],
    ['Pacific/Apia', '2011-12-31', '2011-12-30T10:00:00Z'], // Samoa skipped 2011-12-30 entirely
  ])('%s: %s starts at %s, by day number, by date and as the wall clock 00:00', (zone, date, iso) => {
    expect(new Date(startOfDay(date, zone)).toISOString()).toBe(new Date(iso).toISOString());
    expect(startOfDay(dayNumber(date), zone)).toBe(ms(iso));
    expect(localToInstant(date, 0, 0, zone)).toBe(ms(iso));
  });

  it('weeks start on Monday across a year end, for day numbers and dates alike', () => {
    expect(weekStart('2027-01-03')).toBe('2026-12-28'); // a Sunday
    expect(weekStart('2026-12-28')).toBe('2026-12-28');
    expect(dateOf(weekStart(dayNumber('2027-01-01')))).toBe('2026-12-28');
    expect(weekdayOf('2027-01-01')).toBe(4); // Friday
    expect(weekdayOf(dayNumber('2027-01-01'))).toBe(4);
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
  });

  it('a wall-clock hour in a gap moves forward; a repeated hour maps to its first occurrence', () => {
    expect(localToInstant('2026-03-08', 2, 30, 'America/New_York')).toBe(ms('2026-03-08T07:30:00Z')); // 03:30 EDT
    expect(localToInstant('2026-11-01', 1, 30, 'America/New_York')).toBe(ms('2026-11-01T05:30:00Z')); // the EDT one
    expect(localToInstant('2026-10-04', 2, 15, 'Australia/Adelaide')).toBe(ms('2026-10-03T16:45:00Z')); // 03:15 ACDT
  });
});

describe('zone names', () => {
  it.each([
    ['Europe/Madrid', 'Europe/Madrid'],
    ['europe/madrid', 'Europe/Madrid'],
    ['  America/New York ', 'America/New_York'],
    ['utc', 'UTC'],
    ['Etc/UTC', 'UTC'],
    // Node's ICU resolves these to their old names: Pulse keeps the current one.
    ['Asia/Kolkata', 'Asia/Kolkata'],
    ['Asia/Calcutta', 'Asia/Kolkata'],
    ['asia/katmandu', 'Asia/Kathmandu'],
    ['Europe/Kiev', 'Europe/Kyiv'],
    ['Asia/Ho Chi Minh', 'Asia/Ho_Chi_Minh'],
    ['US/Eastern', 'America/New_York'],
    // A city alone, when one zone has it (old names too).
    ['Kolkata', 'Asia/Kolkata'],
    ['new york', 'America/New_York'],
    ['Mexico City', 'America/Mexico_City'],
    ['Saigon', 'Asia/Ho_Chi_Minh'],
    ['kyiv', 'Europe/Kyiv'],
  ])('%j is %s', (typed, zone) => {
    expect(canonicalTimeZone(typed)).toBe(zone);
  });

  it.each(['', 'Mars/Olympus', 'Europe', 'Berlin/Europe', 'x'.repeat(65)])('%j is no zone', (typed) => {
    expect(canonicalTimeZone(typed)).toBeNull();
  });

  it('every zone offered is a name Intl takes, its own canonical name, and the current one', () => {
    const names = timeZoneNames();
    expect(names[0]).toBe('UTC');
    expect(new Set(names).size).toBe(names.length);
    for (const zone of names) {
      expect(() => new Intl.DateTimeFormat('en-US', { timeZone: zone })).not.toThrow();
      expect(canonicalTimeZone(zone)).toBe(zone);
    }
    for (const [current, old] of Object.entries(OLD_ZONE_NAMES)) {
      expect(names).toContain(current);
      expect(names).not.toContain(old);
      // The same zone under both names.
      expect(offsetAt(ms('2026-07-01T00:00:00Z'), current)).toBe(offsetAt(ms('2026-07-01T00:00:00Z'), old));
    }
  });

  it('finds zones by current and old names, in any case, with spaces, cities first', () => {
    expect(searchTimeZones('Kolkata')).toEqual(['Asia/Kolkata']);
    expect(searchTimeZones('calcutta')).toEqual(['Asia/Kolkata']);
    expect(searchTimeZones('kathmandu')).toEqual(['Asia/Kathmandu']);
    expect(searchTimeZones('Kyiv')).toEqual(['Europe/Kyiv']);
    expect(searchTimeZones('ho chi minh')).toEqual(['Asia/Ho_Chi_Minh']);
    expect(searchTimeZones('New York')).toEqual(['America/New_York']);
    expect(searchTimeZones('mexico city')).toEqual(['America/Mexico_City']);
    expect(searchTimeZones('york')[0]).toBe('America/New_York');
    expect(searchTimeZones('')).toHaveLength(25);
    expect(searchTimeZones('')[0]).toBe('UTC');
    expect(searchTimeZones('america', 100).every((z) => z.startsWith('America/'))).toBe(true);
  });
});
