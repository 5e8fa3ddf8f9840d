// Feedback use-cases: submit and capture, votes, triage with notices, thread activity, deletions, catch-up.
import type { APIActionRowComponent, APIButtonComponent, APIEmbed } from 'discord-api-types/v10';
import type { Clock } from '../clock.js';
import { postNonce } from '../discord/nonce.js';
import { inTransaction, type Executor } from '../db/schema.js';
import type { Logger } from '../log.js';
import { KeyedLock } from '../keyed-lock.js';
import { Coalescer, realTimers, type Timers } from '../polls/live.js';
import { languageCodes, msg, render, storeText, type Language, type MessageKey, type Text } from '../i18n/index.js';
import { serverLanguage } from '../settings/settings.js';
import { getSettings, settingsChangedAt } from '../settings/store.js';
import { isOptedOut } from '../activity/privacy-store.js';
import { ANONYMOUS_AUTHOR, CLOSED, channelLink, checkDuplicate, isClosed, postName, STATUS_LABEL, type Status, type VoteValue } from './feedback.js';
import { postEmbed, statusName, text as renderText, voteButtons } from './render.js';
import {
  addedSince,
  beginApply,
  beginAttempt,
  castVote,
  changeStatus,
  claimItem,
  claimNotice,
  failedItems,
  getChange,
  getItem,
  hasDuplicates,
  itemByMessage,
  itemBySource,
  itemByThread,
  lastChannelKind,
  liveThreads,
  noteThreadSeen,
  markApplied,
  markGone,
  markThreadStatusPosted,
  markNotified,
  markPosted,
  markPostFailed,
  pendingItems,
  recordThreadMessage,
  releaseNotice,
  reviveItem,
  setChannelKind,
  setShownScore,
  shownAnonymous,
  staleItemIds,
  statusHistory,
  threadsToReadOn,
  unfinishedChanges,
  votesOf,
  type ChannelKind,
  type Item,
  type StatusChange,
} from './store.js';

/** The service's failures, as catalogue texts the router shows in the member's language. */
const DUPLICATE_ERROR: Record<'self' | 'chain', MessageKey> = {
  self: 'feedback.error.duplicateSelf',
  chain: 'feedback.error.duplicateChain',
};

/**
 * Why `duplicate_of` is refused. An original of another server is refused as one that does not
 * exist is ("no item #N in this server"): nothing tells staff that another server's id exists.
 */
function duplicateError(reason: 'self' | 'missing' | 'other-guild' | 'chain', duplicateOf: number | null): Text {
  if (reason === 'self' || reason === 'chain') return msg(DUPLICATE_ERROR[reason]);
  return duplicateOf === null ? msg('feedback.error.duplicateMissing') : msg('feedback.error.missing', { id: duplicateOf });
}

/** A failure whose message is safe to show the member. */
export class FeedbackError extends Error {
  override readonly name = 'FeedbackError';
  constructor(readonly text: Text) {
    super(render('en', text));
  }
}

/**
 * Discord's final no to a change of a post or thread (no access, missing permissions): trying
 * again cannot help, so the change stops there and staff see why in /feedback show.
 */
export class RefusedError extends Error {
  override readonly name = 'RefusedError';
  /** Why, to keep for staff and show in their language (null: the message, Discord's own words). */
  readonly text: Text | null;

  constructor(message: string | Text, options?: ErrorOptions & { text?: Text }) {
    super(typeof message === 'string' ? message : render('en', message), options);
    this.text = typeof message === 'string' ? (options?.text ?? null) : message;
  }
}

/** The feedback channel as Pulse finds it, before an item is claimed and before it is posted. */
export type ChannelCheck =
  /** Its kind, and the bot's permissions it lacks there to post an item (catalogue keys; none: fine). */
  | { kind: ChannelKind; missing: MessageKey[] }
  /** Gone, of another server or type, or hidden from the bot: the setting needs fixing. */
  | 'bad'
  /** Discord did not say (an outage): the item is claimed and posted later. */
  | 'unknown';

export interface PostContent {
  name: string;
  embed: APIEmbed;
  components: Array<APIActionRowComponent<APIButtonComponent>>;
  /**
   * Tag names for forum posts: the status label in the server's language (a missing tag is created
   * with it), every name the status's tag may already have (its label in each of Pulse's languages,
   * so a language change or an older English tag finds the same tag), and the category.
   */
  tags: { status: string; statusNames: readonly string[]; category: string };
}

/**
 * Every name a status's forum tag may have: its label in `lang` first, then in each of Pulse's
 * languages, then the English name older versions gave it. Found case-insensitively by the adapter.
 */
export function statusTagNames(lang: Language, status: Status): string[] {
  return [...new Set([statusName(lang, status), ...languageCodes.map((l) => statusName(l, status)), STATUS_LABEL[status]])];
}

/** Whether a checked channel can take posts: it is there, and the bot lacks nothing it needs. */
function takesPosts(check: Exclude<ChannelCheck, 'unknown'>): boolean {
  return check !== 'bad' && check.missing.length === 0;
}

