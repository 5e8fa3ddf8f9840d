// Every figure of docs/metrics.md on hand-computed fixtures (pure: no database).
import { describe, expect, it } from 'vitest';
import { dauOf, report } from './fixtures.js';

// The week of Monday 2026-11-02 to Sunday 2026-11-08.
const week = { from: '2026-11-02', to: '2026-11-08' };
const zeros24 = () => new Array(24).fill(0);

describe('empty guild', () => {
  it('has zero figures, one DAU per day, a cohort row per week and no division by zero', () => {
    const r = report(week);
    expect(r.schema).toBe('pulse.report.v1');
    expect(r.period).toEqual(week);
    expect(r.members).toEqual({ joined: 0, left: 0, net: 0 });
    expect(r.new_members).toEqual({ cohort: 0, activated: 0, pending: 0, retained_week1: 0, activation_rate: 0, week1_retention: 0 });
    expect(r.activity).toMatchObject({ messages: 0, reactions: 0, threads_created: 0, voice_minutes: 0, active_members: 0, dau_avg: 0, wau_end: 0, mau_end: 0, stickiness: 0, reactions_per_message: 0 });
    expect(r.activity.dau.map((d) => d.date)).toEqual(['2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05', '2026-11-06', '2026-11-07', '2026-11-08']);
    expect(r.hour_of_week).toEqual(Array.from({ length: 7 }, zeros24));
    expect(r.top_contributors).toEqual([]);
    expect(r.top_channels).toEqual([]);
    expect(r.cohorts).toEqual([{ week_start: '2026-11-02', size: 0, active_by_week: [0, null, null, null, null] }]);
    expect(r.churn_risk).toEqual({ count: 0, user_ids: [] });
    expect(r.flags).toEqual({ reactions: 0, messages_flagged: 0, flaggers: 0, reached_threshold: 0, resolved: 0, actioned: 0, dismissed: 0, median_minutes_to_resolution: null });
  });
});

