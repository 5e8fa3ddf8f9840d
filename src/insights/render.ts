// The report as readable text (pure): `pulse report` without --json, in a language.
import { formatNumber, formatPercent, t, weekdayNames, type Language } from '../i18n/index.js';
import type { Report } from './report-types.js';

const signed = (lang: Language, n: number) => `${n >= 0 ? '+' : ''}${formatNumber(lang, n)}`;

/** The busiest hour of the week, e.g. "Tue 18:00 (42 messages)", or null without messages. */
export function busiestHour(r: Report, lang: Language = 'en'): string | null {
  let best: { d: number; h: number; n: number } | null = null;
  r.hour_of_week.forEach((row, d) => row.forEach((n, h) => {
    if (n > 0 && (!best || n > best.n)) best = { d, h, n };
  }));
  const b = best as { d: number; h: number; n: number } | null;
  return b ? t(lang, 'insights.busiestValue', { day: weekdayNames(lang)[b.d]!, hour: `${String(b.h).padStart(2, '0')}:00`, count: b.n }) : null;
}

export function renderReportText(r: Report, lang: Language = 'en'): string {
  const a = r.activity;
  const n = r.new_members;
  const f = r.flags;
  const pct = (x: number) => formatPercent(lang, x, 1);
  const num = (x: number) => formatNumber(lang, x, Number.isInteger(x) ? 0 : 2);
  const none = t(lang, 'common.none');
  const lines = [
    t(lang, 'report.header', { guild: r.guild_id, from: r.period.from, to: r.period.to, zone: r.timezone, asOf: r.as_of }),
    '',
    t(lang, 'report.members', { joined: r.members.joined, left: r.members.left, net: signed(lang, r.members.net) }),
    t(lang, 'report.newMembers', { cohort: n.cohort, activated: n.activated, activation: pct(n.activation_rate), retention: pct(n.week1_retention), retained: n.retained_week1, settled: n.cohort - n.pending, pending: n.pending }),
    t(lang, 'report.activity', { messages: a.messages, reactions: a.reactions, perMessage: num(a.reactions_per_message), threads: a.threads_created, voice: a.voice_minutes }),
    t(lang, 'report.engagement', { active: a.active_members, dau: num(a.dau_avg), wau: a.wau_end, mau: a.mau_end, stickiness: pct(a.stickiness) }),
    t(lang, 'report.daily', { days: a.dau.map((d) => `${d.date.slice(5)} ${d.count}`).join(' · ') }),
    t(lang, 'report.busiest', { hour: busiestHour(r, lang) ?? t(lang, 'report.noMessages') }),
    t(lang, 'report.topMembers', { list: r.top_contributors.map((c) => `${c.user_id} (${c.messages})`).join(', ') || none }),
    t(lang, 'report.topChannels', { list: r.top_channels.map((c) => t(lang, 'report.topChannel', { channel: c.channel_id, messages: c.messages, members: c.active_members })).join(', ') || none }),
    t(lang, 'report.cohorts', { list: r.cohorts.map((c) => `${c.week_start}: ${c.size} [${c.active_by_week.map((x) => (x === null ? '–' : x)).join(' ')}]`).join('; ') || none }),
    t(lang, 'report.atRisk', { count: r.churn_risk.count, ids: r.churn_risk.count ? `: ${r.churn_risk.user_ids.slice(0, 10).join(', ')}${r.churn_risk.count > 10 ? ', …' : ''}` : '' }),
    t(lang, 'report.flags', { flags: f.reactions, messages: f.messages_flagged, flaggers: f.flaggers, reached: f.reached_threshold, resolved: f.resolved, actioned: f.actioned, dismissed: f.dismissed, median: f.median_minutes_to_resolution ?? '–' }),
  ];
  if (r.gaps?.length) lines.push(t(lang, 'report.gaps', { list: r.gaps.map((g) => `${g.from} – ${g.to}`).join('; ') }));
  return lines.join('\n');
}
