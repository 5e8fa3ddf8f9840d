// Survey results: distributions, mean/median, NPS, CSAT, per-role groups and the CSV export (pure).
import { toCsv } from '../csv.js';
import { languages, type Language } from '../i18n/index.js';
import { answerOf, answerText, choicesOf, isVisible, scaleOf, type Answers, type Definition, type Question } from './questions.js';

/** Groups smaller than this show counts only, never percentages or scores. */
export const MIN_GROUP = 5;

export interface QuestionResult {
  id: string;
  label: string;
  type: Question['type'];
  /** Responses that answered it (skipped optional or hidden questions do not count). */
  answered: number;
  /** Per choice or scale point, in order; empty for text questions. */
  counts: Array<{ label: string; value: string; count: number }>;
  /** The most chosen (several on a tie); empty with no answers or for text. */
  leaders: string[];
  mean: number | null;
  median: number | null;
  /** NPS questions only: 100 × (promoters − detractors) / answers; null with no answers. */
  nps: number | null;
  /** CSAT questions only: the fraction of answers that are 4 or 5; null with no answers. */
  csat: number | null;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

/** docs/metrics.md: promoters 9–10, detractors 0–6, over the answers; null with none. */
export function nps(scores: readonly number[]): number | null {
  if (scores.length === 0) return null;
  const promoters = scores.filter((s) => s >= 9).length;
  const detractors = scores.filter((s) => s <= 6).length;
  return (100 * (promoters - detractors)) / scores.length;
}

/** docs/metrics.md: the fraction of answers that are 4 or 5; null with none. */
export function csat(scores: readonly number[]): number | null {
  if (scores.length === 0) return null;
  return scores.filter((s) => s >= 4).length / scores.length;
}

export function scoreQuestion(def: Definition, q: Question, responses: readonly Answers[], lang: Language = 'en'): QuestionResult {
  const given = responses.map((r) => ({ r, a: answerOf(r, q.id) })).flatMap(({ r, a }) => (a !== undefined && isVisible(def, q, r) ? [a] : []));
  const choices = choicesOf(q, lang);
  const counts = choices.map((c) => ({ label: c.label, value: c.value, count: 0 }));
  const numbers: number[] = [];
  for (const a of given) {
    const picks = Array.isArray(a) ? a.map(String) : [String(a)];
    for (const p of picks) {
      const slot = counts.find((c) => c.value === p);
      if (slot) slot.count++;
    }
    if (scaleOf(q) && typeof a === 'number') numbers.push(a);
  }
  const top = Math.max(0, ...counts.map((c) => c.count));
  const scale = scaleOf(q) !== undefined;
  return {
    id: q.id,
    label: q.label,
    type: q.type,
    answered: given.length,
    counts,
    leaders: top === 0 ? [] : counts.filter((c) => c.count === top).map((c) => c.label),
    mean: scale ? mean(numbers) : null,
    median: scale ? median(numbers) : null,
    nps: q.type === 'nps' ? nps(numbers) : null,
    csat: q.type === 'csat' ? csat(numbers) : null,
  };
}

export function scoreSurvey(def: Definition, responses: readonly Answers[], lang: Language = 'en'): QuestionResult[] {
  return def.questions.map((q) => scoreQuestion(def, q, responses, lang));
}

/** The survey's headline scores: its first NPS and first CSAT question. */
export function headlineScores(def: Definition, responses: readonly Answers[]): { nps: number | null; csat: number | null } {
  const n = def.questions.find((q) => q.type === 'nps');
  const c = def.questions.find((q) => q.type === 'csat');
  return { nps: n ? scoreQuestion(def, n, responses).nps : null, csat: c ? scoreQuestion(def, c, responses).csat : null };
}

/**
 * The share of the members who could answer who did (docs/metrics.md): members who submitted /
 * members who could answer, so never above 1. A member counts once however many responses a
 * "many" survey took from them; an anonymous "many" survey cannot tell its members apart, so it
 * has no rate, and neither has a draft (never started) or a survey nobody could answer.
 */
export function responseRate(
  survey: { status: 'draft' | 'open' | 'closed'; anonymous: boolean; definition: Pick<Definition, 'responses'> },
  rows: ReadonlyArray<{ respondent: string | null }>,
  eligible: number | null,
): number | null {
  if (survey.status === 'draft' || !eligible || eligible <= 0) return null;
  let members: number;
  if (!survey.anonymous) members = new Set(rows.map((r) => r.respondent)).size;
  else if (survey.definition.responses === 'one') members = rows.length;
  else return null;
  // Members who answered and then left the server are not among those counted at the close.
  return Math.min(1, members / eligible);
}

export interface RoleGroup {
  roleId: string;
  responses: number;
  /** Only for groups of MIN_GROUP or more: the scale questions' scores. */
  scores: Array<{ id: string; label: string; mean: number | null; nps: number | null; csat: number | null }> | null;
}

/** Per role of the respondents (non-anonymous surveys): small groups get a count only. */
export function roleBreakdown(def: Definition, responses: ReadonlyArray<{ answers: Answers; roles: readonly string[] }>, ignoreRoles: readonly string[] = []): RoleGroup[] {
  const byRole = new Map<string, Answers[]>();
  for (const r of responses) {
    for (const role of new Set(r.roles)) {
      if (ignoreRoles.includes(role)) continue;
      const list = byRole.get(role) ?? [];
      list.push(r.answers);
      byRole.set(role, list);
    }
  }
  const scaleQs = def.questions.filter((q) => scaleOf(q));
  return [...byRole.entries()]
    .sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))
    .map(([roleId, list]) => ({
      roleId,
      responses: list.length,
      scores:
        list.length < MIN_GROUP
          ? null
          : scaleQs.map((q) => {
              const s = scoreQuestion(def, q, list);
              return { id: q.id, label: q.label, mean: s.mean, nps: s.nps, csat: s.csat };
            }),
    }));
}

