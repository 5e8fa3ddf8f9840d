// Vote rules at their edges: exact limits, out-of-range picks, withdrawing after losing the role, the receipt's "pick N more".
import { describe, expect, it } from 'vitest';
import { render } from '../../src/i18n/index.js';
import { decideSelection, parseCreateOptions, voteReceipt, withdrawAll, type CreateOptionsInput, type Poll } from '../../src/polls/poll.js';
import { NOW, poll as pollOf3 } from './fixtures.js';

/** Six choices: room for picks past the limit and one past the last choice. */
const poll = (over: Partial<Poll> = {}): Poll => pollOf3({ choices: ['A', 'B', 'C', 'D', 'E', 'F'], ...over });

describe('the select menu', () => {
  it('takes exactly max_choices picks (and one pick in a single-choice poll)', () => {
    const many = poll({ multiple: true, maxChoices: 3 });
    expect(decideSelection(many, [], [0, 2, 4], { now: NOW, hasRole: true })).toEqual({ kind: 'set', next: [0, 2, 4], added: [0, 2, 4], removed: [] });
    expect(decideSelection(poll(), [], [5], { now: NOW, hasRole: true })).toEqual({ kind: 'set', next: [5], added: [5], removed: [] });
  });

  it('refuses a pick one past the last choice (a stale or forged menu)', () => {
    const p = poll();
    expect(decideSelection(p, [], [p.choices.length], { now: NOW, hasRole: true })).toMatchObject({ kind: 'refused', reason: 'bad-choice' });
  });

  it('an empty selection withdraws, even for a member who lost the role', () => {
    const p = poll({ roleId: '1', multiple: true, maxChoices: 2 });
    expect(decideSelection(p, [1, 3], [], { now: NOW, hasRole: false })).toEqual({ kind: 'set', next: [], added: [], removed: [1, 3] });
  });
});

describe('the withdraw button', () => {
  it('lets a member who lost the role take their vote back, until the poll closes', () => {
    const p = poll({ roleId: '1' });
    expect(withdrawAll(p, [2], { now: NOW, hasRole: false })).toEqual({ kind: 'set', next: [], added: [], removed: [2] });
    expect(withdrawAll(p, [2], { now: NOW, hasRole: false, roleGone: true })).toEqual({ kind: 'set', next: [], added: [], removed: [2] });
    expect(withdrawAll(p, [2], { now: p.closesAt!, hasRole: false })).toMatchObject({ kind: 'refused', reason: 'closed' });
  });
});

describe('max_choices', () => {
  const base: CreateOptionsInput = { question: 'Q', choices: 'A|B|C', multiple: true, maxChoices: null, anonymous: null, hideResults: null, duration: null, roleId: null, native: null };

  it('may equal the number of choices', () => {
    expect(parseCreateOptions({ ...base, maxChoices: 3 })).toMatchObject({ ok: true, value: { multiple: true, maxChoices: 3 } });
    expect(parseCreateOptions({ ...base, maxChoices: 1 })).toMatchObject({ ok: true, value: { multiple: true, maxChoices: 1 } });
    const over = parseCreateOptions({ ...base, maxChoices: 4 });
    expect(over.ok).toBe(false);
    if (!over.ok) expect(render('en', over.error)).toMatch(/from 1 to 3/);
  });
});

describe('the vote receipt', () => {
  const p = poll({ choices: ['A', 'B', 'C'], multiple: true, maxChoices: 2 });

  it('offers more picks only while the member has some left', () => {
    expect(voteReceipt('en', p, [0])).toMatch(/pick 1 more/);
    const full = voteReceipt('en', p, [0, 1]);
    expect(full).toMatch(/^You voted for \*\*A\*\* and \*\*B\*\*/);
    expect(full).not.toMatch(/more/);
  });
});
