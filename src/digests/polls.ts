// Polls closed in a digest's period and native polls voted in during it, read from the polls slice's store (read-only).
import type { Executor } from '../db/schema.js';
import { currentTally, listPolls, nativePollParticipation } from '../polls/store.js';
import type { NativePollSource, PollSource, ReportQuery } from './content.js';
import { addDays, startOfDay } from '../zone.js';

/** The polls store lists newest first; a digest looks at this many of a guild's latest polls. */
const SCAN_LIMIT = 500;

/** The instants a period covers, [start, end): its first local day's midnight to the one after its last day, in the server's zone. */
function periodBounds(q: ReportQuery): { start: number; end: number } {
  return { start: startOfDay(q.from, q.timezone), end: startOfDay(addDays(q.to, 1), q.timezone) };
}

export function closedPolls(db: Executor): PollSource {
  return async (q) => {
    const { start, end } = periodBounds(q);
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

/** Votes on native Discord polls cast in the period (withdrawn ones are gone): counts only, never who. */
export function nativePolls(db: Executor): NativePollSource {
  return (q) => {
    const { start, end } = periodBounds(q);
    return nativePollParticipation(db, q.guildId, start, end);
  };
}