// ------------------------------------------------------------------ CSV

export interface ExportRow {
  number: number;
  memberId: string | null;
  submittedAt: number | null;
  answers: Answers;
}

/** One row per response; anonymous surveys have no member or time column (src/csv.ts's format). */
export function responsesCsv(def: Definition, rows: readonly ExportRow[]): string {
  const header = ['response', ...(def.anonymous ? [] : ['member_id', 'submitted_at_utc']), ...def.questions.map((q) => q.id)];
  return toCsv(
    header,
    rows.map((r) => [
      r.number,
      ...(def.anonymous ? [] : [r.memberId, r.submittedAt === null ? null : new Date(r.submittedAt).toISOString()]),
      ...def.questions.map((q) => answerText(q, answerOf(r.answers, q.id))),
    ]),
  );
}

/**
 * An anonymous survey's rows in an order that carries no time: by their answers, as exported.
 * Stored order would be submit order, and let staff match row 1 with the first member who clicked.
 */
export function byAnswers<T extends { answers: Answers }>(def: Definition, rows: readonly T[]): T[] {
  const key = (r: T) => def.questions.map((q) => answerText(q, answerOf(r.answers, q.id))).join('\u0000');
  return rows
    .map((r) => ({ r, k: key(r) }))
    .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0))
    .map((x) => x.r);
}

/**
 * `value` rounded to `digits` decimals, halves away from zero (Math.round takes 2.5 to 3 but -2.5
 * to -2). The binary noise of a scaled fraction goes first: 23/40 × 100 is 57.49999999999999 in
 * floating point, and must show 58% as 1/8 shows 13%. What rounds to 0 has no sign.
 */
export function roundHalfAway(value: number, digits = 0): number {
  const scaled = Number((Math.abs(value) * 10 ** digits).toPrecision(12));
  return (Math.sign(value) * Math.round(scaled)) / 10 ** digits || 0;
}

/**
 * A score for people: NPS as a signed whole number, CSAT and rates as percentages, means with two
 * decimals. Halves round away from zero (roundHalfAway), and what rounds to 0 has no sign.
 */
export function formatNps(value: number | null): string {
  if (value === null) return '–';
  const whole = roundHalfAway(Math.abs(value));
  return whole === 0 ? '0' : `${value > 0 ? '+' : '-'}${whole}`;
}

export function formatPercent(fraction: number | null, lang: Language = 'en'): string {
  if (fraction === null) return '–';
  return new Intl.NumberFormat(languages[lang].intl, { style: 'percent', maximumFractionDigits: 0 }).format(roundHalfAway(fraction, 2)).replace(/\u00a0/g, ' ');
}

export function formatNumber(value: number | null, digits = 2, lang: Language = 'en'): string {
  if (value === null) return '–';
  return new Intl.NumberFormat(languages[lang].intl, { maximumFractionDigits: digits, useGrouping: false }).format(roundHalfAway(value, digits));
}