/** What a member is told when a checked channel cannot take posts (gone, or Pulse lacks a permission there); null when it can, or Discord did not answer. */
function refusalOf(check: ChannelCheck, channelId: string): Text | null {
  if (check === 'bad') return msg('feedback.error.badChannel');
  if (check !== 'unknown' && check.missing.length > 0) return msg('perm.cantPost', { channel: channelId, missing: check.missing.map((key) => msg(key)) });
  return null;
}

/**
 * An item's thread or post name in the server's language: "[Planificada] Title · #12". Every
 * thread Pulse makes for it is named so, and a later look finds it by the " · #N" ending.
 */
function threadName(item: Item, lang: Language): string {
  return postName(item.id, item.status, item.title, statusName(lang, item.status));
}

export interface Published {
  threadId: string;
  messageId: string;
}

/** What the service asks of Discord. The adapter maps Discord's answers to these results. */
export interface FeedbackPorts {
  /** The feedback channel: its kind and what the bot lacks there, 'bad', or 'unknown' when Discord did not answer. */
  checkChannel(guildId: string, channelId: string): Promise<ChannelCheck>;
  /** Posts an item: a forum post, or an embed message with a public thread on it. */
  publish(item: Item, content: PostContent): Promise<Published>;
  /**
   * Looks for an item's post made before a crash (by its footer marker); a text channel's message
   * found without its thread gets one, named `threadName`.
   */
  findPublished(item: Item, threadName: string): Promise<Published | null>;
  /** Edits the post's message; 'gone' when it was deleted; throws RefusedError on a final refusal. */
  editPost(item: Item, content: PostContent): Promise<'ok' | 'gone'>;
  /**
   * Renames and re-tags the item's thread, and archives/unarchives and locks/unlocks it where
   * `state` says (left as it is where it says nothing); 'gone' when deleted; throws RefusedError
   * on a final refusal (no access, no Manage Threads).
   */
  updateThread(item: Item, content: PostContent, state: { archived?: boolean; locked?: boolean }): Promise<'ok' | 'gone'>;
  /**
   * Posts in the item's thread (mentioning `mention` when given); 'gone' when the item has no
   * thread or it was deleted. Throws RefusedError on a final refusal and other errors as they come.
   * With `once`, the post carries its nonce (Discord hands back a repeat made within minutes), and
   * with `once.since` it first looks among the thread's messages since then for the same text by
   * Pulse (an earlier try that landed before a crash): 'ok' without posting when it is there.
   */
  postInThread(item: Item, content: string, mention: string | null, once?: { nonce: string; since: number | null }): Promise<'ok' | 'gone'>;
  /**
   * Sends a DM with its nonce; with `once.since`, first looks in the DM channel for the same text
   * since then (an earlier try that landed but was not answered). 'closed' when the member does
   * not accept DMs from the bot; other errors as they come.
   */
  sendDm(userId: string, content: string, once: { nonce: string; since: number | null }): Promise<'sent' | 'closed'>;
}

export interface FeedbackServiceDeps {
  db: Executor;
  clock: Clock;
  logger: Logger;
  ports: FeedbackPorts;
  /** The server's Discord locale (its language when the `language` setting is not set). */
  guildLocale?: (guildId: string) => string | null;
  /** Least time between two edits of one post (default 3 s). */
  liveIntervalMs?: number;
  timers?: Timers;
}

export const MAX_POST_ATTEMPTS = 5;
/** How long a notice Discord failed to take (not a closed DM) is tried again, at each retry pass. */
export const NOTICE_RETRY_MS = 60 * 60_000;
/** Tries at a status change's post and thread update before Pulse gives up (one per start or retry pass). */
export const MAX_APPLY_ATTEMPTS = 5;

/** The window of feedback_daily_limit: items added in the last 24 hours (rolling). */
export const DAILY_WINDOW_MS = 24 * 60 * 60_000;

/**
 * The refusal of a member who added `limit` items or more in the 24 hours before `now` (null: they
 * may add one), with when they may add the next one: when enough of the counted items have left
 * the window (the oldest, unless staff lowered the limit since).
 */
async function dailyLimitRefusal(db: Executor, guildId: string, memberId: string, limit: number, now: number): Promise<Text | null> {
  const added = await addedSince(db, guildId, memberId, now - DAILY_WINDOW_MS);
  if (added.length < limit) return null;
  const next = added[added.length - limit]! + DAILY_WINDOW_MS;
  return msg('feedback.error.dailyLimit', { count: limit, next: `<t:${Math.ceil(next / 1000)}:R>` });
}

/** Discord's codes, named in the reasons staff read (as Discord's own errors are). */
const UNKNOWN_CHANNEL = 10003;
const MISSING_PERMISSIONS = 50013;

/**
 * What a status change asks of the item's thread: a decision archives it (and locks it, with
 * the setting); a reopening unarchives it (and unlocks it when Pulse may have locked it:
 * `pulseLocked`, see mayHaveLocked); a move between open statuses leaves it as it is. Never more:
 * a moderator's archive or lock Pulse did not decide stays.
 */
function threadState(from: Status, to: Status, lockOnClose: boolean, pulseLocked = lockOnClose): { archived?: boolean; locked?: boolean } {
  if (isClosed(to)) return { archived: true, ...(lockOnClose ? { locked: true } : {}) };
  if (isClosed(from)) return { archived: false, ...(pulseLocked ? { locked: false } : {}) };
  return {};
}

