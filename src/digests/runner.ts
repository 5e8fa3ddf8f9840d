// The digest tick: finds due schedules, claims each period once in the runs table, posts, retries failures.
import { createHash } from 'node:crypto';
import type { APIEmbed } from 'discord-api-types/v10';
import type { Clock } from '../clock.js';
import type { Executor } from '../db/schema.js';
import type { Logger } from '../log.js';
import { msg, render, t, type Language, type MessageKey, type Text } from '../i18n/index.js';
import { JobError } from '../workers/pool.js';
import { sameZone } from '../zone.js';
import { serverLanguage } from '../settings/settings.js';
import { getSettings, settingsChangedAt } from '../settings/store.js';
import { buildDigest, IMAGE_NAME, type FeedbackSource, type FiguresSource, type NativePollSource, type PollSource, type ReportMaker, type SurveySource } from './content.js';
import { LATE_AFTER_MS, lastRunAtOrBefore, nextAttemptAt, periodForRun, periodKey } from './schedule.js';
import {
  claimRun,
  getRun,
  getSchedule,
  latestPeriodFrom,
  listActiveSchedules,
  listRetryDue,
  markFailed,
  markPauseTold,
  markPosted,
  pauseForProblem,
  reclaimRun,
  releaseStaleClaims,
  restartInZone,
  untoldPauses,
  type DigestRun,
  type DigestSchedule,
} from './store.js';

export interface DigestPost {
  embed: APIEmbed;
  files: Array<{ name: string; data: Buffer }>;
  /** Stable per run: Discord drops a second message with the same nonce sent shortly after. */
  nonce: string;
  /** The server's language, for the reasons a post failed (shown to staff in /digest show). */
  language: Language;
}

/**
 * Sends a digest to a channel and returns the message id; throws with a readable reason, and a
 * ChannelRefused when the channel refuses for good (gone, or closed to the bot).
 */
export type PostDigest = (channelId: string, post: DigestPost) => Promise<string>;

/**
 * Looks, before anything is built, whether the bot can post in a channel of a server: what
 * refuses for good (the channel is gone, or the bot lacks permissions there), or null when it
 * can, or cannot tell (the post then finds out).
 */
export type CheckChannel = (guildId: string, channelId: string) => Promise<Text | null>;

/**
 * Tells staff that a schedule was paused (in the staff channel, unless that is the channel
 * that refuses, else by DM to whoever set it up); false when nobody could be reached.
 */
export type TellStaff = (schedule: DigestSchedule, refusedChannelId: string | null, text: string) => Promise<boolean>;

/**
 * Looks in a channel's recent messages for a digest the bot already posted whose footer ends
 * with `marker`; returns its message id, or null.
 */
export type FindPosted = (channelId: string, marker: string) => Promise<string | null>;

/** The end of a posted digest's footer that identifies its run (see content.ts: footerNote). */
export function footerMarker(run: Pick<DigestRun, 'periodKey'>): string {
  return ` · ${run.periodKey}`;
}

/** Turns a post failure into text staff can act on (shown in /digest show). */
export type DescribeError = (error: unknown, language: Language) => string;

export interface RunnerDeps {
  db: Executor;
  clock: Clock;
  logger: Logger;
  reports: ReportMaker;
  post: PostDigest;
  /** Checks, before a retry, whether an earlier attempt did reach the channel. */
  findPosted?: FindPosted;
  polls?: PollSource;
  nativePolls?: NativePollSource;
  surveys?: SurveySource;
  feedback?: FeedbackSource;
  /** Reports and chart as one job (the worker pool in the app). */
  figures?: FiguresSource;
  describeError?: DescribeError;
  /** The server's Discord locale (guild_locale), which sets the default language. */
  guildLocale?: (guildId: string) => string | null;
  /** Whether the bot is in the server: nothing is built or tried for a server it was removed from. */
  inGuild?: (guildId: string) => boolean;
  checkChannel?: CheckChannel;
  tellStaff?: TellStaff;
}

export interface TickOutcome {
  posted: number[];
  failed: number[];
}

/** A nonce Discord accepts (≤ 25 chars) that is the same for every attempt of one run. */
export function runNonce(run: Pick<DigestRun, 'guildId' | 'scheduleId' | 'periodKey'>): string {
  return createHash('sha256').update(`${run.guildId}:${run.scheduleId}:${run.periodKey}`).digest('hex').slice(0, 25);
}

export class DigestRunner {
  /**
   * Since when this process has been running (and, once catchUp ran, connected): a run that
   * fell due before it was missed while Pulse was offline, one after it was not.
   */
  private onlineSince: number;

  constructor(private readonly deps: RunnerDeps) {
    this.onlineSince = deps.clock.now();
  }

