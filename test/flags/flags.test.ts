// The pure rules of flags: who counts, thresholds, transitions, outcomes, medians, reasons.
import { describe, expect, it } from 'vitest';
import { postNonce } from '../../src/discord/nonce.js';
import { snowflakeTime } from '../../src/discord/snowflake.js';
import {
  allowedFrom,
  excerpt,
  flagVerdict,
  formatDuration,
  isActioned,
  median,
  mostlyDismissed,
  nextPostRetry,
  outcomeOf,
  POST_ATTEMPTS_MAX,
  refusal,
  timeoutUntil,
  parseReason,
  reachesThreshold,
  transition,
  type CaseOutcome,
  type FlagCandidate,
  type FlaggerRecord,
} from '../../src/flags/flags.js';

// 2026-11-02T12:00:00Z as a snowflake: (ms - Discord epoch) << 22.
const NOW = Date.parse('2026-11-02T12:00:00Z');
const snowflakeAt = (ms: number) => String(BigInt(ms - 1_420_070_400_000) << 22n);
const HOUR = 3_600_000;

describe('snowflakeTime', () => {
  it.each([
    [snowflakeAt(NOW), NOW],
    ['175928847299117063', 1462015105796],
    ['0', 1_420_070_400_000],
  ])('%s -> %d', (id, ms) => expect(snowflakeTime(id)).toBe(ms));
  it.each(['', 'abc', '12a', '123456789012345678901'])('not a snowflake: %j', (id) => expect(snowflakeTime(id)).toBeNaN());
});

describe('flagVerdict', () => {
  const base: FlagCandidate = {
    flaggerId: 'f',
    authorId: 'a',
    flaggerIsBot: false,
    blocked: false,
    flagsLastDay: 0,
    dailyLimit: 20,
    messageId: snowflakeAt(NOW - HOUR),
    maxAgeHours: 168,
    now: NOW,
  };
  it.each<[string, Partial<FlagCandidate>, string | null]>([
    ['a member on another member', {}, null],
    ['unknown author still counts', { authorId: null }, null],
    ['own message', { authorId: 'f' }, 'self'],
    ['a bot', { flaggerIsBot: true }, 'bot'],
    ['a bot on its own message: bot first', { flaggerIsBot: true, authorId: 'f' }, 'bot'],
    ['blocked member', { blocked: true }, 'blocked'],
    ['one under the daily limit', { flagsLastDay: 19 }, null],
    ['at the daily limit', { flagsLastDay: 20 }, 'daily_limit'],
    ['exactly max age', { messageId: snowflakeAt(NOW - 168 * HOUR) }, null],
    ['older than max age', { messageId: snowflakeAt(NOW - 168 * HOUR - 1) }, 'too_old'],
    ['a message from the future (clock skew)', { messageId: snowflakeAt(NOW + HOUR) }, null],
    ['bad id', { messageId: 'x' }, 'too_old'],
  ])('%s', (_name, patch, reason) => {
    const v = flagVerdict({ ...base, ...patch });
    expect(v.counts ? null : v.reason).toBe(reason);
  });
});

describe('reachesThreshold', () => {
  it.each<[number, number, boolean, boolean]>([
    [0, 3, false, false],
    [2, 3, false, false],
    [3, 3, false, true],
    [4, 3, false, true],
    [1, 1, false, true],
    [0, 1, false, false],
    [1, 3, true, true],
    [0, 3, true, true],
  ])('%d flaggers, threshold %d, staff %s -> %s', (n, t, staff, out) => expect(reachesThreshold(n, t, staff)).toBe(out));
});

describe('transition', () => {
  it.each([
    ['open', 'claim', 'claimed'],
    ['open', 'delete', 'closed'],
    ['open', 'resolve', 'closed'],
    ['claimed', 'dismiss', 'closed'],
    ['claimed', 't1h', 'closed'],
    ['claimed', 'claim', 'refused:claimed'],
    ['closed', 'claim', 'refused:closed'],
    ['closed', 'resolve', 'refused:closed'],
    ['closed', 'warn', 'refused:closed'],
  ] as const)('%s + %s -> %s', (status, action, expected) => {
    const t = transition(status, action);
    expect(t.ok ? t.next : `refused:${t.why}`).toBe(expected);
  });
  it('the atomic update allows exactly the statuses transition allows', () => {
    expect(allowedFrom('claim')).toEqual(['open']);
    expect(allowedFrom('delete')).toEqual(['open', 'claimed']);
  });
});

describe('outcomes', () => {
  it.each([
    ['dismiss', 'dismissed', false],
    ['delete', 'deleted', true],
    ['warn', 'warned', true],
    ['t10m', 'timed_out', true],
    ['t1h', 'timed_out', true],
    ['t1d', 'timed_out', true],
    ['resolve', 'resolved', false],
  ] as const)('%s -> %s (actioned %s)', (action, outcome, actioned) => {
    expect(outcomeOf(action)).toBe(outcome);
    expect(isActioned(outcome)).toBe(actioned);
  });
  it('no outcome is not actioned', () => expect(isActioned(null)).toBe(false));
});

