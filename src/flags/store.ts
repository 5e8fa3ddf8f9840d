// Flags, review cases, their events and flag blocks in SQLite.
import { handleListeners } from '../handle-listeners.js';
import { sql, type Selectable, type SelectQueryBuilder } from 'kysely';
import { isOptedOut } from '../activity/privacy-store.js';
import type { DB, Executor } from '../db/schema.js';
import { ANONYMOUS_AUTHOR } from '../feedback/feedback.js';
import type { FlagCaseTable } from '../db/tables/flags.js';
import {
  allowedFrom,
  caseActions,
  dailyWindowStart,
  flagVerdict,
  hasDiscordSide,
  type CaseAction,
  type CaseOutcome,
  type CaseStatus,
  type FlagReason,
  type FlagSource,
  type IgnoreReason,
} from './flags.js';

/**
 * flags.author_id of a message whose author opted out of Pulse: nobody's id (as activity and
 * feedback keep it), so a flag on their message keeps no record that it was theirs. The case
 * opened on it still names the author (a moderation record, kept: see docs/privacy.md).
 */
export const OPTED_OUT_AUTHOR = ANONYMOUS_AUTHOR;

export interface FlagInput {
  guildId: string;
  channelId: string;
  messageId: string;
  userId: string;
  source: FlagSource;
  authorId: string | null;
  flaggerIsBot: boolean;
  reason: FlagReason | null;
  details: string | null;
}

export interface FlagLimits {
  dailyLimit: number;
  maxAgeHours: number;
}

/** new: a flag that counts now; unchanged: already counted (a replay); ignored: does not count. */
export type RecordResult = { kind: 'new' } | { kind: 'unchanged' } | { kind: 'ignored'; reason: IgnoreReason };

/**
 * Records one flag, applying the guards. Idempotent: the key is (message, member, source), so a
 * replayed reaction changes nothing and a reaction re-added after removal revives its row.
 * Run it inside a transaction so the limit check and the insert see the same state.
 */
export async function recordFlag(db: Executor, flag: FlagInput, limits: FlagLimits, now: number): Promise<RecordResult> {
  const existing = await db
    .selectFrom('flags')
    .select(['withdrawn_at'])
    .where('message_id', '=', flag.messageId)
    .where('user_id', '=', flag.userId)
    .where('source', '=', flag.source)
    .executeTakeFirst();
  const blocked = await isBlocked(db, flag.guildId, flag.userId);
  if (existing && existing.withdrawn_at === null) {
    if (blocked) return { kind: 'ignored', reason: 'blocked' };
    if (flag.source === 'command') {
      // A second context-menu flag updates the reason; it is still one flag.
      await db
        .updateTable('flags')
        .set({ reason: flag.reason, details: flag.details })
        .where('message_id', '=', flag.messageId)
        .where('user_id', '=', flag.userId)
        .where('source', '=', flag.source)
        .execute();
      await caseChanged(db, flag.messageId);
    }
    return { kind: 'unchanged' };
  }
  const lastDay = existing
    ? 0 // reviving one's own withdrawn flag is not a new flag for the limit
    : await flagsLastDay(db, flag.guildId, flag.userId, now);
  const verdict = flagVerdict({
    flaggerId: flag.userId,
    authorId: flag.authorId,
    flaggerIsBot: flag.flaggerIsBot,
    blocked,
    flagsLastDay: lastDay,
    dailyLimit: limits.dailyLimit,
    messageId: flag.messageId,
    maxAgeHours: limits.maxAgeHours,
    now,
  });
  if (!verdict.counts) return { kind: 'ignored', reason: verdict.reason };
  if (existing) {
    await db
      .updateTable('flags')
      .set({ withdrawn_at: null, reason: flag.reason, details: flag.details })
      .where('message_id', '=', flag.messageId)
      .where('user_id', '=', flag.userId)
      .where('source', '=', flag.source)
      .execute();
  } else {
    // The verdict above saw the real author (a member's own message is still theirs to not flag).
    const authorId = flag.authorId !== null && (await isOptedOut(db, flag.guildId, flag.authorId)) ? OPTED_OUT_AUTHOR : flag.authorId;
    await db
      .insertInto('flags')
      .values({
        guild_id: flag.guildId,
        channel_id: flag.channelId,
        message_id: flag.messageId,
        user_id: flag.userId,
        source: flag.source,
        author_id: authorId,
        reason: flag.reason,
        details: flag.details,
        flagged_at: now,
        withdrawn_at: null,
      })
      .onConflict((oc) => oc.columns(['message_id', 'user_id', 'source']).doNothing())
      .execute();
  }
  await caseChanged(db, flag.messageId);
  return { kind: 'new' };
}

