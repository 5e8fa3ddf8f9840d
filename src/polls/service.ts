// Poll use-cases: voting, live results, the closing scheduler, announcements, native votes; Discord is reached through ports.
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { DB } from '../db/schema.js';
import { UserError } from '../discord/errors.js';
import { msg, t as tr, type Language } from '../i18n/index.js';
import type { Logger } from '../log.js';
import { retryWait } from '../retry.js';
import { Coalescer, realTimers, type Timers } from './live.js';
import { postNonce } from '../discord/nonce.js';
import { describeOutcome, pollLink, voteReceipt, type Poll, type Tally, type VoteDecision, type VoterContext } from './poll.js';
import {
  castVote,
  closePoll,
  countFinalEditFailure,
  currentTally,
  deletePoll,
  duePollIds,
  getPoll,
  markAnnounced,
  markFinalShown,
  nextDueAt,
  recordNativeVote,
  removeNativeVote,
  setPollMessage,
  setShownTally,
  stalePollIds,
  unannouncedPolls,
  unpostedPolls,
  unshownClosedPollIds,
  type NativeVote,
} from './store.js';
import { isOptedOut } from '../activity/privacy-store.js';
import { ellipsize, plainText, truncate } from '../text.js';

export interface PollsOptions {
  /** Least time between two edits of one poll message (default 3 s). */
  liveIntervalMs?: number;
  timers?: Timers;
}

/**
 * What became of an edit of a poll's message: shown; gone (message or channel deleted); capped
 * (too many edits of an old message, for now); refused (the bot lost access or permission there).
 */
export type ShowResult = 'shown' | 'gone' | 'capped' | 'refused';

/** The service's way out to Discord; the adapter implements it. */
export interface PollPorts {
  /** The server's language (the poll card and the author's DM are about a public event). */
  language(guildId: string): Promise<Language>;
  /** Edits the poll's message to show this state, in the server's language; throws on other failures. */
  show(lang: Language, poll: Poll, tally: Tally): Promise<ShowResult>;
  /**
   * Posts the poll's message carrying `nonce` (Discord then hands back the message an earlier
   * attempt with the same nonce made in the last few minutes); returns its id.
   */
  post(lang: Language, poll: Poll, tally: Tally, nonce: string): Promise<string>;
  /** A message the bot already posted for this poll (after its creation), or null; throws when it cannot tell. */
  findPosted(poll: Poll): Promise<string | null>;
  /** Sends a direct message; false when the member does not accept them. */
  dm(userId: string, content: string): Promise<boolean>;
}

export interface PollDeps {
  db: Kysely<DB>;
  clock: Clock;
  logger: Logger;
  ports: PollPorts;
}

/** A click on a poll's control, as the service needs it. */
export interface Ballot {
  pollId: number;
  guildId: string;
  userId: string;
  roleIds: readonly string[];
  /** The voter's language, for the receipt. */
  lang: Language;
  /** The message the control was clicked on: a vote counts only from its poll's own message. */
  messageId: string;
  /** Whether the voter may see this poll (the rules of `/poll results`). */
  canSee(poll: Poll): boolean;
  /** Whether the server no longer has this role (deleted); false when that cannot be told. */
  roleGone(roleId: string): boolean;
}

/** What a vote's decision needs to know about the voter. */
function voterContext(poll: Poll, ballot: Ballot, now: number): VoterContext {
  const hasRole = poll.roleId === null || ballot.roleIds.includes(poll.roleId);
  return { now, hasRole, roleGone: poll.roleId !== null && !hasRole && ballot.roleGone(poll.roleId) };
}

const OLD_MESSAGE_INTERVAL_MS = 10_000;
const SLOW_INTERVAL_MS = 60_000;

/** The longest the scheduler sleeps before looking again (timers past ~24.8 days overflow). */
const MAX_SLEEP_MS = 6 * 3_600_000;

/** After a final edit fails, the wait before the next try, by failed tries so far (the last repeats). */
const FINAL_RETRY_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000];
/** Failed final edits (retries and start-ups together) after which a closed poll's message is left as it is. */
export const MAX_FINAL_ATTEMPTS = 6;

