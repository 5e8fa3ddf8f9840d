// The answer-time figures as of an instant: an answer given later does not count yet.
import { describe, expect, it } from 'vitest';
import { feedbackFigures, type FigureItem } from '../../src/feedback/figures.js';

const HOUR = 3_600_000;
const T = Date.parse('2026-11-02T00:00:00Z');

function item(id: number, openedAt: number, extra: Partial<FigureItem> = {}): FigureItem {
  return { id, category: 'Idea', openedAt, changes: [], staffReplies: [], ...extra };
}

describe('waiting items as of an instant', () => {
  it('an item answered only after as-of is still waiting at as-of', () => {
    const asOf = T + 72 * HOUR;
    const items = [
      item(1, T, { staffReplies: [asOf + HOUR] }), // a reply after as-of
      item(2, T, { changes: [{ at: asOf + 1, to: 'planned', byStaff: true }] }), // a status change after as-of
      item(3, T, { staffReplies: [asOf] }), // answered at as-of: not waiting
    ];
    const f = feedbackFigures(items, { start: T, end: T + 7 * 24 * HOUR, asOf, waitingMs: 48 * HOUR });
    expect(f.waiting).toEqual({ count: 2, item_ids: ['1', '2'] });
    expect(f.by_status).toEqual({ open: 3 });
  });
});
