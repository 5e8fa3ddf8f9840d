// Feedback queries: items, votes, status history, thread message metadata and categories.
import { handleListeners } from '../handle-listeners.js';
import { sql, type Selectable } from 'kysely';
import { type Executor, inTransaction } from '../db/schema.js';
import type { FeedbackItemTable, FeedbackStatusChangeTable } from '../db/tables/feedback.js';
import { ANONYMOUS_AUTHOR, CLOSED, decideVote, isClosed, isStatus, mergeVotes, tally, transition, type Status, type Tally, type TransitionKind, type VoteValue } from './feedback.js';

export type ChannelKind = 'forum' | 'text';

export interface Item {
  id: number;
  guildId: string;
  channelId: string;
  channelKind: ChannelKind;
  threadId: string | null;
  messageId: string | null;
  postState: 'pending' | 'posted' | 'failed';
  postError: string | null;
  postAttempts: number;
  authorId: string;
  capturedBy: string | null;
  sourceChannelId: string | null;
  sourceMessageId: string | null;
  title: string;
  details: string;
  category: string;
  status: Status;
  duplicateOf: number | null;
  createdAt: number;
  openedAt: number | null;
  gone: 'message' | 'thread' | null;
}

export function toItem(row: Selectable<FeedbackItemTable>): Item {
  return {
    id: row.id,
    guildId: row.guild_id,
    channelId: row.channel_id,
    channelKind: row.channel_kind === 'forum' ? 'forum' : 'text',
    threadId: row.thread_id,
    messageId: row.message_id,
    postState: row.post_state === 'posted' ? 'posted' : row.post_state === 'failed' ? 'failed' : 'pending',
    postError: row.post_error,
    postAttempts: row.post_attempts,
    authorId: row.author_id,
    capturedBy: row.captured_by,
    sourceChannelId: row.source_channel_id,
    sourceMessageId: row.source_message_id,
    title: row.title,
    details: row.details,
    category: row.category,
    status: isStatus(row.status) ? row.status : 'open',
    duplicateOf: row.duplicate_of,
    createdAt: row.created_at,
    openedAt: row.opened_at,
    gone: row.gone === 'message' || row.gone === 'thread' ? row.gone : null,
  };
}

export async function getItem(db: Executor, id: number): Promise<Item | undefined> {
  const row = await db.selectFrom('feedback_items').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toItem(row) : undefined;
}

export async function itemByThread(db: Executor, threadId: string): Promise<Item | undefined> {
  const row = await db.selectFrom('feedback_items').selectAll().where('thread_id', '=', threadId).executeTakeFirst();
  return row ? toItem(row) : undefined;
}

export async function itemByMessage(db: Executor, channelId: string, messageId: string): Promise<Item | undefined> {
  const row = await db.selectFrom('feedback_items').selectAll().where('message_id', '=', messageId).where((eb) => eb.or([eb('channel_id', '=', channelId), eb('thread_id', '=', channelId)])).executeTakeFirst();
  return row ? toItem(row) : undefined;
}

/** The item captured from a message, if any. */
export async function itemBySource(db: Executor, guildId: string, messageId: string): Promise<Item | undefined> {
  const row = await db.selectFrom('feedback_items').selectAll().where('guild_id', '=', guildId).where('source_message_id', '=', messageId).executeTakeFirst();
  return row ? toItem(row) : undefined;
}

/** The item's thread is not known to be deleted (its post message may be). */
const threadNotGone = sql<boolean>`(gone IS NULL OR gone != 'thread')`;

/**
 * Threads of posted items still there: thread id -> item id. An item whose post message alone was
 * deleted (gone 'message') keeps its thread: members and staff still talk there.
 */
export async function liveThreads(db: Executor): Promise<Array<{ threadId: string; itemId: number }>> {
  const rows = await db.selectFrom('feedback_items').select(['id', 'thread_id']).where('post_state', '=', 'posted').where('thread_id', 'is not', null).where(threadNotGone).execute();
  return rows.map((r) => ({ threadId: r.thread_id!, itemId: r.id }));
}