export class PollService {
  readonly live: Coalescer<number>;
  private readonly timers: Timers;
  private dueTimer: unknown;
  private stopped = false;
  private readonly inFlight = new Set<Promise<unknown>>();
  /** When each recently voted poll was created, to pace edits of old messages. */
  private readonly createdAt = new Map<number, number>();
  private readonly slowUntil = new Map<number, number>();
  /** Closed polls whose final edit failed, waiting for their next try. */
  private readonly finalRetries = new Map<number, unknown>();
  /** Polls whose message is being posted right now (their message id is not saved yet). */
  private readonly posting = new Set<number>();

  readonly db: Kysely<DB>;
  readonly clock: Clock;
  readonly logger: Logger;
  private readonly ports: PollPorts;

  constructor(deps: PollDeps, options: PollsOptions = {}) {
    this.db = deps.db;
    this.clock = deps.clock;
    this.logger = deps.logger;
    this.ports = deps.ports;
    this.timers = options.timers ?? realTimers;
    const base = options.liveIntervalMs ?? 3_000;
    // Messages older than an hour have a separate, hidden edit cap (30046): edit those less often,
    // and much less often once Discord has said no.
    const interval = (id: number) => {
      const slowUntil = this.slowUntil.get(id);
      if (slowUntil !== undefined && slowUntil > this.clock.now()) return Math.max(base, SLOW_INTERVAL_MS);
      const created = this.createdAt.get(id);
      return created !== undefined && this.clock.now() - created > 3_600_000 ? Math.max(base, OLD_MESSAGE_INTERVAL_MS) : base;
    };
    this.live = new Coalescer<number>((id) => this.refreshMessage(id), interval, this.timers, (err, id) => this.logger.warn({ err, poll: id }, 'polls.live-edit-failed'));
  }

  /** The server's language, for what everyone sees. */
  language(guildId: string): Promise<Language> {
    return this.ports.language(guildId);
  }

  // ---------------------------------------------------------------- voting

  /**
   * A vote from a button or the select menu: decides and stores it, then hands the receipt to
   * `acknowledge` (the answer to the click). Refusals are UserErrors. When the acknowledgement
   * fails (Discord shows the member "This interaction failed"), the vote is taken back, so the
   * member's choices end as they were last told and a retry does not toggle them off.
   * Anonymous polls: who voted for what is never logged.
   */
  async vote(ballot: Ballot, decide: (poll: Poll, current: number[], voter: VoterContext) => VoteDecision, acknowledge: (receipt: string) => Promise<void>): Promise<void> {
    const { pollId } = ballot;
    const now = this.clock.now();
    // Another server's poll is refused as a missing one is: nothing tells a member its id exists.
    const outcome = await castVote(this.db, pollId, ballot.userId, now, (poll, current) =>
      poll.guildId !== ballot.guildId
        ? { kind: 'refused', reason: 'bad-choice', message: msg('polls.error.gone') }
        : poll.messageId !== ballot.messageId || !ballot.canSee(poll)
          ? { kind: 'refused', reason: 'bad-choice', message: msg('polls.error.staleControl') }
          : decide(poll, current, voterContext(poll, ballot, now)),
    );
    if (!outcome) throw new UserError(msg('polls.error.gone'));
    if (outcome.kind === 'refused') {
      // A click on a poll that is past due but not yet closed (the bot was busy) closes it now.
      if (outcome.reason === 'closed' && outcome.poll.status === 'open') this.track(this.closeDue());
      throw new UserError(outcome.message);
    }
    this.logger.debug({ guild: ballot.guildId, poll: pollId, ...(outcome.poll.anonymous ? {} : { user: ballot.userId, choices: outcome.next }) }, 'polls.vote');
    if (this.createdAt.size > 1000) this.createdAt.clear();
    this.createdAt.set(pollId, outcome.poll.createdAt);
    // Hidden results still move the voter count in the footer.
    this.live.mark(pollId);
    try {
      await acknowledge(voteReceipt(ballot.lang, outcome.poll, outcome.next));
    } catch (err) {
      await this.takeBack(ballot, outcome);
      throw err;
    }
  }

