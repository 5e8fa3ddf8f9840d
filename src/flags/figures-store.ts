// The flag and review figures (docs/metrics.md, /flags stats) read from the flags tables.
import { sql } from 'kysely';
import type { Executor } from '../db/schema.js';
import { isActioned, median, minutesBetween, type CaseOutcome } from './flags.js';

export interface ReviewFigures {
  resolved: number;
  actioned: number;
  dismissed: number;
  median_minutes_to_resolution: number | null;
}

/** docs/metrics.md: reviews closed in [start, end), how many actioned or dismissed, median minutes from threshold to close. */
export async function closedReviewFigures(db: Executor, guildId: string, startMs: number, endMs: number): Promise<ReviewFigures> {
  const rows = await db
    .selectFrom('flag_cases')
    .select(['outcome', 'opened_at', 'closed_at'])
    .where('guild_id', '=', guildId)
    .where('status', '=', 'closed')
    .where('closed_at', '>=', startMs)
    .where('closed_at', '<', endMs)
    .execute();
  return {
    resolved: rows.length,
    actioned: rows.filter((r) => isActioned(r.outcome as CaseOutcome)).length,
    dismissed: rows.filter((r) => r.outcome === 'dismissed').length,
    median_minutes_to_resolution: median(rows.map((r) => minutesBetween(r.opened_at, r.closed_at ?? r.opened_at))),
  };
}

export interface FlagStats extends ReviewFigures {
  reactions: number;
  commandFlags: number;
  messagesFlagged: number;
  flaggers: number;
  reachedThreshold: number;
  medianMinutesToClaim: number | null;
  topReasons: Array<{ reason: string; flags: number }>;
  /** Per flagger on a case closed in the period, with a flag made at or before its close: who flagged and how it ended. */
  closedCaseFlags: Array<{ userId: string; outcome: CaseOutcome }>;
}

/** The figures of `/flags stats` for [start, end). Flags include withdrawn ones (a flag was made). */
export async function flagStats(db: Executor, guildId: string, startMs: number, endMs: number): Promise<FlagStats> {
  const inPeriod = db.selectFrom('flags').where('guild_id', '=', guildId).where('flagged_at', '>=', startMs).where('flagged_at', '<', endMs);
  const totals = await inPeriod
    .select([
      sql<number>`sum(case when source = 'reaction' then 1 else 0 end)`.as('reactions'),
      sql<number>`sum(case when source = 'command' then 1 else 0 end)`.as('commands'),
      sql<number>`count(distinct message_id)`.as('messages'),
      sql<number>`count(distinct user_id)`.as('flaggers'),
    ])
    .executeTakeFirstOrThrow();
  const reasons = await inPeriod
    .select([sql<string>`coalesce(reason, 'reaction')`.as('reason'), (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy(sql`coalesce(reason, 'reaction')`)
    .orderBy('n', 'desc')
    .orderBy('reason')
    .execute();
  const reached = await db
    .selectFrom('flag_cases')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('guild_id', '=', guildId)
    .where('opened_at', '>=', startMs)
    .where('opened_at', '<', endMs)
    .executeTakeFirstOrThrow();
  // Time to claim: from threshold to the first moderator response (a claim, or a close without one).
  const responded = await db
    .selectFrom('flag_cases')
    .select(['opened_at', sql<number>`coalesce(claimed_at, closed_at)`.as('first_at')])
    .where('guild_id', '=', guildId)
    .where(sql<number>`coalesce(claimed_at, closed_at)`, '>=', startMs)
    .where(sql<number>`coalesce(claimed_at, closed_at)`, '<', endMs)
    .execute();
  const closedFlags = await db
    .selectFrom('flag_cases as c')
    .innerJoin('flags as f', 'f.message_id', 'c.message_id')
    .select(['c.id', 'f.user_id', 'c.outcome'])
    .distinct() // one record per (case, flagger), whatever the sources
    .where('c.guild_id', '=', guildId)
    .where('c.status', '=', 'closed')
    .where('c.closed_at', '>=', startMs)
    .where('c.closed_at', '<', endMs)
    .where('f.withdrawn_at', 'is', null)
    // Only flags the close answered: a member who flagged after it (agreeing, or reopening it) was not dismissed.
    .whereRef('f.flagged_at', '<=', 'c.closed_at')
    .execute();
  return {
    ...(await closedReviewFigures(db, guildId, startMs, endMs)),
    reactions: Number(totals.reactions ?? 0),
    commandFlags: Number(totals.commands ?? 0),
    messagesFlagged: Number(totals.messages ?? 0),
    flaggers: Number(totals.flaggers ?? 0),
    reachedThreshold: Number(reached.n),
    medianMinutesToClaim: median(responded.map((r) => minutesBetween(r.opened_at, r.first_at))),
    topReasons: reasons.map((r) => ({ reason: r.reason, flags: Number(r.n) })),
    closedCaseFlags: closedFlags.map((r) => ({ userId: r.user_id, outcome: r.outcome as CaseOutcome })),
  };
}