/** Flags the member made in the server in the rolling day before `now` (withdrawn ones included): what the daily limit counts. */
async function flagsLastDay(db: Executor, guildId: string, userId: string, now: number): Promise<number> {
  const row = await db
    .selectFrom('flags')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('guild_id', '=', guildId)
    .where('user_id', '=', userId)
    .where('flagged_at', '>', dailyWindowStart(now))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Whether a new flag of this source by the member on this message would be over their daily
 * limit, as recordFlag counts it: a message they already flagged this way (withdrawn or not) is
 * not a new flag for the limit. Lets the context menu refuse before the member types a report.
 */
export async function overDailyLimit(db: Executor, guildId: string, messageId: string, userId: string, source: FlagSource, dailyLimit: number, now: number): Promise<boolean> {
  const existing = await db
    .selectFrom('flags')
    .select('user_id')
    .where('message_id', '=', messageId)
    .where('user_id', '=', userId)
    .where('source', '=', source)
    .executeTakeFirst();
  if (existing) return false;
  return (await flagsLastDay(db, guildId, userId, now)) >= dailyLimit;
}

/** Removing the reaction withdraws the reaction flag; true when something changed. */
export async function withdrawReactionFlags(db: Executor, messageId: string, userId: string | null, now: number): Promise<boolean> {
  let q = db
    .updateTable('flags')
    .set({ withdrawn_at: now })
    .where('message_id', '=', messageId)
    .where('source', '=', 'reaction')
    .where('withdrawn_at', 'is', null);
  if (userId !== null) q = q.where('user_id', '=', userId);
  const result = await q.executeTakeFirst();
  const changed = Number(result.numUpdatedRows) > 0;
  if (changed) await caseChanged(db, messageId);
  return changed;
}

/** The message's case (if any) shows something new: its flaggers changed. */
async function caseChanged(db: Executor, messageId: string): Promise<void> {
  await db.updateTable('flag_cases').set((eb) => ({ changes: eb('changes', '+', 1) })).where('message_id', '=', messageId).execute();
}

export interface Flagger {
  userId: string;
  sources: FlagSource[];
  reason: FlagReason | null;
  details: string | null;
  firstAt: number;
}

/** The members whose flags on a message count now (not withdrawn, not blocked), first flagger first. */
export async function countedFlaggers(db: Executor, guildId: string, messageId: string): Promise<Flagger[]> {
  const rows = await db
    .selectFrom('flags as f')
    .select(['f.user_id', 'f.source', 'f.reason', 'f.details', 'f.flagged_at'])
    .where('f.message_id', '=', messageId)
    .where('f.guild_id', '=', guildId)
    .where('f.withdrawn_at', 'is', null)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('flag_blocks as b').select('b.user_id').whereRef('b.guild_id', '=', 'f.guild_id').whereRef('b.user_id', '=', 'f.user_id'))),
    )
    .orderBy('f.flagged_at')
    .orderBy('f.user_id')
    .execute();
  const by = new Map<string, Flagger>();
  for (const r of rows) {
    const f = by.get(r.user_id) ?? { userId: r.user_id, sources: [], reason: null, details: null, firstAt: r.flagged_at };
    f.sources.push(r.source as FlagSource);
    if (r.reason) {
      f.reason = r.reason as FlagReason;
      f.details = r.details;
    }
    by.set(r.user_id, f);
  }
  return [...by.values()];
}

/**
 * How many members flagged the message only after `since` (a case's close): their flags count
 * now (not withdrawn, not blocked), and none of theirs on it (withdrawn ones included) was made
 * at or before `since`. Those flaggers are new to the case.
 */
