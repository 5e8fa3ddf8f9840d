// The report's `feedback` block (METRICS.md): the store's rows folded by the pure figures.
import type { Executor } from '../db/schema.js';
import { feedbackFigures, type FeedbackFigures } from './figures.js';
import { figureItems } from './figures-store.js';

export type { FeedbackFigures };

/** Answer-time figures of a guild for the period [start, end) as of `asOf`. */
export async function feedbackReport(db: Executor, guildId: string, period: { start: number; end: number }, asOf: number, waitingHours: number): Promise<FeedbackFigures> {
  const items = await figureItems(db, guildId, asOf);
  return feedbackFigures(items, { start: period.start, end: period.end, asOf, waitingMs: waitingHours * 3_600_000 });
}
