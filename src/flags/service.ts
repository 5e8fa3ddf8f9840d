// Flag use-cases: intake (reactions, the context menu), cases and their messages, reviews, start-up reconciliation; Discord through ports.
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { DB } from '../db/schema.js';
import type { Logger } from '../log.js';
import type { Language } from '../i18n/index.js';
import { emojiMatches, serverLanguage, type GuildSettings } from '../settings/settings.js';
import { getSettings } from '../settings/store.js';
import { postNonce } from '../discord/nonce.js';
import { nextPostRetry, reachesThreshold } from './flags.js';
import { KeyedLock } from '../keyed-lock.js';
import {
  activeReactionFlaggers,
  addCaseEvent,
  beginPostAttempt,
  countedFlaggers,
  duePostRetries,
  getCase,
  getCaseByMessage,
  openCasesPerServer,
  openCase,
  recordFlag,
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
  /** Edits the case message; 'gone' when it (or its channel) no longer exists. */
  editCase(channelId: string, messageId: string, view: CaseView): Promise<'edited' | 'gone'>;
  /** Who reacted with the emoji (a setting: a character or `<:name:id>`), up to the adapter's bound. */
  reactionUsers(channelId: string, messageId: string, emoji: string): Promise<{ users: Array<{ id: string; bot: boolean }>; complete: boolean }>;
  /** False when the message was already gone. */
  deleteMessage(channelId: string, messageId: string, reason: string): Promise<boolean>;
  timeout(guildId: string, userId: string, untilIso: string, reason: string): Promise<void>;
  /** Throws when the member does not accept DMs. */
  dm(userId: string, text: string): Promise<void>;
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
}

export class FlagService {
  readonly lock = new KeyedLock();
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
      await this.refresh(c.id);
    }
  }

  /**
   * Records a flag and opens or updates the message's case. Runs under the message's lock so
   * the threshold is crossed once and the case message is posted once.
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
        if (!reachesThreshold(flaggers.length, settings.flagThreshold, opts.staffFlag)) return { result, opened: false };
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
      if (changed) await this.refresh(existing.id, settings);
      // As it is now: the refresh may have posted it at last.
      return { result, case: (await getCase(this.db, existing.id)) ?? existing, opened: false };
    }
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
      const sent = await this.ports.postCase(channelId, shown, postNonce('fcase', c.id, c.openedAt));
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

  /** Re-renders the case message (or posts it, if it never was). Never throws. */
  async refresh(caseId: number, settings?: GuildSettings): Promise<void> {
    const c = await getCase(this.db, caseId);
    if (!c) return;
    if (!c.reviewChannelId || !c.reviewMessageId) {
      await this.publish(c, settings ?? (await getSettings(this.db, c.guildId)));
      return;
    }
    try {
      const flaggers = await countedFlaggers(this.db, c.guildId, c.messageId);
      const edit = await this.ports.editCase(c.reviewChannelId, c.reviewMessageId, { case: c, flaggers, now: this.clock.now(), lang: await this.language(c.guildId, settings) });
      // A case message staff deleted has nothing to bring up to date (/flags queue has the case).
      await markCaseShown(this.db, c.id, c.changes);
      if (edit === 'gone') this.logger.info({ guild: c.guildId, case: c.id }, 'flags.case-message-gone');
    } catch (err) {
      this.logger.error({ err, guild: c.guildId, case: c.id }, 'flags.case-edit-failed');
    }
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
      if (changed || !fresh.reviewMessageId) await this.refresh(c.id, settings);
    });
  }

  /** Stops the retries and waits for gateway work in flight (bounded by the caller's shutdown). */
  async drain(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await Promise.allSettled([...this.inFlight]);
    await this.lock.idle();
  }
}


