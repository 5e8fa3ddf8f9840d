// Flag use-cases: intake (reactions, the context menu), cases and their messages, reviews, start-up reconciliation; Discord through ports.
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { DB } from '../db/schema.js';
import type { Logger } from '../log.js';
import { msg, render, type Language, type Text } from '../i18n/index.js';
import { emojiMatches, serverLanguage, type GuildSettings } from '../settings/settings.js';
import { getSettings } from '../settings/store.js';
import { postNonce } from '../discord/nonce.js';
import { nextPostRetry, outcomeKey, reachesThreshold } from './flags.js';
import { KeyedLock } from '../keyed-lock.js';
import { discordTime } from '../text.js';
import { Coalescer, realTimers, type Timers } from '../polls/live.js';
import {
  activeReactionFlaggers,
  addCaseEvent,
  beginPostAttempt,
  caseMessageLost,
  countCaseEvents,
  countedFlaggers,
  duePostRetries,
  flaggersAfter,
  getCase,
  getCaseByMessage,
  openCasesPerServer,
  openCase,
  recordFlag,
  reopenClosedCase,
  setExcerptIfMissing,
  setPostRetry,
  setReviewMessage,
  markCaseShown,
  unshownCases,
  withdrawReactionFlags,
  type FlagCase,
  type FlagInput,
  type Flagger,
  type RecordResult,
} from './store.js';

/** What a case message shows. */
export interface CaseView {
  case: FlagCase;
  flaggers: readonly Flagger[];
  now: number;
  /** The server's language: moderators read the case together. */
  lang: Language;
}

/** The service's way out to Discord; the adapter implements it. */
export interface FlagPorts {
  /** Pulse's own user id, once logged in. */
  botUserId(): string | null;
  /**
   * Posts a case message in the moderation channel carrying `nonce` (Discord hands back the
   * message an earlier attempt with the same nonce made in the last few minutes); returns its id.
   */
  postCase(channelId: string, view: CaseView, nonce: string): Promise<string>;
  /** The id of this case's message among the channel's recent messages, posted by an earlier attempt; null if none. Never throws. */
  findCase(channelId: string, caseId: number): Promise<string | null>;
  /**
   * Edits the case message; 'gone' when it (or its channel) no longer exists, 'capped' when Discord
   * refuses more edits of this message for now (30046: messages older than an hour have a cap).
   */
  editCase(channelId: string, messageId: string, view: CaseView): Promise<'edited' | 'gone' | 'capped'>;
  /** Who reacted with the emoji (a setting: a character or `<:name:id>`), up to the adapter's bound. */
  reactionUsers(channelId: string, messageId: string, emoji: string): Promise<{ users: Array<{ id: string; bot: boolean }>; complete: boolean }>;
  /** False when the message was already gone. */
  deleteMessage(channelId: string, messageId: string, reason: string): Promise<boolean>;
  timeout(guildId: string, userId: string, untilIso: string, reason: string): Promise<void>;
  /**
   * When the member's current timeout ends (ms), null when they are not timed out; read from
   * Discord, not a cache. Throws Discord's error (10007 when they are not a member). Optional:
   * without it a timeout is given as asked.
   */
  timedOutUntil?(guildId: string, userId: string): Promise<number | null>;
  /**
   * 'closed' when the member does not accept DMs from the bot (50007); 'undeliverable' when there
   * is no user to DM (a webhook's or an app's id: 10013, or Discord refuses the DM channel's
   * recipient, 50035); throws on any other failure.
   */
  dm(userId: string, text: string): Promise<'sent' | 'closed' | 'undeliverable'>;
  /** Posts in a channel, pinging only this member. */
  postPinging(channelId: string, userId: string, text: string): Promise<void>;
  /** The server's name; null when Pulse is not in it (it left, or was removed) or Discord has not made it available since the start. */
  guildName(guildId: string): string | null;
  /** The server's Discord language (guild_locale), when known. */
  guildLocale(guildId: string): string | null;
}

