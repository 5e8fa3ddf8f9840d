// The digest embed: a pure function of (report, previous report) -> APIEmbed, within Discord's limits.
import type { APIEmbed, APIEmbedField } from 'discord-api-types/v10';
import type { FeedbackFigures } from '../feedback/figures.js';
import type { Report } from '../insights/report-types.js';
import type { PeriodKind } from './schedule.js';
import { parseDate } from '../zone.js';

/** Groups smaller than this show counts, not percentages. */
export const MIN_GROUP = 5;
export const EMBED_LIMITS = { total: 6000, fields: 25, fieldValue: 1024, fieldName: 256, description: 4096, title: 256, footer: 2048 } as const;
export const DIGEST_COLOR = 0x5865f2;

export interface PollSummary {
  question: string;
  voters: number;
  /** Members who could vote, when known: turnout = voters / eligible. */
  eligible: number | null;
}

/** Feedback of the period: the answer-time figures and the top-voted open items. */
export interface FeedbackSummary {
  figures: FeedbackFigures;
  topOpen: Array<{ id: number; title: string; score: number }>;
}

export interface DigestInput {
  kind: PeriodKind;
  report: Report;
  previous: Report | null;
  /** Set when the run fell due while the bot was down: the instant it was due. */
  lateDueAt?: number;
  /** The attachment the charts are in, e.g. 'digest.png'. */
  imageName?: string;
  /** Closed polls of the period; undefined when the polls slice is not available. */
  polls?: PollSummary[];
  /** Feedback of the period; undefined when the feedback slice is not available. */
  feedback?: FeedbackSummary;
  /** Text for the footer's end, e.g. the run's period key. */
  footerNote?: string;
}

const nf = new Intl.NumberFormat('en-US');
const int = (n: number) => nf.format(Math.round(n));
const dec = (n: number, digits = 1) => new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(n);

export function percent(fraction: number): string {
  const p = fraction * 100;
  if (p > 0 && p < 1) return `${dec(p, 1)}%`;
  return `${Math.round(p)}%`;
}

/** ▲/▼ with the relative change of a count against the previous period; '' with nothing to compare. */
export function change(current: number, previous: number | undefined): string {
  if (previous === undefined) return '';
  if (current === previous) return ' · = 0%';
  if (previous === 0) return current > 0 ? ' · ▲ new' : ' · ▼';
  const rel = ((current - previous) / Math.abs(previous)) * 100;
  const arrow = rel > 0 ? '▲' : '▼';
  const size = Math.abs(rel);
  const shown = size < 1 ? '<1' : size >= 1000 ? int(size) : String(Math.round(size));
  return ` · ${arrow} ${shown}%`;
}

/** ▲/▼ in percentage points, for figures that are already rates. */
export function changePoints(current: number, previous: number | undefined): string {
  if (previous === undefined) return '';
  const pts = (current - previous) * 100;
  if (Math.abs(pts) < 0.5) return ' · = 0 pts';
  return ` · ${pts > 0 ? '▲' : '▼'} ${Math.round(Math.abs(pts))} pts`;
}

