// Poll use-cases: voting, live results, the closing scheduler, announcements, native votes; Discord is reached through ports.
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { DB } from '../db/schema.js';
import { UserError } from '../discord/errors.js';
import { msg, t as tr, type Language } from '../i18n/index.js';
import type { Logger } from '../log.js';
import { Coalescer, realTimers, type Timers } from './live.js';
import { describeOutcome, pollLink, voteReceipt, type Poll, type Tally, type VoteDecision, type VoterContext } from './poll.js';
import {
  castVote,
  closePoll,
  currentTally,
  duePollIds,
  getPoll,
  markAnnounced,
  nextDueAt,
  recordNativeVote,
  removeNativeVote,
  setShownTally,
  stalePollIds,
  unannouncedPolls,
  type NativeVote,
} from './store.js';
import { isOptedOut } from '../activity/privacy-store.js';
import { plainText } from '../text.js';

export interface PollsOptions {
  /** Least time between two edits of one poll message (default 3 s). */
  liveIntervalMs?: number;
  timers?: Timers;
}

/** What became of an edit of a poll's message. */
export type ShowResult = 'shown' | 'gone' | 'capped';

/** The service's way out to Discord; the adapter implements it. */
export interface PollPorts {
  /** The server's language (the poll card and the author's DM are about a public event). */
  language(guildId: string): Promise<Language>;
  /** Edits the poll's message to show this state, in the server's language. */
  show(lang: Language, poll: Poll, tally: Tally): Promise<ShowResult>;
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
}

const OLD_MESSAGE_INTERVAL_MS = 10_000;
const SLOW_INTERVAL_MS = 60_000;

/** The longest the scheduler sleeps before looking again (timers past ~24.8 days overflow). */
const MAX_SLEEP_MS = 6 * 3_600_000;

export class PollService {
  readonly live: Coalescer<number>;
  private readonly timers: Timers;
  private dueTimer: unknown;
  private stopped = false;
  private readonly inFlight = new Set<Promise<unknown>>();
  /** When each recently voted poll was created, to pace edits of old messages. */
  private readonly createdAt = new Map<number, number>();
  private readonly slowUntil = new Map<number, number>();

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
    const outcome = await castVote(this.db, pollId, ballot.userId, now, (poll, current) =>
      poll.guildId !== ballot.guildId
        ? { kind: 'refused', reason: 'bad-choice', message: msg('polls.error.otherServer') }
        : poll.messageId !== ballot.messageId || !ballot.canSee(poll)
          ? { kind: 'refused', reason: 'bad-choice', message: msg('polls.error.staleControl') }
          : decide(poll, current, { now, hasRole: poll.roleId === null || ballot.roleIds.includes(poll.roleId) }),
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

  /** Edits the poll's message to its current state (open or final) from the database. */
  async refreshMessage(pollId: number): Promise<void> {
    const poll = await getPoll(this.db, pollId);
    if (!poll?.messageId) return;
    const t = await currentTally(this.db, pollId);
    if (!t) return;
    const result = await this.ports.show(await this.ports.language(poll.guildId), poll, t);
    if (result === 'shown') await setShownTally(this.db, poll.id, t);
    if (result === 'gone') this.logger.info({ guild: poll.guildId, poll: poll.id }, 'polls.message-gone');
    if (result === 'capped') {
      // Try again later; the votes are safe in the database and the next edit shows them all.
      this.slowUntil.set(poll.id, this.clock.now() + 10 * 60_000);
      this.live.mark(poll.id);
      this.logger.warn({ guild: poll.guildId, poll: poll.id }, 'polls.edit-capped');
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
   * (harmless); the DM is claimed atomically first, so it is sent at most once.
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
    const closed = tr(lang, 'polls.closedDm', { question: plainText(poll.question.slice(0, 200)), id: poll.id, outcome: outcome.length > 1500 ? `${outcome.slice(0, 1499)}…` : outcome });
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

  /** Start-up catch-up: close what fell due while the bot was down, finish interrupted announcements. */
  async onReady(): Promise<void> {
    const closed = await this.closeDue();
    for (const poll of await unannouncedPolls(this.db)) await this.announce(poll.id);
    if (closed) this.logger.info({ closed }, 'polls.caught-up');
    await this.arm();
    // Messages left behind their votes (a crash inside the coalescing window): refresh those
    // only, one after another, without holding up the start.
    const stale = await stalePollIds(this.db);
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
    await Promise.allSettled([...this.inFlight]);
    await this.live.stop();
  }
}

