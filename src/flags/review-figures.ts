// The review part of the `flags` figures (METRICS.md), called by the report: reviews closed in a period.
import type { Executor } from '../db/schema.js';
import { closedReviewFigures, type ReviewFigures } from './figures-store.js';

export type { ReviewFigures };

/** Flag reviews closed in [startMs, endMs) for a guild: how many, actioned, dismissed, median minutes. */
export async function reviewFigures(db: Executor, guildId: string, startMs: number, endMs: number): Promise<ReviewFigures> {
  return closedReviewFigures(db, guildId, startMs, endMs);
}
