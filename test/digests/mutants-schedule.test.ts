// Cron schedules at their edges: both day fields restricted fire on either (Vixie cron), and a
// Feb 29 schedule is found four years ahead and behind, not called "never".
import { describe, expect, it } from 'vitest';
import { lastRunAtOrBefore, nextRunAfter, nextRuns, type Timing } from '../../src/digests/schedule.js';

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
const at = (s: string) => Date.parse(s);

describe('cron: day of month OR day of week', () => {
  const timing: Timing = { kind: 'cron', expression: '0 12 13 * 5' }; // the 13th, and every Friday

  it('fires on a Friday that is not the 13th, and on a 13th that is not a Friday', () => {
    // 2026-11-13 is a Friday (both match); 2026-11-20 and 27 are Fridays; 2026-12-13 is a Sunday.
    expect(nextRuns(timing, 'UTC', at('2026-11-14T00:00:00Z'), 4).map(iso)).toEqual([
      '2026-11-20T12:00:00.000Z',
      '2026-11-27T12:00:00.000Z',
      '2026-12-04T12:00:00.000Z',
      '2026-12-11T12:00:00.000Z',
    ]);
    expect(iso(lastRunAtOrBefore(timing, 'UTC', at('2026-12-13T13:00:00Z')))).toBe('2026-12-13T12:00:00.000Z');
  });
});

describe('cron: Feb 29, four years apart', () => {
  const timing: Timing = { kind: 'cron', expression: '0 0 29 2 *' };

  it('the next run after a leap day is the next leap day, four years on', () => {
    expect(iso(nextRunAfter(timing, 'UTC', at('2028-03-01T00:00:00Z')))).toBe('2032-02-29T00:00:00.000Z');
  });

  it('the last run before the next leap day is the one four years before', () => {
    expect(iso(lastRunAtOrBefore(timing, 'UTC', at('2032-02-28T23:00:00Z')))).toBe('2028-02-29T00:00:00.000Z');
  });
});