  /** Undoes a vote the member was never told about: removes what it added, restores what it removed. */
  private async takeBack(ballot: Ballot, done: { added: number[]; removed: number[] }): Promise<void> {
    const undone = await castVote(this.db, ballot.pollId, ballot.userId, this.clock.now(), (poll, current) => {
      // A closed poll's counts are final; there is nothing left to take back.
      if (poll.status !== 'open') return { kind: 'refused', reason: 'closed', message: msg('polls.vote.closed') };
      const removed = done.added.filter((c) => current.includes(c));
      const added = done.removed.filter((c) => !current.includes(c));
      const next = [...current.filter((c) => !removed.includes(c)), ...added].sort((a, b) => a - b);
      return { kind: 'set', next, added, removed };
    });
    if (undone?.kind === 'set') {
      this.logger.info({ guild: ballot.guildId, poll: ballot.pollId }, 'polls.vote-taken-back');
      this.live.mark(ballot.pollId);
    }
  }

  /**
   * Edits the poll's message to its current state (open or final) from the database. For a closed
   * poll, records whether the final state landed; if it did not, retries later (a few times).
   */
  async refreshMessage(pollId: number): Promise<void> {
    const poll = await getPoll(this.db, pollId);
    if (!poll) return;
    const closed = poll.status === 'closed';
    if (!poll.messageId) {
      // Nothing to show the final state on (unless the post is still under way: it shows it then).
      if (closed && !this.posting.has(poll.id)) await markFinalShown(this.db, poll.id, this.clock.now());
      return;
    }
    const t = await currentTally(this.db, pollId);
    if (!t) return;
    let result: ShowResult;
    try {
      result = await this.ports.show(await this.ports.language(poll.guildId), poll, t);
    } catch (err) {
      if (!closed) throw err; // a later vote or the next start-up shows the votes
      await this.finalEditFailed(poll, false, err);
      return;
    }
    if (result === 'shown') await setShownTally(this.db, poll.id, t);
    if (result === 'gone') this.logger.info({ guild: poll.guildId, poll: poll.id }, 'polls.message-gone');
    if (closed && (result === 'shown' || result === 'gone')) {
      await markFinalShown(this.db, poll.id, this.clock.now());
      this.cancelFinalRetry(poll.id);
      return;
    }
    if (result === 'refused') {
      if (closed) await this.finalEditFailed(poll, true);
      else this.logger.warn({ guild: poll.guildId, poll: poll.id }, 'polls.edit-refused');
    }
    if (result === 'capped') {
      if (closed) {
        await this.finalEditFailed(poll, false);
        return;
      }
      // Try again later; the votes are safe in the database and the next edit shows them all.
      this.slowUntil.set(poll.id, this.clock.now() + 10 * 60_000);
      this.live.mark(poll.id);
      this.logger.warn({ guild: poll.guildId, poll: poll.id }, 'polls.edit-capped');
    }
  }

  /**
   * A closed poll's final edit did not land: counted, then tried again after a while, unless
   * Discord refused for good (no access or permission: the next start-up tries once more) or
   * it has failed too often.
   */
  private async finalEditFailed(poll: Poll, refused: boolean, err?: unknown): Promise<void> {
    const attempts = await countFinalEditFailure(this.db, poll.id);
    const fields = { guild: poll.guildId, poll: poll.id, attempts, ...(err === undefined ? {} : { err }) };
    this.cancelFinalRetry(poll.id);
    if (attempts >= MAX_FINAL_ATTEMPTS) {
      this.logger.warn(fields, 'polls.final-edit-given-up');
      return;
    }
    if (refused) {
      this.logger.warn(fields, 'polls.final-edit-refused');
      return;
    }
    if (this.stopped) return; // the next start-up tries again
    const delay = retryWait(FINAL_RETRY_MS, attempts);
    this.logger.warn({ ...fields, retryInMs: delay }, 'polls.final-edit-failed');
    this.finalRetries.set(
      poll.id,
      this.timers.set(() => {
        this.finalRetries.delete(poll.id);
        if (!this.stopped) this.track(this.live.now(poll.id));
      }, delay),
    );
  }