export interface FlagDeps {
  db: Kysely<DB>;
  clock: Clock;
  logger: Logger;
  ports: FlagPorts;
  /** Least time between two edits of a case message as its flags change (default 3 s; tests shorten it). */
  liveIntervalMs?: number;
  timers?: Timers;
}

/** A reaction event, already read from the gateway. */
export type ReactionEvent =
  | { kind: 'add'; guildId: string; channelId: string; messageId: string; userId: string; userIsBot: boolean; authorId: string | null; emoji: { id: string | null; name: string | null } }
  | { kind: 'remove'; guildId: string; messageId: string; userId: string; emoji: { id: string | null; name: string | null } }
  | { kind: 'remove-emoji'; guildId: string; messageId: string; emoji: { id: string | null; name: string | null } }
  | { kind: 'remove-all'; guildId: string; messageId: string };

/**
 * Cases reconciled (and case messages brought up to date) on start, per server, oldest first;
 * the rest catch up as their flags change.
 */
const RECONCILE_CASES = 200;
/** Excerpts of context-menu flags kept in memory until their message reaches a case. */
const EXCERPTS_KEPT = 500;
/** Messages members opened the report modal on, kept until they submit (or for 15 minutes). */
const TARGETS_KEPT = 1000;
const TARGET_TTL_MS = 15 * 60_000;
/** How often unposted cases are looked at for a due retry, and how many per server per look. */
const RETRY_TICK_MS = 60_000;
const RETRY_CASES = 20;
/**
 * Edits of a case message as flags come and go are coalesced (see live): at most one per 3 s, one
 * per 10 s once the case is over an hour old (Discord caps edits of older messages: 30046), and
 * one per minute for 10 minutes after Discord said so.
 */
const LIVE_INTERVAL_MS = 3_000;
const OLD_CASE_INTERVAL_MS = 10_000;
const CAPPED_INTERVAL_MS = 60_000;
const CAPPED_FOR_MS = 10 * 60_000;

/** Open or claimed: staff may still act on it. */
function isOpen(c: FlagCase): boolean {
  return c.status === 'open' || c.status === 'claimed';
}

/** The message a member opened the report modal on, as Discord gave it to the context menu. */
export interface FlagTarget {
  guildId: string;
  channelId: string;
  messageId: string;
  authorId: string;
}

export interface AddFlagOutcome {
  result: RecordResult;
  /** The message's case, when it has one (opened now or before). */
  case?: FlagCase;
  opened: boolean;
  /** The flag opened the message's closed case again (see reopenAfterClose). */
  reopened?: boolean;
}

export class FlagService {
  readonly lock = new KeyedLock();
  /**
   * Edits of case messages after flags joined or were withdrawn, per case id: a burst of 🚩 makes
   * one edit, not one per reaction. What a run shows is read then, so no flag is lost; one a crash
   * kept from its message is counted (changes) and shown by the next start (refreshUnshown).
   * Review steps edit at once (refresh).
   */
  readonly live: Coalescer<number>;
  /** Per case: when it was opened (its message is at least as old), and until when Discord capped its edits. */
  private readonly liveOpenedAt = new Map<number, number>();
  private readonly cappedUntil = new Map<number, number>();
  private readonly excerpts = new Map<string, string>();
  private readonly targets = new Map<string, FlagTarget & { at: number }>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  readonly db: Kysely<DB>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly ports: FlagPorts;