  /**
   * At start: runs left 'posting' by the previous process are retried, then whatever fell
   * due while the bot was down is posted (only each schedule's newest missed run, marked late).
   */
  async catchUp(): Promise<TickOutcome> {
    const now = this.deps.clock.now();
    this.onlineSince = now;
    const released = await releaseStaleClaims(this.deps.db, now + 1, now);
    if (released) this.deps.logger.warn({ released }, 'digest.stale-claims-released');
    return this.tick(now);
  }

  /** One pass: due schedules, then due retries. Safe to run concurrently with itself. */
  async tick(now = this.deps.clock.now()): Promise<TickOutcome> {
    const outcome: TickOutcome = { posted: [], failed: [] };
    for (const schedule of await listActiveSchedules(this.deps.db)) {
      // Removed from the server: nothing to post to. Its schedule starts again if the bot is added back.
      if (this.deps.inGuild && !this.deps.inGuild(schedule.guildId)) continue;
      try {
        const settings = await getSettings(this.deps.db, schedule.guildId);
        const { activeSince, carriedAt } = await this.activeSinceIn(schedule, settings.timezone, now);
        const dueAt = lastRunAtOrBefore(schedule.timing, settings.timezone, now);
        if (dueAt === null || dueAt < activeSince) continue;
        const period = periodForRun(schedule.period, settings.timezone, dueAt);
        // Late only when it fell due while Pulse was offline, as the digest says. A run the
        // change of zone carried over falls due at the change, not at its time in the new zone.
        const missedAt = carriedAt ?? dueAt;
        const late = missedAt < this.onlineSince && now - missedAt > LATE_AFTER_MS;
        const id = await claimRun(this.deps.db, { guildId: schedule.guildId, scheduleId: schedule.id, period, periodKey: periodKey(period), dueAt, late }, now);
        if (id !== null) await this.attempt(id, now, outcome);
      } catch (err) {
        this.deps.logger.error({ err, guild: schedule.guildId }, 'digest.tick-failed');
      }
    }
    for (const run of await listRetryDue(this.deps.db, now)) {
      if (this.deps.inGuild && !this.deps.inGuild(run.guildId)) continue;
      if (await reclaimRun(this.deps.db, run.id, now)) await this.attempt(run.id, now, outcome);
    }
    await this.tellPauses().catch((err: unknown) => this.deps.logger.error({ err }, 'digest.pause-notice-failed'));
    return outcome;
  }

  /** Tells staff, once each, of the schedules the bot paused (also those a crash kept it from telling). */
  async tellPauses(): Promise<number> {
    const { db, logger } = this.deps;
    let told = 0;
    for (const schedule of await untoldPauses(db)) {
      if (!schedule.pausedReason || !(await markPauseTold(db, schedule.id, this.deps.clock.now()))) continue;
      // Read in the staff channel, or by whoever set it up: the server's language, as the digest.
      const settings = await getSettings(db, schedule.guildId);
      const language = serverLanguage(settings, this.deps.guildLocale?.(schedule.guildId));
      const text = t(language, 'digest.pausedNotice', { problem: render(language, schedule.pausedReason), fix: t(language, fixFor(schedule.pausedReason)) });
      // The channel that refused: the schedule's own, else the staff channel.
      const reached = (await this.deps.tellStaff?.(schedule, schedule.channelId ?? settings.staffChannelId, text)) ?? false;
      logger.info({ guild: schedule.guildId, schedule: schedule.id, reached }, 'digest.pause-told');
      if (reached) told++;
    }
    return told;
  }

  /**
   * The schedule's activeSince in the server's zone `zone`. When the zone changed since it was
   * set, the schedule starts again from the change (at the latest now): a run the new zone puts
   * before it is not posted (it would be a past period, and called late for no reason); the
   * next run in the new zone is, unless its period was already posted.
   *
   * Except the latest run of the new zone, when it fell due before the change and its period
   * is neither posted nor older than the last one posted: the old zone had not posted that
   * period yet (a change east on the due day, before the run, to a zone where its time has
   * passed; or back to a zone just after its time), and no other run would. It is posted at
   * the change, on time (`carriedAt`: when it counts as due, for "late").
   */
  private async activeSinceIn(schedule: DigestSchedule, zone: string, now: number): Promise<{ activeSince: number; carriedAt: number | null }> {
    if (sameZone(schedule.zone, zone)) return { activeSince: schedule.activeSince, carriedAt: null };
    const changedAt = Math.min(now, (await settingsChangedAt(this.deps.db, schedule.guildId)) ?? now);
    let since = changedAt;
    let carriedAt: number | null = null;
    const dueAt = lastRunAtOrBefore(schedule.timing, zone, now);
    if (dueAt !== null && dueAt < since) {
      // An equal period is claimed already: claimRun posts nothing then.
      const last = await latestPeriodFrom(this.deps.db, schedule.id);
      if (last === null || periodForRun(schedule.period, zone, dueAt).from >= last) {
        since = dueAt;
        carriedAt = changedAt;
      }
    }
    // Never before the schedule's own activeSince (saved or resumed after that run fell due).
    const restarted = await restartInZone(this.deps.db, schedule, zone, since);
    this.deps.logger.info({ guild: schedule.guildId, from: schedule.zone, to: zone, activeSince: restarted?.activeSince }, 'digest.zone-changed');
    return { activeSince: restarted?.activeSince ?? now, carriedAt };
  }