  private cancelFinalRetry(pollId: number): void {
    const timer = this.finalRetries.get(pollId);
    if (timer !== undefined) this.timers.clear(timer);
    this.finalRetries.delete(pollId);
  }

  // ---------------------------------------------------------------- posting

  /**
   * Posts a new poll's message and saves its id. The post carries the poll's nonce, so a repeat
   * of it (discord.js retrying a request whose answer was lost) gives back the same message. When
   * Discord refuses, the poll is deleted and the error thrown.
   */
  async post(poll: Poll): Promise<string> {
    this.posting.add(poll.id);
    try {
      const t = (await currentTally(this.db, poll.id)) ?? { counts: [], voters: 0, leaders: [] };
      let messageId: string;
      try {
        messageId = await this.ports.post(await this.ports.language(poll.guildId), poll, t, postNonce('poll', poll.id, poll.createdAt));
      } catch (err) {
        await deletePoll(this.db, poll.id);
        throw err;
      }
      await setPollMessage(this.db, poll.id, messageId);
      await setShownTally(this.db, poll.id, t);
      return messageId;
    } finally {
      this.posting.delete(poll.id);
      // Closed while it was being posted: its final edit waited for the message.
      if ((await getPoll(this.db, poll.id))?.status === 'closed') await this.live.now(poll.id);
    }
  }

  /**
   * Start-up: polls whose message id was never saved (the process died around the post). A message
   * posted for one is adopted (the stale refresh then brings it up to date); a poll with none was
   * never seen by anyone, its author never got an answer, so it is dropped rather than posted late.
   */
  private async finishPosts(): Promise<void> {
    const startedAt = this.clock.now();
    for (const poll of await unpostedPolls(this.db)) {
      // A poll created by this process is its own command's to post.
      if (this.posting.has(poll.id) || poll.createdAt > startedAt) continue;
      const log = { guild: poll.guildId, poll: poll.id };
      try {
        const found = await this.ports.findPosted(poll);
        if (found) {
          await setPollMessage(this.db, poll.id, found);
          this.logger.info({ ...log, message: found }, 'polls.post-found');
        } else {
          await deletePoll(this.db, poll.id);
          this.logger.warn(log, 'polls.post-dropped');
        }
      } catch (err) {
        // Whether it was posted is unknown: the next start looks again.
        this.logger.warn({ ...log, err }, 'polls.post-check-failed');
      }
    }
  }

  // ---------------------------------------------------------------- closing

  /** Closes one poll (once, whoever asks first) and announces it. False if it was closed already. */
  async close(pollId: number, closedBy: string | null): Promise<boolean> {
    const closed = await closePoll(this.db, pollId, this.clock.now(), closedBy);
    if (closed) {
      this.logger.info({ poll: pollId, by: closedBy ?? 'schedule' }, 'polls.closed');
      await this.announce(pollId);
    }
    return closed;
  }

  /** Closes everything due now; run by the timer, on start and when a vote finds a poll past due. */
  async closeDue(): Promise<number> {
    let count = 0;
    for (const id of await duePollIds(this.db, this.clock.now())) {
      try {
        if (await this.close(id, null)) count++;
      } catch (err) {
        this.logger.error({ err, poll: id }, 'polls.close-failed');
      }
    }
    return count;
  }