/**
 * Why an item closed before Discord took its post stays unposted (post_error, shown to staff). The
 * reasons Pulse words are kept as Texts (storeText), read in the language of the staff member who reads them.
 */
const CLOSED_UNPOSTED = storeText(msg('feedback.unposted.closed'));

export class FeedbackService {
  readonly live: Coalescer<number>;
  private readonly threads = new Map<string, number>();
  private readonly publishing = new Set<number>();
  private readonly applying = new Set<number>();
  /** Status changes being applied, per item (see applyChange). */
  private readonly itemLock = new KeyedLock();
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Per server with failed items: its settings' last change when they were last tried (see retryFailed). */
  private failedTried = new Map<string, number | null>();
  /**
   * Per feedback channel: whether Pulse's last look (a post's check, a retry pass) found it able to
   * take posts. A channel seen refusing, then able, was fixed in Discord: its failed items get a try.
   */
  private readonly channelOk = new Map<string, boolean>();
  private stopping = false;

  constructor(private readonly deps: FeedbackServiceDeps) {
    this.live = new Coalescer<number>((id) => this.refreshPost(id), deps.liveIntervalMs ?? 3_000, deps.timers ?? realTimers, (err, id) =>
      deps.logger.warn({ err, item: id }, 'feedback.live-edit-failed'),
    );
  }

  private get db() {
    return this.deps.db;
  }

  // ---------------------------------------------------------------- posting

  /** The language of what everyone sees in a server: its setting, else its Discord locale. */
  async language(guildId: string): Promise<Language> {
    return serverLanguage(await getSettings(this.db, guildId), this.deps.guildLocale?.(guildId));
  }

  async content(item: Item): Promise<PostContent> {
    const lang = await this.language(item.guildId);
    const votes = await votesOf(this.db, item.id);
    const history = await statusHistory(this.db, item.id);
    const last = history.at(-1);
    return {
      name: threadName(item, lang),
      embed: postEmbed({ item, votes, lastReason: last?.reason ?? null }, lang),
      components: voteButtons(item, votes, lang),
      tags: { status: statusName(lang, item.status), statusNames: statusTagNames(lang, item.status), category: item.category },
    };
  }

  /**
   * Refuses (FeedbackError) a member who may not add an item now: feedback_daily_limit reached in
   * the last 24 hours. Staff are exempt. The adapter asks before the submit form opens; submit
   * checks again as it claims the item.
   */
  async requireUnderLimit(guildId: string, memberId: string, staff: boolean): Promise<void> {
    if (staff) return;
    const { feedbackDailyLimit } = await getSettings(this.db, guildId);
    const refusal = await dailyLimitRefusal(this.db, guildId, memberId, feedbackDailyLimit, this.deps.clock.now());
    if (refusal) throw new FeedbackError(refusal);
  }

  /**
   * Why a submit to this feedback channel would be refused now (gone, or Pulse lacks a permission
   * there), as submit says it; null when it can take posts or Discord did not answer. Asked before
   * the submit form opens: what a member types is then never lost to a refusal known beforehand.
   */
  async channelRefusal(guildId: string, channelId: string): Promise<Text | null> {
    return refusalOf(await this.deps.ports.checkChannel(guildId, channelId), channelId);
  }

  /**
   * Submits or captures an item: claims its row first, then posts it. A capture of a message
   * that already has an item returns that item (`existing`). Who adds it (the author, or the
   * capturer) may add feedback_daily_limit items per 24 hours, unless `byStaff`; pointing to an
   * existing item costs nothing.
   */
  async submit(input: {
    guildId: string;
    authorId: string;
    title: string;
    details: string;
    category: string;
    capture?: { by: string; channelId: string; messageId: string };
    /** Whether who adds it (the capturer for a capture) is staff, as the adapter found (isStaff). */
    byStaff: boolean;
  }): Promise<{ item: Item; existing: boolean }> {
    const settings = await getSettings(this.db, input.guildId);
    if (input.capture) {
      // Before the channel check: pointing to an existing item needs no channel.
      const found = await itemBySource(this.db, input.guildId, input.capture.messageId);
      if (found) return { item: found, existing: true };
    }
    const channelId = settings.feedbackChannelId;
    if (!channelId) throw new FeedbackError(msg('feedback.error.noChannel'));
    // Checked before the item is claimed: a channel Pulse cannot post in is refused now, with what
    // to fix, rather than taken and never posted.
    const check = await this.deps.ports.checkChannel(input.guildId, channelId);
    const refused = refusalOf(check, channelId);
    // ('bad' always has a refusal; named so that `check` is known to have a kind below.)
    if (refused || check === 'bad') throw new FeedbackError(refused as Text);
    // Discord not answering (an outage) loses nothing: the item is claimed with the kind of the
    // channel's last item (publish checks it again before posting) and posted when Discord is back.
    const kind = check === 'unknown' ? ((await lastChannelKind(this.db, input.guildId, channelId)) ?? 'text') : check.kind;
    const now = this.deps.clock.now();
    // The limit is counted and the item claimed in one transaction: two submits at once cannot
    // both take the last place. A capture that lost a race to another one costs nothing either.
    const claimed = await inTransaction(this.db, async (trx) => {
      const member = input.capture?.by ?? input.authorId;
      const counted = !input.byStaff && !(input.capture && (await itemBySource(trx, input.guildId, input.capture.messageId)));
      const refusal = counted ? await dailyLimitRefusal(trx, input.guildId, member, settings.feedbackDailyLimit, now) : null;
      if (refusal) throw new FeedbackError(refusal);
      return claimItem(
        trx,
        {
          guildId: input.guildId,
          channelId,
          channelKind: kind,
          authorId: input.authorId,
          title: input.title,
          details: input.details,
          category: input.category,
          ...(input.capture ? { capturedBy: input.capture.by, sourceChannelId: input.capture.channelId, sourceMessageId: input.capture.messageId } : {}),
        },
        now,
      );
    });
    if (claimed.existing) return claimed;
    await this.publish(claimed.item.id);
    const item = (await getItem(this.db, claimed.item.id)) ?? claimed.item;
    // Discord refused it for good (a permission taken since the check, a tag the forum requires):
    // the member hears so now, not "in a moment"; the item is kept and tried again (retryFailed).
    if (item.postState === 'failed') throw new FeedbackError(msg('feedback.error.refusedSaved', { id: item.id, channel: item.channelId }));
    return { item, existing: false };
  }

