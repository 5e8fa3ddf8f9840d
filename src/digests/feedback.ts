// Feedback figures for a digest's period, read from the feedback slice's store (read-only).
import type { Executor } from '../db/schema.js';
import { feedbackReport, topOpenItems } from '../feedback/figures-store.js';
import { getSettings } from '../settings/store.js';
import { addDays, startOfDay } from '../zone.js';
import type { FeedbackSource } from './content.js';

/** The period's answer times and the top-voted open items. */
export function feedbackSummary(db: Executor): FeedbackSource {
  return async (q) => {
    const settings = await getSettings(db, q.guildId);
    const period = { start: startOfDay(q.from, q.timezone), end: startOfDay(addDays(q.to, 1), q.timezone) };
    const figures = await feedbackReport(db, q.guildId, period, q.asOf, settings.feedbackWaitingHours);
    const topOpen = await topOpenItems(db, q.guildId, 3);
    return { figures, topOpen };
  };
}
