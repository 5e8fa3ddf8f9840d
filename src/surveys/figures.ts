// Survey figures for other slices: the report's `surveys` array and the digest's survey lines (read-only).
import type { Executor } from '../db/schema.js';
import { headlineScores, responseRate } from './scoring.js';
import { previousRun, submittedResponses, surveysActiveIn, type Survey } from './store.js';

/** One survey in the report's JSON (docs/metrics.md): `{ id, title, responses, nps, csat }`. */
export interface SurveyFigure {
  id: string;
  title: string;
  responses: number;
  nps: number | null;
  csat: number | null;
}

/** A survey in a digest: what happened to it in the period and how it compares with its previous run. */
export interface SurveySummary extends SurveyFigure {
  openedInPeriod: boolean;
  closedInPeriod: boolean;
  status: Survey['status'];
  /** responses / members who could answer, when known. */
  rate: number | null;
  /** The previous run of the same recurring survey, if any. */
  previous: { nps: number | null; csat: number | null } | null;
}

async function scores(db: Executor, survey: Survey): Promise<{ responses: number; nps: number | null; csat: number | null }> {
  const rows = await submittedResponses(db, survey.id);
  return { responses: rows.length, ...headlineScores(survey.definition, rows.map((r) => r.answers)) };
}

/** The digest's rate: the same as /survey results' (members, not responses, of those who could answer). */
async function rate(db: Executor, survey: Survey): Promise<number | null> {
  return responseRate(survey, await submittedResponses(db, survey.id), survey.eligible);
}

/** Surveys open at some time in [from, to), oldest first. */
export async function surveyFigures(db: Executor, guildId: string, from: number, to: number): Promise<SurveyFigure[]> {
  const out: SurveyFigure[] = [];
  for (const survey of await surveysActiveIn(db, guildId, from, to)) out.push({ id: String(survey.id), title: survey.title, ...(await scores(db, survey)) });
  return out;
}

export async function surveySummaries(db: Executor, guildId: string, from: number, to: number): Promise<SurveySummary[]> {
  const out: SurveySummary[] = [];
  for (const survey of await surveysActiveIn(db, guildId, from, to)) {
    const s = await scores(db, survey);
    const prev = await previousRun(db, survey);
    out.push({
      id: String(survey.id),
      title: survey.title,
      ...s,
      status: survey.status,
      openedInPeriod: survey.openedAt !== null && survey.openedAt >= from && survey.openedAt < to,
      closedInPeriod: survey.closedAt !== null && survey.closedAt >= from && survey.closedAt < to,
      rate: await rate(db, survey),
      previous: prev ? headlineScores(prev.definition, (await submittedResponses(db, prev.id)).map((r) => r.answers)) : null,
    });
  }
  return out;
}