  /**
   * The item as it can be posted now, or a RefusedError when its channel is gone or the bot lacks
   * a permission there; an item claimed while Discord did not answer gets its channel's kind.
   */
  private async postable(item: Item): Promise<Item> {
    const check = await this.deps.ports.checkChannel(item.guildId, item.channelId);
    if (check === 'unknown') throw new Error('Discord did not answer about the feedback channel');
    this.channelOk.set(item.channelId, takesPosts(check));
    if (check === 'bad') throw new RefusedError(msg('feedback.unposted.channelGone', { code: String(UNKNOWN_CHANNEL) }));
    if (check.missing.length > 0) throw new RefusedError(msg('feedback.unposted.missing', { missing: check.missing.map((key) => msg(key)), code: String(MISSING_PERMISSIONS) }));
    if (check.kind === item.channelKind) return item;
    await setChannelKind(this.db, item.id, check.kind);
    return { ...item, channelKind: check.kind };
  }

  /** Posts a claimed item once: a retry first looks for a post an earlier attempt made. Never throws. */
  async publish(itemId: number): Promise<void> {
    if (this.publishing.has(itemId)) return;
    this.publishing.add(itemId);
    try {
      const item = await getItem(this.db, itemId);
      if (!item || item.postState !== 'pending') return;
      // Staff closed it before Discord took it: it is never posted (a reopening posts it).
      if (isClosed(item.status)) return void (await markPostFailed(this.db, item.id, CLOSED_UNPOSTED, true));
      try {
        const before = await beginAttempt(this.db, item.id);
        const earlier = before > 0 ? await this.deps.ports.findPublished(item, threadName(item, await this.language(item.guildId))) : null;
        const votes = await votesOf(this.db, item.id);
        const target = earlier ? item : await this.postable(item);
        const post = earlier ?? (await this.deps.ports.publish(target, await this.content(target)));
        await markPosted(this.db, item.id, post, this.deps.clock.now());
        if (!earlier) await setShownScore(this.db, item.id, votes, item.authorId);
        this.threads.set(post.threadId, item.id);
        this.deps.logger.info({ guild: item.guildId, item: item.id, thread: post.threadId, found: earlier !== null }, 'feedback.posted');
        // Closed while it was being posted: the post and thread follow its status (refreshPost archives it).
        if (isClosed((await getItem(this.db, item.id))?.status ?? 'open')) this.live.mark(item.id);
      } catch (err) {
        // Discord's final no waits for the channel to be fixed (retryFailed), not for five tries.
        const giveUp = err instanceof RefusedError || (await getItem(this.db, item.id))!.postAttempts >= MAX_POST_ATTEMPTS;
        const reason = err instanceof RefusedError && err.text ? storeText(err.text) : (err instanceof Error ? err.message : String(err)).slice(0, 300);
        await markPostFailed(this.db, item.id, reason, giveUp);
        this.deps.logger.warn({ err, guild: item.guildId, item: item.id, giveUp }, 'feedback.post-failed');
      }
    } finally {
      this.publishing.delete(itemId);
    }
  }

  /** Edits an item's post to its current state (the coalescer calls this). */
  async refreshPost(itemId: number): Promise<void> {
    const item = await getItem(this.db, itemId);
    if (!item || item.postState !== 'posted' || item.gone) return;
    // Read before rendering: a vote landing in between marks the post again, and a crash
    // then leaves it recorded as behind (one extra edit on start), never as up to date.
    const votes = await votesOf(this.db, item.id);
    // The first edit since an opt-out made a captured item's author anonymous: the step may have
    // replaced a title that named them, which the thread's name still shows (a closed item's
    // thread is renamed below, as it is closed again).
    const rename = item.authorId === ANONYMOUS_AUTHOR && item.sourceMessageId !== null && !isClosed(item.status) && item.threadId !== null && !(await shownAnonymous(this.db, item.id));
    const content = await this.content(item);
    const result = await this.deps.ports.editPost(item, content);
    if (result === 'gone') return this.gone(item, 'message');
    if (rename && (await this.deps.ports.updateThread(item, content, {})) === 'gone') return this.gone(item, 'thread');
    await setShownScore(this.db, item.id, votes, item.authorId);
    // A closed item's thread is unarchived for the edit (Discord takes none in an archived
    // thread): it goes back as the item's status wants.
    if (isClosed(item.status)) await this.closeThreadAgain(item.id);
  }

