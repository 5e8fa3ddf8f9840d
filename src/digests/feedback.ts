// Feedback figures for a digest's period, read from the feedback slice's store (read-only).
import type { Executor } from '../db/schema.js';
import { isClosed } from '../feedback/feedback.js';
import { feedbackReport } from '../feedback/report.js';
import { listItems } from '../feedback/figures-store.js';
import { getSettings } from '../settings/store.js';
import { addDays, startOfDay } from '../zone.js';
import type { FeedbackSource } from './content.js';

/** The period's answer times and the top-voted open items. */
export function feedbackSummary(db: Executor): FeedbackSource {
  return async (q) => {
    const settings = await getSettings(db, q.guildId);
    const period = { start: startOfDay(q.from, q.timezone), end: startOfDay(addDays(q.to, 1), q.timezone) };
    const figures = await feedbackReport(db, q.guildId, period, q.asOf, settings.feedbackWaitingHours);
    const topOpen = (await listItems(db, q.guildId, 500))
      .filter((i) => i.postState === 'posted' && !isClosed(i.status) && i.votes.score > 0)
      .sort((a, b) => b.votes.score - a.votes.score || a.id - b.id)
      .slice(0, 3)
      .map((i) => ({ id: i.id, title: i.title, score: i.votes.score }));
    return { figures, topOpen };
  };
}
