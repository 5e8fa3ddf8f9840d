// Polls' queries: polls, votes (one row per poll, voter and choice), closing, native poll votes.
import { createHmac, randomBytes } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import { emptyWal } from '../db/wal.js';
import { type Executor, inTransaction } from '../db/schema.js';
import type { PollTable } from '../db/tables/polls.js';
import { fromCounts, tally, type Poll, type PollSpec, type Tally, type VoteDecision } from './poll.js';

function toPoll(row: Selectable<PollTable>): Poll {
  return {
    id: row.id,
    guildId: row.guild_id,
    channelId: row.channel_id,
    messageId: row.message_id,
    authorId: row.author_id,
    question: row.question,
    choices: JSON.parse(row.choices) as string[],
    multiple: row.multiple === 1,
    maxChoices: row.max_choices,
    anonymous: row.anonymous === 1,
    hideResults: row.hide_results === 1,
    roleId: row.role_id,
    createdAt: row.created_at,
    closesAt: row.closes_at,
    status: row.status === 'closed' ? 'closed' : 'open',
    closedAt: row.closed_at,
  };
}

export interface NewPoll extends PollSpec {
  guildId: string;
  channelId: string;
  authorId: string;
  now: number;
}

export async function createPoll(db: Executor, input: NewPoll): Promise<Poll> {
  const row = await db
    .insertInto('polls')
    .values({
      guild_id: input.guildId,
      channel_id: input.channelId,
      author_id: input.authorId,
      question: input.question,
      choices: JSON.stringify(input.choices),
      multiple: input.multiple ? 1 : 0,
      max_choices: input.maxChoices,
      anonymous: input.anonymous ? 1 : 0,
      hide_results: input.hideResults ? 1 : 0,
      role_id: input.roleId,
      created_at: input.now,
      closes_at: input.durationMs === null ? null : input.now + input.durationMs,
      status: 'open',
      // A fresh random key per anonymous poll: voter ids are only ever stored as HMACs under it.
      voter_key: input.anonymous ? randomBytes(32) : null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toPoll(row);
}

export async function setPollMessage(db: Executor, pollId: number, messageId: string): Promise<void> {
  await db.updateTable('polls').set({ message_id: messageId }).where('id', '=', pollId).execute();
}

export async function getPoll(db: Executor, pollId: number): Promise<Poll | undefined> {
  const row = await db.selectFrom('polls').selectAll().where('id', '=', pollId).executeTakeFirst();
  return row ? toPoll(row) : undefined;
}

export async function deletePoll(db: Executor, pollId: number): Promise<void> {
  const anonymous = await isAnonymous(db, pollId);
  await db.deleteFrom('polls').where('id', '=', pollId).execute();
  if (anonymous) await emptyWal(db);
}

/** How a member appears in poll_votes: their id, or for anonymous polls its HMAC under the poll's key. */
function voterOf(key: Buffer | null, memberId: string): string {
  return key ? createHmac('sha256', key).update(memberId).digest('base64url') : memberId;
}

export type VoteOutcome = { poll: Poll } & VoteDecision;

/**
 * Reads the poll and the member's current choices, lets `decide` (a pure rule) choose, and
 * writes the result, all in one transaction: a concurrent close or click cannot interleave.
 */
export async function castVote(
  db: Executor,
  pollId: number,
  memberId: string,
  now: number,
  decide: (poll: Poll, current: number[]) => VoteDecision,
): Promise<VoteOutcome | undefined> {
  const run = async (trx: Executor): Promise<VoteOutcome | undefined> => {
    const row = await trx.selectFrom('polls').selectAll().where('id', '=', pollId).executeTakeFirst();
    if (!row) return undefined;
    const poll = toPoll(row);
    // A closed anonymous poll has no key any more; decide() refuses closed polls anyway.
    const voter = voterOf(row.voter_key, memberId);
    const current = (await trx.selectFrom('poll_votes').select('choice').where('poll_id', '=', pollId).where('voter', '=', voter).execute()).map((r) => r.choice);
    const decision = decide(poll, current);
    if (decision.kind === 'refused') return { poll, ...decision };
    if (decision.removed.length) {
      await trx.deleteFrom('poll_votes').where('poll_id', '=', pollId).where('voter', '=', voter).where('choice', 'in', decision.removed).execute();
    }
    if (decision.added.length) {
      await trx
        .insertInto('poll_votes')
        // Anonymous votes carry no time: the order of votes must not hint at who cast them.
        .values(decision.added.map((choice) => ({ poll_id: pollId, voter, choice, cast_at: poll.anonymous ? null : now })))
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    return { poll, ...decision };
  };
  return inTransaction(db, run);
}

export async function currentTally(db: Executor, pollId: number): Promise<Tally | undefined> {
  const row = await db.selectFrom('polls').select(['choices', 'max_choices', 'final_counts', 'final_voters']).where('id', '=', pollId).executeTakeFirst();
  if (!row) return undefined;
  if (row.final_counts !== null) return fromCounts(JSON.parse(row.final_counts) as number[], row.final_voters ?? 0);
  const ballots = await db.selectFrom('poll_votes').select(['voter', 'choice']).where('poll_id', '=', pollId).orderBy('voter').orderBy('choice').execute();
  return tally((JSON.parse(row.choices) as string[]).length, row.max_choices, ballots);
}

/**
 * Closes an open poll exactly once (UPDATE ... WHERE status = 'open'), fixing its final
 * counts. For anonymous polls the key is deleted and the per-voter rows are collapsed into
 * those counts, so nothing links a member to a choice afterwards: SQLite zeroes what was
 * deleted (secure_delete, src/db/open.ts) and the WAL, with older page images, is emptied.
 * False if already closed.
 * A poll past its deadline is recorded closed at the deadline, when voting on it stopped, not
 * at `now` (a poll that fell due while the bot was down is closed on start, hours later).
 */
export async function closePoll(db: Executor, pollId: number, now: number, closedBy: string | null): Promise<boolean> {
  const anonymous = await isAnonymous(db, pollId);
  const closed = await inTransaction(db, async (trx) => {
    const updated = await trx
      .updateTable('polls')
      .set({ status: 'closed', closed_at: sql<number>`min(${now}, coalesce(closes_at, ${now}))`, closed_by: closedBy })
      .where('id', '=', pollId)
      .where('status', '=', 'open')
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) return false;
    const t = await currentTally(trx, pollId);
    await trx
      .updateTable('polls')
      .set({ final_counts: JSON.stringify(t?.counts ?? []), final_voters: t?.voters ?? 0, voter_key: null })
      .where('id', '=', pollId)
      .execute();
    if (anonymous) await trx.deleteFrom('poll_votes').where('poll_id', '=', pollId).execute();
    return true;
  });
  if (closed && anonymous) await emptyWal(db);
  return closed;
}

async function isAnonymous(db: Executor, pollId: number): Promise<boolean> {
  const row = await db.selectFrom('polls').select('anonymous').where('id', '=', pollId).executeTakeFirst();
  return row?.anonymous === 1;
}

/** Open polls whose due time has passed. */
export async function duePollIds(db: Executor, now: number): Promise<number[]> {
  const rows = await db.selectFrom('polls').select('id').where('status', '=', 'open').where('closes_at', '<=', now).orderBy('closes_at').execute();
  return rows.map((r) => r.id);
}

/** The earliest due time of an open poll, or null when none has one. */
export async function nextDueAt(db: Executor): Promise<number | null> {
  const row = await db.selectFrom('polls').select((eb) => eb.fn.min('closes_at').as('next')).where('status', '=', 'open').executeTakeFirst();
  return row?.next ?? null;
}

/** Closed polls whose author was not yet told (e.g. the bot stopped in between). */
export async function unannouncedPolls(db: Executor): Promise<Poll[]> {
  const rows = await db.selectFrom('polls').selectAll().where('status', '=', 'closed').where('announced_at', 'is', null).orderBy('id').limit(100).execute();
  return rows.map(toPoll);
}

/** Claims telling the author that the poll closed: true for the one caller that gets to send the DM. */
export async function markAnnounced(db: Executor, pollId: number, now: number): Promise<boolean> {
  const r = await db.updateTable('polls').set({ announced_at: now }).where('id', '=', pollId).where('announced_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function listPolls(db: Executor, guildId: string, options: { status?: 'open'; search?: string; limit: number }): Promise<Poll[]> {
  let q = db.selectFrom('polls').selectAll().where('guild_id', '=', guildId);
  if (options.status) q = q.where('status', '=', options.status);
  const search = options.search?.trim();
  if (search) {
    // fold() (src/db/open.ts) ignores case and accents in any script: "опрос" finds "Опрос о пицце".
    q = q.where((eb) => eb.or([sql<boolean>`instr(fold(question), fold(${search})) > 0`, eb(eb.cast('id', 'text'), '=', search)]));
  }
  const rows = await q.orderBy('status', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
  return rows.map(toPoll);
}

/** Every stored vote of a (non-anonymous) poll, for export. */
export async function pollBallots(db: Executor, pollId: number): Promise<Array<{ voter: string; choice: number; castAt: number | null }>> {
  const rows = await db.selectFrom('poll_votes').select(['voter', 'choice', 'cast_at']).where('poll_id', '=', pollId).orderBy('cast_at').orderBy('voter').orderBy('choice').execute();
  return rows.map((r) => ({ voter: r.voter, choice: r.choice, castAt: r.cast_at }));
}

// ------------------------------------------------------------------ native polls

export interface NativeVote {
  guildId: string;
  channelId: string;
  messageId: string;
  userId: string;
  answerId: number;
}

export async function recordNativeVote(db: Executor, vote: NativeVote, now: number): Promise<void> {
  await db
    .insertInto('native_poll_votes')
    .values({ guild_id: vote.guildId, channel_id: vote.channelId, message_id: vote.messageId, user_id: vote.userId, answer_id: vote.answerId, voted_at: now })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function removeNativeVote(db: Executor, vote: Omit<NativeVote, 'guildId' | 'channelId'>): Promise<void> {
  await db.deleteFrom('native_poll_votes').where('message_id', '=', vote.messageId).where('user_id', '=', vote.userId).where('answer_id', '=', vote.answerId).execute();
}

/** Participation in native polls over [from, to): votes, distinct voters and polls voted in. */
export async function nativePollParticipation(db: Executor, guildId: string, from: number, to: number): Promise<{ votes: number; voters: number; polls: number }> {
  const row = await db
    .selectFrom('native_poll_votes')
    .select((eb) => [
      eb.fn.countAll<number>().as('votes'),
      eb.fn.count<number>('user_id').distinct().as('voters'),
      eb.fn.count<number>('message_id').distinct().as('polls'),
    ])
    .where('guild_id', '=', guildId)
    .where('voted_at', '>=', from)
    .where('voted_at', '<', to)
    .executeTakeFirstOrThrow();
  return { votes: Number(row.votes), voters: Number(row.voters), polls: Number(row.polls) };
}

/** What a tally looks like on the message, to tell whether the message is behind the votes. */
export function shownKey(t: Pick<Tally, 'counts' | 'voters'>): string {
  return JSON.stringify({ counts: t.counts, voters: t.voters });
}

/** Records what the poll's message now shows. */
export async function setShownTally(db: Executor, pollId: number, t: Pick<Tally, 'counts' | 'voters'>): Promise<void> {
  await db.updateTable('polls').set({ shown_tally: shownKey(t) }).where('id', '=', pollId).execute();
}

/** Open polls with a message whose last shown tally differs from the stored votes (or is unknown). */
export async function stalePollIds(db: Executor): Promise<number[]> {
  const open = await db.selectFrom('polls').select(['id', 'shown_tally']).where('status', '=', 'open').where('message_id', 'is not', null).orderBy('id').execute();
  const stale: number[] = [];
  for (const row of open) {
    const t = await currentTally(db, row.id);
    if (t && shownKey(t) !== row.shown_tally) stale.push(row.id);
  }
  return stale;
}

/** Records that the closed poll's message shows its final results (or is gone: nothing left to show). */
export async function markFinalShown(db: Executor, pollId: number, now: number): Promise<void> {
  await db.updateTable('polls').set({ final_shown_at: now }).where('id', '=', pollId).where('status', '=', 'closed').where('final_shown_at', 'is', null).execute();
}

/** Counts a final edit that did not land; returns the attempts so far. */
export async function countFinalEditFailure(db: Executor, pollId: number): Promise<number> {
  const row = await db
    .updateTable('polls')
    .set((eb) => ({ final_edit_attempts: eb('final_edit_attempts', '+', 1) }))
    .where('id', '=', pollId)
    .returning('final_edit_attempts')
    .executeTakeFirst();
  return row?.final_edit_attempts ?? 0;
}

/**
 * Closed polls whose author was told but whose message may still show the open poll (its final
 * edit failed, or the process died before it), with fewer than `maxAttempts` failed edits.
 */
export async function unshownClosedPollIds(db: Executor, maxAttempts: number): Promise<number[]> {
  const rows = await db
    .selectFrom('polls')
    .select('id')
    .where('status', '=', 'closed')
    .where('final_shown_at', 'is', null)
    .where('announced_at', 'is not', null)
    .where('final_edit_attempts', '<', maxAttempts)
    .orderBy('id')
    .limit(100)
    .execute();
  return rows.map((r) => r.id);
}

/** Polls whose message id was never saved: the process died around their post (or while posting). */
export async function unpostedPolls(db: Executor): Promise<Poll[]> {
  // Open ones only: a closed poll is a result (digests count it), whatever became of its message.
  const rows = await db.selectFrom('polls').selectAll().where('message_id', 'is', null).where('status', '=', 'open').orderBy('id').limit(100).execute();
  return rows.map(toPoll);
}