  /** Builds and posts a claimed run, then records the outcome. Never throws. */
  private async attempt(runId: number, now: number, outcome: TickOutcome): Promise<void> {
    const { db, logger } = this.deps;
    const run = await getRun(db, runId);
    if (!run) return;
    const attempts = run.attempts + 1;
    let channelId: string | null = null;
    let language: Language = 'en';
    try {
      const settings = await getSettings(db, run.guildId);
      // Everyone in the staff channel reads the digest: the server's language, not a member's.
      language = serverLanguage(settings, this.deps.guildLocale?.(run.guildId));
      const schedule = await getSchedule(db, run.guildId);
      channelId = (schedule && schedule.id === run.scheduleId ? schedule.channelId : null) ?? settings.staffChannelId;
      if (!channelId) throw new ChannelRefused(msg('digest.error.noChannel'));
      // Before anything is built: a channel that is gone or closed to the bot would refuse it.
      const problem = await this.deps.checkChannel?.(run.guildId, channelId);
      if (problem) throw new ChannelRefused(problem);
      // A retry (a failure, or a post cut short by a restart) may follow an attempt that did
      // reach Discord: the channel's history decides, so the digest is never posted twice.
      const earlier = run.lastError !== null && this.deps.findPosted ? await this.deps.findPosted(channelId, footerMarker(run)) : null;
      if (earlier) {
        await markPosted(db, run.id, { channelId, messageId: earlier, attempts }, this.deps.clock.now());
        logger.info({ guild: run.guildId, run: run.id, period: run.periodKey, message: earlier }, 'digest.found-posted');
        outcome.posted.push(run.id);
        return;
      }
      const digest = await buildDigest(
        this.deps.reports,
        { guildId: run.guildId, timezone: settings.timezone, period: run.period, asOf: now, lateDueAt: run.late ? run.dueAt : undefined, language },
        this.deps,
      );
      const messageId = await this.deps.post(channelId, { embed: digest.embed, files: [{ name: IMAGE_NAME, data: digest.png }], nonce: runNonce(run), language });
      await markPosted(db, run.id, { channelId, messageId, attempts }, this.deps.clock.now());
      logger.info({ guild: run.guildId, run: run.id, period: run.periodKey, late: run.late, channel: channelId, message: messageId }, 'digest.posted');
      outcome.posted.push(run.id);
    } catch (err) {
      const reason = failureReason(err, language, this.deps.describeError);
      // Refused for good: no retry, and the schedule is paused, as every run would fail the same way.
      const refused = err instanceof ChannelRefused;
      const next = refused ? null : nextAttemptAt(attempts, now);
      await markFailed(db, run.id, { error: reason, attempts, nextAttemptAt: next, channelId });
      const paused = refused ? await pauseForProblem(db, run.scheduleId, err.problem, this.deps.clock.now()) : false;
      logger.warn(
        { guild: run.guildId, run: run.id, period: run.periodKey, channel: channelId, attempts, retryAt: next, reason, permanent: refused, schedulePaused: paused, err },
        next === null ? 'digest.post-given-up' : 'digest.post-failed',
      );
      outcome.failed.push(run.id);
    }
  }
}

/** What staff do about a pause: set a channel, give the permissions a channel lacks, or choose another channel. */
export function fixFor(problem: Text): MessageKey {
  if (problem.key === 'digest.error.noChannel') return 'digest.fix.noChannel';
  return problem.key === 'digest.error.cantPost' ? 'digest.fix.permissions' : 'digest.fix.channel';
}

/**
 * Why a run failed, as /digest show tells staff: in the server's language, as the digest itself
 * (a worker's failure carries its text in every language, with the id it was logged under).
 */
function failureReason(err: unknown, language: Language, describe: DescribeError | undefined): string {
  if (err instanceof ChannelRefused) return render(language, err.problem);
  if (err instanceof DigestError) return err.message;
  if (err instanceof JobError) return render(language, err.text);
  return describe?.(err, language) ?? (err instanceof Error ? err.message : String(err));
}

/** A failure whose message is already written for staff. */
export class DigestError extends Error {
  override readonly name = 'DigestError';
}

/** The channel refuses for good (gone, closed to the bot, or none set): `problem` says what, in any language. */
export class ChannelRefused extends Error {
  override readonly name = 'ChannelRefused';
  constructor(readonly problem: Text) {
    super(render('en', problem));
  }
}