  constructor(deps: FlagDeps) {
    this.db = deps.db;
    this.clock = deps.clock;
    this.logger = deps.logger;
    this.ports = deps.ports;
    const base = deps.liveIntervalMs ?? LIVE_INTERVAL_MS;
    const interval = (id: number) => {
      const now = this.clock.now();
      const capped = this.cappedUntil.get(id);
      if (capped !== undefined && capped > now) return Math.max(base, CAPPED_INTERVAL_MS);
      this.cappedUntil.delete(id);
      const openedAt = this.liveOpenedAt.get(id);
      return openedAt !== undefined && now - openedAt > 3_600_000 ? Math.max(base, OLD_CASE_INTERVAL_MS) : base;
    };
    this.live = new Coalescer<number>((id) => this.liveRefresh(id), interval, deps.timers ?? realTimers, (err, id) =>
      this.logger.warn({ err, case: id }, 'flags.live-edit-failed'),
    );
  }

  /** Keeps a context-menu excerpt in memory only; it reaches the database only with a case. */
  rememberExcerpt(messageId: string, text: string | null): void {
    if (!text) return;
    this.excerpts.delete(messageId);
    this.excerpts.set(messageId, text);
    while (this.excerpts.size > EXCERPTS_KEPT) {
      const oldest = this.excerpts.keys().next().value;
      if (oldest === undefined) break;
      this.excerpts.delete(oldest);
    }
  }

  /**
   * Remembers, server-side, which message a member opened the report modal on: the submit
   * takes the author from here, never from the modal's custom_id.
   */
  rememberTarget(userId: string, target: FlagTarget): void {
    const key = `${userId}:${target.messageId}`;
    this.targets.delete(key);
    this.targets.set(key, { ...target, at: this.clock.now() });
    while (this.targets.size > TARGETS_KEPT) {
      const oldest = this.targets.keys().next().value;
      if (oldest === undefined) break;
      this.targets.delete(oldest);
    }
  }

  /** The message this member opened the modal on, if they did (recently, in this process). */
  rememberedTarget(userId: string, messageId: string): FlagTarget | null {
    const t = this.targets.get(`${userId}:${messageId}`);
    if (!t || this.clock.now() - t.at > TARGET_TTL_MS) return null;
    return { guildId: t.guildId, channelId: t.channelId, messageId: t.messageId, authorId: t.authorId };
  }

  /** Forgets a target once its flag is in. */
  forgetTarget(userId: string, messageId: string): void {
    this.targets.delete(`${userId}:${messageId}`);
  }