  /** Archives (and locks, per the setting) a closed item's thread again; one change of the item at a time. */
  private async closeThreadAgain(itemId: number): Promise<void> {
    await this.itemLock.run(String(itemId), async () => {
      // As it is now: a status change may have reopened it meanwhile.
      const item = await getItem(this.db, itemId);
      if (!item || !isClosed(item.status) || item.gone === 'thread' || !item.threadId) return;
      const lockOnClose = (await getSettings(this.db, item.guildId)).feedbackLockOnClose;
      if ((await this.deps.ports.updateThread(item, await this.content(item), threadState(item.status, item.status, lockOnClose))) === 'gone') await this.gone(item, 'thread');
    });
  }

  /**
   * An opt-out step replaced these items' author with the placeholder: their posts, which still
   * name the member, are edited through the coalescer, as after a vote (open or closed items alike).
   */
  authorsAnonymised(itemIds: readonly number[]): void {
    for (const id of itemIds) this.live.mark(id);
  }

  /**
   * Start-up: edits the posts left behind their rows (a crash inside the coalescing window): open
   * items' votes, and any item's author an opt-out replaced; one after another in the
   * background, through the coalescer.
   */
  async refreshStale(): Promise<number> {
    const stale = await staleItemIds(this.db, CLOSED);
    if (stale.length) {
      this.deps.logger.info({ items: stale.length }, 'feedback.refreshing-stale');
      this.track(
        (async () => {
          for (const id of stale) if (!this.stopping) await this.live.now(id);
        })().catch((err: unknown) => this.deps.logger.warn({ err }, 'feedback.stale-refresh-failed')),
      );
    }
    return stale.length;
  }

  // ---------------------------------------------------------------- votes

  /**
   * A click on Upvote/Downvote; returns the receipt shown to the member (in their language).
   * `messageId` is the message the button was clicked on: a vote counts only on the item's own
   * post (a custom_id can be crafted to name any item).
   */
  async vote(guildId: string, itemId: number, userId: string, clicked: VoteValue, messageId?: string): Promise<Text> {
    // The status check and the write in one transaction: a vote racing a close (a duplicate's
    // votes moving to the original) is refused, or lands first and moves with the others.
    const outcome = await castVote(this.db, { guildId, itemId, userId, clicked, ...(messageId !== undefined ? { messageId } : {}) }, this.deps.clock.now());
    if (outcome.kind === 'missing') throw new FeedbackError(msg('feedback.error.missing', { id: itemId }));
    if (outcome.kind === 'closed') throw new FeedbackError(msg('feedback.error.voteClosed'));
    const { next } = outcome;
    this.live.mark(itemId);
    return msg(next === null ? 'feedback.vote.withdrawn' : next === 1 ? 'feedback.vote.up' : 'feedback.vote.down');
  }

  // ---------------------------------------------------------------- triage

  /** Staff change an item's status; the same change twice does nothing. Returns the change, if any. */
  async setStatus(input: { guildId: string; itemId: number; to: Status; by: string; reason: string | null; duplicateOf: number | null }): Promise<{ item: Item; change: StatusChange | null; movedVotes: number }> {
    const item = await getItem(this.db, input.itemId);
    if (!item || item.guildId !== input.guildId) throw new FeedbackError(msg('feedback.error.missing', { id: input.itemId }));
    // An item Discord has not taken may be decided too (it then stays unposted), but not while
    // Pulse is posting it right now: that post would show the old status.
    if (item.postState !== 'posted' && this.publishing.has(item.id)) throw new FeedbackError(msg('feedback.error.notPosted', { id: item.id }));
    if (input.duplicateOf !== null && input.to !== 'duplicate') throw new FeedbackError(msg('feedback.error.duplicateNeedsStatus'));
    let duplicateOf: number | null = null;
    if (input.to === 'duplicate') {
      const original = input.duplicateOf === null ? undefined : await getItem(this.db, input.duplicateOf);
      const check = checkDuplicate(item.id, item.guildId, original);
      if (!check.ok) throw new FeedbackError(duplicateError(check.reason, input.duplicateOf));
      // No chains the other way either: an item others are duplicates of stays their original.
      if (await hasDuplicates(this.db, item.id)) throw new FeedbackError(msg('feedback.error.duplicateHasDuplicates', { id: item.id }));
      duplicateOf = check.originalId;
    }
    const result = await changeStatus(this.db, { itemId: item.id, to: input.to, by: input.by, byStaff: true, reason: input.reason, duplicateOf }, this.deps.clock.now());
    if (!result) throw new FeedbackError(msg('feedback.error.missing', { id: input.itemId }));
    let change = result.change;
    if (change) {
      this.deps.logger.info({ guild: item.guildId, item: item.id, from: change.from, to: change.to, by: input.by }, 'feedback.status');
      await this.applyChange(change.id);
      // (After the notice: a reopened item's new post needs no "Status:" line of its own.)
      if (item.postState !== 'posted') await this.unpostedChanged(item.id, change);
      if (duplicateOf !== null) this.live.mark(duplicateOf);
      // As applied: whether the author was told.
      change = (await getChange(this.db, change.id)) ?? change;
    }
    return { item: (await getItem(this.db, item.id)) ?? item, change, movedVotes: result.movedVotes };
  }

