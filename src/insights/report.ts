// buildReport: the report of docs/metrics.md for one guild and period, as `report --json` prints it.
import { flagEmojiKey } from '../settings/settings.js';
import { dateOf, localDay } from '../zone.js';
import { feedbackReport } from '../feedback/figures-store.js';
import { closedReviewFigures } from '../flags/figures-store.js';
import { getSettings } from '../settings/store.js';
import { surveyFigures } from '../surveys/figures.js';
import { computeReport } from './compute.js';
import { reportWindow } from './metrics.js';
import type { Report } from './report-types.js';
import { executorOf, flagReactions, gapsOverlapping, hourBlocks, memberEvents, optedOutMembers, quarterRows, voiceSessions, type ReportSource } from './store.js';

export interface ReportOptions {
  guildId: string;
  /** Inclusive local dates YYYY-MM-DD. */
  from: string;
  to: string;
  /** IANA zone; the guild's setting when omitted. */
  timezone?: string;
  /** The moment the report is computed (epoch ms). */
  asOf: number;
}

/** The default period: the last `days` complete local days before as-of. */
export function lastCompleteDays(asOf: number, timeZone: string, days: number): { from: string; to: string } {
  const today = localDay(asOf, timeZone);
  return { from: dateOf(today - days), to: dateOf(today - 1) };
}

/**
 * Computes the report from a read handle (the app's Database, or a worker's read-only one).
 * Runs on the caller's thread: the bot runs it in its worker pool (src/workers/).
 */
export async function buildReport(source: ReportSource, options: ReportOptions): Promise<Report> {
  const db = executorOf(source);
  const settings = await getSettings(db, options.guildId);
  const timezone = options.timezone ?? settings.timezone;
  const w = reportWindow(options.from, options.to, timezone);
  const [review, gaps, surveys] = await Promise.all([
    closedReviewFigures(db, options.guildId, w.periodStart, w.periodEnd),
    gapsOverlapping(db, options.guildId, w.periodStart, w.periodEnd, options.asOf),
    surveyFigures(db, options.guildId, w.periodStart, w.periodEnd),
  ]);
  const quarters = quarterRows(source, options.guildId, w.scanStart, w.periodEnd);
  const voice = voiceSessions(source, options.guildId, w.scanStart, w.periodEnd);
  const members = memberEvents(source, options.guildId);
  const flags = flagReactions(source, options.guildId, flagEmojiKey(settings.flagEmoji), w.periodEnd);
  const { blocks, ids } = hourBlocks(source, options.guildId, w.scanStart, w.scanEnd);
  const feedback = await feedbackReport(db, options.guildId, { start: w.periodStart, end: w.periodEnd }, options.asOf, settings.feedbackWaitingHours);
  const report = computeReport({
    guildId: options.guildId,
    timezone,
    from: options.from,
    to: options.to,
    asOf: options.asOf,
    hours: blocks,
    ids,
    quarters,
    voice,
    memberEvents: members,
    flagReactions: flags,
    flagThreshold: settings.flagThreshold,
    review,
    gaps,
    surveys,
    optedOut: optedOutMembers(source, options.guildId),
  });
  // Key order as docs/metrics.md shows it: feedback after flags, then surveys, extra keys (gaps) last.
  const { gaps: gapList, surveys: surveyList, ...rest } = report;
  return { ...rest, feedback, ...(surveyList ? { surveys: surveyList } : {}), ...(gapList ? { gaps: gapList } : {}) };
}
