// The report as readable text (pure): `pulse report` without --json.
import type { Report } from './report-types.js';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const num = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(2));
const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export function busiestHour(r: Report): string | null {
  let best: { d: number; h: number; n: number } | null = null;
  r.hour_of_week.forEach((row, d) => row.forEach((n, h) => {
    if (n > 0 && (!best || n > best.n)) best = { d, h, n };
  }));
  const b = best as { d: number; h: number; n: number } | null;
  return b ? `${DAYS[b.d]} ${String(b.h).padStart(2, '0')}:00 (${b.n} messages)` : null;
}

export function renderReportText(r: Report): string {
  const a = r.activity;
  const n = r.new_members;
  const f = r.flags;
  const lines = [
    `Pulse report for guild ${r.guild_id}: ${r.period.from} to ${r.period.to} (${r.timezone}), as of ${r.as_of}`,
    '',
    `Members      joined ${r.members.joined}, left ${r.members.left}, net ${r.members.net >= 0 ? '+' : ''}${r.members.net}`,
    `New members  ${n.cohort} joined; ${n.activated} sent a message in their first week (${pct(n.activation_rate)}); week-1 retention ${pct(n.week1_retention)} (${n.retained_week1} of ${n.cohort - n.pending}; ${n.pending} pending)`,
    `Activity     ${a.messages} messages, ${a.reactions} reactions (${num(a.reactions_per_message)} per message), ${a.threads_created} threads, ${a.voice_minutes} voice minutes`,
    `Engagement   ${a.active_members} active members; DAU ${num(a.dau_avg)} on average; WAU ${a.wau_end}, MAU ${a.mau_end} at the end; stickiness ${pct(a.stickiness)}`,
    `Daily        ${a.dau.map((d) => `${d.date.slice(5)} ${d.count}`).join(' · ')}`,
    `Busiest hour ${busiestHour(r) ?? 'no messages'}`,
    `Top members  ${r.top_contributors.map((c) => `${c.user_id} (${c.messages})`).join(', ') || 'none'}`,
    `Top channels ${r.top_channels.map((c) => `${c.channel_id} (${c.messages} messages, ${c.active_members} members)`).join(', ') || 'none'}`,
    `Cohorts      ${r.cohorts.map((c) => `${c.week_start}: ${c.size} [${c.active_by_week.map((x) => (x === null ? '–' : x)).join(' ')}]`).join('; ') || 'none'}`,
    `At risk      ${r.churn_risk.count} regulars went quiet${r.churn_risk.count ? `: ${r.churn_risk.user_ids.slice(0, 10).join(', ')}${r.churn_risk.count > 10 ? ', …' : ''}` : ''}`,
    `Flags        ${f.reactions} flags on ${f.messages_flagged} messages by ${f.flaggers} members; ${f.reached_threshold} reached the threshold; ${f.resolved} reviews closed (${f.actioned} actioned, ${f.dismissed} dismissed), median ${f.median_minutes_to_resolution ?? '–'} min`,
  ];
  if (r.feedback) {
    const fb = r.feedback;
    lines.push(
      `Feedback     ${fb.opened} opened, ${fb.responded} answered; first staff answer median ${fb.median_minutes_to_first_response ?? '–'} min, p90 ${fb.p90_minutes_to_first_response ?? '–'} min; within 30 min ${pct(fb.answered_within_30m)}, within 24 h ${pct(fb.answered_within_24h)}; median ${fb.median_hours_to_decision ?? '–'} h to decision; ${fb.waiting.count} waiting${fb.waiting.count ? `: ${fb.waiting.item_ids.slice(0, 10).map((id) => `#${id}`).join(', ')}` : ''}`,
    );
  }
  if (r.gaps?.length) lines.push(`Not listening ${r.gaps.map((g) => `${g.from} to ${g.to}`).join('; ')} (figures may be low there)`);
  return lines.join('\n');
}