export async function flaggersAfter(db: Executor, guildId: string, messageId: string, since: number): Promise<number> {
  const row = await db
    .selectFrom('flags as f')
    .select(sql<number>`count(distinct f.user_id)`.as('n'))
    .where('f.message_id', '=', messageId)
    .where('f.guild_id', '=', guildId)
    .where('f.withdrawn_at', 'is', null)
    .where('f.flagged_at', '>', since)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('flag_blocks as b').select('b.user_id').whereRef('b.guild_id', '=', 'f.guild_id').whereRef('b.user_id', '=', 'f.user_id'))),
    )
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('flags as e')
            .select('e.user_id')
            .whereRef('e.message_id', '=', 'f.message_id')
            .whereRef('e.user_id', '=', 'f.user_id')
            .where('e.flagged_at', '<=', since),
        ),
      ),
    )
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Reaction flaggers recorded for a message and not withdrawn (for start-up reconciliation). */
export async function activeReactionFlaggers(db: Executor, messageId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('flags')
    .select('user_id')
    .where('message_id', '=', messageId)
    .where('source', '=', 'reaction')
    .where('withdrawn_at', 'is', null)
    .execute();
  return rows.map((r) => r.user_id);
}

// ---------------------------------------------------------------- cases

export interface FlagCase {
  id: number;
  guildId: string;
  channelId: string;
  messageId: string;
  authorId: string | null;
  excerpt: string | null;
  status: CaseStatus;
  outcome: CaseOutcome | null;
  openedAt: number;
  openedBy: string | null;
  claimedBy: string | null;
  claimedAt: number | null;
  closedBy: string | null;
  closedAt: number | null;
  reviewChannelId: string | null;
  reviewMessageId: string | null;
  note: string | null;
  /** While 'closing': the action being carried out. */
  pendingAction: CaseAction | null;
  /** Posts of the case message tried so far. */
  postAttempts: number;
  /** When a failed post is tried again; null when none is waiting. */
  postRetryAt: number | null;
  /** Changes to what the case message shows, counted; `shownChanges` is the count it last showed. */
  changes: number;
  shownChanges: number;
}

function toCase(r: Selectable<FlagCaseTable>): FlagCase {
  return {
    id: r.id,
    guildId: r.guild_id,
    channelId: r.channel_id,
    messageId: r.message_id,
    authorId: r.author_id,
    excerpt: r.excerpt,
    status: r.status as CaseStatus,
    outcome: r.outcome as CaseOutcome | null,
    openedAt: r.opened_at,
    openedBy: r.opened_by,
    claimedBy: r.claimed_by,
    claimedAt: r.claimed_at,
    closedBy: r.closed_by,
    closedAt: r.closed_at,
    reviewChannelId: r.review_channel_id,
    reviewMessageId: r.review_message_id,
    note: r.note,
    pendingAction: (caseActions as readonly string[]).includes(r.pending_action ?? '') ? (r.pending_action as CaseAction) : null,
    postAttempts: r.post_attempts,
    postRetryAt: r.post_retry_at,
    changes: r.changes,
    shownChanges: r.shown_changes,
  };
}

export interface OpenCaseInput {
  guildId: string;
  channelId: string;
  messageId: string;
  authorId: string | null;
  excerpt: string | null;
  openedBy: string | null;
}

/** Opens the message's case; null when it already has one (one case per message). */
export async function openCase(db: Executor, input: OpenCaseInput, now: number): Promise<FlagCase | null> {
  const row = await db
    .insertInto('flag_cases')
    .values({
      guild_id: input.guildId,
      channel_id: input.channelId,
      message_id: input.messageId,
      author_id: input.authorId,
      excerpt: input.excerpt,
      status: 'open',
      outcome: null,
      opened_at: now,
      opened_by: input.openedBy,
      claimed_by: null,
      claimed_at: null,
      closed_by: null,
      closed_at: null,
      review_channel_id: null,
      review_message_id: null,
      note: null,
      pending_action: null,
      post_retry_at: null,
    })
    .onConflict((oc) => oc.column('message_id').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row) return null;
  await addCaseEvent(db, row.id, now, input.openedBy, 'opened', null);
  return toCase(row);
}

export async function getCase(db: Executor, id: number): Promise<FlagCase | undefined> {
  const row = await db.selectFrom('flag_cases').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toCase(row) : undefined;
}

export async function getCaseByMessage(db: Executor, messageId: string): Promise<FlagCase | undefined> {
  const row = await db.selectFrom('flag_cases').selectAll().where('message_id', '=', messageId).executeTakeFirst();
  return row ? toCase(row) : undefined;
}

