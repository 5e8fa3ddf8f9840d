// Builds one digest: the reports of a period and the one before it, the embed and the chart PNG.
import type { APIEmbed } from 'discord-api-types/v10';
import type { Language } from '../i18n/index.js';
import type { Report } from '../insights/report-types.js';
import type { SurveySummary } from '../surveys/figures.js';
import { renderDigest, type FeedbackSummary, type NativePollSummary, type PollSummary } from './render.js';
import { previousPeriod, periodKey, type Period } from './schedule.js';

export interface ReportQuery {
  guildId: string;
  from: string;
  to: string;
  timezone: string;
  asOf: number;
}

/** Where the figures come from: the insights slice's buildReport in the app, fixtures in tests. */
export type ReportMaker = (query: ReportQuery) => Report | Promise<Report>;

/** Closed polls of a period, when the polls slice offers them. */
export type PollSource = (query: ReportQuery) => PollSummary[] | undefined | Promise<PollSummary[] | undefined>;
/** Votes on native Discord polls cast in a period (counts only), when the polls slice offers them. */
export type NativePollSource = (query: ReportQuery) => NativePollSummary | undefined | Promise<NativePollSummary | undefined>;

/** Surveys open or closed in a period, when the surveys slice offers them. */
export type SurveySource = (query: ReportQuery) => SurveySummary[] | undefined | Promise<SurveySummary[] | undefined>;
/** Feedback answer times of a period, when the feedback slice offers them. */
export type FeedbackSource = (query: ReportQuery) => FeedbackSummary | undefined | Promise<FeedbackSummary | undefined>;

/**
 * The period's report, the previous period's and the chart in one go: in the app, one worker job,
 * so no other job is queued between them and a digest is never left waiting behind an export.
 */
export type FiguresSource = (current: ReportQuery, previous: ReportQuery, language?: Language) => Promise<{ report: Report; previous: Report; png: Buffer }>;

export const IMAGE_NAME = 'digest.png';

/** The chart drawn on this thread (tests, the CLI): the renderer (echarts, ~90 MB) loads on first use. */
const renderInPlace = async (report: Report, previous: Report, language?: Language): Promise<Buffer> => (await import('./charts.js')).renderDigestPng(report, previous, language);

export interface Digest {
  embed: APIEmbed;
  png: Buffer;
  report: Report;
  previous: Report;
}

export interface DigestRequest {
  guildId: string;
  timezone: string;
  period: Period;
  asOf: number;
  lateDueAt?: number;
  /** The server's language: the embed's text and the charts' titles and labels. */
  language?: Language;
}

/** Where a digest's parts come from, besides the reports: each optional section's source, and the chart renderer. */
export interface DigestSources {
  polls?: PollSource;
  nativePolls?: NativePollSource;
  surveys?: SurveySource;
  feedback?: FeedbackSource;
  /** Reports and chart together (the worker pool in the app); else the reports from the caller's maker, the chart drawn in place. */
  figures?: FiguresSource;
}

export async function buildDigest(reports: ReportMaker, request: DigestRequest, sources: DigestSources = {}): Promise<Digest> {
  const { polls, nativePolls: nativeSource, surveys, feedback: feedbackSource, figures } = sources;
  const { guildId, timezone, period, asOf } = request;
  const prev = previousPeriod(period);
  const current: ReportQuery = { guildId, from: period.from, to: period.to, timezone, asOf };
  const before: ReportQuery = { guildId, from: prev.from, to: prev.to, timezone, asOf };
  const { report, previous, png } = figures
    ? await figures(current, before, request.language)
    : await (async () => {
        const [report, previous] = [await reports(current), await reports(before)];
        return { report, previous, png: await renderInPlace(report, previous, request.language) };
      })();
  // Turnout: voters over the period's active members, unless the source knows better.
  const closedPolls = polls
    ? (await polls({ guildId, from: period.from, to: period.to, timezone, asOf }))?.map((p) => ({ ...p, eligible: p.eligible ?? report.activity.active_members }))
    : undefined;
  const nativePolls = nativeSource ? await nativeSource({ guildId, from: period.from, to: period.to, timezone, asOf }) : undefined;
  const periodSurveys = surveys ? await surveys({ guildId, from: period.from, to: period.to, timezone, asOf }) : undefined;
  const feedback = feedbackSource ? await feedbackSource({ guildId, from: period.from, to: period.to, timezone, asOf }) : undefined;
  const embed = renderDigest({
    kind: period.kind,
    report,
    previous,
    imageName: IMAGE_NAME,
    lateDueAt: request.lateDueAt,
    polls: closedPolls,
    nativePolls,
    surveys: periodSurveys,
    feedback,
    footerNote: periodKey(period),
    language: request.language,
  });
  return { embed, png, report, previous };
}