  /**
   * Gateway entry. The message's lock is taken at once, so a message's events are handled in
   * arrival order.
   */
  onReaction(event: ReactionEvent): void {
    const work = this.lock
      .run(event.messageId, () => this.route(event))
      .catch((err: unknown) => this.logger.error({ err, event: event.kind }, 'flags.raw-failed'));
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  /** Runs under the message's lock. */
  private async route(event: ReactionEvent): Promise<void> {
    if (event.kind === 'remove-all') return this.withdrawLocked(event.guildId, event.messageId, null);
    const settings = await getSettings(this.db, event.guildId);
    if (!emojiMatches(settings.flagEmoji, event.emoji)) return;
    if (event.kind === 'remove-emoji') return this.withdrawLocked(event.guildId, event.messageId, null);
    if (event.kind === 'remove') return this.withdrawLocked(event.guildId, event.messageId, event.userId);
    // Pulse's own messages (case messages among them) are never flagged into a case.
    const me = this.ports.botUserId();
    if (event.authorId && event.authorId === me) return;
    await this.addFlagLocked(
      {
        guildId: event.guildId,
        channelId: event.channelId,
        messageId: event.messageId,
        userId: event.userId,
        source: 'reaction',
        authorId: event.authorId,
        flaggerIsBot: event.userIsBot || event.userId === me,
        reason: null,
        details: null,
      },
      { staffFlag: false },
      settings,
    );
  }

  private async withdrawLocked(guildId: string, messageId: string, userId: string | null): Promise<void> {
    const changed = await withdrawReactionFlags(this.db, messageId, userId, this.clock.now());
    if (!changed) return;
    const c = await getCaseByMessage(this.db, messageId);
    if (c && c.guildId === guildId) {
      await addCaseEvent(this.db, c.id, this.clock.now(), userId, 'flag_withdrawn', null);
      await this.flagsChanged(c);
    }
  }

  /**
   * A case's flags changed: its message is edited through the coalescer. A case not posted yet is
   * posted now (once: a post is not an edit, and a staff flag's answer says whether it landed).
   */
  private async flagsChanged(c: FlagCase, settings?: GuildSettings): Promise<void> {
    if (!c.reviewMessageId) {
      await this.refresh(c.id, settings);
      return;
    }
    this.liveOpenedAt.set(c.id, c.openedAt);
    this.live.mark(c.id);
  }

  /** A coalesced edit: in the message's turn, as every change of the case. */
  private async liveRefresh(caseId: number): Promise<void> {
    const c = await getCase(this.db, caseId);
    if (!c) return;
    await this.lock.run(c.messageId, () => this.refresh(c.id));
  }

  /**
   * Records a flag and opens or updates the message's case. Runs under the message's lock so
   * the threshold is crossed once and the case message is posted once. A report from the message
   * menu (a deliberate, private report with a reason) opens a case at once, as a staff flag does;
   * 🚩 reactions need flag_threshold distinct members. A flag on a closed case may open it again
   * (see reopenAfterClose).
   */
  async addFlag(input: FlagInput, opts: { staffFlag: boolean; settings?: GuildSettings }): Promise<AddFlagOutcome> {
    const settings = opts.settings ?? (await getSettings(this.db, input.guildId));
    return this.lock.run(input.messageId, () => this.addFlagLocked(input, opts, settings));
  }

  private async addFlagLocked(input: FlagInput, opts: { staffFlag: boolean }, settings: GuildSettings): Promise<AddFlagOutcome> {
    const log = { guild: input.guildId, message: input.messageId, user: input.userId, source: input.source };
    {
      const now = this.clock.now();
      const limits = { dailyLimit: settings.flagDailyLimit, maxAgeHours: settings.flagMaxAgeHours };
      const result = await this.db.transaction().execute((trx) => recordFlag(trx, input, limits, now));
      if (result.kind === 'ignored') {
        this.logger.debug({ ...log, reason: result.reason }, 'flags.ignored');
        return { result, opened: false };
      }
      const existing = await getCaseByMessage(this.db, input.messageId);
      const excerpt = this.excerpts.get(input.messageId) ?? null;
      if (!existing) {
        const flaggers = await countedFlaggers(this.db, input.guildId, input.messageId);
        const atOnce = opts.staffFlag || input.source === 'command';
        if (!reachesThreshold(flaggers.length, settings.flagThreshold, atOnce)) return { result, opened: false };
        const opener = { guildId: input.guildId, channelId: input.channelId, messageId: input.messageId, authorId: input.authorId, excerpt, openedBy: opts.staffFlag ? input.userId : null };
        const opened = (await openCase(this.db, opener, now)) ?? (await getCaseByMessage(this.db, input.messageId));
        if (!opened) return { result, opened: false };
        this.excerpts.delete(input.messageId);
        this.logger.info({ ...log, case: opened.id, flaggers: flaggers.length }, 'flags.case-opened');
        await this.publish(opened, settings);
        return { result, case: (await getCase(this.db, opened.id)) ?? opened, opened: true };
      }
      let changed = result.kind === 'new';
      if (changed) await addCaseEvent(this.db, existing.id, now, input.userId, 'flag_joined', input.source);
      if (excerpt && (await setExcerptIfMissing(this.db, existing.id, excerpt))) changed = true;
      if (input.source === 'command') changed = true; // the reason may have changed
      if (await this.reopenAfterClose(existing, input, opts.staffFlag, result, settings, now)) {
        this.logger.info({ ...log, case: existing.id }, 'flags.case-reopened');
        // At once, not coalesced: the case is posted again, open, and a staff flag's answer says
        // where it is.
        await this.refresh(existing.id, settings);
        return { result, case: (await getCase(this.db, existing.id)) ?? existing, opened: false, reopened: true };
      }
      if (changed) await this.flagsChanged(existing, settings);
      // As it is now: a case never posted may have been posted at last.
      return { result, case: (await getCase(this.db, existing.id)) ?? existing, opened: false };
    }
  }

  /**
   * Opens a closed case again when it is flagged after its close: by a staff member's menu flag,
   * by a member's new menu report, or once flag_threshold members new to it (none of their flags
   * made before the close) flag it. A case whose close deleted the message stays closed, and so
   * does one whose close is still being carried out. The note on the case says why (in the
   * server's language); its history keeps the step. True when it was reopened.
   */
  private async reopenAfterClose(c: FlagCase, input: FlagInput, staffFlag: boolean, result: RecordResult, settings: GuildSettings, now: number): Promise<boolean> {
    if (c.status !== 'closed' || c.outcome === null || c.outcome === 'deleted' || c.closedAt === null) return false;
    const at = discordTime(now, 'R');
    const outcome = msg(outcomeKey[c.outcome]);
    let actorId: string | null = null;
    let why: string;
    let note: Text;
    if (staffFlag && input.source === 'command') {
      // A moderation step, kept as one (with who took it).
      actorId = input.userId;
      why = 'staff flag';
      note = msg('flags.note.reopenedStaff', { at, user: input.userId, outcome });
    } else if (input.source === 'command' && result.kind === 'new') {
      // No member's id on the step: their report is theirs (an opt-out removes it, see privacy-store).
      why = 'menu report';
      note = msg('flags.note.reopenedReport', { at, outcome });
    } else if (result.kind === 'new') {
      const fresh = await flaggersAfter(this.db, c.guildId, c.messageId, c.closedAt);
      if (!reachesThreshold(fresh, settings.flagThreshold)) return false;
      why = `${fresh} new flaggers`;
      note = msg('flags.note.reopenedFlags', { at, count: fresh, outcome });
    } else {
      return false;
    }
    const text = render(await this.language(c.guildId, settings), note);
    return this.db.transaction().execute(async (trx) => {
      if (!(await reopenClosedCase(trx, c.id, actorId, now, why, text))) return false;
      // Posted anew at the foot of the moderation channel, where staff look for new cases: an edit
      // of the old message, maybe days up the channel, went unseen. The old one keeps showing the close.
      if (c.reviewMessageId) await caseMessageLost(trx, c.id, c.reviewMessageId, now, 'reopened');
      return true;
    });
  }

  /** The server's language (the case, the warning DM and the note on the case use it). */
  async language(guildId: string, settings?: GuildSettings): Promise<Language> {
    return serverLanguage(settings ?? (await getSettings(this.db, guildId)), this.ports.guildLocale(guildId));
  }

  /**
   * Posts a new case to the moderation channel; without one, the case waits in `/flags queue`.
   * Each post is counted before it is sent and carries the case's nonce: after a try that may
   * have landed (a kill -9 before its id was saved), the next one looks for it in the channel
   * first, and Discord drops a repeat of a recent one. A failed post is tried again later, with a
   * growing wait, a bounded number of times (and on start, and when the case changes).
   */
  private async publish(c: FlagCase, settings: GuildSettings): Promise<void> {
    const log = { guild: c.guildId, case: c.id };
    if (!settings.modChannelId) {
      this.logger.warn(log, 'flags.no-mod-channel');
      if (c.postRetryAt !== null) await setPostRetry(this.db, c.id, null);
      return;
    }
    const channelId = settings.modChannelId;
    let before = 0;
    try {
      before = await beginPostAttempt(this.db, c.id);
      const view = async (): Promise<CaseView> => ({
        case: (await getCase(this.db, c.id)) ?? c,
        flaggers: await countedFlaggers(this.db, c.guildId, c.messageId),
        now: this.clock.now(),
        lang: serverLanguage(settings, this.ports.guildLocale(c.guildId)),
      });
      const found = before > 0 ? await this.ports.findCase(channelId, c.id) : null;
      if (found) {
        await setReviewMessage(this.db, c.id, channelId, found);
        this.logger.info({ ...log, message: found }, 'flags.post-found');
        // What it shows is not known: bring it up to date (a failed edit waits for the next change, or the next start).
        const shown = await view();
        await this.ports.editCase(channelId, found, shown).then(
          () => markCaseShown(this.db, c.id, shown.case.changes),
          (err: unknown) => this.logger.warn({ ...log, err }, 'flags.case-edit-failed'),
        );
        return;
      }
      const shown = await view();
      // A case posted again (its message was lost: see refresh) gets a nonce of its own, the same
      // for every try of that post: Discord must not hand back the lost message.
      const reposts = await countCaseEvents(this.db, c.id, 'message_lost');
      const sent = await this.ports.postCase(channelId, shown, postNonce('fcase', c.id, c.openedAt + reposts));
      await setReviewMessage(this.db, c.id, channelId, sent);
      await markCaseShown(this.db, c.id, shown.case.changes);
    } catch (err) {
      const attempts = before + 1;
      const retryAt = nextPostRetry(attempts, this.clock.now());
      await setPostRetry(this.db, c.id, retryAt).catch(() => undefined);
      // Staff still find the case in /flags queue; the post is tried again.
      this.logger.warn({ ...log, err, attempts, retryAt }, retryAt === null ? 'flags.post-given-up' : 'flags.post-failed');
    }
  }

  /**
   * Whether Pulse is in the case's server now. Start-up work and retries skip the others (a server
   * Pulse left, or one Discord has down): Discord would refuse every request, and their cases would
   * only use up their tries. Their cases wait in the database.
   */
  present(c: Pick<FlagCase, 'guildId'>): boolean {
    return this.ports.guildName(c.guildId) !== null;
  }

  /** Tries again the posts that failed and are due (see publish), in the servers Pulse is in. Never throws. */
  async retryPosts(): Promise<void> {
    try {
      for (const c of await duePostRetries(this.db, this.clock.now(), RETRY_CASES)) {
        if (this.stopped) return;
        if (!this.present(c)) continue;
        // refresh posts a case never posted, and reads it again under the lock first.
        await this.lock.run(c.messageId, () => this.refresh(c.id));
      }
    } catch (err) {
      this.logger.warn({ err }, 'flags.post-retry-failed');
    }
  }

  /** Starts looking for due post retries every minute (until drain). */
  startRetries(): void {
    if (this.stopped || this.retryTimer) return;
    const tick = () => {
      this.retryTimer = setTimeout(() => {
        const work = this.retryPosts();
        this.inFlight.add(work);
        void work.finally(() => {
          this.inFlight.delete(work);
          if (!this.stopped) tick();
        });
      }, RETRY_TICK_MS);
      this.retryTimer.unref?.();
    };
    tick();
  }

  /**
   * Re-renders the case message (or posts it, if it never was). Call it in the message's turn.
   * An open case whose message is lost (deleted, its channel gone, or the moderation channel set
   * to another one since) is posted again in the moderation channel: staff must be able to act on
   * it. Never throws.
   */
  async refresh(caseId: number, settings?: GuildSettings): Promise<void> {
    // What is read below covers every change marked for a coalesced edit so far.
    this.live.forget(caseId);
    this.liveOpenedAt.delete(caseId);
    const c = await getCase(this.db, caseId);
    if (!c) return;
    const current = settings ?? (await getSettings(this.db, c.guildId));
    if (!c.reviewChannelId || !c.reviewMessageId) {
      await this.publish(c, current);
      return;
    }
    const log = { guild: c.guildId, case: c.id };
    if (isOpen(c) && current.modChannelId && current.modChannelId !== c.reviewChannelId) {
      this.logger.info({ ...log, from: c.reviewChannelId, to: current.modChannelId }, 'flags.case-moved');
      await this.repost(c, 'moved', current);
      return;
    }
    try {
      const flaggers = await countedFlaggers(this.db, c.guildId, c.messageId);
      const edit = await this.ports.editCase(c.reviewChannelId, c.reviewMessageId, { case: c, flaggers, now: this.clock.now(), lang: await this.language(c.guildId, current) });
      if (edit === 'capped') {
        // Shown later: the change stays counted (and a start shows it, should this process end first).
        this.cappedUntil.set(c.id, this.clock.now() + CAPPED_FOR_MS);
        if (!this.stopped) this.live.mark(c.id);
        this.logger.warn(log, 'flags.case-edit-capped');
        return;
      }
      if (edit === 'gone') {
        this.logger.info(log, 'flags.case-message-gone');
        if (isOpen(c)) {
          await this.repost(c, 'deleted', current);
          return;
        }
      }
      // A closed case's message staff deleted has nothing to bring up to date.
      await markCaseShown(this.db, c.id, c.changes);
    } catch (err) {
      this.logger.error({ err, ...log }, 'flags.case-edit-failed');
    }
  }

  /**
   * Forgets an open case's lost message (kept on the case's history) and posts the case again in
   * the moderation channel; until that lands, /flags queue links to the flagged message, and a
   * failed post is retried as any first post is.
   */
  private async repost(c: FlagCase, why: 'deleted' | 'moved', settings: GuildSettings): Promise<void> {
    const now = this.clock.now();
    const forgotten = await this.db.transaction().execute((trx) => caseMessageLost(trx, c.id, c.reviewMessageId!, now, why));
    const fresh = forgotten ? await getCase(this.db, c.id) : undefined;
    if (fresh) await this.publish(fresh, settings);
  }

  /**
   * An opt-out step deleted a member's flags on these cases (see src/flags/privacy-store.ts):
   * their messages, which still list the member with the details they typed, are edited now,
   * each under its message's lock, in the background. A case of a server Pulse is not in waits
   * (the step counted the change: the next start's refreshUnshown edits it).
   */
  flaggersRemoved(caseIds: readonly number[]): void {
    if (this.stopped) return;
    const work = (async () => {
      for (const id of caseIds) {
        const c = await getCase(this.db, id);
        if (!c || !c.reviewMessageId || !this.present(c)) continue;
        await this.lock.run(c.messageId, () => this.refresh(c.id));
      }
    })().catch((err: unknown) => this.logger.warn({ err }, 'flags.opt-out-refresh-failed'));
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  /**
   * Start-up: brings up to date the case messages a killed process left behind what their case
   * shows (closed, claimed or reopened, or flaggers changed, with the edit not made). Bounded per
   * server, in the servers Pulse is in.
   */
  async refreshUnshown(): Promise<void> {
    for (const c of await unshownCases(this.db, RECONCILE_CASES)) {
      if (this.stopped) return;
      if (!this.present(c)) continue;
      await this.lock.run(c.messageId, () => this.refresh(c.id));
    }
  }

  /**
   * Start-up catch-up: for each open case, read the flag emoji's reactions once and bring the
   * stored reaction flags in line (added or removed while the bot was down). Bounded per server:
   * at most RECONCILE_CASES cases of each and RECONCILE_PAGES pages each; every server's oldest
   * case comes before any server's second, so one server's backlog holds up no other's. Servers
   * Pulse is not in are skipped. @discordjs/rest paces the requests.
   */
  async reconcile(): Promise<void> {
    const cases = (await openCasesPerServer(this.db, RECONCILE_CASES)).filter((c) => this.present(c));
    for (const c of cases) {
      if (this.stopped) return;
      try {
        await this.reconcileCase(c);
      } catch (err) {
        this.logger.warn({ err, guild: c.guildId, case: c.id }, 'flags.reconcile-failed');
      }
    }
    if (cases.length) this.logger.info({ cases: cases.length }, 'flags.reconciled');
  }

  /**
   * Reads the reactions and applies them under the message's lock: a reaction added or removed
   * while Discord answers waits in that lock (onReaction queues, it never blocks the gateway) and
   * is applied after the list, so the list, which may not show it yet, cannot undo it. The lock
   * is held for the read's few requests (RECONCILE_PAGES at most), as refresh holds it for an edit.
   */
  private async reconcileCase(c: FlagCase): Promise<void> {
    const settings = await getSettings(this.db, c.guildId);
    await this.lock.run(c.messageId, async () => {
      let reactions: Awaited<ReturnType<FlagPorts['reactionUsers']>> | null = null;
      try {
        reactions = await this.ports.reactionUsers(c.channelId, c.messageId, settings.flagEmoji);
      } catch (err) {
        // The message may be gone (10008) or out of reach: the flags stay as recorded, and a case
        // never posted is posted all the same (it keeps its excerpt).
        this.logger.warn({ err, guild: c.guildId, case: c.id }, 'flags.reconcile-reactions-failed');
      }
      const fresh = await getCase(this.db, c.id);
      if (!fresh) return;
      if (!reactions) {
        if (!fresh.reviewMessageId) await this.refresh(c.id, settings);
        return;
      }
      const { users, complete } = reactions;
      const now = this.clock.now();
      let changed = false;
      const present = new Set(users.map((u) => u.id));
      for (const user of users) {
        const input: FlagInput = {
          guildId: c.guildId,
          channelId: c.channelId,
          messageId: c.messageId,
          userId: user.id,
          source: 'reaction',
          authorId: c.authorId,
          flaggerIsBot: user.bot || user.id === this.ports.botUserId(),
          reason: null,
          details: null,
        };
        const limits = { dailyLimit: settings.flagDailyLimit, maxAgeHours: settings.flagMaxAgeHours };
        const result = await this.db.transaction().execute((trx) => recordFlag(trx, input, limits, now));
        if (result.kind === 'new') {
          changed = true;
          await addCaseEvent(this.db, c.id, now, user.id, 'flag_joined', 'reconciled');
        }
      }
      if (complete) {
        for (const userId of await activeReactionFlaggers(this.db, c.messageId)) {
          if (present.has(userId)) continue;
          await withdrawReactionFlags(this.db, c.messageId, userId, now);
          await addCaseEvent(this.db, c.id, now, userId, 'flag_withdrawn', 'reconciled');
          changed = true;
        }
      }
      // Also a case whose message is in a channel that is no longer the moderation channel (refresh posts it there).
      const moved = fresh.reviewChannelId !== null && settings.modChannelId !== null && fresh.reviewChannelId !== settings.modChannelId;
      if (changed || !fresh.reviewMessageId || moved) await this.refresh(c.id, settings);
    });
  }

  /**
   * After a new gateway session (Discord did not resume the old one): the reaction events of the
   * gap were never delivered, so the open cases are read again as on start, and case messages an
   * outage left behind are brought up to date. Tracked: drain waits for it.
   */
  async reconnected(): Promise<void> {
    if (this.stopped) return;
    const work = (async () => {
      await this.reconcile();
      await this.refreshUnshown();
    })();
    this.inFlight.add(work);
    try {
      await work;
    } finally {
      this.inFlight.delete(work);
    }
  }

  /** Stops the retries and waits for gateway work in flight (bounded by the caller's shutdown). */
  async drain(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await Promise.allSettled([...this.inFlight]);
    // The edits waiting in the coalescer are made now (an edit lost here would wait for the next start).
    await this.live.stop();
    await this.lock.idle();
  }
}


