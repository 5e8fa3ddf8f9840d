// Pure rules of feedback: every status transition, votes, names, CSV cells.
import { describe, expect, it } from 'vitest';
import {
  canSeeItem,
  captureTitle,
  categoryName,
  checkDuplicate,
  decideVote,
  mergeVotes,
  postName,
  STATUSES,
  tally,
  transition,
  type Status,
  type TransitionKind,
} from '../../src/feedback/feedback.js';

// Rows: from; columns: to, in STATUSES order (open, under_review, planned, in_progress, done, declined, duplicate).
const U = 'unchanged', A = 'advance', R = 'revise', C = 'close', D = 'redecide', O = 'reopen';
const table: Record<Status, TransitionKind[]> = {
  open: /*          */ [U, A, A, A, C, C, C],
  under_review: /*  */ [R, U, A, A, C, C, C],
  planned: /*       */ [R, R, U, A, C, C, C],
  in_progress: /*   */ [R, R, R, U, C, C, C],
  done: /*          */ [O, O, O, O, U, D, D],
  declined: /*      */ [O, O, O, O, D, U, D],
  duplicate: /*     */ [O, O, O, O, D, D, U],
};

describe('status transitions', () => {
  const pairs = STATUSES.flatMap((from) => STATUSES.map((to, i) => ({ from, to, kind: table[from][i]! })));
  it('covers all 49 pairs', () => expect(pairs).toHaveLength(49));
  it.each(pairs)('$from → $to is $kind', ({ from, to, kind }) => {
    expect(transition(from, to)).toBe(kind);
  });

  it('a duplicate must point to another item of the same server that is not a duplicate itself', () => {
    expect(checkDuplicate(3, 'g', { id: 1, guildId: 'g', status: 'done' })).toEqual({ ok: true, originalId: 1 });
    expect(checkDuplicate(3, 'g', undefined)).toEqual({ ok: false, reason: 'missing' });
    expect(checkDuplicate(3, 'g', { id: 3, guildId: 'g', status: 'open' })).toEqual({ ok: false, reason: 'self' });
    expect(checkDuplicate(3, 'g', { id: 1, guildId: 'h', status: 'open' })).toEqual({ ok: false, reason: 'other-guild' });
    expect(checkDuplicate(3, 'g', { id: 1, guildId: 'g', status: 'duplicate' })).toEqual({ ok: false, reason: 'chain' });
  });
});

describe('who sees an item', () => {
  const item = (postState: string, capturedBy: string | null = null) => ({ postState, authorId: 'author', capturedBy });
  it('staff see every item; members posted ones and their own, never another member\'s unposted one', () => {
    for (const state of ['posted', 'pending', 'failed']) expect(canSeeItem(item(state), { userId: 'mod', staff: true })).toBe(true);
    expect(canSeeItem(item('posted'), { userId: 'other', staff: false })).toBe(true);
    expect(canSeeItem(item('pending'), { userId: 'other', staff: false })).toBe(false);
    expect(canSeeItem(item('failed'), { userId: 'other', staff: false })).toBe(false);
    expect(canSeeItem(item('failed'), { userId: 'author', staff: false })).toBe(true);
    expect(canSeeItem(item('pending', 'capturer'), { userId: 'capturer', staff: false })).toBe(true);
  });
});

describe('votes', () => {
  it.each([
    { values: [], want: { up: 0, down: 0, score: 0 } },
    { values: [1, 1, -1], want: { up: 2, down: 1, score: 1 } },
    { values: [-1, -1], want: { up: 0, down: 2, score: -2 } },
    { values: [1, -1], want: { up: 1, down: 1, score: 0 } }, // a tie
  ])('tally of $values', ({ values, want }) => expect(tally(values)).toEqual(want));

  it.each([
    { current: null, clicked: 1, next: 1, change: 'cast' },
    { current: null, clicked: -1, next: -1, change: 'cast' },
    { current: 1, clicked: 1, next: null, change: 'withdrawn' },
    { current: -1, clicked: -1, next: null, change: 'withdrawn' },
    { current: 1, clicked: -1, next: -1, change: 'changed' },
    { current: -1, clicked: 1, next: 1, change: 'changed' },
  ] as const)('$current then $clicked → $next ($change)', ({ current, clicked, next, change }) => {
    expect(decideVote(current, clicked)).toEqual({ next, change });
  });

  it('merging a duplicate keeps votes already on the original and moves the others', () => {
    const merged = mergeVotes(new Map([['a', 1], ['b', -1]]), new Map([['b', 1], ['c', -1]]));
    expect([...merged].sort()).toEqual([['a', 1], ['b', -1], ['c', -1]]);
    expect(tally(merged.values())).toEqual({ up: 1, down: 2, score: -1 });
  });
});

describe('names and cells', () => {
  it('post names carry the status and the id within 100 characters', () => {
    expect(postName(12, 'open', 'Dark mode')).toBe('Dark mode · #12');
    expect(postName(12, 'in_progress', 'Dark mode')).toBe('[In progress] Dark mode · #12');
    const long = postName(12345, 'under_review', 'x'.repeat(100));
    expect(long).toHaveLength(100);
    expect(long.endsWith('… · #12345')).toBe(true);
  });

  it('captured titles are the first non-empty line, cut to 100', () => {
    expect(captureTitle('\n  Calendar sync \nmore', 'fallback')).toBe('Calendar sync');
    expect(captureTitle('   ', 'Feedback from alice')).toBe('Feedback from alice');
    expect(captureTitle('y'.repeat(150), 'f')).toHaveLength(100);
  });

  it('category names are trimmed, 1 to 40 characters', () => {
    expect(categoryName('  Big   idea ')).toBe('Big idea');
    expect(categoryName('   ')).toBeNull();
    expect(categoryName('z'.repeat(41))).toBeNull();
  });
});