/** Open and claimed cases, oldest first. */
export async function listOpenCases(db: Executor, guildId: string | null, limit: number, from?: FlagCase): Promise<FlagCase[]> {
  let q = db.selectFrom('flag_cases').selectAll().where('status', 'in', ['open', 'claimed']);
  if (guildId !== null) q = q.where('guild_id', '=', guildId);
  // From a case on, in the list's order (opened, then id): the rest of the queue after a page.
  if (from) q = q.where((eb) => eb.or([eb('opened_at', '>', from.openedAt), eb.and([eb('opened_at', '=', from.openedAt), eb('id', '>=', from.id)])]));
  const rows = await q.orderBy('opened_at').orderBy('id').limit(limit).execute();
  return rows.map(toCase);
}

/**
 * Start-up work over every server, bounded per server: at most `perServer` cases of each (its
 * first by `order`, then id), every server's first case before any server's second, and so on.
 * One server's backlog (a server nobody triages, or one Pulse left) never holds up another's.
 */
async function perServer(
  db: Executor,
  perServerLimit: number,
  order: 'opened_at' | 'id' | 'closed_at' | 'post_retry_at',
  where: (qb: SelectQueryBuilder<DB, 'flag_cases', object>) => SelectQueryBuilder<DB, 'flag_cases', object>,
): Promise<FlagCase[]> {
  const ranked = where(db.selectFrom('flag_cases'))
    .selectAll()
    .select(sql<number>`row_number() over (partition by guild_id order by ${sql.ref(order)}, id)`.as('server_rank'));
  const rows = await db
    .selectFrom(ranked.as('c'))
    .selectAll()
    .where('server_rank', '<=', perServerLimit)
    .orderBy('server_rank')
    .orderBy(order)
    .orderBy('id')
    .execute();
  return rows.map(toCase);
}

/** Open and claimed cases of every server, at most `perServerLimit` of each (its oldest), for start-up reconciliation. */
export async function openCasesPerServer(db: Executor, perServerLimit: number): Promise<FlagCase[]> {
  return perServer(db, perServerLimit, 'opened_at', (q) => q.where('status', 'in', ['open', 'claimed']));
}