export interface NewItem {
  guildId: string;
  channelId: string;
  channelKind: ChannelKind;
  authorId: string;
  capturedBy?: string;
  sourceChannelId?: string;
  sourceMessageId?: string;
  title: string;
  details: string;
  category: string;
}

/**
 * Claims an item before anything is posted, so a crash mid-post is retried, never doubled. A
 * capture of a message that already has an item returns that item instead.
 */
export async function claimItem(db: Executor, input: NewItem, now: number): Promise<{ item: Item; existing: boolean }> {
  if (input.sourceMessageId) {
    const found = await db.selectFrom('feedback_items').selectAll().where('guild_id', '=', input.guildId).where('source_message_id', '=', input.sourceMessageId).executeTakeFirst();
    if (found) return { item: toItem(found), existing: true };
  }
  const row = await db
    .insertInto('feedback_items')
    .values({
      guild_id: input.guildId,
      channel_id: input.channelId,
      channel_kind: input.channelKind,
      thread_id: null,
      message_id: null,
      post_state: 'pending',
      post_error: null,
      post_attempts: 0,
      author_id: input.authorId,
      captured_by: input.capturedBy ?? null,
      source_channel_id: input.sourceChannelId ?? null,
      source_message_id: input.sourceMessageId ?? null,
      title: input.title,
      details: input.details,
      category: input.category,
      status: 'open',
      duplicate_of: null,
      created_at: now,
      opened_at: null,
      gone: null,
      gone_at: null,
    })
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();
  if (row) return { item: toItem(row), existing: false };
  // Lost a race with another capture of the same message.
  const found = await db.selectFrom('feedback_items').selectAll().where('guild_id', '=', input.guildId).where('source_message_id', '=', input.sourceMessageId ?? '').executeTakeFirstOrThrow();
  return { item: toItem(found), existing: true };
}

/**
 * When the items a member added in a server after `since` were created, oldest first: what they
 * submitted themselves, and the messages they captured (a capture counts for the capturer, not
 * for the message's author, even once an opted-out capturer is cleared from it: a capture is
 * known by its source message). Items in any post state count.
 */
export async function addedSince(db: Executor, guildId: string, memberId: string, since: number): Promise<number[]> {
  const rows = await db
    .selectFrom('feedback_items')
    .select('created_at')
    .where('guild_id', '=', guildId)
    .where('created_at', '>', since)
    .where((eb) => eb.or([eb.and([eb('author_id', '=', memberId), eb('source_message_id', 'is', null)]), eb('captured_by', '=', memberId)]))
    .orderBy('created_at')
    .execute();
  return rows.map((r) => r.created_at);
}

/**
 * Counts an attempt before it is made: after a crash mid-post the row shows an attempt, so the
 * retry looks for the post first. Returns the attempts made before this one.
 */
export async function beginAttempt(db: Executor, id: number): Promise<number> {
  const row = await db.updateTable('feedback_items').set((eb) => ({ post_attempts: eb('post_attempts', '+', 1) })).where('id', '=', id).returning('post_attempts').executeTakeFirstOrThrow();
  return row.post_attempts - 1;
}

export async function markPosted(db: Executor, id: number, post: { threadId: string; messageId: string }, now: number): Promise<void> {
  await db
    .updateTable('feedback_items')
    .set((eb) => ({ thread_id: post.threadId, message_id: post.messageId, post_state: 'posted', post_error: null, opened_at: eb.fn.coalesce('opened_at', eb.val(now)) }))
    .where('id', '=', id)
    .execute();
}

export async function markPostFailed(db: Executor, id: number, error: string, giveUp: boolean): Promise<void> {
  await db
    .updateTable('feedback_items')
    .set({ post_error: error, post_state: giveUp ? 'failed' : 'pending' })
    .where('id', '=', id)
    .where('post_state', '=', 'pending')
    .execute();
}

