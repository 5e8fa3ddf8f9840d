// The answer-time figures of docs/metrics.md, by hand: clock edges, items with no reply, waiting.
import { describe, expect, it } from 'vitest';
import { feedbackFigures, firstDecisionAt, firstResponseAt, median, nearestRank, statusAt, type FigureItem } from '../../src/feedback/figures.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T = Date.parse('2026-11-02T00:00:00Z');
const window = { start: T, end: T + 7 * 24 * HOUR, asOf: T + 10 * 24 * HOUR, waitingMs: 48 * HOUR };

function item(id: number, openedAt: number, extra: Partial<FigureItem> = {}): FigureItem {
  return { id, category: 'Idea', openedAt, changes: [], staffReplies: [], ...extra };
}

describe('median and nearest-rank p90', () => {
  it.each([
    { values: [], median: null, p90: null },
    { values: [5], median: 5, p90: 5 },
    { values: [4, 1], median: 2.5, p90: 4 },
    { values: [3, 1, 2], median: 2, p90: 3 },
    { values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], median: 5.5, p90: 9 },
    { values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], median: 6, p90: 10 },
  ])('$values', ({ values, median: m, p90 }) => {
    expect(median(values)).toBe(m);
    expect(nearestRank(values, 90)).toBe(p90);
  });
});

describe('first response and decision', () => {
  it('is the earliest staff reply or staff status change', () => {
    expect(firstResponseAt(item(1, T, { staffReplies: [T + 50], changes: [{ at: T + 40, to: 'planned', byStaff: true }] }))).toBe(T + 40);
    expect(firstResponseAt(item(1, T, { staffReplies: [T + 30, T + 10], changes: [{ at: T + 40, to: 'planned', byStaff: true }] }))).toBe(T + 10);
    expect(firstResponseAt(item(1, T, { changes: [{ at: T + 40, to: 'planned', byStaff: false }] }))).toBeNull();
    expect(firstResponseAt(item(1, T))).toBeNull();
  });
  it('the first decision is the first done, declined or duplicate, even if revised later', () => {
    const it1 = item(1, T, { changes: [{ at: T + 1, to: 'planned', byStaff: true }, { at: T + 2, to: 'declined', byStaff: true }, { at: T + 3, to: 'open', byStaff: true }, { at: T + 4, to: 'done', byStaff: true }] });
    expect(firstDecisionAt(it1)).toBe(T + 2);
    expect(statusAt(it1, T + 3)).toBe('open');
    expect(statusAt(it1, T + 2.5)).toBe('declined');
    expect(statusAt(it1, T)).toBe('open');
  });
});

describe('feedbackFigures', () => {
  it('with no items: zeros and nulls', () => {
    expect(feedbackFigures([], window)).toEqual({
      opened: 0,
      by_category: {},
      by_status: {},
      responded: 0,
      median_minutes_to_first_response: null,
      p90_minutes_to_first_response: null,
      answered_within_30m: 0,
      answered_within_24h: 0,
      median_hours_to_decision: null,
      waiting: { count: 0, item_ids: [] },
    });
  });

  it('clock edges: exactly 30 min and 24 h are within, a millisecond more is not; items with no reply count as not answered', () => {
    const items = [
      item(1, T, { staffReplies: [T + 30 * MIN] }), // exactly 30 min
      item(2, T, { staffReplies: [T + 30 * MIN + 1] }), // just past
      item(3, T, { staffReplies: [T + 24 * HOUR] }), // exactly 24 h
      item(4, T, { staffReplies: [T + 24 * HOUR + 1] }),
      item(5, T), // never answered
    ];
    const f = feedbackFigures(items, window);
    expect(f.opened).toBe(5);
    expect(f.responded).toBe(4);
    expect(f.answered_within_30m).toBe(1 / 5);
    expect(f.answered_within_24h).toBe(3 / 5);
    // Minutes 30, 30.0000167, 1440, 1440.0000167: the mean of the middle two.
    expect(f.median_minutes_to_first_response).toBe((30 + 1 / MIN + 1440) / 2);
    expect(f.p90_minutes_to_first_response).toBe(1440 + 1 / MIN);
    expect(f.waiting).toEqual({ count: 1, item_ids: ['5'] });
  });

  it('the period: opened at its start counts, at its end does not; answers after as-of do not count yet', () => {
    const asOf = T + 7 * 24 * HOUR + HOUR;
    const items = [
      item(1, T - 1, { staffReplies: [T + MIN] }), // before the period
      item(2, T, { staffReplies: [T + 10 * MIN] }),
      item(3, T + 7 * 24 * HOUR), // at the period's end: next period
      item(4, T + HOUR, { staffReplies: [asOf + 1] }), // answered after as-of
    ];
    const f = feedbackFigures(items, { ...window, asOf });
    expect(f.opened).toBe(2);
    expect(f.responded).toBe(1);
    expect(f.median_minutes_to_first_response).toBe(10);
    expect(f.answered_within_30m).toBe(0.5);
  });

  it('decisions in the period, by category and status as of as-of, waiting oldest first past the threshold', () => {
    const items = [
      item(1, T, { category: 'Bug', changes: [{ at: T + 2 * HOUR, to: 'done', byStaff: true }] }),
      item(2, T + HOUR, { changes: [{ at: T + 5 * HOUR, to: 'declined', byStaff: true }, { at: T + 6 * HOUR, to: 'planned', byStaff: true }] }),
      item(3, T + 2 * HOUR, { changes: [{ at: T + 3 * HOUR, to: 'duplicate', byStaff: true }] }),
      item(4, T + 4 * 24 * HOUR), // 6 days before as-of: waiting
      item(5, T + 3 * 24 * HOUR), // 7 days before as-of: waiting, older
      item(6, window.asOf - 48 * HOUR), // exactly the threshold: not yet waiting
      item(7, T + 5 * 24 * HOUR, { changes: [{ at: T + 5 * 24 * HOUR + HOUR, to: 'under_review', byStaff: true }] }), // answered
    ];
    const f = feedbackFigures(items, window);
    expect(f.opened).toBe(6);
    expect(f.by_category).toEqual({ Bug: 1, Idea: 5 });
    expect(f.by_status).toEqual({ done: 1, planned: 1, duplicate: 1, open: 2, under_review: 1 });
    expect(f.median_hours_to_decision).toBe(2); // 2 h, 4 h, 1 h → 2
    expect(f.waiting).toEqual({ count: 2, item_ids: ['5', '4'] });
  });
});
