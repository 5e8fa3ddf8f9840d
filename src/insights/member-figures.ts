// The member figures of docs/metrics.md (joins and leaves, new members, engagement, cohorts, churn
// risk, flags) as pure functions over the folded activity: no kysely, no discord.js, no clock.
import { dateOf, startOfDay, weekStart } from '../zone.js';
import type { ActiveDays } from './active-days.js';
import { byCountThenId, WEEK_MS, type FlagReactionRow, type MemberEventRow, type MemberIndex, type ReportWindow } from './metrics.js';
import type { Report } from './report-types.js';

/**
 * Joins, leaves and each cohort member's join instant (first join in the period), by member index;
 * members[i] is event i's member index.
 */
export function memberFigures(events: readonly MemberEventRow[], members: Int32Array, w: ReportWindow): { joined: number; left: number; cohortJoins: Map<number, number> } {
  let joined = 0;
  let left = 0;
  const cohortJoins = new Map<number, number>();
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.at < w.periodStart || e.at >= w.periodEnd) continue;
    if (e.kind === 'join') {
      joined++;
      const m = members[i]!;
      const prev = cohortJoins.get(m);
      if (prev === undefined || e.at < prev) cohortJoins.set(m, e.at);
    } else left++;
  }
  return { joined, left, cohortJoins };
}

/** activated[m] = 1 for the cohort members who sent a message within their first week. */
export function newMemberFigures(cohortJoins: Map<number, number>, activated: Uint8Array, events: readonly MemberEventRow[], members: Int32Array, asOf: number): Report['new_members'] {
  // Cohort members with a leave within 7 × 24 hours after their join instant.
  const leftInWeek = new Set<number>();
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.kind !== 'leave') continue;
    const join = cohortJoins.get(members[i]!);
    if (join !== undefined && e.at >= join && e.at <= join + WEEK_MS) leftInWeek.add(members[i]!);
  }
  let pending = 0;
  let retained = 0;
  let act = 0;
  cohortJoins.forEach((join, member) => {
    if (activated[member] === 1) act++;
    if (join + WEEK_MS > asOf) pending++;
    else if (!leftInWeek.has(member)) retained++;
  });
  const cohort = cohortJoins.size;
  const settled = cohort - pending;
  return {
    cohort,
    activated: act,
    pending,
    retained_week1: retained,
    activation_rate: cohort === 0 ? 0 : act / cohort,
    week1_retention: settled === 0 ? 0 : retained / settled,
  };
}

/** DAU series, its mean, WAU/MAU ending on `to`, stickiness and active members. */
export function engagementFigures(active: ActiveDays, w: ReportWindow) {
  const series = active.perDay(w.fromDay, w.toDay);
  const dau = series.map((count, i) => ({ date: dateOf(w.fromDay + i), count }));
  const dauAvg = series.length ? series.reduce((a, b) => a + b, 0) / series.length : 0;
  const mauEnd = active.distinctIn(w.toDay - 29, w.toDay);
  const last30 = active.perDay(w.toDay - 29, w.toDay);
  const mean30 = last30.reduce((a, b) => a + b, 0) / 30;
  return {
    dau,
    dau_avg: dauAvg,
    wau_end: active.distinctIn(w.toDay - 6, w.toDay),
    mau_end: mauEnd,
    stickiness: mauEnd === 0 ? 0 : mean30 / mauEnd,
    active_members: active.distinctIn(w.fromDay, w.toDay),
  };
}

