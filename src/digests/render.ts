// The digest embed: a pure function of (report, previous report) -> APIEmbed, within Discord's limits.
import type { APIEmbed, APIEmbedField } from 'discord-api-types/v10';
import type { FeedbackFigures } from '../feedback/figures.js';
import type { Report } from '../insights/report-types.js';
import type { SurveySummary } from '../surveys/figures.js';
import { formatNps } from '../surveys/scoring.js';
import type { PeriodKind } from './schedule.js';
import { addDays, parseDate, startOfDay } from '../zone.js';
import { formatDate, formatDateRange, formatNumber, formatPercent, formatPeriod, t, weekdayNames, type Language, type MessageKey } from '../i18n/index.js';
import { discordTime, ellipsize, plainText, truncate } from '../text.js';

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

/** Votes on native Discord polls cast in the period: counts only, never who voted or how. */
export interface NativePollSummary {
  votes: number;
  voters: number;
  /** Native polls with at least one of those votes. */
  polls: number;
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
  /** Votes on native Discord polls cast in the period; a line in the polls section when there were any. */
  nativePolls?: NativePollSummary;
  /** Surveys open or closed in the period; undefined when the surveys slice is not available. */
  surveys?: SurveySummary[];
  /** Feedback of the period; undefined when the feedback slice is not available. */
  feedback?: FeedbackSummary;
  /** Text for the footer's end, e.g. the run's period key. */
  footerNote?: string;
  /** The server's language (default English). */
  language?: Language;
}

const int = (lang: Language, n: number) => formatNumber(lang, Math.round(n));
const dec = (lang: Language, n: number, digits = 1) => formatNumber(lang, n, digits);

export function percent(fraction: number, lang: Language = 'en'): string {
  const p = fraction * 100;
  if (p > 0 && p < 1) return formatPercent(lang, fraction, 1);
  return formatPercent(lang, Math.round(p) / 100);
}

/** ▲/▼ with the relative change of a count against the previous period; '' with nothing to compare. */
export function change(current: number, previous: number | undefined, lang: Language = 'en'): string {
  if (previous === undefined) return '';
  if (current === previous) return ` · = ${formatPercent(lang, 0)}`;
  if (previous === 0) return current > 0 ? ` · ▲ ${t(lang, 'digest.new')}` : ' · ▼';
  const rel = ((current - previous) / Math.abs(previous)) * 100;
  const arrow = rel > 0 ? '▲' : '▼';
  const size = Math.abs(rel);
  const shown = size < 1 ? `<${formatPercent(lang, 0.01)}` : formatPercent(lang, Math.round(size) / 100);
  return ` · ${arrow} ${shown}`;
}

/** ▲/▼ in percentage points, for figures that are already rates. */
export function changePoints(current: number, previous: number | undefined, lang: Language = 'en'): string {
  if (previous === undefined) return '';
  const pts = (current - previous) * 100;
  if (Math.abs(pts) < 0.5) return ` · = ${t(lang, 'digest.points', { count: 0 })}`;
  return ` · ${pts > 0 ? '▲' : '▼'} ${t(lang, 'digest.points', { count: Math.round(Math.abs(pts)) })}`;
}

/** A rate shown as a percentage, or as counts when its group is too small to mean much. */
export function rate(part: number, whole: number, what: 'digest.rateActivated' | 'digest.rateStayed', lang: Language = 'en'): string {
  if (whole === 0) return t(lang, 'digest.noneYet');
  if (whole < MIN_GROUP) return t(lang, what, { part, whole });
  return t(lang, 'digest.rate', { percent: percent(part / whole, lang), part, whole });
}

/** Weekday names, Monday first (English, for callers without a language). */
export const DAY_NAMES = weekdayNames('en');

export function shortDate(date: string, lang: Language = 'en'): string {
  return formatDate(lang, date, { month: 'short', day: 'numeric' });
}

export function periodLabel(kind: PeriodKind, from: string, to: string, lang: Language = 'en'): string {
  const a = parseDate(from);
  const b = parseDate(to);
  if (kind === 'month' && a.day === 1 && a.month === b.month && a.year === b.year) return formatDate(lang, from, { month: 'long', year: 'numeric' });
  if (from === to) return formatDate(lang, from, { month: 'short', day: 'numeric', year: 'numeric' });
  return formatDateRange(lang, from, to, { month: 'short', day: 'numeric', year: 'numeric' });
}