  /**
   * A status change of an item Discord has not taken: closed, it is never posted (a pending one is
   * marked so, with why; a refused one keeps Discord's reason); reopened, it is posted again now,
   * in the channel set now, as a refused item is after a fix (see retryFailed).
   */
  private async unpostedChanged(itemId: number, change: StatusChange): Promise<void> {
    if (isClosed(change.to)) return markPostFailed(this.db, itemId, CLOSED_UNPOSTED, true);
    if (!isClosed(change.from)) return;
    const item = await getItem(this.db, itemId);
    if (!item || item.postState === 'posted') return;
    if (item.postState === 'pending') return this.publish(item.id);
    const channelId = (await getSettings(this.db, item.guildId)).feedbackChannelId ?? item.channelId;
    const check = await this.deps.ports.checkChannel(item.guildId, channelId).catch(() => 'unknown' as const);
    const attempts = Math.min(item.postAttempts, MAX_POST_ATTEMPTS - 1);
    if (check !== 'unknown' && check !== 'bad' && takesPosts(check)) return this.postAgain(item, channelId, check.kind, attempts);
    // Discord did not answer: posted at the next pass, as any pending item. The channel cannot take
    // it: one try now records Discord's reason, and it waits for a fix as other refused items do.
    await reviveItem(this.db, item.id, { channelId, channelKind: item.channelKind }, attempts);
    if (check !== 'unknown') await this.publish(item.id);
  }

  /**
   * Brings the post and thread in line with a recorded change and tells the author, once.
   * Order matters: posts in the thread come before it is archived (and locked). Each step is
   * recorded as it lands, so a retry (every few minutes, or on start after a crash) redoes only
   * what is left: the "Status:" line goes up once. Discord's final refusal (no access, no Manage
   * Threads) ends the change at once, other failures after MAX_APPLY_ATTEMPTS tries; either way
   * the change is marked applied with the reason, which staff see in /feedback show.
   */
  async applyChange(changeId: number): Promise<void> {
    if (this.applying.has(changeId)) return;
    this.applying.add(changeId);
    try {
      const queued = await getChange(this.db, changeId);
      if (!queued) return;
      // One change of an item at a time: a newer change waits for an older one still talking to
      // Discord, so the older one's thread update can never land after the newer one's.
      await this.itemLock.run(String(queued.itemId), async () => {
        // As it is now: the wait may have been long.
        const change = await getChange(this.db, changeId);
        if (!change) return;
        try {
          await this.applySteps(change);
        } catch (err) {
          await this.applyFailed(change.id, err).catch((failed: unknown) => this.deps.logger.warn({ err: failed, change: changeId }, 'feedback.apply-failed'));
        }
      });
    } finally {
      this.applying.delete(changeId);
    }
  }

  private async applySteps(change: StatusChange): Promise<void> {
    const item = await getItem(this.db, change.itemId);
    if (!item) return;
    // Only the latest change of an item decides the thread's state; older ones just notify.
    const history = await statusHistory(this.db, item.id);
    const latest = history.at(-1)?.id === change.id;
    // A deleted post message leaves its thread: the thread still follows the item.
    const usable = item.postState === 'posted' && item.gone !== 'thread';
    const onDiscord = usable && change.appliedAt === null && latest;
    // The post and thread first; should Discord refuse them, the author is told all the same
    // and the change is retried (RETRY_MS) before it is marked applied.
    let refused: unknown;
    if (onDiscord) {
      const before = await beginApply(this.db, change.id);
      try {
        // (An archived thread is unarchived by the ports when Discord refuses a change in it.)
        if (item.gone === null && (await this.deps.ports.editPost(item, await this.content(item))) === 'gone') await this.gone(item, 'message');
        if (change.threadStatusPostedAt === null) {
          const line = renderText.threadStatus(await this.language(item.guildId), change.to, change.by, change.reason, change.duplicateOf);
          // A try before this one may have posted the line and died before recording it.
          // Discord's failures throw (retried, or recorded when final); only a deleted thread skips it.
          if ((await this.deps.ports.postInThread(item, line, null, { nonce: postNonce('fs', change.id, change.at), since: before > 0 ? change.at : null })) === 'ok') {
            await markThreadStatusPosted(this.db, change.id, this.deps.clock.now());
          } else await this.gone(item, 'thread');
        }
      } catch (err) {
        refused = err;
      }
    }
    if (change.notified === null && (await claimNotice(this.db, change.id))) await this.notify(item, change);
    if (refused !== undefined) throw refused;
    if (onDiscord) {
      // Read again after Discord's answers and the notice: a newer change recorded meanwhile
      // (waiting for this one) decides the thread instead, and the thread shows the item as it is.
      const current = await getItem(this.db, item.id);
      const stillLatest = (await statusHistory(this.db, item.id)).at(-1)?.id === change.id;
      if (current && stillLatest && current.gone !== 'thread') {
        const lockOnClose = (await getSettings(this.db, current.guildId)).feedbackLockOnClose;
        const pulseLocked = lockOnClose || (isClosed(change.from) && !isClosed(current.status) && (await this.mayHaveLocked(current.guildId, history, change.id)));
        const result = await this.deps.ports.updateThread(current, await this.content(current), threadState(change.from, current.status, lockOnClose, pulseLocked));
        if (result === 'gone') await this.gone(current, 'thread');
      }
    }
    await markApplied(this.db, change.id, this.deps.clock.now());
  }

