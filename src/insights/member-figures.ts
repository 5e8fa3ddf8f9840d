// The member figures of docs/metrics.md (joins and leaves, new members, engagement, cohorts, churn
// risk, flags) as pure functions over the folded activity: no kysely, no discord.js, no clock.
import { dateOf, startOfDay, weekStart } from '../zone.js';
import { byCountThenId, WEEK_MS, type ActiveDays, type FlagReactionRow, type MemberEventRow, type MemberIndex, type ReportWindow } from './metrics.js';
import type { Report } from './report-types.js';

/** Joins, leaves and each cohort member's join instant (first join in the period), by member index. */
export function memberFigures(events: readonly MemberEventRow[], w: ReportWindow, index: MemberIndex): { joined: number; left: number; cohortJoins: Map<number, number> } {
  let joined = 0;
  let left = 0;
  const cohortJoins = new Map<number, number>();
  for (const e of events) {
    if (e.at < w.periodStart || e.at >= w.periodEnd) continue;
    if (e.kind === 'join') {
      joined++;
      const m = index.of(e.userId);
      const prev = cohortJoins.get(m);
      if (prev === undefined || e.at < prev) cohortJoins.set(m, e.at);
    } else left++;
  }
  return { joined, left, cohortJoins };
}

export function newMemberFigures(cohortJoins: Map<number, number>, activated: Set<number>, events: readonly MemberEventRow[], asOf: number, index: MemberIndex): Report['new_members'] {
  const leavesByMember = new Map<number, number[]>();
  for (const e of events) {
    if (e.kind !== 'leave') continue;
    const m = index.of(e.userId);
    if (!cohortJoins.has(m)) continue;
    const list = leavesByMember.get(m) ?? [];
    list.push(e.at);
    leavesByMember.set(m, list);
  }
  let pending = 0;
  let retained = 0;
  let act = 0;
  for (const [member, join] of cohortJoins) {
    if (activated.has(member)) act++;
    if (join + WEEK_MS > asOf) {
      pending++;
      continue;
    }
    const leaves = leavesByMember.get(member) ?? [];
    if (!leaves.some((at) => at >= join && at <= join + WEEK_MS)) retained++;
  }
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
export function cohortTriangle(events: readonly MemberEventRow[], active: ActiveDays, w: ReportWindow, timeZone: string, index: MemberIndex): Report['cohorts'] {
  const firstJoin = new Map<number, number>();
  for (const e of events) {
    if (e.kind !== 'join') continue;
    const m = index.of(e.userId);
    if ((firstJoin.get(m) ?? Infinity) > e.at) firstJoin.set(m, e.at);
  }
  const out: Report['cohorts'] = [];
  for (let ws = weekStart(w.fromDay); ws <= w.toDay; ws += 7) {
    const a = startOfDay(ws, timeZone);
    const b = startOfDay(ws + 7, timeZone);
    const members = [...firstJoin].filter(([, at]) => at >= a && at < b).map(([m]) => m);
    const activeByWeek: Array<number | null> = [];
    for (let k = 0; k < 5; k++) {
      const d0 = ws + 7 * k;
      activeByWeek.push(d0 + 6 > w.toDay ? null : active.distinctIn(d0, d0 + 6, members));
    }
    out.push({ week_start: dateOf(ws), size: members.length, active_by_week: activeByWeek });
  }
  return out;
}

/** Regulars of the 28 days ending 14 days before `to` who went quiet for the last 14 days. */
export function churnRisk(events: readonly MemberEventRow[], active: ActiveDays, w: ReportWindow, index: MemberIndex): Report['churn_risk'] {
  const left = new Map<number, MemberEventRow>();
  for (const e of events) {
    if (e.at >= w.periodEnd) continue;
    const m = index.of(e.userId);
    const prev = left.get(m);
    // Same instant: a leave after a join is the later state.
    if (!prev || e.at > prev.at || (e.at === prev.at && e.kind === 'leave')) left.set(m, e);
  }
  const found: Array<{ id: string; days: number }> = [];
  for (const m of active.members) {
    if (left.get(m)?.kind === 'leave') continue;
    const days = active.countIn(m, w.toDay - 41, w.toDay - 14);
    if (days >= 4 && active.countIn(m, w.toDay - 13, w.toDay) === 0) found.push({ id: index.idOf(m), days });
  }
  found.sort(byCountThenId((x) => x.days, (x) => x.id));
  return { count: found.length, user_ids: found.map((x) => x.id) };
}

/** Flag counts of the period: flags on another member's message, bots already excluded. */
export function flagFigures(reactions: readonly FlagReactionRow[], threshold: number, w: ReportWindow) {
  const flags = reactions.filter((r) => r.authorId !== null && r.authorId !== r.userId).sort((a, b) => a.at - b.at);
  let count = 0;
  const messages = new Set<string>();
  const flaggers = new Set<string>();
  const seen = new Map<string, Set<string>>();
  let reached = 0;
  for (const f of flags) {
    const inPeriod = f.at >= w.periodStart && f.at < w.periodEnd;
    if (inPeriod) {
      count++;
      messages.add(f.messageId);
      flaggers.add(f.userId);
    }
    let who = seen.get(f.messageId);
    if (!who) seen.set(f.messageId, (who = new Set()));
    if (who.has(f.userId)) continue;
    who.add(f.userId);
    if (who.size === threshold && inPeriod) reached++;
  }
  return { reactions: count, messages_flagged: messages.size, flaggers: flaggers.size, reached_threshold: reached };
}