const TITLES: Record<PeriodKind, MessageKey> = { day: 'digest.title.day', week: 'digest.title.week', month: 'digest.title.month' };

interface Mover {
  label: MessageKey;
  cur: number;
  prev: number;
}

/** The headline: the figures that moved most, biggest first. */
export function headline(report: Report, previous: Report | null, lang: Language = 'en'): string {
  if (!previous) return t(lang, 'digest.first');
  const movers: Mover[] = [
    { label: 'digest.mover.messages', cur: report.activity.messages, prev: previous.activity.messages },
    { label: 'digest.mover.activeMembers', cur: report.activity.active_members, prev: previous.activity.active_members },
    { label: 'digest.mover.joins', cur: report.members.joined, prev: previous.members.joined },
    { label: 'digest.mover.leaves', cur: report.members.left, prev: previous.members.left },
    { label: 'digest.mover.dau', cur: report.activity.dau_avg, prev: previous.activity.dau_avg },
    { label: 'digest.mover.voice', cur: report.activity.voice_minutes, prev: previous.activity.voice_minutes },
    { label: 'digest.mover.reactions', cur: report.activity.reactions, prev: previous.activity.reactions },
  ];
  const score = (m: Mover) => (m.prev === 0 ? (m.cur === 0 ? 0 : Infinity) : Math.abs(m.cur - m.prev) / m.prev);
  const moved = movers
    .filter((m) => m.cur !== m.prev && Math.max(m.cur, m.prev) >= 3)
    .sort((x, y) => score(y) - score(x))
    .slice(0, 3);
  if (moved.length === 0) return t(lang, 'digest.steady');
  return t(lang, 'digest.whatChanged', { list: moved.map((m) => `${t(lang, m.label)}${change(m.cur, m.prev, lang).replace(' · ', ' ')}`).join(' · ') });
}

function membersField(lang: Language, r: Report, p: Report | null): APIEmbedField {
  const net = r.members.net;
  const prevNet = p?.members.net;
  const netChange = prevNet === undefined ? '' : net === prevNet ? ' · = 0' : ` · ${net > prevNet ? '▲' : '▼'} ${int(lang, Math.abs(net - prevNet))}`;
  return {
    name: t(lang, 'digest.members'),
    value: [
      t(lang, 'digest.joined', { value: int(lang, r.members.joined) }) + change(r.members.joined, p?.members.joined, lang),
      t(lang, 'digest.left', { value: int(lang, r.members.left) }) + change(r.members.left, p?.members.left, lang),
      t(lang, 'digest.net', { value: `${net > 0 ? '+' : ''}${int(lang, net)}` }) + netChange,
    ].join('\n'),
    inline: true,
  };
}

function activityField(lang: Language, r: Report, p: Report | null): APIEmbedField {
  const a = r.activity;
  const b = p?.activity;
  const stick = a.mau_end < MIN_GROUP ? t(lang, 'digest.stickinessNa', { min: MIN_GROUP }) : `**${percent(a.stickiness, lang)}**${b && b.mau_end >= MIN_GROUP ? changePoints(a.stickiness, b.stickiness, lang) : ''}`;
  return {
    name: t(lang, 'digest.activity'),
    value: [
      t(lang, 'digest.activeMembers', { value: int(lang, a.active_members) }) + change(a.active_members, b?.active_members, lang),
      t(lang, 'digest.dauAvg', { value: dec(lang, a.dau_avg) }) + change(a.dau_avg, b?.dau_avg, lang),
      t(lang, 'digest.wau', { value: int(lang, a.wau_end) }) + change(a.wau_end, b?.wau_end, lang),
      t(lang, 'digest.mau', { value: int(lang, a.mau_end) }) + change(a.mau_end, b?.mau_end, lang),
      t(lang, 'digest.stickiness', { value: stick }),
    ].join('\n'),
    inline: true,
  };
}

function engagementField(lang: Language, r: Report, p: Report | null): APIEmbedField {
  const a = r.activity;
  const b = p?.activity;
  return {
    name: t(lang, 'digest.engagement'),
    value: [
      t(lang, 'digest.messages', { value: int(lang, a.messages) }) + change(a.messages, b?.messages, lang),
      t(lang, 'digest.reactionsPerMessage', { value: dec(lang, a.reactions_per_message, 2) }) + change(a.reactions_per_message, b?.reactions_per_message, lang),
      t(lang, 'digest.voiceMinutes', { value: int(lang, a.voice_minutes) }) + change(a.voice_minutes, b?.voice_minutes, lang),
      t(lang, 'digest.threads', { value: int(lang, a.threads_created) }) + change(a.threads_created, b?.threads_created, lang),
    ].join('\n'),
    inline: true,
  };
}