/** Items still to post; a closed one (staff decided before Discord took it) is never posted. */
export async function pendingItems(db: Executor): Promise<Item[]> {
  const rows = await db.selectFrom('feedback_items').selectAll().where('post_state', '=', 'pending').where('status', 'not in', [...CLOSED]).orderBy('id').execute();
  return rows.map(toItem);
}

/** Items Pulse gave up posting (post_error says why), but for closed ones: staff decided, they stay unposted. */
export async function failedItems(db: Executor): Promise<Item[]> {
  const rows = await db.selectFrom('feedback_items').selectAll().where('post_state', '=', 'failed').where('status', 'not in', [...CLOSED]).orderBy('id').execute();
  return rows.map(toItem);
}

/**
 * A failed item made pending again, for the channel set now, with `attempts` counted (one short
 * of the limit: one more try, which looks for an earlier post first).
 */
export async function reviveItem(db: Executor, id: number, channel: { channelId: string; channelKind: ChannelKind }, attempts: number): Promise<void> {
  await db
    .updateTable('feedback_items')
    .set({ post_state: 'pending', channel_id: channel.channelId, channel_kind: channel.channelKind, post_attempts: attempts })
    .where('id', '=', id)
    .where('post_state', '=', 'failed')
    .execute();
}

/** The kind of an unposted item's channel, as Discord now says it is. */
export async function setChannelKind(db: Executor, id: number, kind: ChannelKind): Promise<void> {
  await db.updateTable('feedback_items').set({ channel_kind: kind }).where('id', '=', id).where('post_state', '!=', 'posted').execute();
}

/** The kind of a channel as its latest posted item found it; null when none was posted there. */
export async function lastChannelKind(db: Executor, guildId: string, channelId: string): Promise<ChannelKind | null> {
  const row = await db.selectFrom('feedback_items').select('channel_kind').where('guild_id', '=', guildId).where('channel_id', '=', channelId).where('post_state', '=', 'posted').orderBy('id', 'desc').executeTakeFirst();
  return row ? (row.channel_kind === 'forum' ? 'forum' : 'text') : null;
}

/**
 * Marks the item's post as deleted by someone: its message (the thread may live on), or its
 * thread (nothing left). A thread deleted after the message upgrades the mark; never back.
 */