/** A rate shown as a percentage, or as counts when its group is too small to mean much. */
export function rate(part: number, whole: number, what: string): string {
  if (whole === 0) return `none yet`;
  if (whole < MIN_GROUP) return `${part} of ${whole} ${what}`;
  return `${percent(part / whole)} (${part} of ${whole})`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTHS_LONG = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
export const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export function shortDate(date: string): string {
  const { month, day } = parseDate(date);
  return `${MONTHS[month - 1]} ${day}`;
}

export function periodLabel(kind: PeriodKind, from: string, to: string): string {
  const a = parseDate(from);
  const b = parseDate(to);
  if (kind === 'month' && a.day === 1 && a.month === b.month && a.year === b.year) return `${MONTHS_LONG[a.month - 1]} ${a.year}`;
  if (from === to) return `${shortDate(from)}, ${a.year}`;
  if (a.year !== b.year) return `${shortDate(from)}, ${a.year} – ${shortDate(to)}, ${b.year}`;
  if (a.month === b.month) return `${shortDate(from)} – ${b.day}, ${b.year}`;
  return `${shortDate(from)} – ${shortDate(to)}, ${b.year}`;
}

const TITLES: Record<PeriodKind, string> = { day: 'Daily digest', week: 'Weekly digest', month: 'Monthly digest' };

interface Mover {
  label: string;
  cur: number;
  prev: number;
}

/** The headline: the figures that moved most, biggest first. */
export function headline(report: Report, previous: Report | null): string {
  if (!previous) return 'First digest: there is no earlier period to compare with yet.';
  const movers: Mover[] = [
    { label: 'Messages', cur: report.activity.messages, prev: previous.activity.messages },
    { label: 'Active members', cur: report.activity.active_members, prev: previous.activity.active_members },
    { label: 'Joins', cur: report.members.joined, prev: previous.members.joined },
    { label: 'Leaves', cur: report.members.left, prev: previous.members.left },
    { label: 'Average DAU', cur: report.activity.dau_avg, prev: previous.activity.dau_avg },
    { label: 'Voice minutes', cur: report.activity.voice_minutes, prev: previous.activity.voice_minutes },
    { label: 'Reactions', cur: report.activity.reactions, prev: previous.activity.reactions },
  ];
  const score = (m: Mover) => (m.prev === 0 ? (m.cur === 0 ? 0 : Infinity) : Math.abs(m.cur - m.prev) / m.prev);
  const moved = movers
    .filter((m) => m.cur !== m.prev && Math.max(m.cur, m.prev) >= 3)
    .sort((x, y) => score(y) - score(x))
    .slice(0, 3);
  if (moved.length === 0) return 'Steady: no figure moved noticeably against the previous period.';
  return `**What changed:** ${moved.map((m) => `${m.label}${change(m.cur, m.prev).replace(' · ', ' ')}`).join(' · ')}`;
}

function membersField(r: Report, p: Report | null): APIEmbedField {
  const net = r.members.net;
  const prevNet = p?.members.net;
  const netChange = prevNet === undefined ? '' : net === prevNet ? ' · = 0' : ` · ${net > prevNet ? '▲' : '▼'} ${Math.abs(net - prevNet)}`;
  return {
    name: '👥 Members',
    value: [
      `Joined **${int(r.members.joined)}**${change(r.members.joined, p?.members.joined)}`,
      `Left **${int(r.members.left)}**${change(r.members.left, p?.members.left)}`,
      `Net **${net > 0 ? '+' : ''}${int(net)}**${netChange}`,
    ].join('\n'),
    inline: true,
  };
}

function activityField(r: Report, p: Report | null): APIEmbedField {
  const a = r.activity;
  const b = p?.activity;
  const stick = a.mau_end < MIN_GROUP ? `n/a (MAU under ${MIN_GROUP})` : `**${percent(a.stickiness)}**${b && b.mau_end >= MIN_GROUP ? changePoints(a.stickiness, b.stickiness) : ''}`;
  return {
    name: '📈 Activity',
    value: [
      `Active members **${int(a.active_members)}**${change(a.active_members, b?.active_members)}`,
      `DAU avg **${dec(a.dau_avg)}**${change(a.dau_avg, b?.dau_avg)}`,
      `WAU **${int(a.wau_end)}**${change(a.wau_end, b?.wau_end)}`,
      `MAU **${int(a.mau_end)}**${change(a.mau_end, b?.mau_end)}`,
      `Stickiness ${stick}`,
    ].join('\n'),
    inline: true,
  };
}

function engagementField(r: Report, p: Report | null): APIEmbedField {
  const a = r.activity;
  const b = p?.activity;
  return {
    name: '💬 Engagement',
    value: [
      `Messages **${int(a.messages)}**${change(a.messages, b?.messages)}`,
      `Reactions/message **${dec(a.reactions_per_message, 2)}**${change(a.reactions_per_message, b?.reactions_per_message)}`,
      `Voice minutes **${int(a.voice_minutes)}**${change(a.voice_minutes, b?.voice_minutes)}`,
      `Threads **${int(a.threads_created)}**${change(a.threads_created, b?.threads_created)}`,
    ].join('\n'),
    inline: true,
  };
}

function newMembersField(r: Report, p: Report | null): APIEmbedField {
  const n = r.new_members;
  const settled = n.cohort - n.pending;
  const q = p?.new_members;
  const activation = n.cohort >= MIN_GROUP && q && q.cohort >= MIN_GROUP ? changePoints(n.activation_rate, q.activation_rate) : '';
  const prevSettled = q ? q.cohort - q.pending : 0;
  const retention = settled >= MIN_GROUP && q && prevSettled >= MIN_GROUP ? changePoints(n.week1_retention, q.week1_retention) : '';
  const lines = [
    `New members **${int(n.cohort)}**${change(n.cohort, q?.cohort)}`,
    `Activated (a message within 7 days): ${rate(n.activated, n.cohort, 'activated')}${activation}`,
    `Week-1 retention (still here after 7 days): ${rate(n.retained_week1, settled, 'stayed')}${retention}`,
  ];
  if (n.pending > 0) lines.push(`${int(n.pending)} joined less than 7 days ago and are not counted in retention yet.`);
  return { name: '🌱 New members', value: lines.join('\n') };
}

/** The weekly cohort triangle as a monospace table; small cohorts show counts. */
export function cohortTable(r: Report): string | null {
  const cohorts = r.cohorts.filter((c) => c.size > 0);
  if (cohorts.length === 0) return null;
  const header = `week of  size ${['w0', 'w1', 'w2', 'w3', 'w4'].map((w) => w.padStart(4)).join(' ')}`;
  const rows = cohorts.map((c) => {
    const cells = c.active_by_week.slice(0, 5).map((v) => {
      if (v === null) return '   ·';
      if (c.size < MIN_GROUP) return String(v).padStart(4);
      return `${Math.round((v / c.size) * 100)}%`.padStart(4);
    });
    while (cells.length < 5) cells.push('   ·');
    return `${shortDate(c.week_start).padEnd(7)} ${String(c.size).padStart(5)} ${cells.join(' ')}`;
  });
  const small = cohorts.some((c) => c.size < MIN_GROUP) ? `\nCohorts under ${MIN_GROUP} members show counts.` : '';
  return `\`\`\`\n${header}\n${rows.join('\n')}\n\`\`\`Share of each week's new members active k weeks later.${small}`;
}

function atRiskField(r: Report): APIEmbedField {
  const c = r.churn_risk;
  if (c.count === 0) return { name: '⚠️ At-risk regulars', value: 'None: every regular was active in the last 14 days.' };
  const shown = c.user_ids.slice(0, 10).map((id) => `<@${id}>`);
  const more = c.count > shown.length ? ` and ${int(c.count - shown.length)} more` : '';
  return {
    name: '⚠️ At-risk regulars',
    value: `**${int(c.count)}** regulars (active on 4+ days in the 4 weeks before) have been silent for 14 days: ${shown.join(' ')}${more}`,
  };
}

function topField(r: Report): APIEmbedField[] {
  const fields: APIEmbedField[] = [];
  if (r.top_contributors.length > 0) {
    fields.push({
      name: '🏆 Top contributors',
      value: r.top_contributors
        .slice(0, 5)
        .map((c, i) => `${i + 1}. <@${c.user_id}> · ${int(c.messages)}`)
        .join('\n'),
      inline: true,
    });
  }
  if (r.top_channels.length > 0) {
    fields.push({
      name: '📣 Top channels',
      value: r.top_channels
        .slice(0, 5)
        .map((c, i) => `${i + 1}. <#${c.channel_id}> · ${int(c.messages)} msgs · ${int(c.active_members)} members`)
        .join('\n'),
      inline: true,
    });
  }
  return fields;
}

/** The hours of the week with the most messages, busiest first (ties: earliest in the week). */
export function bestHours(hourOfWeek: number[][], count = 3): Array<{ day: number; hour: number; messages: number }> {
  const slots: Array<{ day: number; hour: number; messages: number }> = [];
  hourOfWeek.forEach((row, day) => row.forEach((messages, hour) => messages > 0 && slots.push({ day, hour, messages })));
  return slots.sort((a, b) => b.messages - a.messages || a.day - b.day || a.hour - b.hour).slice(0, count);
}

function bestHoursField(r: Report): APIEmbedField {
  const best = bestHours(r.hour_of_week);
  const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;
  return {
    name: '🕒 Best hours to post',
    value:
      best.length === 0
        ? 'Not enough messages yet.'
        : `${best.map((s) => `${DAY_NAMES[s.day]} ${hh(s.hour)}–${hh((s.hour + 1) % 24)} (${int(s.messages)} ${s.messages === 1 ? 'msg' : 'msgs'})`).join(' · ')}\nLocal time (${r.timezone}), from this period's messages.`,
  };
}

function flagsField(r: Report, p: Report | null): APIEmbedField {
  const f = r.flags;
  const q = p?.flags;
  const median = f.median_minutes_to_resolution === null ? '—' : formatMinutes(f.median_minutes_to_resolution);
  return {
    name: '🚩 Self-moderation',
    value: [
      `Flags **${int(f.reactions)}**${change(f.reactions, q?.reactions)} on ${int(f.messages_flagged)} messages by ${int(f.flaggers)} members`,
      `Cases opened **${int(f.reached_threshold)}** · resolved **${int(f.resolved)}** (${int(f.actioned)} actioned, ${int(f.dismissed)} dismissed)`,
      `Median time to resolution **${median}**`,
    ].join('\n'),
  };
}

export function formatMinutes(minutes: number): string {
  if (minutes < 60) return `${Math.round(minutes)} min`;
  const h = Math.floor(minutes / 60);
  const m = Math.round(minutes - h * 60);
  if (h < 48) return m ? `${h} h ${m} min` : `${h} h`;
  return `${dec(minutes / 1440)} days`;
}

function pollsField(polls: PollSummary[]): APIEmbedField {
  if (polls.length === 0) return { name: '🗳️ Polls closed', value: 'None in this period.' };
  const lines = polls.slice(0, 5).map((poll) => {
    const q = poll.question.length > 80 ? `${poll.question.slice(0, 79)}…` : poll.question;
    const turnout = poll.eligible && poll.eligible >= MIN_GROUP ? ` (${percent(poll.voters / poll.eligible)} turnout)` : '';
    return `“${q}”: ${int(poll.voters)} voters${turnout}`;
  });
  if (polls.length > 5) lines.push(`and ${polls.length - 5} more`);
  return { name: '🗳️ Polls closed', value: lines.join('\n') };
}

function feedbackField(s: FeedbackSummary): APIEmbedField {
  const f = s.figures;
  const median = f.median_minutes_to_first_response === null ? '—' : formatMinutes(f.median_minutes_to_first_response);
  const decision = f.median_hours_to_decision === null ? '—' : formatMinutes(f.median_hours_to_decision * 60);
  const lines = [
    `Items opened **${int(f.opened)}** · answered **${int(f.responded)}** · median first answer **${median}**`,
    `Answered within 30 min **${f.opened ? percent(f.answered_within_30m) : '—'}** · within 24 h **${f.opened ? percent(f.answered_within_24h) : '—'}** · median to decision **${decision}**`,
    `Waiting for staff: **${int(f.waiting.count)}**${f.waiting.count ? ` (${f.waiting.item_ids.slice(0, 5).map((id) => `#${id}`).join(', ')}${f.waiting.count > 5 ? ', …' : ''})` : ''}`,
  ];
  if (s.topOpen.length) lines.push(`Top open: ${s.topOpen.map((i) => `#${i.id} ${i.title.length > 40 ? `${i.title.slice(0, 39)}…` : i.title} (+${i.score})`).join(' · ')}`);
  return { name: '💡 Feedback', value: lines.join('\n') };
}

/** Gaps shorter than this (a quick restart) are not worth a manager's attention. */
export const MIN_GAP_MS = 60_000;

function gapsField(r: Report): APIEmbedField | null {
  const gaps = (r.gaps ?? []).filter((g) => Date.parse(g.to) - Date.parse(g.from) >= MIN_GAP_MS);
  if (gaps.length === 0) return null;
  const t = (iso: string) => `<t:${Math.floor(Date.parse(iso) / 1000)}:f>`;
  const lines = gaps.slice(0, 5).map((g) => `${t(g.from)} → ${t(g.to)} (${formatMinutes((Date.parse(g.to) - Date.parse(g.from)) / 60_000)})`);
  if (gaps.length > 5) lines.push(`and ${gaps.length - 5} more`);
  return { name: '🕳️ Gaps in data collection', value: `Pulse was not listening during:\n${lines.join('\n')}\nFigures for these spans are missing or low.` };
}

/** The digest embed. Pure: same input, same embed. */
export function renderDigest(input: DigestInput): APIEmbed {
  const { report: r, previous: p, kind } = input;
  const description: string[] = [];
  if (input.lateDueAt !== undefined) {
    description.push(`⏰ **Late**: this digest was due <t:${Math.floor(input.lateDueAt / 1000)}:f> while Pulse was offline.`);
  }
  description.push(headline(r, p));
  if (p) description.push(`Changes compare with ${periodLabel(kind, p.period.from, p.period.to)}.`);

  const fields: APIEmbedField[] = [membersField(r, p), activityField(r, p), engagementField(r, p), newMembersField(r, p)];
  const cohorts = cohortTable(r);
  if (cohorts) fields.push({ name: '🧮 Cohort retention (weekly)', value: cohorts });
  fields.push(atRiskField(r), ...topField(r), bestHoursField(r), flagsField(r, p));
  if (input.polls) fields.push(pollsField(input.polls));
  // Only for servers that use feedback: nothing opened, decided or waiting is no news.
  const fb = input.feedback;
  if (fb && (fb.figures.opened > 0 || fb.figures.waiting.count > 0 || fb.figures.median_hours_to_decision !== null || fb.topOpen.length > 0)) fields.push(feedbackField(fb));
  const gaps = gapsField(r);
  if (gaps) fields.push(gaps);

  const embed: APIEmbed = {
    title: `${TITLES[kind]}: ${periodLabel(kind, r.period.from, r.period.to)}`,
    description: description.join('\n'),
    color: DIGEST_COLOR,
    fields,
    footer: { text: `Pulse · ${r.period.from} to ${r.period.to} · ${r.timezone}${input.footerNote ? ` · ${input.footerNote}` : ''}` },
    timestamp: r.as_of,
  };
  if (input.imageName) embed.image = { url: `attachment://${input.imageName}` };
  return fitEmbed(embed);
}

/** Characters Discord counts towards the 6,000 limit. */
export function embedLength(embed: APIEmbed): number {
  let n = (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0) + (embed.author?.name.length ?? 0);
  for (const f of embed.fields ?? []) n += f.name.length + f.value.length;
  return n;
}

function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  // Cut at a line or space so a mention is never split; close a code block left open.
  let cut = text.slice(0, max - 5);
  const at = Math.max(cut.lastIndexOf('\n'), cut.lastIndexOf(' '));
  if (at > max / 2) cut = cut.slice(0, at);
  if ((cut.match(/```/g)?.length ?? 0) % 2 === 1) return `${cut}\n\`\`\``;
  return `${cut}…`;
}

/** Applies Discord's embed limits: clips long texts, then drops the last fields until it fits. */
export function fitEmbed(embed: APIEmbed): APIEmbed {
  const out: APIEmbed = { ...embed };
  if (out.title) out.title = clip(out.title, EMBED_LIMITS.title);
  if (out.description) out.description = clip(out.description, EMBED_LIMITS.description);
  if (out.footer) out.footer = { ...out.footer, text: clip(out.footer.text, EMBED_LIMITS.footer) };
  const fields = (out.fields ?? []).slice(0, EMBED_LIMITS.fields).map((f) => ({ ...f, name: clip(f.name, EMBED_LIMITS.fieldName), value: clip(f.value, EMBED_LIMITS.fieldValue) }));
  out.fields = fields;
  while (embedLength(out) > EMBED_LIMITS.total && fields.length > 0) fields.pop();
  if (embedLength(out) > EMBED_LIMITS.total && out.description) {
    out.description = clip(out.description, Math.max(1, out.description.length - (embedLength(out) - EMBED_LIMITS.total)));
  }
  return out;
}