function newMembersField(lang: Language, r: Report, p: Report | null): APIEmbedField {
  const n = r.new_members;
  const settled = n.cohort - n.pending;
  const q = p?.new_members;
  const activation = n.cohort >= MIN_GROUP && q && q.cohort >= MIN_GROUP ? changePoints(n.activation_rate, q.activation_rate, lang) : '';
  const prevSettled = q ? q.cohort - q.pending : 0;
  const retention = settled >= MIN_GROUP && q && prevSettled >= MIN_GROUP ? changePoints(n.week1_retention, q.week1_retention, lang) : '';
  const lines = [
    t(lang, 'digest.newMembersCount', { value: int(lang, n.cohort) }) + change(n.cohort, q?.cohort, lang),
    t(lang, 'digest.activated', { value: rate(n.activated, n.cohort, 'digest.rateActivated', lang) }) + activation,
    t(lang, 'digest.retention', { value: rate(n.retained_week1, settled, 'digest.rateStayed', lang) }) + retention,
  ];
  if (n.pending > 0) lines.push(t(lang, 'digest.pending', { count: n.pending }));
  return { name: t(lang, 'digest.newMembers'), value: lines.join('\n') };
}

/** The weekly cohort triangle as a monospace table; small cohorts show counts. */
export function cohortTable(r: Report, lang: Language = 'en'): string | null {
  const cohorts = r.cohorts.filter((c) => c.size > 0);
  if (cohorts.length === 0) return null;
  // Cells as wide as the widest they can hold: "100%", or "100 %" in Spanish and Russian.
  const cell = Math.max(4, formatPercent(lang, 1).length);
  const weeks = [0, 1, 2, 3, 4].map((k) => t(lang, 'digest.cohort.week', { k }).padStart(cell));
  // The first column is as wide as its longest entry: short dates run to 8 characters in Russian ("14 сент.").
  const dates = cohorts.map((c) => shortDate(c.week_start, lang));
  const weekOf = t(lang, 'digest.cohort.weekOf');
  const width = Math.max(weekOf.length, ...dates.map((d) => d.length));
  const header = `${weekOf.padEnd(width)} ${t(lang, 'digest.cohort.size').padStart(5)} ${weeks.join(' ')}`;
  const rows = cohorts.map((c, i) => {
    const cells = c.active_by_week.slice(0, 5).map((v) => {
      if (v === null) return '·'.padStart(cell);
      if (c.size < MIN_GROUP) return int(lang, v).padStart(cell);
      return formatPercent(lang, Math.round((v / c.size) * 100) / 100).padStart(cell);
    });
    while (cells.length < 5) cells.push('·'.padStart(cell));
    return `${dates[i]!.padEnd(width)} ${int(lang, c.size).padStart(5)} ${cells.join(' ')}`;
  });
  const small = cohorts.some((c) => c.size < MIN_GROUP) ? `\n${t(lang, 'digest.cohort.small', { min: MIN_GROUP })}` : '';
  return `\`\`\`\n${header}\n${rows.join('\n')}\n\`\`\`${t(lang, 'digest.cohort.explain')}${small}`;
}

function atRiskField(lang: Language, r: Report): APIEmbedField {
  const c = r.churn_risk;
  if (c.count === 0) return { name: t(lang, 'digest.atRisk'), value: t(lang, 'digest.atRiskNone') };
  const shown = c.user_ids.slice(0, 10).map((id) => `<@${id}>`);
  const more = c.count > shown.length ? t(lang, 'digest.andMore', { count: c.count - shown.length }) : '';
  return {
    name: t(lang, 'digest.atRisk'),
    value: `${t(lang, 'digest.atRiskValue', { count: c.count })} ${shown.join(' ')}${more ? ` ${more}` : ''}`,
  };
}