  /**
   * Whether Pulse may have locked a closed item's thread, with feedback_lock_on_close off now (the
   * setting's past values are not kept): Pulse locks only with the setting on, so it did not when
   * the settings have not changed since the item was closed (its last change from an open status
   * before `reopenId`). Changed since, it may have: the reopening unlocks, as it does with the
   * setting on. A moderator's own lock stays when the settings did not change meanwhile.
   */
  private async mayHaveLocked(guildId: string, history: readonly StatusChange[], reopenId: number): Promise<boolean> {
    const closedAt = history.filter((c) => c.id < reopenId && isClosed(c.to) && !isClosed(c.from)).at(-1)?.at;
    const changedAt = await settingsChangedAt(this.db, guildId);
    return closedAt !== undefined && changedAt !== null && changedAt >= closedAt;
  }

  /** A try that failed: retried later, unless Discord said no for good or the tries ran out. */
  private async applyFailed(changeId: number, err: unknown): Promise<void> {
    const change = await getChange(this.db, changeId).catch(() => undefined);
    const final = err instanceof RefusedError;
    if (!change || (!final && change.applyAttempts < MAX_APPLY_ATTEMPTS)) {
      this.deps.logger.warn({ err, change: changeId, attempts: change?.applyAttempts }, 'feedback.apply-failed');
      return;
    }
    const reason = (err instanceof Error ? err.message : String(err)).slice(0, 300);
    await markApplied(this.db, change.id, this.deps.clock.now(), reason);
    this.deps.logger.warn({ err, change: change.id, item: change.itemId, attempts: change.applyAttempts, final }, final ? 'feedback.apply-refused' : 'feedback.apply-gave-up');
  }

  /**
   * Tells the author by DM; when their DMs are closed (and only then), with a mention in the item's
   * thread. A DM Discord failed to take otherwise is tried again at the next retry passes for
   * NOTICE_RETRY_MS (looking first for one that landed unanswered), then recorded as failed.
   */
  private async notify(item: Item, change: StatusChange): Promise<void> {
    if (change.by === item.authorId || item.authorId === ANONYMOUS_AUTHOR) {
      await markNotified(this.db, change.id, 'skipped');
      return;
    }
    // A duplicate's author is pointed to the original's thread, where its discussion continues.
    const target = change.duplicateOf !== null ? await getItem(this.db, change.duplicateOf) : item;
    const link = target && target.postState === 'posted' && target.threadId && target.gone !== 'thread' ? channelLink(target.guildId, target.threadId) : null;
    const lang = await this.language(item.guildId);
    let dm: 'sent' | 'closed';
    try {
      dm = await this.deps.ports.sendDm(item.authorId, renderText.notice(lang, item, change.to, change.reason, link, change.duplicateOf), { nonce: postNonce('fn', change.id, change.at), since: change.at });
    } catch (err) {
      const retry = this.deps.clock.now() - change.at < NOTICE_RETRY_MS;
      this.deps.logger.warn({ err, guild: item.guildId, item: item.id, change: change.id, retry }, 'feedback.dm-failed');
      if (retry) await releaseNotice(this.db, change.id);
      else await markNotified(this.db, change.id, 'failed');
      return;
    }
    if (dm === 'sent') {
      await markNotified(this.db, change.id, 'dm');
      return;
    }
    let posted = false;
    if (item.postState === 'posted' && item.gone !== 'thread') {
      try {
        posted = (await this.deps.ports.postInThread(item, renderText.threadNotice(lang, item.authorId, change.to, change.reason, change.duplicateOf), item.authorId)) === 'ok';
      } catch (err) {
        this.deps.logger.warn({ err, guild: item.guildId, item: item.id, change: change.id }, 'feedback.thread-notice-failed');
      }
    }
    await markNotified(this.db, change.id, posted ? 'thread' : 'failed');
    this.deps.logger.info({ guild: item.guildId, item: item.id, via: posted ? 'thread' : 'failed' }, 'feedback.author-told');
  }

  // ---------------------------------------------------------------- thread activity and deletions

  /** Whether a channel is an item's thread (kept in memory: asked for every message). */
  isItemThread(channelId: string): boolean {
    return this.threads.has(channelId);
  }

