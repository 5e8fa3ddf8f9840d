// Polls closed in a digest's period and native polls voted in during it, read from the polls slice's store (read-only).
import type { Executor } from '../db/schema.js';
import type { Poll } from '../polls/poll.js';
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
    // A poll past its deadline but not yet closed (Pulse was down, and start-up closes due polls one
    // at a time) counts as closed at its deadline: votes after it are refused, so its counts are final.
    const closedAt = (p: Poll): number | null =>
      p.status === 'closed' ? p.closedAt : p.closesAt !== null && p.closesAt <= q.asOf ? p.closesAt : null;
    const polls = (await listPolls(db, q.guildId, { limit: SCAN_LIMIT }))
      .map((poll) => ({ poll, at: closedAt(poll) }))
      .filter((p): p is { poll: Poll; at: number } => p.at !== null && p.at >= start && p.at < end)
      .sort((a, b) => a.at - b.at || a.poll.id - b.poll.id)
      .map((p) => p.poll);
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