/** The weekly retention triangle: one cohort per week overlapping the period. */
export function cohortTriangle(events: readonly MemberEventRow[], members: Int32Array, active: ActiveDays, w: ReportWindow, timeZone: string): Report['cohorts'] {
  const firstJoin = new Map<number, number>();
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.kind !== 'join') continue;
    const m = members[i]!;
    if ((firstJoin.get(m) ?? Infinity) > e.at) firstJoin.set(m, e.at);
  }
  // The weeks' first instants (bounds[k] to bounds[k + 1]), then each member in the week of their first join.
  const starts: number[] = [];
  for (let ws = weekStart(w.fromDay); ws <= w.toDay; ws += 7) starts.push(ws);
  const bounds = [...starts, (starts.at(-1) ?? 0) + 7].map((day) => startOfDay(day, timeZone));
  const cohorts = starts.map((): number[] => []);
  firstJoin.forEach((at, m) => {
    if (at < bounds[0]! || at >= bounds.at(-1)!) return;
    let k = 0;
    while (at >= bounds[k + 1]!) k++;
    cohorts[k]!.push(m);
  });
  return starts.map((ws, i) => {
    const activeByWeek: Array<number | null> = [];
    for (let k = 0; k < 5; k++) {
      const d0 = ws + 7 * k;
      activeByWeek.push(d0 + 6 > w.toDay ? null : active.distinctIn(d0, d0 + 6, cohorts[i]!));
    }
    return { week_start: dateOf(ws), size: cohorts[i]!.length, active_by_week: activeByWeek };
  });
}

/**
 * Regulars of the 28 days ending 14 days before `to` who went quiet for the last 14 days; those in
 * `unnamed` (opted out, their rows not deleted yet) are left out, as they will be once deleted.
 */
export function churnRisk(events: readonly MemberEventRow[], members: Int32Array, active: ActiveDays, w: ReportWindow, index: MemberIndex, unnamed?: ReadonlySet<string>): Report['churn_risk'] {
  const cap = active.capacity;
  // Each member's last join or leave before the period's end: a leave means gone.
  const lastAt = new Float64Array(cap).fill(-Infinity);
  const gone = new Uint8Array(cap);
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const m = members[i]!;
    if (e.at >= w.periodEnd || m >= cap) continue;
    // Same instant: a leave after a join is the later state.
    if (e.at > lastAt[m]! || (e.at === lastAt[m]! && e.kind === 'leave')) {
      lastAt[m] = e.at;
      gone[m] = e.kind === 'leave' ? 1 : 0;
    }
  }
  const before = active.daysIn(w.toDay - 41, w.toDay - 14);
  const recent = active.anyIn(w.toDay - 13, w.toDay);
  const found: Array<{ id: string; days: number }> = [];
  for (let m = 0; m < cap; m++) {
    if (before[m]! >= 4 && recent[m] === 0 && gone[m] === 0 && !unnamed?.has(index.idOf(m))) found.push({ id: index.idOf(m), days: before[m]! });
  }
  found.sort(byCountThenId((x) => x.days, (x) => x.id));
  return { count: found.length, user_ids: found.map((x) => x.id) };
}

/**
 * Flag counts of the period: flags on another member's message (an unknown author is no
 * member's: a bot's or a webhook's), bots already excluded. An opted-out author's placeholder
 * (`~`) is a member's, and never a flagger's id: their messages' flags count.
 */
export function flagFigures(reactions: readonly FlagReactionRow[], threshold: number, w: ReportWindow) {
  const flags = reactions.filter((r) => r.authorId !== null && r.authorId !== r.userId).sort((a, b) => a.at - b.at);
  let count = 0;
  const messages = new Set<string>();
  const flaggers = new Set<string>();
  // Each message's distinct flaggers so far: the one flagger most messages get, or a short list.
  const seen = new Map<string, string | string[]>();
  let reached = 0;
  for (const f of flags) {
    const inPeriod = f.at >= w.periodStart && f.at < w.periodEnd;
    if (inPeriod) {
      count++;
      messages.add(f.messageId);
      flaggers.add(f.userId);
    }
    const who = seen.get(f.messageId);
    let distinct: number;
    if (who === undefined) {
      seen.set(f.messageId, f.userId);
      distinct = 1;
    } else if (typeof who === 'string') {
      if (who === f.userId) continue;
      seen.set(f.messageId, [who, f.userId]);
      distinct = 2;
    } else {
      if (who.includes(f.userId)) continue;
      distinct = who.push(f.userId);
    }
    if (distinct === threshold && inPeriod) reached++;
  }
  return { reactions: count, messages_flagged: messages.size, flaggers: flaggers.size, reached_threshold: reached };
}