function topField(lang: Language, r: Report): APIEmbedField[] {
  const fields: APIEmbedField[] = [];
  if (r.top_contributors.length > 0) {
    fields.push({
      name: t(lang, 'digest.topContributors'),
      value: r.top_contributors
        .slice(0, 5)
        .map((c, i) => `${i + 1}. <@${c.user_id}> · ${int(lang, c.messages)}`)
        .join('\n'),
      inline: true,
    });
  }
  if (r.top_channels.length > 0) {
    fields.push({
      name: t(lang, 'digest.topChannels'),
      value: r.top_channels
        .slice(0, 5)
        .map((c, i) => `${i + 1}. <#${c.channel_id}> · ${t(lang, 'digest.topChannelFigures', { messages: c.messages, members: c.active_members })}`)
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

function bestHoursField(lang: Language, r: Report): APIEmbedField {
  const best = bestHours(r.hour_of_week);
  const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;
  const days = weekdayNames(lang);
  return {
    name: t(lang, 'digest.bestHours'),
    value:
      best.length === 0
        ? t(lang, 'digest.bestHoursNone')
        : `${best.map((s) => `${days[s.day]} ${hh(s.hour)}–${hh((s.hour + 1) % 24)} (${t(lang, 'digest.msgs', { count: s.messages })})`).join(' · ')}\n${t(lang, 'digest.bestHoursNote', { zone: r.timezone })}`,
  };
}

function flagsField(lang: Language, r: Report, p: Report | null): APIEmbedField {
  const f = r.flags;
  const q = p?.flags;
  const median = f.median_minutes_to_resolution === null ? '—' : formatMinutes(f.median_minutes_to_resolution, lang);
  return {
    name: t(lang, 'digest.flags'),
    value: [
      t(lang, 'digest.flagsLine', { flags: int(lang, f.reactions), change: change(f.reactions, q?.reactions, lang), messages: f.messages_flagged, flaggers: f.flaggers }),
      // Messages whose distinct 🚩 flaggers reached the threshold (raw reactions): not the review
      // cases, which follow the flags slice's own rules (docs/metrics.md).
      t(lang, 'digest.thresholdLine', { reached: f.reached_threshold, resolved: f.resolved, actioned: f.actioned, dismissed: f.dismissed }),
      t(lang, 'digest.medianLine', { value: median }),
    ].join('\n'),
  };
}

export function formatMinutes(minutes: number, lang: Language = 'en'): string {
  if (minutes < 60) return t(lang, 'digest.duration.minutes', { m: Math.round(minutes) });
  const h = Math.floor(minutes / 60);
  const m = Math.round(minutes - h * 60);
  if (h < 48) return m ? t(lang, 'digest.duration.hoursMinutes', { h, m }) : t(lang, 'digest.duration.hours', { h });
  return t(lang, 'digest.duration.days', { days: dec(lang, minutes / 1440) });
}

function pollsField(lang: Language, polls: PollSummary[] | undefined, native: NativePollSummary | undefined): APIEmbedField {
  // Native polls: one line of counts, kept whole however long the list above it.
  const nativeLine = native && native.votes > 0 ? t(lang, 'digest.nativePolls', { votes: native.votes, voters: native.voters, polls: native.polls }) : null;
  const lines: string[] = [];
  if (polls && polls.length === 0) lines.push(t(lang, 'digest.pollsNone'));
  for (const poll of (polls ?? []).slice(0, 5)) {
    // The question is the member's own text: shown as written, only shortened.
    const q = ellipsize(poll.question, 80);
    // More voters than the base means the base is not who could vote (voting is not activity, and a
    // poll's voters span its whole life): no turnout rather than one over 100%.
    const turnout = poll.eligible && poll.eligible >= MIN_GROUP && poll.voters <= poll.eligible ? ` ${t(lang, 'digest.turnout', { percent: percent(poll.voters / poll.eligible, lang) })}` : '';
    lines.push(`“${plainText(q)}”: ${t(lang, 'digest.voters', { count: poll.voters })}${turnout}`);
  }
  if (polls && polls.length > 5) lines.push(t(lang, 'digest.andMore', { count: polls.length - 5 }));
  if (!nativeLine) return { name: t(lang, 'digest.polls'), value: lines.join('\n') };
  const list = lines.length ? `${clip(lines.join('\n'), EMBED_LIMITS.fieldValue - nativeLine.length - 1)}\n` : '';
  return { name: t(lang, 'digest.polls'), value: `${list}${nativeLine}` };
}

function scoreChange(lang: Language, current: number | null, previous: number | null | undefined, asPercent: boolean): string {
  if (current === null) return '–';
  // NPS as /survey results shows it: halves away from zero, no sign on 0.
  const shown = asPercent ? percent(current, lang) : formatNps(current);
  if (previous === null || previous === undefined) return shown;
  const delta = asPercent ? (current - previous) * 100 : current - previous;
  if (Math.abs(delta) < 0.5) return `${shown} ${t(lang, 'digest.surveys.same')}`;
  const change = `${delta > 0 ? '▲' : '▼'} ${Math.round(Math.abs(delta))}`;
  return `${shown} ${t(lang, asPercent ? 'digest.surveys.changePoints' : 'digest.surveys.change', { change })}`;
}

const SURVEY_STATE: Record<'closed' | 'opened' | 'open', MessageKey> = { closed: 'digest.surveys.closed', opened: 'digest.surveys.opened', open: 'digest.surveys.open' };

/** Surveys open, opened or closed in the period; member-written titles are shown as written. */
export function surveysField(surveys: SurveySummary[], lang: Language = 'en'): APIEmbedField | null {
  const shown = surveys.filter((s) => s.openedInPeriod || s.closedInPeriod || s.status === 'open');
  if (shown.length === 0) return null;
  const lines = shown.slice(0, 5).map((s) => {
    const title = plainText(ellipsize(s.title, 60));
    const what = t(lang, SURVEY_STATE[s.closedInPeriod ? 'closed' : s.openedInPeriod ? 'opened' : 'open']);
    const rate = s.rate !== null ? ` ${t(lang, 'digest.surveys.rate', { percent: percent(s.rate, lang) })}` : '';
    const scores = [s.nps !== null ? `NPS ${scoreChange(lang, s.nps, s.previous?.nps, false)}` : null, s.csat !== null ? `CSAT ${scoreChange(lang, s.csat, s.previous?.csat, true)}` : null].filter(Boolean);
    return `#${s.id} “${title}” ${what}: ${t(lang, 'digest.surveys.responses', { count: s.responses })}${rate}${scores.length ? ` · ${scores.join(' · ')}` : ''}`;
  });
  if (shown.length > 5) lines.push(t(lang, 'digest.andMore', { count: shown.length - 5 }));
  return { name: t(lang, 'digest.surveys'), value: lines.join('\n') };
}

function feedbackField(lang: Language, s: FeedbackSummary): APIEmbedField {
  const f = s.figures;
  const median = f.median_minutes_to_first_response === null ? '—' : formatMinutes(f.median_minutes_to_first_response, lang);
  const decision = f.median_hours_to_decision === null ? '—' : formatMinutes(f.median_hours_to_decision * 60, lang);
  const waitingList = f.waiting.count ? ` (${f.waiting.item_ids.slice(0, 5).map((id) => `#${id}`).join(', ')}${f.waiting.count > 5 ? ', …' : ''})` : '';
  const lines = [
    t(lang, 'digest.feedbackOpened', { opened: int(lang, f.opened), answered: int(lang, f.responded), median }),
    t(lang, 'digest.feedbackWithin', { in30: f.opened ? percent(f.answered_within_30m, lang) : '—', in24: f.opened ? percent(f.answered_within_24h, lang) : '—', decision }),
    t(lang, 'digest.feedbackWaiting', { count: int(lang, f.waiting.count), list: waitingList }),
  ];
  // Titles are the members' own text: shown as written (escaped), only shortened.
  if (s.topOpen.length) lines.push(t(lang, 'digest.feedbackTop', { items: s.topOpen.map((i) => `#${i.id} ${plainText(ellipsize(i.title, 40))} (+${i.score})`).join(' · ') }));
  return { name: t(lang, 'digest.feedback'), value: lines.join('\n') };
}

/** Gaps shorter than this (a quick restart) are not worth a manager's attention. */
export const MIN_GAP_MS = 60_000;

/**
 * Whole minutes of the report's period Pulse did not listen to; 0 for none. Gaps that count
 * (MIN_GAP_MS or longer) are cut to the period [start of `from`, start of the day after `to`) in
 * the report's zone and merged where they overlap, so a gap reaching past the period or listed
 * twice is not counted in full or twice.
 */
function gapMinutes(r: Report): number {
  // A zone the runtime does not know (a hand-made report) cuts at UTC days rather than failing the digest.
  const dayStart = (date: string) => {
    try {
      return startOfDay(date, r.timezone);
    } catch {
      return startOfDay(date, 'UTC');
    }
  };
  const start = dayStart(r.period.from);
  const end = dayStart(addDays(r.period.to, 1));
  const spans = (r.gaps ?? [])
    .map((g) => ({ from: Date.parse(g.from), to: Date.parse(g.to) }))
    .filter((g) => g.to - g.from >= MIN_GAP_MS)
    .map((g) => ({ from: Math.max(g.from, start), to: Math.min(g.to, end) }))
    .filter((g) => g.to > g.from)
    .sort((a, b) => a.from - b.from);
  let ms = 0;
  let reached = -Infinity;
  for (const g of spans) {
    const from = Math.max(g.from, reached);
    if (g.to > from) ms += g.to - from;
    reached = Math.max(reached, g.to);
  }
  return Math.floor(ms / 60_000);
}

function gapsField(lang: Language, r: Report): APIEmbedField | null {
  const gaps = (r.gaps ?? []).filter((g) => Date.parse(g.to) - Date.parse(g.from) >= MIN_GAP_MS);
  if (gaps.length === 0) return null;
  const ts = (iso: string) => discordTime(Date.parse(iso), 'f');
  const lines = gaps.slice(0, 5).map((g) => `${ts(g.from)} → ${ts(g.to)} (${formatMinutes((Date.parse(g.to) - Date.parse(g.from)) / 60_000, lang)})`);
  if (gaps.length > 5) lines.push(t(lang, 'digest.andMore', { count: gaps.length - 5 }));
  return { name: t(lang, 'digest.gaps'), value: t(lang, 'digest.gapsValue', { list: lines.join('\n') }) };
}

/** The digest embed. Pure: same input, same embed. */
export function renderDigest(input: DigestInput): APIEmbed {
  const { report: r, previous: p, kind } = input;
  const lang = input.language ?? 'en';
  const description: string[] = [];
  if (input.lateDueAt !== undefined) {
    description.push(t(lang, 'digest.late', { at: discordTime(input.lateDueAt, 'f') }));
  }
  description.push(headline(r, p, lang));
  // (A label that ends with an abbreviation's period, as Russian dates do in "г.", takes no second one.)
  if (p) description.push(t(lang, 'digest.compare', { period: periodLabel(kind, p.period.from, p.period.to, lang) }).replace(/\.\.$/, '.'));
  // Figures of a span Pulse did not listen to are low: a change against it, or within it, is partly that.
  if (p) {
    const before = gapMinutes(p);
    const now = gapMinutes(r);
    if (before > 0) description.push(t(lang, 'digest.compareGapsPrevious', { duration: formatMinutes(before, lang), period: periodLabel(kind, p.period.from, p.period.to, lang) }));
    if (now > 0) description.push(t(lang, 'digest.compareGapsCurrent', { duration: formatMinutes(now, lang) }));
  }

  const fields: APIEmbedField[] = [membersField(lang, r, p), activityField(lang, r, p), engagementField(lang, r, p), newMembersField(lang, r, p)];
  const cohorts = cohortTable(r, lang);
  if (cohorts) fields.push({ name: t(lang, 'digest.cohorts'), value: cohorts });
  fields.push(atRiskField(lang, r), ...topField(lang, r), bestHoursField(lang, r), flagsField(lang, r, p));
  if (input.polls || (input.nativePolls && input.nativePolls.votes > 0)) fields.push(pollsField(lang, input.polls, input.nativePolls));
  const surveys = input.surveys ? surveysField(input.surveys, lang) : null;
  if (surveys) fields.push(surveys);
  // Only for servers that use feedback: nothing opened, decided or waiting is no news.
  const fb = input.feedback;
  if (fb && (fb.figures.opened > 0 || fb.figures.waiting.count > 0 || fb.figures.median_hours_to_decision !== null || fb.topOpen.length > 0)) fields.push(feedbackField(lang, fb));
  const gaps = gapsField(lang, r);
  if (gaps) fields.push(gaps);

  const embed: APIEmbed = {
    title: `${t(lang, TITLES[kind])}: ${periodLabel(kind, r.period.from, r.period.to, lang)}`,
    description: description.join('\n'),
    color: DIGEST_COLOR,
    fields,
    footer: { text: `${t(lang, 'digest.footer', { period: formatPeriod(lang, r.period.from, r.period.to), zone: r.timezone })}${input.footerNote ? ` · ${input.footerNote}` : ''}` },
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
  // Cut at a line or space so a mention is never split (and never through an emoji); close a code block left open.
  let cut = truncate(text, max - 5);
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