  /**
   * Shows the final results on the message, then tells the author. The message edit may repeat
   * (harmless) and is retried until it lands (see refreshMessage); the DM is claimed atomically
   * first, so it is sent at most once, whatever became of the edit.
   */
  async announce(pollId: number): Promise<void> {
    // Through the coalescer, so a live edit already under way cannot land after the final one.
    await this.live.now(pollId);
    if (!(await markAnnounced(this.db, pollId, this.clock.now()))) return;
    const poll = await getPoll(this.db, pollId);
    const t = await currentTally(this.db, pollId);
    if (!poll || !t) return;
    const link = pollLink(poll);
    const lang = await this.ports.language(poll.guildId);
    const outcome = describeOutcome(lang, poll.choices.map(plainText), t);
    const closed = tr(lang, 'polls.closedDm', { question: plainText(truncate(poll.question, 200)), id: poll.id, outcome: ellipsize(outcome, 1500) });
    const content = `${closed}${link ? `\n${link}` : ''}`;
    try {
      // Members may close their DMs; the results are on the poll message anyway.
      await this.ports.dm(poll.authorId, content);
    } catch (err) {
      this.logger.warn({ err, poll: pollId }, 'polls.dm-failed');
    }
  }

  /** Arms one timer to the next due poll; re-armed after each run and each new poll. */
  async arm(): Promise<void> {
    if (this.stopped) return;
    const next = await nextDueAt(this.db);
    if (this.dueTimer !== undefined) this.timers.clear(this.dueTimer);
    this.dueTimer = undefined;
    if (next === null || this.stopped) return;
    const delay = Math.min(MAX_SLEEP_MS, Math.max(0, next - this.clock.now()));
    this.dueTimer = this.timers.set(() => {
      this.dueTimer = undefined;
      this.track(
        this.closeDue()
          .catch((err: unknown) => this.logger.error({ err }, 'polls.schedule-failed'))
          .then(() => this.arm()),
      );
    }, delay);
  }

  /**
   * Start-up catch-up: finish interrupted posts, close what fell due while the bot was down, finish
   * interrupted announcements, and bring messages left behind up to date.
   */
  async onReady(): Promise<void> {
    await this.finishPosts();
    // Closed polls already announced whose message may still show them open (a final edit that
    // failed or never ran); those announced below get their final edit there.
    const unshown = await unshownClosedPollIds(this.db, MAX_FINAL_ATTEMPTS);
    const closed = await this.closeDue();
    for (const poll of await unannouncedPolls(this.db)) await this.announce(poll.id);
    if (closed) this.logger.info({ closed }, 'polls.caught-up');
    await this.arm();
    // Messages left behind their votes (a crash inside the coalescing window) or still open after
    // the poll closed: refresh those only, one after another, without holding up the start.
    const stale = [...(await stalePollIds(this.db)), ...unshown];
    if (stale.length) {
      this.logger.info({ polls: stale.length }, 'polls.refreshing-stale');
      this.track(
        (async () => {
          for (const id of stale) if (!this.stopped) await this.live.now(id);
        })().catch((err: unknown) => this.logger.warn({ err }, 'polls.stale-refresh-failed')),
      );
    }
  }

  /** The native-vote writes, chained (see nativeVote). */
  private nativeVotes: Promise<unknown> = Promise.resolve();

  // ---------------------------------------------------------------- native polls

  /** A vote added to or removed from a native Discord poll (counted for digests). */
  nativeVote(vote: NativeVote, added: boolean): void {
    const at = this.clock.now();
    const apply = async () => {
      if (!added) return removeNativeVote(this.db, vote);
      // A member who opted out of Pulse is dropped at the door, here too.
      if (!(await isOptedOut(this.db, vote.guildId, vote.userId))) await recordNativeVote(this.db, vote, at);
    };
    // One after another, in arrival order: a vote taken back at once must find its row.
    const work = this.nativeVotes.then(apply).catch((err: unknown) => this.logger.error({ err, guild: vote.guildId, added }, 'polls.native-vote-failed'));
    this.nativeVotes = work;
    this.track(work);
  }

  // ---------------------------------------------------------------- lifecycle

  track(work: Promise<unknown>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.dueTimer !== undefined) this.timers.clear(this.dueTimer);
    this.dueTimer = undefined;
    for (const id of [...this.finalRetries.keys()]) this.cancelFinalRetry(id);
    await Promise.allSettled([...this.inFlight]);
    await this.live.stop();
  }
}

