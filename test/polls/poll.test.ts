// Table tests of the polls' pure rules.
import { describe, expect, it } from 'vitest';
import { render } from '../../src/i18n/index.js';
import {
  decideClick,
  decideSelection,
  describeOutcome,
  nativePlan,
  parseChoices,
  parseCreateOptions,
  parseDuration,
  renderBar,
  tally,
  voteReceipt,
  withdrawAll,
  type CreateOptionsInput,
  type PollSpec,
} from '../../src/polls/poll.js';
import { NOW, poll } from './fixtures.js';

const voter = { now: NOW, hasRole: true };

describe('parseChoices', () => {
  it.each([
    ['A|B', ['A', 'B']],
    ['  Pizza |  Tacos  | Sushi ', ['Pizza', 'Tacos', 'Sushi']],
    ['a  b | c', ['a b', 'c']],
    [Array.from({ length: 20 }, (_, i) => `c${i}`).join('|'), Array.from({ length: 20 }, (_, i) => `c${i}`)],
    [`${'x'.repeat(80)}|y`, ['x'.repeat(80), 'y']],
  ])('accepts %j', (raw, expected) => {
    expect(parseChoices(raw)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['A', /at least 2/],
    ['', /at least 2/],
    [Array.from({ length: 21 }, (_, i) => `c${i}`).join('|'), /at most 20/],
    ['A||B', /Choice 2 is empty/],
    ['A|B|', /Choice 3 is empty/],
    [' | B', /Choice 1 is empty/],
    [`A|${'x'.repeat(81)}`, /81 characters.*80/],
    ['Yes|yes', /Choices 1 and 2 are the same/],
    ['Ä|b|ä', /Choices 1 and 3 are the same/],
  ])('refuses %j', (raw, error) => {
    const r = parseChoices(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(render('en', r.error)).toMatch(error);
  });
});

describe('parseDuration', () => {
  it.each([
    ['1m', 60_000],
    ['30m', 30 * 60_000],
    ['2h', 2 * 3_600_000],
    ['3d', 3 * 86_400_000],
    [' 1d 12h ', 36 * 3_600_000],
    ['1H30M', 90 * 60_000],
    ['30d', 30 * 86_400_000],
    ['720h', 30 * 86_400_000],
  ])('%j = %d ms', (raw, ms) => {
    expect(parseDuration(raw)).toEqual({ ok: true, value: ms });
  });

  it.each([
    ['0m', /at least 1 minute/],
    ['31d', /at most 30 days/],
    ['30d1m', /at most 30 days/],
    ['10', /not a duration/],
    ['2 weeks', /not a duration/],
    ['-1h', /not a duration/],
    ['1.5h', /not a duration/],
    ['', /not a duration/],
    ['99999999d', /not a duration/],
  ])('refuses %j', (raw, error) => {
    const r = parseDuration(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(render('en', r.error)).toMatch(error);
  });
});

describe('parseCreateOptions', () => {
  const base: CreateOptionsInput = {
    question: 'Lunch?',
    choices: 'A|B|C',
    multiple: null,
    maxChoices: null,
    anonymous: null,
    hideResults: null,
    duration: null,
    roleId: null,
    native: null,
  };

  it('lets a native poll run up to 32 days (Discord\'s limit), a Pulse poll up to 30', () => {
    const days = (n: number, native: boolean) => parseCreateOptions({ ...base, duration: `${n}d`, native });
    expect(days(32, true)).toMatchObject({ ok: true, value: { durationMs: 32 * 86_400_000 } });
    expect(days(33, true)).toMatchObject({ ok: false });
    expect(days(31, false)).toMatchObject({ ok: false });
    const refused = days(33, true);
    if (!refused.ok) expect(render('en', refused.error)).toBe('A poll can last at most 32 days.');
    const pulse = days(31, false);
    if (!pulse.ok) expect(render('ru', pulse.error)).toBe('Опрос может длиться не больше 30 дней.');
  });

  it('fills defaults', () => {
    expect(parseCreateOptions(base)).toEqual({
      ok: true,
      value: { question: 'Lunch?', choices: ['A', 'B', 'C'], multiple: false, maxChoices: 1, anonymous: false, hideResults: false, durationMs: null, roleId: null },
    });
  });

  it.each([
    [{ multiple: true }, { multiple: true, maxChoices: 3 }],
    [{ multiple: true, maxChoices: 2 }, { multiple: true, maxChoices: 2 }],
    [{ duration: '2h' }, { durationMs: 7_200_000 }],
    [{ duration: '  ' }, { durationMs: null }],
    [{ anonymous: true, hideResults: true }, { anonymous: true, hideResults: true }],
  ] as const)('accepts %j', (over, expected) => {
    const r = parseCreateOptions({ ...base, ...over });
    expect(r.ok && r.value).toMatchObject(expected);
  });

  it.each([
    [{ question: '   ' }, /question is empty/],
    [{ question: 'x'.repeat(301) }, /at most 300/],
    [{ maxChoices: 2 }, /only applies .*multiple/],
    [{ multiple: true, maxChoices: 4 }, /from 1 to 3/],
    [{ multiple: true, maxChoices: 0 }, /from 1 to 3/],
    [{ duration: 'soon' }, /not a duration/],
    [{ choices: 'A' }, /at least 2/],
    [{ roleId: 'not-a-snowflake' }, /.+/],
  ] as const)('refuses %j', (over, error) => {
    const r = parseCreateOptions({ ...base, ...over });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(render('en', r.error)).toMatch(error);
  });
});

describe('nativePlan', () => {
  const spec: PollSpec = { question: 'Q', choices: ['A', 'B'], multiple: false, maxChoices: 1, anonymous: false, hideResults: false, durationMs: null, roleId: null };

  it('defaults to 24 hours and passes multiselect', () => {
    expect(nativePlan(spec)).toEqual({ plan: { question: 'Q', answers: ['A', 'B'], durationHours: 24, allowMultiselect: false }, problems: [] });
    expect(nativePlan({ ...spec, multiple: true, maxChoices: 2, durationMs: 3 * 86_400_000 }).plan).toMatchObject({ durationHours: 72, allowMultiselect: true });
  });

  it.each([
    [{ anonymous: true }, /anonymous/],
    [{ hideResults: true }, /hide_results/],
    [{ roleId: '123456789012345678' }, /role/],
    [{ choices: Array.from({ length: 11 }, (_, i) => `c${i}`) }, /11 choices.*10/],
    [{ choices: ['A', 'x'.repeat(56)] }, /choice 2 .*55/],
    [{ durationMs: 30 * 60_000 }, /under 1 hour/],
    [{ durationMs: 90 * 60_000 }, /whole number of hours/],
    [{ multiple: true, maxChoices: 1 }, /max_choices/],
  ] as const)('names what is not possible natively: %j', (over, problem) => {
    const { problems } = nativePlan({ ...spec, ...over } as PollSpec);
    expect(problems).toHaveLength(1);
    expect(render('en', problems[0]!)).toMatch(problem);
  });

  it('lists every problem at once', () => {
    expect(nativePlan({ ...spec, anonymous: true, hideResults: true, roleId: '123456789012345678' }).problems).toHaveLength(3);
  });
});

describe('decideClick', () => {
  it.each([
    ['first vote', poll(), [], 0, { next: [0], added: [0], removed: [] }],
    ['moves a single vote', poll(), [0], 2, { next: [2], added: [2], removed: [0] }],
    ['click again withdraws', poll(), [1], 1, { next: [], added: [], removed: [1] }],
    ['multiple adds', poll({ multiple: true, maxChoices: 3 }), [0], 2, { next: [0, 2], added: [2], removed: [] }],
    ['multiple withdraws one', poll({ multiple: true, maxChoices: 3 }), [0, 2], 0, { next: [2], added: [], removed: [0] }],
  ] as const)('%s', (_name, p, current, choice, expected) => {
    expect(decideClick(p, [...current], choice, voter)).toEqual({ kind: 'set', ...expected });
  });

  it.each([
    ['closed status', poll({ status: 'closed' }), [], 0, true, 'closed'],
    ['past the deadline', poll({ closesAt: NOW }), [], 0, true, 'closed'],
    ['withdraw after the deadline', poll({ closesAt: NOW - 1 }), [0], 0, true, 'closed'],
    ['without the role', poll({ roleId: '1' }), [], 0, false, 'role'],
    ['over max_choices', poll({ multiple: true, maxChoices: 2 }), [0, 1], 2, true, 'limit'],
    ['unknown choice', poll(), [], 3, true, 'bad-choice'],
    ['negative choice', poll(), [], -1, true, 'bad-choice'],
  ] as const)('refuses: %s', (_name, p, current, choice, hasRole, reason) => {
    const d = decideClick(p, [...current], choice, { now: NOW, hasRole });
    expect(d).toMatchObject({ kind: 'refused', reason });
    if (d.kind === 'refused') expect(render('en', d.message).length).toBeGreaterThan(10);
  });

  it('lets a member who lost the role withdraw, but not vote again', () => {
    const p = poll({ roleId: '1' });
    expect(decideClick(p, [0], 0, { now: NOW, hasRole: false })).toMatchObject({ kind: 'set', next: [] });
    expect(decideClick(p, [0], 1, { now: NOW, hasRole: false })).toMatchObject({ kind: 'refused', reason: 'role' });
  });

  it('tells the voter when the poll\'s role was deleted, and still lets them withdraw', () => {
    const p = poll({ roleId: '1' });
    const d = decideClick(p, [], 0, { now: NOW, hasRole: false, roleGone: true });
    if (d.kind !== 'refused') throw new Error('expected a refusal');
    expect(d.reason).toBe('role');
    expect(render('en', d.message)).toBe(`The role this poll was limited to has been deleted, so nobody can vote in it any more. Its author or staff can close poll #${p.id} with \`/poll close\`.`);
    expect(render('ru', d.message)).toMatch(/^Роль, которой был ограничен этот опрос, удалена/);
    expect(decideSelection(p, [], [1], { now: NOW, hasRole: false, roleGone: true })).toMatchObject({ kind: 'refused', message: { key: 'polls.vote.roleDeleted' } });
    expect(decideClick(p, [0], 0, { now: NOW, hasRole: false, roleGone: true })).toMatchObject({ kind: 'set', next: [] });
  });

  it('a poll without a deadline stays open', () => {
    expect(decideClick(poll({ closesAt: null }), [], 0, { now: NOW + 1e12, hasRole: true })).toMatchObject({ kind: 'set' });
  });

  it('names the member\'s choices in the over-the-limit refusal as typed, markdown escaped', () => {
    const p = poll({ multiple: true, maxChoices: 2, choices: ['[Prize](https://example.com/x)', '**Bold**', 'C'] });
    const d = decideClick(p, [0, 1], 2, voter);
    if (d.kind !== 'refused') throw new Error('expected a refusal');
    expect(render('en', d.message)).toContain('\\[Prize\\](https://example.com/x), \\*\\*Bold\\*\\*');
  });
});

describe('decideSelection and withdrawAll', () => {
  const many = poll({ choices: ['A', 'B', 'C', 'D', 'E', 'F'], multiple: true, maxChoices: 3 });
  it.each([
    ['replaces', many, [0, 1], [1, 4], { kind: 'set', next: [1, 4], added: [4], removed: [0] }],
    ['dedupes and sorts', many, [], [5, 2, 5], { kind: 'set', next: [2, 5], added: [2, 5], removed: [] }],
    ['empty = withdraw', many, [1], [], { kind: 'set', next: [], added: [], removed: [1] }],
    ['too many', many, [], [0, 1, 2, 3], { kind: 'refused', reason: 'limit' }],
    ['single choice refuses two', poll({ choices: many.choices }), [], [0, 1], { kind: 'refused', reason: 'limit' }],
    ['unknown value', many, [], [9], { kind: 'refused', reason: 'bad-choice' }],
    ['closed', poll({ ...many, status: 'closed' }), [], [0], { kind: 'refused', reason: 'closed' }],
  ] as const)('%s', (_name, p, current, selection, expected) => {
    expect(decideSelection(p, [...current], [...selection], voter)).toMatchObject(expected);
  });

  it('withdrawAll clears while open, refuses when closed', () => {
    expect(withdrawAll(many, [0, 2], voter)).toEqual({ kind: 'set', next: [], added: [], removed: [0, 2] });
    expect(withdrawAll(many, [], voter)).toEqual({ kind: 'set', next: [], added: [], removed: [] });
    expect(withdrawAll({ ...many, status: 'closed' }, [0], voter)).toMatchObject({ kind: 'refused', reason: 'closed' });
  });
});

describe('voteReceipt', () => {
  it.each([
    [poll(), [1], /^You voted for \*\*B\*\*; click again to withdraw\.$/],
    [poll(), [], /withdrawn/],
    [poll({ multiple: true, maxChoices: 3 }), [0], /\*\*A\*\*.*pick 2 more/],
    [poll({ anonymous: true }), [0], /anonymous/],
    [poll({ choices: ['A', 'B', 'C', 'D', 'E', 'F'] }), [5], /\*\*F\*\*; pick again.*Withdraw my vote/],
  ] as const)('%#', (p, next, text) => expect(voteReceipt('en', p, [...next])).toMatch(text));
});

describe('tally', () => {
  it.each([
    ['no ballots', 3, 1, [], { counts: [0, 0, 0], voters: 0, leaders: [] }],
    ['single winner', 3, 1, [['u1', 0], ['u2', 0], ['u3', 1]], { counts: [2, 1, 0], voters: 3, leaders: [0] }],
    ['tie', 3, 1, [['u1', 0], ['u2', 1]], { counts: [1, 1, 0], voters: 2, leaders: [0, 1] }],
    ['three-way tie', 3, 1, [['u1', 0], ['u2', 1], ['u3', 2]], { counts: [1, 1, 1], voters: 3, leaders: [0, 1, 2] }],
    ['multiple choice counts each pick, voters once', 3, 3, [['u1', 0], ['u1', 1], ['u2', 1]], { counts: [1, 2, 0], voters: 2, leaders: [1] }],
    ['duplicates count once', 2, 1, [['u1', 0], ['u1', 0]], { counts: [1, 0], voters: 1, leaders: [0] }],
    ['over the limit ignored', 3, 2, [['u1', 0], ['u1', 1], ['u1', 2]], { counts: [1, 1, 0], voters: 1, leaders: [0, 1] }],
    ['single choice keeps the first', 2, 1, [['u1', 1], ['u1', 0]], { counts: [0, 1], voters: 1, leaders: [1] }],
    ['unknown choices ignored', 2, 1, [['u1', 5], ['u2', -1], ['u3', 1]], { counts: [0, 1], voters: 1, leaders: [1] }],
  ] as const)('%s', (_name, n, max, ballots, expected) => {
    expect(tally(n, max, ballots.map(([voter, choice]) => ({ voter, choice })))).toEqual(expected);
  });

  it('describes outcomes', () => {
    expect(describeOutcome('en', ['A', 'B'], tally(2, 1, []))).toBe('No votes were cast.');
    expect(describeOutcome('en', ['A', 'B'], tally(2, 1, [{ voter: 'x', choice: 1 }]))).toBe('**B** won with 1 of 1 voter.');
    expect(describeOutcome('en', ['A', 'B'], tally(2, 1, [{ voter: 'x', choice: 1 }, { voter: 'y', choice: 0 }]))).toMatch(/^Tie between \*\*A\*\* and \*\*B\*\* with 1 vote each \(2 voters\)/);
  });

  it('names the tied choices as a list in the language ("A y B", "A, B и C"), not joined with commas', () => {
    const tie = tally(3, 1, [{ voter: 'x', choice: 0 }, { voter: 'y', choice: 1 }]);
    expect(describeOutcome('es', ['A', 'B', 'C'], tie)).toBe('Empate entre **A** y **B** con 1 voto cada una (2 votantes).');
    const three = tally(3, 1, [{ voter: 'x', choice: 0 }, { voter: 'y', choice: 1 }, { voter: 'z', choice: 2 }]);
    expect(describeOutcome('ru', ['A', 'B', 'C'], three)).toMatch(/^Ничья: \*\*A\*\*, \*\*B\*\* и \*\*C\*\* — /);
    expect(describeOutcome('en', ['A', 'B', 'C'], three)).toMatch(/^Tie between \*\*A\*\*, \*\*B\*\*, and \*\*C\*\* with/);
  });
});

describe('renderBar', () => {
  it.each([
    [0, '░░░░░░░░░░'],
    [1, '▓▓▓▓▓▓▓▓▓▓'],
    [0.5, '▓▓▓▓▓░░░░░'],
    [0.04, '░░░░░░░░░░'],
    [0.05, '▓░░░░░░░░░'],
    [2, '▓▓▓▓▓▓▓▓▓▓'],
    [-1, '░░░░░░░░░░'],
    [Number.NaN, '░░░░░░░░░░'],
  ])('%d -> %s', (f, bar) => expect(renderBar(f)).toBe(bar));
  it('takes a width', () => expect(renderBar(0.5, 4)).toBe('▓▓░░'));
});

