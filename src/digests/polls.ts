// Polls closed in a digest's period, read from the polls slice's store (read-only).
import type { Executor } from '../db/schema.js';
import { currentTally, listPolls } from '../polls/store.js';
import type { PollSource } from './content.js';
import { addDays, startOfDay } from '../zone.js';

/** The polls store lists newest first; a digest looks at this many of a guild's latest polls. */
const SCAN_LIMIT = 500;

export function closedPolls(db: Executor): PollSource {
  return async (q) => {
    const start = startOfDay(q.from, q.timezone);
    const end = startOfDay(addDays(q.to, 1), q.timezone);
    const polls = (await listPolls(db, q.guildId, { limit: SCAN_LIMIT }))
      .filter((p) => p.status === 'closed' && p.closedAt !== null && p.closedAt >= start && p.closedAt < end)
      .sort((a, b) => a.closedAt! - b.closedAt! || a.id - b.id);
    const out = [];
    for (const poll of polls) {
      const tally = await currentTally(db, poll.id);
      // Turnout is taken over the period's active members (see docs/digests.md).
      out.push({ question: poll.question, voters: tally?.voters ?? 0, eligible: null });
    }
    return out;
  };
}
