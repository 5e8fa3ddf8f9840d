// Hand-made Reports (pulse.report.v1) for the digest's renderers: realistic, deterministic.
import type { Report } from '../../src/insights/report-types.js';
import { addDays, daysBetween } from '../../src/zone.js';

/** A small deterministic PRNG so fixtures never change between runs. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const id = (n: number) => String(100000000000000000n + BigInt(n));

export function emptyReport(from: string, to: string, timezone = 'UTC'): Report {
  const days = daysBetween(from, to) + 1;
  return {
    schema: 'pulse.report.v1',
    guild_id: id(1),
    timezone,
    period: { from, to },
    as_of: `${addDays(to, 1)}T09:00:00.000Z`,
    members: { joined: 0, left: 0, net: 0 },
    new_members: { cohort: 0, activated: 0, pending: 0, retained_week1: 0, activation_rate: 0, week1_retention: 0 },
    activity: {
      messages: 0,
      reactions: 0,
      threads_created: 0,
      voice_minutes: 0,
      active_members: 0,
      dau: Array.from({ length: days }, (_, i) => ({ date: addDays(from, i), count: 0 })),
      dau_avg: 0,
      wau_end: 0,
      mau_end: 0,
      stickiness: 0,
      reactions_per_message: 0,
    },
    hour_of_week: Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 0)),
    top_contributors: [],
    top_channels: [],
    cohorts: [],
    churn_risk: { count: 0, user_ids: [] },
    flags: { reactions: 0, messages_flagged: 0, flaggers: 0, reached_threshold: 0, resolved: 0, actioned: 0, dismissed: 0, median_minutes_to_resolution: null },
  };
}

/** A lively community of a few hundred members; `scale` shifts the figures for a previous period. */
export function busyReport(from: string, to: string, { seed = 7, scale = 1, timezone = 'Europe/Berlin' } = {}): Report {
  const r = emptyReport(from, to, timezone);
  const rand = rng(seed);
  const days = r.activity.dau.length;
  r.activity.dau = r.activity.dau.map((d, i) => {
    const weekday = (i + 7) % 7; // from is a Monday in the fixtures
    const weekend = weekday >= 5 ? 1.25 : 1;
    return { ...d, count: Math.round((70 + 25 * rand()) * weekend * scale) };
  });
  const dauSum = r.activity.dau.reduce((s, d) => s + d.count, 0);
  r.activity.dau_avg = dauSum / days;
  r.activity.active_members = Math.round(210 * scale);
  r.activity.wau_end = Math.round(190 * scale);
  r.activity.mau_end = Math.round(420 * scale);
  r.activity.stickiness = (r.activity.dau_avg * 0.97) / r.activity.mau_end;
  let messages = 0;
  r.hour_of_week = r.hour_of_week.map((row, day) =>
    row.map((_, hour) => {
      const evening = Math.exp(-((hour - 20) ** 2) / 10) * 60;
      const lunch = Math.exp(-((hour - 12.5) ** 2) / 4) * 25;
      const night = hour < 7 ? 0.15 : 1;
      const weekend = day >= 5 ? 1.3 : 1;
      const n = Math.round((evening + lunch + 4 * rand()) * night * weekend * scale * (days / 7));
      messages += n;
      return n;
    }),
  );
  r.activity.messages = messages;
  r.activity.reactions = Math.round(messages * 0.42);
  r.activity.reactions_per_message = r.activity.reactions / messages;
  r.activity.threads_created = Math.round(18 * scale);
  r.activity.voice_minutes = Math.round(4210 * scale);
  r.members = { joined: Math.round(38 * scale), left: Math.round(11 / scale), net: 0 };
  r.members.net = r.members.joined - r.members.left;
  const cohort = r.members.joined;
  const pending = Math.round(cohort * 0.3);
  const activated = Math.round(cohort * 0.58);
  const retained = Math.round((cohort - pending) * 0.81);
  r.new_members = {
    cohort,
    activated,
    pending,
    retained_week1: retained,
    activation_rate: activated / cohort,
    week1_retention: retained / (cohort - pending),
  };
  const top = Array.from({ length: 10 }, (_, i) => ({ user_id: id(1000 + i), messages: Math.round((420 - i * 33) * scale) }));
  r.top_contributors = top;
  r.top_channels = Array.from({ length: 10 }, (_, i) => ({ channel_id: id(2000 + i), messages: Math.round((1800 - i * 160) * scale), active_members: Math.round((120 - i * 9) * scale) }));
  const weeks = Math.max(1, Math.ceil(days / 7));
  const firstWeek = addDays(from, -7 * 4);
  r.cohorts = Array.from({ length: 4 + weeks }, (_, w) => {
    const size = w === 2 ? 3 : Math.round((30 + 12 * rand()) * scale);
    const start = addDays(firstWeek, 7 * w);
    const weeksElapsed = Math.floor(daysBetween(start, to) / 7) + 1;
    const active_by_week = [0, 1, 2, 3, 4].map((k) => (k < weeksElapsed ? Math.round(size * [0.72, 0.46, 0.37, 0.31, 0.28][k]!) : null));
    return { week_start: start, size, active_by_week };
  });
  r.churn_risk = { count: 14, user_ids: Array.from({ length: 14 }, (_, i) => id(3000 + i)) };
  r.flags = { reactions: Math.round(23 * scale), messages_flagged: 9, flaggers: 12, reached_threshold: 4, resolved: 3, actioned: 2, dismissed: 1, median_minutes_to_resolution: 47 };
  return r;
}