/** The server's open cases from `from` on, in the queue's order (opened, then id), `from` included. */
export async function countOpenCasesFrom(db: Executor, guildId: string, from: FlagCase): Promise<number> {
  const row = await db
    .selectFrom('flag_cases')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('guild_id', '=', guildId)
    .where('status', 'in', ['open', 'claimed'])
    .where((eb) => eb.or([eb('opened_at', '>', from.openedAt), eb.and([eb('opened_at', '=', from.openedAt), eb('id', '>=', from.id)])]))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function countOpenCases(db: Executor, guildId: string): Promise<number> {
  const row = await db
    .selectFrom('flag_cases')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('guild_id', '=', guildId)
    .where('status', 'in', ['open', 'claimed'])
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function setReviewMessage(db: Executor, id: number, channelId: string, messageId: string): Promise<void> {
  await db.updateTable('flag_cases').set({ review_channel_id: channelId, review_message_id: messageId, post_retry_at: null }).where('id', '=', id).execute();
}

/**
 * The case's message is lost (`why`: deleted, or the moderation channel is another one now): the
 * case forgets it, so the next post goes to the moderation channel with a full set of tries, and
 * its history keeps the step (its count tells the reposts' nonces apart). Only if the case still
 * has that message (a concurrent post may have replaced it); true when it did. Run it in a transaction.
 */
export async function caseMessageLost(db: Executor, id: number, messageId: string, now: number, why: 'deleted' | 'moved' | 'reopened'): Promise<boolean> {
  const r = await db
    .updateTable('flag_cases')
    .set({ review_channel_id: null, review_message_id: null, post_attempts: 0, post_retry_at: null })
    .where('id', '=', id)
    .where('review_message_id', '=', messageId)
    .executeTakeFirst();
  const lost = Number(r.numUpdatedRows) > 0;
  if (lost) await addCaseEvent(db, id, now, null, 'message_lost', why);
  return lost;
}

/** How many events of this kind the case has. */
export async function countCaseEvents(db: Executor, caseId: number, kind: string): Promise<number> {
  const row = await db
    .selectFrom('flag_case_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('case_id', '=', caseId)
    .where('kind', '=', kind)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Counts a post of the case message before it is sent; returns how many were tried before this one. */
export async function beginPostAttempt(db: Executor, id: number): Promise<number> {
  const row = await db
    .updateTable('flag_cases')
    .set((eb) => ({ post_attempts: eb('post_attempts', '+', 1) }))
    .where('id', '=', id)
    .returning('post_attempts')
    .executeTakeFirst();
  return row ? row.post_attempts - 1 : 0;
}

/** When a failed post is tried again (null: no retry waits). */
export async function setPostRetry(db: Executor, id: number, at: number | null): Promise<void> {
  await db.updateTable('flag_cases').set({ post_retry_at: at }).where('id', '=', id).execute();
}

/** Open cases never posted whose retry is due, at most `perServerLimit` of each server (its soonest). */
export async function duePostRetries(db: Executor, now: number, perServerLimit: number): Promise<FlagCase[]> {
  return perServer(db, perServerLimit, 'post_retry_at', (q) =>
    q.where('status', 'in', ['open', 'claimed']).where('review_message_id', 'is', null).where('post_retry_at', 'is not', null).where('post_retry_at', '<=', now),
  );
}

/** The case message landed showing the case as it was at `changes` (a later edit may have shown more). */
export async function markCaseShown(db: Executor, id: number, changes: number): Promise<void> {
  await db
    .updateTable('flag_cases')
    .set((eb) => ({ shown_changes: eb.fn('max', [eb.ref('shown_changes'), eb.val(changes)]) }))
    .where('id', '=', id)
    .execute();
}

/**
 * Posted cases whose message is behind what they show now (a crash between a change and its
 * edit), at most `perServerLimit` of each server (its oldest).
 */
export async function unshownCases(db: Executor, perServerLimit: number): Promise<FlagCase[]> {
  return perServer(db, perServerLimit, 'id', (q) => q.where((eb) => eb('shown_changes', '<', eb.ref('changes'))).where('review_message_id', 'is not', null));
}

/**
 * Who re-renders the case messages whose flaggers an opt-out step has just removed, per database
 * handle: the app's flag service (opt-out steps run on its thread). Without one (no flags feature
 * running on that handle) the messages wait for the next start: the step counted the change (see
 * unshownCases).
 */
const flaggersRemoved = handleListeners<number>();

/** Sets (or, with null, removes) the listener of a database handle. */
export const onCaseFlaggersRemoved = flaggersRemoved.on;

/** An opt-out step removed flags from these cases (called inside its transaction: the listener only schedules). */
export const caseFlaggersRemoved = flaggersRemoved.emit;

/**
 * Cases whose moderator action was decided and not seen through (the process died), at most
 * `perServerLimit` of each server (its oldest decisions).
 */
export async function closingCases(db: Executor, perServerLimit: number): Promise<FlagCase[]> {
  return perServer(db, perServerLimit, 'closed_at', (q) => q.where('status', '=', 'closing'));
}

/** Keeps the first excerpt a case gets; never overwrites one. */
export async function setExcerptIfMissing(db: Executor, id: number, text: string): Promise<boolean> {
  const r = await db
    .updateTable('flag_cases')
    .set((eb) => ({ excerpt: text, changes: eb('changes', '+', 1) }))
    .where('id', '=', id)
    .where('excerpt', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * The atomic step of a review: applies the action only if the case is still in a status it may
 * come from (UPDATE … WHERE status IN …). Exactly one of two concurrent callers gets true. An
 * action with a Discord side leaves the case 'closing' with the action pending (see
 * finishCaseAction); resolve and dismiss close it at once.
 */
export async function applyCaseAction(
  db: Executor,
  id: number,
  action: CaseAction,
  outcome: CaseOutcome | null,
  actorId: string,
  now: number,
): Promise<boolean> {
  const from = allowedFrom(action);
  const step =
    action === 'claim'
      ? // claimed_at is the case's first response: a case reopened after a close keeps it (see reopenClosedCase).
        ({ status: 'claimed', claimed_by: actorId, claimed_at: sql<number>`coalesce(claimed_at, ${now})` } as const)
      : hasDiscordSide(action)
        ? ({ status: 'closing', pending_action: action, outcome, closed_by: actorId, closed_at: now } as const)
        : ({ status: 'closed', outcome, closed_by: actorId, closed_at: now, note: null } as const);
  const r = await db
    .updateTable('flag_cases')
    .set((eb) => ({ ...step, changes: eb('changes', '+', 1) }))
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst();
  const applied = Number(r.numUpdatedRows) > 0;
  if (applied) await addCaseEvent(db, id, now, actorId, action === 'claim' ? 'claimed' : (outcome ?? 'closed'), null);
  return applied;
}

/** The pending action ran: the case is closed, with the note it left (none clears an older one). True if it was still closing. */
export async function finishCaseAction(db: Executor, id: number, note: string | null): Promise<boolean> {
  const r = await db
    .updateTable('flag_cases')
    .set((eb) => ({ status: 'closed', pending_action: null, note, changes: eb('changes', '+', 1) }))
    .where('id', '=', id)
    .where('status', '=', 'closing')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * Undoes a close whose Discord action failed, back to the status it came from (claimed if it was
 * claimed, else open), optionally with a note shown on the case.
 */
export async function reopenCase(db: Executor, id: number, actorId: string, previous: Pick<FlagCase, 'status'>, now: number, why: string, note?: string): Promise<void> {
  await db
    .updateTable('flag_cases')
    .set((eb) => ({
      status: previous.status === 'claimed' ? 'claimed' : 'open',
      pending_action: null,
      outcome: null,
      closed_by: null,
      closed_at: null,
      ...(note !== undefined ? { note } : {}),
      changes: eb('changes', '+', 1),
    }))
    .where('id', '=', id)
    .where('status', '=', 'closing')
    .where('closed_by', '=', actorId)
    .execute();
  await addCaseEvent(db, id, now, actorId, 'action_failed', why.slice(0, 200));
}

/**
 * Opens a closed case again (flags came after its close: see FlagService), unless its close
 * deleted the message: open, unclaimed, no outcome, with a note saying why, and its history keeps
 * the step ('reopened', with who or what did it). claimed_at keeps the first response (a claim,
 * or the close), so the time to claim is still measured to it. True if it was closed.
 */
export async function reopenClosedCase(db: Executor, id: number, actorId: string | null, now: number, why: string, note: string): Promise<boolean> {
  const r = await db
    .updateTable('flag_cases')
    .set((eb) => ({
      status: 'open',
      outcome: null,
      claimed_by: null,
      claimed_at: sql<number>`coalesce(claimed_at, closed_at)`,
      closed_by: null,
      closed_at: null,
      pending_action: null,
      note,
      changes: eb('changes', '+', 1),
    }))
    .where('id', '=', id)
    .where('status', '=', 'closed')
    .where('outcome', 'is not', 'deleted')
    .executeTakeFirst();
  const reopened = Number(r.numUpdatedRows) > 0;
  if (reopened) await addCaseEvent(db, id, now, actorId, 'reopened', why);
  return reopened;
}

export async function addCaseEvent(db: Executor, caseId: number, at: number, actorId: string | null, kind: string, detail: string | null): Promise<void> {
  await db.insertInto('flag_case_events').values({ case_id: caseId, at, actor_id: actorId, kind, detail }).execute();
}

export interface CaseEvent {
  at: number;
  actorId: string | null;
  kind: string;
  detail: string | null;
}

export async function caseEvents(db: Executor, caseId: number): Promise<CaseEvent[]> {
  const rows = await db.selectFrom('flag_case_events').selectAll().where('case_id', '=', caseId).orderBy('at').orderBy('id').execute();
  return rows.map((r) => ({ at: r.at, actorId: r.actor_id, kind: r.kind, detail: r.detail }));
}

// ---------------------------------------------------------------- blocks

export async function isBlocked(db: Executor, guildId: string, userId: string): Promise<boolean> {
  const row = await db.selectFrom('flag_blocks').select('user_id').where('guild_id', '=', guildId).where('user_id', '=', userId).executeTakeFirst();
  return row !== undefined;
}

/** True when the member was not blocked before. */
export async function blockFlagger(db: Executor, guildId: string, userId: string, by: string, now: number): Promise<boolean> {
  const r = await db
    .insertInto('flag_blocks')
    .values({ guild_id: guildId, user_id: userId, blocked_by: by, blocked_at: now })
    .onConflict((oc) => oc.columns(['guild_id', 'user_id']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** True when the member was blocked. */
export async function unblockFlagger(db: Executor, guildId: string, userId: string): Promise<boolean> {
  const r = await db.deleteFrom('flag_blocks').where('guild_id', '=', guildId).where('user_id', '=', userId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
