// The edges of docs/metrics.md's figures that the other tests leave open: exactly 60 s of voice,
// events at the period's end instant, exactly 7 × 24 h after a join, a leave after `to`, flags
// beyond the threshold, a gap that ends as the period begins (pure: no database).
import { describe, expect, it } from 'vitest';
import { computeReport } from '../../src/insights/compute.js';
import { dauOf, G, ms, report } from './fixtures.js';

const week = { from: '2026-11-02', to: '2026-11-08' };

describe('boundaries of the activity figures', () => {
  it('a voice session of exactly 60 seconds is not "shorter than 60 seconds": it counts', () => {
    const r = report({ ...week, voice: [['u1', '2026-11-03T10:00:00Z', '2026-11-03T10:01:00Z']] });
    expect(r.activity.voice_minutes).toBe(1);
    expect(dauOf(r)).toEqual([0, 1, 0, 0, 0, 0, 0]);
    expect(r.activity.active_members).toBe(1);
  });
});

describe('boundaries of the member figures', () => {
  it('a join and a leave at the period end instant (the next day at 00:00) belong to the next period', () => {
    const r = report({
      ...week,
      members: [
        ['u1', 'join', '2026-11-09T00:00:00Z'],
        ['u2', 'leave', '2026-11-09T00:00:00Z'],
      ],
    });
    expect(r.members).toEqual({ joined: 0, left: 0, net: 0 });
    expect(r.new_members.cohort).toBe(0);
  });

  it('a leave exactly 7 × 24 hours after the join is within the first week: not retained', () => {
    const r = report({
      ...week,
      members: [
        ['u1', 'join', '2026-11-03T10:00:00Z'],
        ['u1', 'leave', '2026-11-10T10:00:00Z'],
      ],
    });
    expect(r.new_members).toMatchObject({ cohort: 1, pending: 0, retained_week1: 0, week1_retention: 0 });
  });

  it('a member whose join + 7 × 24 hours is as-of itself is settled, not pending', () => {
    const r = report({ ...week, asOf: '2026-11-11T10:00:00Z', members: [['u1', 'join', '2026-11-04T10:00:00Z']] });
    expect(r.new_members).toMatchObject({ cohort: 1, pending: 0, retained_week1: 1, week1_retention: 1 });
  });

  it('a message at the very instant of the join activates the new member', () => {
    const r = report({ ...week, members: [['u1', 'join', '2026-11-02T10:30:00Z']], events: [['message', 'u1', '2026-11-02T10:30:00Z']] });
    expect(r.new_members).toMatchObject({ cohort: 1, activated: 1, activation_rate: 1 });
  });
});

describe('at-risk regulars: membership at the end of `to`', () => {
  it('a regular who went quiet and left only after `to` was still a member then: at risk', () => {
    // to = 2026-11-08: look-back 2026-09-28 … 2026-10-25, silent 2026-10-26 … 2026-11-08.
    const days = ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04'];
    const r = report({
      ...week,
      events: days.map((d) => ['message', 'later', `${d}T12:00:00Z`] as ['message', string, string]),
      members: [['later', 'leave', '2026-11-10T00:00:00Z']],
    });
    expect(r.churn_risk).toEqual({ count: 1, user_ids: ['later'] });
  });
});

describe('flags beyond the threshold', () => {
  it('a message reaches the threshold once, however many more members flag it', () => {
    const r = report({
      ...week,
      threshold: 3,
      flags: [
        ['m1', 'f1', 'author', '2026-11-03T12:00:00Z'],
        ['m1', 'f2', 'author', '2026-11-03T12:01:00Z'],
        ['m1', 'f3', 'author', '2026-11-03T12:02:00Z'], // the 3rd distinct flagger: reached
        ['m1', 'f4', 'author', '2026-11-03T12:03:00Z'],
        ['m1', 'f5', 'author', '2026-11-03T12:04:00Z'],
      ],
    });
    expect(r.flags).toMatchObject({ reactions: 5, messages_flagged: 1, flaggers: 5, reached_threshold: 1 });
  });
});

describe("a report's gaps", () => {
  it('an outage that ended exactly when the period began is not a gap of the period; one a second later is', () => {
    const start = ms('2026-11-02T00:00:00Z');
    const gaps = (to: number) =>
      computeReport({
        guildId: G,
        timezone: 'UTC',
        ...week,
        asOf: ms('2026-11-23T12:00:00Z'),
        hours: [],
        ids: [],
        quarters: [],
        voice: [],
        memberEvents: [],
        flagReactions: [],
        flagThreshold: 3,
        review: { resolved: 0, actioned: 0, dismissed: 0, median_minutes_to_resolution: null },
        gaps: [{ from: start - 3_600_000, to }],
      }).gaps;
    expect(gaps(start)).toEqual([]);
    expect(gaps(start + 1000)).toEqual([{ from: '2026-11-01T23:00:00.000Z', to: '2026-11-02T00:00:01.000Z' }]);
  });
});

describe('activity outside the days a report looks at', () => {
  // to = 2026-11-08: the report looks at 2026-09-28 (to-41) … 2026-11-08. `quiet` was active on
  // 3 days of the churn look-back: one day short of a regular. `other` is active only outside it.
  const quiet = ['2026-10-01', '2026-10-02', '2026-10-03'].map((d) => ['message', 'quiet', `${d}T06:00:00Z`] as ['message', string, string]);

  it('a whole hour after `to` marks no member active on any day looked at', () => {
    const r = report({ ...week, events: [...quiet, ['message', 'other', '2026-11-09T12:00:00Z']] });
    expect(r.churn_risk).toEqual({ count: 0, user_ids: [] });
    expect(r.activity.mau_end).toBe(0);
  });

  it('an hour split by local midnight, its first quarter before the first day looked at, marks no other member', () => {
    // 2026-09-27T18:10Z is 23:40 in Kolkata on Sep 27; that hour's last quarters are Sep 28.
    const r = report({ ...week, tz: 'Asia/Kolkata', events: [...quiet, ['message', 'other', '2026-09-27T18:10:00Z']] });
    expect(r.churn_risk).toEqual({ count: 0, user_ids: [] });
  });
});