describe('activity', () => {
  it('a single member: message, reaction and thread on two days', () => {
    const r = report({
      ...week,
      events: [
        ['message', 'u1', '2026-11-02T10:05:00Z', 'c1'],
        ['message', 'u1', '2026-11-02T10:50:00Z', 'c1'],
        ['reaction', 'u1', '2026-11-04T23:59:59Z', 'c1'],
        ['thread', 'u1', '2026-11-04T08:00:00Z', 'c2'],
      ],
    });
    expect(r.activity).toMatchObject({ messages: 2, reactions: 1, threads_created: 1, active_members: 1, wau_end: 1, mau_end: 1, reactions_per_message: 0.5 });
    expect(dauOf(r)).toEqual([1, 0, 1, 0, 0, 0, 0]);
    expect(r.activity.dau_avg).toBeCloseTo(2 / 7, 12);
    // Two active days in the 30 days ending on `to`: mean DAU 2/30 over MAU 1.
    expect(r.activity.stickiness).toBeCloseTo(2 / 30, 12);
    expect(r.hour_of_week[0]![10]).toBe(2);
    expect(r.top_contributors).toEqual([{ user_id: 'u1', messages: 2 }]);
    expect(r.top_channels).toEqual([{ channel_id: 'c1', messages: 2, active_members: 1 }]);
  });

  it('events outside the period count nowhere in it, but do count in look-back figures', () => {
    const r = report({
      ...week,
      events: [
        ['message', 'u1', '2026-11-01T23:59:59Z'], // the day before
        ['message', 'u2', '2026-11-09T00:00:00Z'], // the day after
        ['reaction', 'u3', '2026-10-20T12:00:00Z'], // 19 days before `to`: in MAU
        ['message', 'u4', '2026-11-05T12:00:00Z'],
      ],
    });
    expect(r.activity).toMatchObject({ messages: 1, reactions: 0, active_members: 1, wau_end: 1, mau_end: 3 });
    expect(r.top_contributors).toEqual([{ user_id: 'u4', messages: 1 }]);
    expect(r.activity.stickiness).toBeCloseTo(3 / 30 / 3, 12);
  });

  it('top contributors and channels: most first, ties by id as strings, at most 10', () => {
    const events: Array<['message', string, string, string]> = [];
    for (let i = 0; i < 12; i++) events.push(['message', `u${i}`, '2026-11-03T12:00:00Z', `c${i % 3}`]);
    events.push(['message', 'u10', '2026-11-03T13:00:00Z', 'c9'], ['message', 'u10', '2026-11-03T14:00:00Z', 'c9']);
    const r = report({ ...week, events });
    expect(r.top_contributors[0]).toEqual({ user_id: 'u10', messages: 3 });
    // Ties: string order, so 'u11' before 'u2'.
    expect(r.top_contributors.slice(1).map((c) => c.user_id)).toEqual(['u0', 'u1', 'u11', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7']);
    expect(r.top_channels).toEqual([
      { channel_id: 'c0', messages: 4, active_members: 4 },
      { channel_id: 'c1', messages: 4, active_members: 4 },
      { channel_id: 'c2', messages: 4, active_members: 4 },
      { channel_id: 'c9', messages: 2, active_members: 1 },
    ]);
  });

  it('DAU, WAU and MAU over 30 days', () => {
    const events: Array<['message', string, string]> = [];
    // u1 active every day of October 10..November 8 (30 days), u2 only on Nov 8, u3 on Oct 9 (outside MAU).
    for (let d = 10; d <= 31; d++) events.push(['message', 'u1', `2026-10-${String(d).padStart(2, '0')}T09:00:00Z`]);
    for (let d = 1; d <= 8; d++) events.push(['message', 'u1', `2026-11-0${d}T09:00:00Z`]);
    events.push(['message', 'u2', '2026-11-08T20:00:00Z'], ['message', 'u3', '2026-10-09T20:00:00Z']);
    const r = report({ ...week, events });
    expect(dauOf(r)).toEqual([1, 1, 1, 1, 1, 1, 2]);
    expect(r.activity).toMatchObject({ wau_end: 2, mau_end: 2, active_members: 2 });
    expect(r.activity.stickiness).toBeCloseTo(31 / 30 / 2, 12);
  });
});

describe('voice', () => {
  it('sessions across midnight count on both days and are clipped to the period', () => {
    const r = report({
      ...week,
      voice: [
        ['u1', '2026-11-02T23:30:00Z', '2026-11-03T00:45:30Z'], // 75.5 min, two days
        ['u2', '2026-11-01T23:00:00Z', '2026-11-02T00:10:00Z'], // 10 min inside the period
        ['u3', '2026-11-04T10:00:00Z', '2026-11-04T10:00:59Z'], // under 60 s: ignored
        ['u4', '2026-11-08T23:50:00Z', null], // still open at as-of: 10 min inside
      ],
    });
    expect(r.activity.voice_minutes).toBe(95); // 75.5 + 10 + 10, rounded down once
    expect(dauOf(r)).toEqual([2, 1, 0, 0, 0, 0, 1]);
    expect(r.activity.active_members).toBe(3);
  });

  it('rounds down once per guild, not per session', () => {
    const r = report({ ...week, voice: [['u1', '2026-11-02T10:00:00Z', '2026-11-02T10:01:30Z'], ['u2', '2026-11-02T10:00:00Z', '2026-11-02T10:01:30Z']] });
    expect(r.activity.voice_minutes).toBe(3);
  });

  it('an open session counts up to as-of', () => {
    const r = report({ from: '2026-11-02', to: '2026-11-02', asOf: '2026-11-02T12:00:00Z', voice: [['u1', '2026-11-02T11:00:00Z', null]] });
    expect(r.activity.voice_minutes).toBe(60);
    expect(dauOf(r)).toEqual([1]);
  });

  it('a session across the New York fall-back: the 25-hour day', () => {
    const tz = 'America/New_York';
    // 2026-11-01 00:30 EDT to 2026-11-02 00:30 EST: 25 hours, all of Nov 1 plus 30 min of Nov 2.
    const r = report({ from: '2026-11-01', to: '2026-11-01', tz, voice: [['u1', '2026-11-01T04:30:00Z', '2026-11-02T05:30:00Z']] });
    expect(r.activity.voice_minutes).toBe(24 * 60 + 30); // clipped to Nov 1, which lasts 25 h
    expect(dauOf(r)).toEqual([1]);
  });
});

describe('time zones', () => {
  it('local days in a zone offset by 5:30 and by 5:45', () => {
    const events: Array<['message', string, string]> = [
      ['message', 'u1', '2026-11-02T18:29:00Z'], // 23:59 IST on Nov 2, 00:14 NPT on Nov 3
      ['message', 'u2', '2026-11-02T18:30:00Z'], // 00:00 IST on Nov 3
    ];
    const ist = report({ ...week, tz: 'Asia/Kolkata', events });
    expect(dauOf(ist)).toEqual([1, 1, 0, 0, 0, 0, 0]);
    expect(ist.hour_of_week[0]![23]).toBe(1);
    expect(ist.hour_of_week[1]![0]).toBe(1);
    const npt = report({ ...week, tz: 'Asia/Kathmandu', events });
    expect(dauOf(npt)).toEqual([0, 2, 0, 0, 0, 0, 0]);
    expect(npt.hour_of_week[1]![0]).toBe(2);
  });

  it('the period bounds follow the zone: a 5:30 zone splits a UTC hour', () => {
    // Nov 8 18:29Z is 23:59 IST on Nov 8 (in); 18:30Z is Nov 9 IST (out).
    const r = report({ ...week, tz: 'Asia/Kolkata', events: [['message', 'u1', '2026-11-08T18:29:00Z'], ['message', 'u1', '2026-11-08T18:31:00Z']] });
    expect(r.activity.messages).toBe(1);
    expect(r.top_contributors).toEqual([{ user_id: 'u1', messages: 1 }]);
  });

  it('DST spring-forward day has 23 hours of hour_of_week', () => {
    const tz = 'America/New_York';
    // 2026-03-08: 01:59 EST then 03:00 EDT. 06:59Z = 01:59 EST, 07:00Z = 03:00 EDT.
    const r = report({ from: '2026-03-08', to: '2026-03-08', tz, events: [['message', 'u1', '2026-03-08T06:59:00Z'], ['message', 'u1', '2026-03-08T07:00:00Z']] });
    expect(r.hour_of_week[6]![1]).toBe(1); // Sunday 01:00
    expect(r.hour_of_week[6]![2]).toBe(0); // does not exist
    expect(r.hour_of_week[6]![3]).toBe(1);
  });
});

describe('members and new members', () => {
  it('a member who left and rejoined: one cohort member, first join in the period is the join instant', () => {
    const r = report({
      ...week,
      members: [
        ['u1', 'join', '2026-11-02T10:00:00Z'],
        ['u1', 'leave', '2026-11-03T10:00:00Z'],
        ['u1', 'join', '2026-11-05T10:00:00Z'],
        ['u2', 'join', '2026-11-04T10:00:00Z'],
      ],
      events: [
        ['message', 'u1', '2026-11-09T10:00:00Z'], // 7 days after the first join: within 7 × 24 h
        ['message', 'u2', '2026-11-11T10:00:01Z'], // 1 s too late
      ],
    });
    expect(r.members).toEqual({ joined: 3, left: 1, net: 2 });
    expect(r.new_members).toEqual({ cohort: 2, activated: 1, pending: 0, retained_week1: 1, activation_rate: 0.5, week1_retention: 0.5 });
  });

  it('pending members are not counted in week-1 retention', () => {
    const r = report({
      ...week,
      asOf: '2026-11-12T00:00:00Z',
      members: [
        ['u1', 'join', '2026-11-03T00:00:00Z'], // +7 d = Nov 10: settled
        ['u2', 'join', '2026-11-07T00:00:00Z'], // +7 d = Nov 14: pending
        ['u3', 'join', '2026-11-04T00:00:00Z'],
        ['u3', 'leave', '2026-11-10T00:00:00Z'],
      ],
    });
    expect(r.new_members).toEqual({ cohort: 3, activated: 0, pending: 1, retained_week1: 1, activation_rate: 0, week1_retention: 0.5 });
  });

  it('activation at the hour of the join: a message before the join does not count', () => {
    const r = report({
      ...week,
      members: [['u1', 'join', '2026-11-02T10:30:00Z']],
      events: [['message', 'u1', '2026-11-02T10:10:00Z']],
    });
    expect(r.new_members.activated).toBe(0);
  });
});

describe('cohorts', () => {
  it('a weekly triangle: size by first join in the data, activity by week, null after `to`', () => {
    const r = report({
      from: '2026-10-12',
      to: '2026-11-08',
      members: [
        ['a', 'join', '2026-10-12T10:00:00Z'],
        ['b', 'join', '2026-10-14T10:00:00Z'],
        ['c', 'join', '2026-10-01T10:00:00Z'], // first join before the period
        ['c', 'join', '2026-10-20T10:00:00Z'],
        ['d', 'join', '2026-10-26T10:00:00Z'],
      ],
      events: [
        ['message', 'a', '2026-10-12T11:00:00Z'],
        ['reaction', 'b', '2026-10-18T23:00:00Z'],
        ['message', 'a', '2026-10-27T11:00:00Z'],
        ['thread', 'b', '2026-11-08T11:00:00Z'],
        ['message', 'd', '2026-11-02T11:00:00Z'],
      ],
    });
    expect(r.cohorts).toEqual([
      { week_start: '2026-10-12', size: 2, active_by_week: [2, 0, 1, 1, null] },
      { week_start: '2026-10-19', size: 0, active_by_week: [0, 0, 0, null, null] },
      { week_start: '2026-10-26', size: 1, active_by_week: [0, 1, null, null, null] },
      { week_start: '2026-11-02', size: 0, active_by_week: [0, null, null, null, null] },
    ]);
  });
});

describe('at-risk regulars', () => {
  it('active on 4+ days of to-41…to-14, silent since, still a member; sorted by those days', () => {
    // to = 2026-11-08: look-back days 2026-09-28 … 2026-10-25, silent window 2026-10-26 … 2026-11-08.
    const days = (user: string, list: string[]) => list.map((d) => ['message', user, `${d}T12:00:00Z`] as ['message', string, string]);
    const r = report({
      ...week,
      events: [
        ...days('reg5', ['2026-09-28', '2026-10-01', '2026-10-05', '2026-10-10', '2026-10-25']),
        ...days('reg4', ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04']),
        ...days('areg4', ['2026-10-11', '2026-10-12', '2026-10-13', '2026-10-14']),
        ...days('three', ['2026-10-01', '2026-10-02', '2026-10-03']),
        ...days('back', ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-26']),
        ...days('gone', ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04']),
        ...days('early', ['2026-09-27', '2026-10-01', '2026-10-02', '2026-10-03']), // Sep 27 is to-42
      ],
      members: [['gone', 'leave', '2026-10-30T00:00:00Z']],
    });
    expect(r.churn_risk).toEqual({ count: 3, user_ids: ['reg5', 'areg4', 'reg4'] });
  });
});

describe('flags', () => {
  it('counts flags on others’ messages; threshold reached in the period', () => {
    const r = report({
      ...week,
      threshold: 2,
      flags: [
        ['m1', 'f1', 'author', '2026-11-01T12:00:00Z'], // before the period
        ['m1', 'f2', 'author', '2026-11-02T12:00:00Z'], // m1 reaches 2 in the period
        ['m2', 'f1', 'author', '2026-11-03T12:00:00Z'],
        ['m2', 'f1', 'author', '2026-11-03T13:00:00Z'], // same flagger again: a flag, not a new flagger
        ['m3', 'author', 'author', '2026-11-03T12:00:00Z'], // self-flag: ignored
        ['m3', 'f3', 'author', '2026-11-03T12:00:00Z'],
        ['m3', 'f4', 'author', '2026-11-09T12:00:00Z'], // after the period
        ['m4', 'f3', null, '2026-11-04T12:00:00Z'], // unknown author: not a flag on another member
      ],
    });
    expect(r.flags).toMatchObject({ reactions: 4, messages_flagged: 3, flaggers: 3, reached_threshold: 1 });
  });
});