export async function markGone(db: Executor, id: number, what: 'message' | 'thread', now: number): Promise<boolean> {
  const r = await db
    .updateTable('feedback_items')
    .set({ gone: what, gone_at: now })
    .where('id', '=', id)
    .where((eb) => (what === 'thread' ? eb.or([eb('gone', 'is', null), eb('gone', '=', 'message')]) : eb('gone', 'is', null)))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

// ---------------------------------------------------------------- votes

export async function userVote(db: Executor, itemId: number, userId: string): Promise<VoteValue | null> {
  const row = await db.selectFrom('feedback_votes').select('value').where('item_id', '=', itemId).where('user_id', '=', userId).executeTakeFirst();
  return row ? (row.value > 0 ? 1 : -1) : null;
}

/** What became of a click on Upvote/Downvote. */
export type VoteOutcome = { kind: 'missing' } | { kind: 'closed'; status: Status } | { kind: 'voted'; next: VoteValue | null };

/**
 * A member's click on Upvote/Downvote, decided and stored in one transaction with the check of
 * the item's status: a status change (changeStatus, which moves a duplicate's votes to the
 * original) lands wholly before it, and the vote is refused, or wholly after, and the vote moves
 * with the others. A vote never lands on a closed item. Only a posted item takes votes, and with
 * `messageId` (the message clicked on) only from its own post: a crafted click naming another
 * item answers as a missing item does, and tells nothing of an unposted one.
 */
export function castVote(db: Executor, input: { guildId: string; itemId: number; userId: string; clicked: VoteValue; messageId?: string }, now: number): Promise<VoteOutcome> {
  return inTransaction(db, async (trx): Promise<VoteOutcome> => {
    const row = await trx.selectFrom('feedback_items').select(['guild_id', 'status', 'post_state', 'message_id']).where('id', '=', input.itemId).executeTakeFirst();
    if (!row || row.guild_id !== input.guildId || row.post_state !== 'posted') return { kind: 'missing' };
    if (input.messageId !== undefined && row.message_id !== input.messageId) return { kind: 'missing' };
    const status = isStatus(row.status) ? row.status : 'open';
    if (isClosed(status)) return { kind: 'closed', status };
    const { next } = decideVote(await userVote(trx, input.itemId, input.userId), input.clicked);
    await setVote(trx, input.itemId, input.userId, next, now);
    return { kind: 'voted', next };
  });
}

/** Sets (or with null removes) a member's vote: one row per item and member, so repeats are harmless. */
export async function setVote(db: Executor, itemId: number, userId: string, value: VoteValue | null, now: number): Promise<void> {
  if (value === null) {
    await db.deleteFrom('feedback_votes').where('item_id', '=', itemId).where('user_id', '=', userId).execute();
    return;
  }
  await db
    .insertInto('feedback_votes')
    .values({ item_id: itemId, user_id: userId, value, voted_at: now })
    .onConflict((oc) => oc.columns(['item_id', 'user_id']).doUpdateSet({ value, voted_at: now }))
    .execute();
}

export async function votesOf(db: Executor, itemId: number): Promise<Tally> {
  const rows = await db.selectFrom('feedback_votes').select('value').where('item_id', '=', itemId).execute();
  return tally(rows.map((r) => r.value));
}

async function voteMap(db: Executor, itemId: number): Promise<Map<string, VoteValue>> {
  const rows = await db.selectFrom('feedback_votes').select(['user_id', 'value']).where('item_id', '=', itemId).execute();
  return new Map(rows.map((r) => [r.user_id, r.value > 0 ? 1 : -1] as const));
}

// ---------------------------------------------------------------- status

export interface StatusChange {
  id: number;
  itemId: number;
  from: Status;
  to: Status;
  by: string;
  byStaff: boolean;
  at: number;
  reason: string | null;
  duplicateOf: number | null;
  notified: string | null;
  appliedAt: number | null;
  /** When its "Status:" line went up in the thread (posted once, across retries and restarts). */
  threadStatusPostedAt: number | null;
  applyAttempts: number;
  /** Why Pulse stopped trying to finish it on Discord; null when it went through (or is still tried). */
  applyError: string | null;
}

function toChange(row: Selectable<FeedbackStatusChangeTable>): StatusChange {
  return {
    id: row.id,
    itemId: row.item_id,
    from: isStatus(row.from_status) ? row.from_status : 'open',
    to: isStatus(row.to_status) ? row.to_status : 'open',
    by: row.by_user,
    byStaff: row.by_staff === 1,
    at: row.at,
    reason: row.reason,
    duplicateOf: row.duplicate_of,
    notified: row.notified,
    appliedAt: row.applied_at,
    threadStatusPostedAt: row.thread_status_posted_at,
    applyAttempts: row.apply_attempts,
    applyError: row.apply_error,
  };
}

export interface ChangeInput {
  itemId: number;
  to: Status;
  by: string;
  byStaff: boolean;
  reason: string | null;
  duplicateOf: number | null;
}

/**
 * Records a status change in one transaction: the item's status, the history row, and for a
 * duplicate the votes moved to the original. The same change twice is `unchanged` and records nothing.
 */
export async function changeStatus(
  db: Executor,
  input: ChangeInput,
  now: number,
): Promise<{ kind: TransitionKind; change: StatusChange | null; movedVotes: number } | undefined> {
  const run = async (trx: Executor) => {
    const row = await trx.selectFrom('feedback_items').selectAll().where('id', '=', input.itemId).executeTakeFirst();
    if (!row) return undefined;
    const item = toItem(row);
    let kind = transition(item.status, input.to);
    if (kind === 'unchanged' && input.to === 'duplicate' && item.duplicateOf !== input.duplicateOf) kind = 'redecide';
    if (kind === 'unchanged') return { kind, change: null, movedVotes: 0 };
    const duplicateOf = input.to === 'duplicate' ? input.duplicateOf : null;
    await trx.updateTable('feedback_items').set({ status: input.to, duplicate_of: duplicateOf }).where('id', '=', item.id).execute();
    const inserted = await trx
      .insertInto('feedback_status_changes')
      .values({ item_id: item.id, from_status: item.status, to_status: input.to, by_user: input.by, by_staff: input.byStaff ? 1 : 0, at: now, reason: input.reason, duplicate_of: duplicateOf, notified: null, applied_at: null })
      .returningAll()
      .executeTakeFirstOrThrow();
    let movedVotes = 0;
    if (duplicateOf !== null) {
      const original = await voteMap(trx, duplicateOf);
      const dup = await voteMap(trx, item.id);
      const merged = mergeVotes(original, dup);
      for (const [user, value] of merged) {
        if (original.has(user)) continue;
        await trx.insertInto('feedback_votes').values({ item_id: duplicateOf, user_id: user, value, voted_at: now }).onConflict((oc) => oc.doNothing()).execute();
        movedVotes++;
      }
      await trx.deleteFrom('feedback_votes').where('item_id', '=', item.id).execute();
    }
    return { kind, change: toChange(inserted), movedVotes };
  };
  return inTransaction(db, run);
}

/** Whether some item is a duplicate of this one (then it cannot become a duplicate itself: no chains). */
export async function hasDuplicates(db: Executor, itemId: number): Promise<boolean> {
  const row = await db.selectFrom('feedback_items').select('id').where('duplicate_of', '=', itemId).where('status', '=', 'duplicate').executeTakeFirst();
  return row !== undefined;
}

export async function getChange(db: Executor, id: number): Promise<StatusChange | undefined> {
  const row = await db.selectFrom('feedback_status_changes').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toChange(row) : undefined;
}

export async function statusHistory(db: Executor, itemId: number): Promise<StatusChange[]> {
  const rows = await db.selectFrom('feedback_status_changes').selectAll().where('item_id', '=', itemId).orderBy('id').execute();
  return rows.map(toChange);
}

/** Changes whose post update or author notice has not completed (restart catch-up). */
export async function unfinishedChanges(db: Executor): Promise<StatusChange[]> {
  const rows = await db.selectFrom('feedback_status_changes').selectAll().where((eb) => eb.or([eb('applied_at', 'is', null), eb('notified', 'is', null)])).orderBy('id').execute();
  return rows.map(toChange);
}

/** Marks a change done: applied, or given up with `error` (shown to staff in /feedback show). */
export async function markApplied(db: Executor, changeId: number, now: number, error: string | null = null): Promise<void> {
  await db.updateTable('feedback_status_changes').set({ applied_at: now, apply_error: error }).where('id', '=', changeId).execute();
}

/**
 * Counts a try at a change's post and thread update before it is made: after a crash mid-try the
 * row shows it, so the next try looks for the "Status:" line first. Returns the tries made before.
 */
export async function beginApply(db: Executor, changeId: number): Promise<number> {
  const row = await db.updateTable('feedback_status_changes').set((eb) => ({ apply_attempts: eb('apply_attempts', '+', 1) })).where('id', '=', changeId).returning('apply_attempts').executeTakeFirstOrThrow();
  return row.apply_attempts - 1;
}

/** Records that the change's "Status:" line is in the thread: later tries skip it. */
export async function markThreadStatusPosted(db: Executor, changeId: number, now: number): Promise<void> {
  await db.updateTable('feedback_status_changes').set({ thread_status_posted_at: now }).where('id', '=', changeId).where('thread_status_posted_at', 'is', null).execute();
}

/** Claims the notice of a change (so it is sent at most once); false if already claimed. */
export async function claimNotice(db: Executor, changeId: number): Promise<boolean> {
  const r = await db.updateTable('feedback_status_changes').set({ notified: 'sending' }).where('id', '=', changeId).where('notified', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Gives back the claim of a notice Discord failed to take: the next retry pass claims it again. */
export async function releaseNotice(db: Executor, changeId: number): Promise<void> {
  await db.updateTable('feedback_status_changes').set({ notified: null }).where('id', '=', changeId).where('notified', '=', 'sending').execute();
}

export async function markNotified(db: Executor, changeId: number, how: 'dm' | 'thread' | 'failed' | 'skipped'): Promise<void> {
  await db.updateTable('feedback_status_changes').set({ notified: how }).where('id', '=', changeId).execute();
}

// ---------------------------------------------------------------- thread activity

/** Records a thread message's metadata (never its text); the same message twice counts once. */
export async function recordThreadMessage(db: Executor, row: { messageId: string; itemId: number; userId: string; at: number; staff: boolean }): Promise<boolean> {
  const r = await db
    .insertInto('feedback_thread_messages')
    .values({ message_id: row.messageId, item_id: row.itemId, user_id: row.userId, at: row.at, staff: row.staff ? 1 : 0 })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** Snowflake order: a longer id is newer; equal lengths compare as text. */
const newerId = (a: string, b: string) => a.length > b.length || (a.length === b.length && a > b);

/** Moves an item's thread mark on to a message seen there (recorded or not); never back. */
export async function noteThreadSeen(db: Executor, itemId: number, messageId: string): Promise<void> {
  await db
    .updateTable('feedback_items')
    .set({ thread_seen_id: messageId })
    .where('id', '=', itemId)
    .where(sql<boolean>`(thread_seen_id IS NULL OR length(thread_seen_id) < length(${messageId}) OR (length(thread_seen_id) = length(${messageId}) AND thread_seen_id < ${messageId}))`)
    .execute();
}

/**
 * The threads of open posted items still there (their post message may be gone), with where to read on from after a downtime: the
 * newest message seen there, else the post itself (a thread's messages come after it).
 */
export async function threadsToReadOn(db: Executor, closed: readonly string[]): Promise<Array<{ itemId: number; guildId: string; threadId: string; after: string }>> {
  const rows = await db
    .selectFrom('feedback_items')
    .select(['id', 'guild_id', 'thread_id', 'message_id', 'thread_seen_id'])
    .where('post_state', '=', 'posted')
    .where('thread_id', 'is not', null)
    .where(threadNotGone)
    .where('status', 'not in', [...closed])
    .orderBy('id')
    .execute();
  return rows.map((r) => {
    const start = r.message_id !== null && newerId(r.message_id, r.thread_id!) ? r.message_id : r.thread_id!;
    return { itemId: r.id, guildId: r.guild_id, threadId: r.thread_id!, after: r.thread_seen_id !== null && newerId(r.thread_seen_id, start) ? r.thread_seen_id : start };
  });
}

export interface ThreadFigures {
  messages: number;
  participants: number;
  /** The first message by staff other than the author; null for none. */
  firstStaffReplyAt: number | null;
}

export async function threadFigures(db: Executor, item: Pick<Item, 'id' | 'authorId'>): Promise<ThreadFigures> {
  const counts = await db
    .selectFrom('feedback_thread_messages')
    .select((eb) => [eb.fn.countAll<number>().as('messages'), eb.fn.count<number>('user_id').distinct().as('participants')])
    .where('item_id', '=', item.id)
    .executeTakeFirstOrThrow();
  const first = await db
    .selectFrom('feedback_thread_messages')
    .select((eb) => eb.fn.min<number>('at').as('at'))
    .where('item_id', '=', item.id)
    .where('staff', '=', 1)
    // Not the author's own; when both opted out (both '~'), the staff reply still counts.
    .$if(item.authorId !== ANONYMOUS_AUTHOR, (qb) => qb.where('user_id', '!=', item.authorId))
    .executeTakeFirst();
  return { messages: Number(counts.messages), participants: Number(counts.participants), firstStaffReplyAt: first?.at ?? null };
}


/**
 * What a post shows that can fall behind its row, as stored in feedback_items.shown_score: the
 * votes ("up:down"), then ":~" once it shows its author as anonymous (an opt-out replaced them).
 */
export const shownScoreKey = (t: Pick<Tally, 'up' | 'down'>, authorId: string) => `${t.up}:${t.down}${authorId === ANONYMOUS_AUTHOR ? ':~' : ''}`;

/** Whether a post's last landed edit showed its author as anonymous (see shownScoreKey). */
export async function shownAnonymous(db: Executor, itemId: number): Promise<boolean> {
  const row = await db.selectFrom('feedback_items').select('shown_score').where('id', '=', itemId).executeTakeFirst();
  return (row?.shown_score ?? '').endsWith(':~');
}

/** Records what a post's last landed edit showed: its votes, and the author of the item it rendered. */
export async function setShownScore(db: Executor, itemId: number, t: Tally, authorId: string): Promise<void> {
  await db.updateTable('feedback_items').set({ shown_score: shownScoreKey(t, authorId) }).where('id', '=', itemId).execute();
}

/**
 * Posted items whose post shows other than their row: an open item's other votes (a crash cut
 * its edit), or an item of any status whose author an opt-out made anonymous since its post was
 * last edited (the opt-out changes only the row; its live re-render may have been cut short).
 */
export async function staleItemIds(db: Executor, closed: readonly string[]): Promise<number[]> {
  const rows = await db
    .selectFrom('feedback_items as i')
    .leftJoin('feedback_votes as v', 'v.item_id', 'i.id')
    .select((eb) => [
      'i.id',
      'i.shown_score',
      'i.author_id',
      'i.status',
      eb.fn.sum<number | null>(eb.case().when('v.value', '>', 0).then(1).else(0).end()).as('up'),
      eb.fn.sum<number | null>(eb.case().when('v.value', '<', 0).then(1).else(0).end()).as('down'),
    ])
    .where('i.post_state', '=', 'posted')
    .where('i.gone', 'is', null)
    .where((eb) => eb.or([eb('i.status', 'not in', [...closed]), eb('i.author_id', '=', ANONYMOUS_AUTHOR)]))
    .groupBy('i.id')
    .orderBy('i.id')
    .execute();
  return rows
    .filter((r) => {
      if (r.author_id === ANONYMOUS_AUTHOR && !(r.shown_score ?? '').endsWith(':~')) return true;
      // A closed item's votes may have moved (to the original of a duplicate): its post keeps them.
      return !closed.includes(r.status) && r.shown_score !== shownScoreKey({ up: Number(r.up ?? 0), down: Number(r.down ?? 0) }, r.author_id);
    })
    .map((r) => r.id);
}

/**
 * Who re-renders the posts of items whose author an opt-out step has just replaced, per database
 * handle: the app's feedback service (opt-out steps run on its thread). Without one (no feedback
 * feature running on that handle) the posts wait for the next start (see staleItemIds).
 */
const anonymised = handleListeners<number>();

/** Sets (or, with null, removes) the listener of a database handle. */
export const onItemsAnonymised = anonymised.on;

/** An opt-out step replaced these items' author (called inside its transaction: the listener only schedules). */
export const itemsAnonymised = anonymised.emit;