describe('median', () => {
  it.each<[number[], number | null]>([
    [[], null],
    [[5], 5],
    [[3, 1], 2],
    [[1, 2, 3], 2],
    [[10, 1, 4, 7], 5.5],
    [[2, 2, 2, 9], 2],
  ])('%j -> %s', (values, out) => expect(median(values)).toBe(out));
});

describe('parseReason', () => {
  it.each([
    ['spam', 'spam', null],
    [' Spam ', 'spam', null],
    ['HARASSMENT', 'harassment', null],
    ['off topic', 'off-topic', null],
    ['offtopic', 'off-topic', null],
    ['Off_Topic', 'off-topic', null],
    ['other', 'other', null],
    ['scam link', 'other', 'scam link'],
    ['', 'other', null],
    // The reasons as the Spanish and Russian forms name them.
    ['acoso', 'harassment', null],
    ['Fuera de tema', 'off-topic', null],
    ['otro', 'other', null],
    ['травля', 'harassment', null],
    ['Не по теме', 'off-topic', null],
    ['спам', 'spam', null],
    ['другое', 'other', null],
    ['грубость', 'other', 'грубость'],
  ] as const)('%j -> %s', (typed, reason, extra) => expect(parseReason(typed)).toEqual({ reason, extra }));
});

describe('excerpt', () => {
  it.each<[string | null, string | null]>([
    [null, null],
    ['', null],
    ['   \n ', null],
    ['hello\n\nworld', 'hello world'],
    ['a'.repeat(200), 'a'.repeat(200)],
    ['a'.repeat(201), `${'a'.repeat(199)}…`],
  ])('%j', (input, out) => expect(excerpt(input)).toBe(out));
  it('counts emoji as characters and never splits one', () => expect(excerpt('🚩'.repeat(5), 3)).toBe('🚩🚩…'));
});

describe('formatDuration', () => {
  it.each([
    [0, '0 min'],
    [-5, '0 min'],
    [12 * 60_000, '12 min'],
    [60 * 60_000, '1 h'],
    [65 * 60_000, '1 h 5 min'],
    [24 * HOUR, '1 d'],
    [52 * HOUR, '2 d 4 h'],
  ])('%d ms -> %s', (ms, out) => expect(formatDuration(ms)).toBe(out));
});

describe('mostlyDismissed', () => {
  it('needs at least three reviewed flags and more than half dismissed', () => {
    const of = (userId: string, outcomes: CaseOutcome[]): FlaggerRecord[] => outcomes.map((outcome) => ({ userId, outcome }));
    const recs = [
      ...of('a', ['dismissed', 'dismissed', 'deleted']),
      ...of('b', ['dismissed', 'deleted', 'deleted', 'dismissed']),
      ...of('c', ['dismissed', 'dismissed']),
      ...of('d', ['dismissed', 'dismissed', 'dismissed']),
    ];
    expect(mostlyDismissed(recs)).toEqual([
      { userId: 'd', dismissed: 3, total: 3 },
      { userId: 'a', dismissed: 2, total: 3 },
    ]);
  });
  it('empty in, empty out', () => expect(mostlyDismissed([])).toEqual([]));
});

describe('crash-safe steps', () => {
  it('a close being carried out takes no other step, and the loser hears who decided', () => {
    expect(transition('closing', 'resolve')).toEqual({ ok: false, why: 'closed' });
    expect(transition('closing', 'claim')).toEqual({ ok: false, why: 'closed' });
    expect(refusal({ id: 4, status: 'closing', closedBy: 'm1', claimedBy: null, outcome: 'deleted' })).toEqual(refusal({ id: 4, status: 'closed', closedBy: 'm1', claimedBy: null, outcome: 'deleted' }));
  });

  it('a timeout redone after a restart keeps the end chosen when it was decided', () => {
    expect(timeoutUntil('t1h', NOW)).toBe(NOW + HOUR);
    expect(timeoutUntil('t1d', NOW)).toBe(NOW + 24 * HOUR);
  });

  it('failed case posts wait longer each time, up to an hour, and stop after POST_ATTEMPTS_MAX', () => {
    expect([1, 2, 3, 4, 5, 9].map((n) => nextPostRetry(n, NOW)! - NOW)).toEqual([60_000, 300_000, 900_000, HOUR, HOUR, HOUR]);
    expect(nextPostRetry(POST_ATTEMPTS_MAX, NOW)).toBeNull();
  });

  it('the case nonce is stable per case and fits Discord (25 characters)', () => {
    expect(postNonce('fcase', 12, NOW)).toBe(postNonce('fcase', 12, NOW));
    expect(postNonce('fcase', 9_999_999, NOW).length).toBeLessThanOrEqual(25);
    expect(postNonce('fcase', 1, NOW)).not.toBe(postNonce('fcase', 2, NOW));
  });
});