  /**
   * A message in an item's thread, live or read on start: who and when (never the text); the
   * starter post is not a reply. The same message twice counts once.
   */
  async onThreadMessage(m: { channelId: string; messageId: string; userId: string; at: number; staff: boolean }): Promise<void> {
    const itemId = this.threads.get(m.channelId);
    if (itemId === undefined) return;
    const item = await getItem(this.db, itemId);
    if (!item || m.messageId === item.messageId) return;
    const staff = m.staff && m.userId !== item.authorId;
    // A member who opted out of Pulse is not recorded, here either; but a staff answer is the
    // item's (its first staff answer): it is recorded under the placeholder that names nobody.
    const optedOut = await isOptedOut(this.db, item.guildId, m.userId);
    if (!optedOut || staff) {
      await recordThreadMessage(this.db, { messageId: m.messageId, itemId, userId: optedOut ? ANONYMOUS_AUTHOR : m.userId, at: m.at, staff });
    }
    // Seen, recorded or not: start-up reads on from here (and never brings back what an opt-out deleted).
    await noteThreadSeen(this.db, itemId, m.messageId);
  }

  /** Open items' threads and the message to read on from after a downtime (start-up). */
  threadsToReadOn(): Promise<Array<{ itemId: number; guildId: string; threadId: string; after: string }>> {
    return threadsToReadOn(this.db, CLOSED);
  }

  get stopped(): boolean {
    return this.stopping;
  }

  async onMessageDeleted(channelId: string, messageId: string): Promise<void> {
    // A deleted reply stays counted: the answer was given (only its id and time were kept).
    const item = await itemByMessage(this.db, channelId, messageId);
    if (item) await this.gone(item, 'message');
  }

  async onThreadDeleted(threadId: string): Promise<void> {
    const item = await itemByThread(this.db, threadId);
    if (item) await this.gone(item, 'thread');
  }

  private async gone(item: Item, what: 'message' | 'thread'): Promise<void> {
    if (what === 'thread') this.threads.delete(item.threadId ?? '');
    this.live.forget(item.id);
    if (await markGone(this.db, item.id, what, this.deps.clock.now())) this.deps.logger.info({ guild: item.guildId, item: item.id, what }, 'feedback.post-gone');
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Start-up (and every few minutes): load the threads, post what a crash or a refusal left
   * unposted, finish interrupted changes.
   */
  async catchUp(startup = true): Promise<void> {
    if (startup) for (const t of await liveThreads(this.db)) this.threads.set(t.threadId, t.itemId);
    for (const item of await pendingItems(this.db)) await this.publish(item.id);
    await this.retryFailed(startup);
    for (const change of await unfinishedChanges(this.db)) {
      // A notice claimed but cut short by a crash is not sent again (at most once). Later
      // passes leave 'sending' alone: that notice may be on its way right now.
      if (startup && change.notified === 'sending') await markNotified(this.db, change.id, 'failed');
      await this.applyChange(change.id);
    }
    if (startup) await this.refreshStale();
  }

  /**
   * Items Pulse gave up posting get one more try each on start, after their server's settings
   * change (staff saving the feedback channel, fixed or another one), and once a channel Pulse saw
   * lacking a permission has it again (fixed in Discord: seen at the next pass): at most one try per
   * start or change, and none while the channel still cannot take them. (A refusal the permissions
   * do not explain, such as a tag the forum requires, waits for a change of settings or a start: a
   * try every pass would fail every pass.) An item goes to the channel set now.
   */
  private async retryFailed(startup: boolean): Promise<void> {
    const byGuild = new Map<string, Item[]>();
    for (const item of await failedItems(this.db)) byGuild.set(item.guildId, [...(byGuild.get(item.guildId) ?? []), item]);
    const tried = new Map<string, number | null>();
    for (const [guildId, items] of byGuild) {
      const changedAt = await settingsChangedAt(this.db, guildId);
      tried.set(guildId, changedAt);
      const last = this.failedTried.get(guildId);
      // (A server first seen here: its items failed since the last change of its settings.)
      const changed = last !== undefined && last !== changedAt;
      const channelId = (await getSettings(this.db, guildId)).feedbackChannelId;
      if (!channelId || this.stopping) continue;
      const check = await this.deps.ports.checkChannel(guildId, channelId).catch(() => 'unknown' as const);
      if (check === 'unknown') continue;
      const ok = takesPosts(check);
      const fixed = ok && this.channelOk.get(channelId) === false;
      this.channelOk.set(channelId, ok);
      if (check === 'bad' || !ok || !(startup || changed || fixed)) continue;
      for (const item of items) {
        if (this.stopping) break;
        // One try left: publish looks for an earlier post, then posts, or gives up again.
        await this.postAgain(item, channelId, check.kind, MAX_POST_ATTEMPTS - 1);
      }
    }
    this.failedTried = tried;
  }

  /** A failed item tried again in `channelId` (which takes posts), with `attempts` counted as made. */
  private async postAgain(item: Item, channelId: string, kind: ChannelKind, attempts: number): Promise<void> {
    // Moving to another channel: a post the last try made where it was is looked for first.
    const earlier = item.channelId !== channelId ? await this.deps.ports.findPublished(item, threadName(item, await this.language(item.guildId))).catch(() => null) : null;
    if (earlier) {
      await markPosted(this.db, item.id, earlier, this.deps.clock.now());
      this.threads.set(earlier.threadId, item.id);
      this.deps.logger.info({ guild: item.guildId, item: item.id, thread: earlier.threadId, found: true }, 'feedback.posted');
      return;
    }
    await reviveItem(this.db, item.id, { channelId, channelKind: kind }, attempts);
    await this.publish(item.id);
  }

  track(work: Promise<unknown>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.inFlight]);
    await this.live.stop();
  }
}
