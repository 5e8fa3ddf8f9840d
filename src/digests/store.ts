// Digest schedules and runs in SQLite: the runs table's unique key makes each post happen once.
import type { Selectable } from 'kysely';
import { restartScheduleInZone, type Executor } from '../db/schema.js';
import type { DigestRunsTable, DigestSchedulesTable } from '../db/tables/digests.js';
import type { Text } from '../i18n/index.js';
import { getSettings } from '../settings/store.js';
import type { Period, PeriodKind, Timing } from './schedule.js';

export interface DigestSchedule {
  id: number;
  guildId: string;
  timing: Timing;
  period: PeriodKind;
  channelId: string | null;
  paused: boolean;
  activeSince: number;
  /** The server's time zone when activeSince was set: a change of zone starts the schedule again. */
  zone: string | null;
  updatedBy: string | null;
  updatedAt: number;
  /** Set when the bot paused the schedule itself: what refused (its channel), for staff. */
  pausedReason: Text | null;
  pausedAt: number | null;
}

export type RunStatus = 'posting' | 'posted' | 'failed';

export interface DigestRun {
  id: number;
  guildId: string;
  scheduleId: number;
  periodKey: string;
  period: Period;
  dueAt: number;
  late: boolean;
  status: RunStatus;
  attempts: number;
  nextAttemptAt: number | null;
  lastError: string | null;
  channelId: string | null;
  messageId: string | null;
  claimedAt: number;
  postedAt: number | null;
}

function toSchedule(row: Selectable<DigestSchedulesTable>): DigestSchedule {
  return {
    id: row.id,
    guildId: row.guild_id,
    timing: JSON.parse(row.timing) as Timing,
    period: row.period as PeriodKind,
    channelId: row.channel_id,
    paused: row.paused === 1,
    activeSince: row.active_since,
    zone: row.zone,
    updatedBy: row.updated_by,
    updatedAt: row.updated_at,
    pausedReason: row.paused_reason === null ? null : (JSON.parse(row.paused_reason) as Text),
    pausedAt: row.paused_at,
  };
}

function toRun(row: Selectable<DigestRunsTable>): DigestRun {
  return {
    id: row.id,
    guildId: row.guild_id,
    scheduleId: row.schedule_id,
    periodKey: row.period_key,
    period: { kind: row.period_key.split(':')[0] as PeriodKind, from: row.period_from, to: row.period_to },
    dueAt: row.due_at,
    late: row.late === 1,
    status: row.status as RunStatus,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    channelId: row.channel_id,
    messageId: row.message_id,
    claimedAt: row.claimed_at,
    postedAt: row.posted_at,
  };
}

export async function getSchedule(db: Executor, guildId: string): Promise<DigestSchedule | undefined> {
  const row = await db.selectFrom('digest_schedules').selectAll().where('guild_id', '=', guildId).executeTakeFirst();
  return row ? toSchedule(row) : undefined;
}

export interface ScheduleInput {
  guildId: string;
  timing: Timing;
  period: PeriodKind;
  channelId: string | null;
  updatedBy: string | null;
}

/** Staff saved, paused or resumed the schedule: a pause the bot made is over. */
const NO_PAUSE_REASON = { paused_reason: null, paused_at: null, pause_told_at: null } as const;

/**
 * Creates or replaces the guild's schedule. The id is kept, so a period already posted is
 * not posted again after a change; runs that fell due before `now` are not posted.
 */
export async function saveSchedule(db: Executor, input: ScheduleInput, now: number): Promise<DigestSchedule> {
  const { timezone } = await getSettings(db, input.guildId);
  const before = await getSchedule(db, input.guildId);
  const values = {
    guild_id: input.guildId,
    timing: JSON.stringify(input.timing),
    period: input.period,
    channel_id: input.channelId,
    paused: 0,
    active_since: now,
    zone: timezone,
    updated_by: input.updatedBy,
    updated_at: now,
    ...NO_PAUSE_REASON,
  };
  await db
    .insertInto('digest_schedules')
    .values({ ...values, created_at: now })
    .onConflict((oc) => oc.column('guild_id').doUpdateSet(values))
    .execute();
  if (before?.pausedReason) await rearmRefusedRun(db, before.id, now);
  return (await getSchedule(db, input.guildId))!;
}

/**
 * The bot paused the schedule because its channel refused a post, and staff have now resumed or
 * re-saved it: the latest run, given up at that refusal, is tried again now instead of being lost
 * (active_since = now would otherwise skip its period).
 */
async function rearmRefusedRun(db: Executor, scheduleId: number, now: number): Promise<void> {
  const latest = await db.selectFrom('digest_runs').select(['id', 'status', 'next_attempt_at']).where('schedule_id', '=', scheduleId).orderBy('id', 'desc').limit(1).executeTakeFirst();
  if (latest && latest.status === 'failed' && latest.next_attempt_at === null) {
    await db.updateTable('digest_runs').set({ next_attempt_at: now }).where('id', '=', latest.id).execute();
  }
}

/** Pauses or resumes; resuming does not post what fell due while paused, except the run a refusing channel paused it at. */
export async function setPaused(db: Executor, guildId: string, paused: boolean, now: number): Promise<DigestSchedule | undefined> {
  const before = paused ? undefined : await getSchedule(db, guildId);
  await db
    .updateTable('digest_schedules')
    .set(paused ? { paused: 1, updated_at: now, ...NO_PAUSE_REASON } : { paused: 0, active_since: now, updated_at: now, ...NO_PAUSE_REASON })
    .where('guild_id', '=', guildId)
    .execute();
  if (before?.paused && before.pausedReason) await rearmRefusedRun(db, before.id, now);
  return getSchedule(db, guildId);
}

/**
 * The server's time zone changed (from the schedule's `zone` to `zone`): the schedule starts
 * again in the new zone from `since`, so no run the new zone puts before it is posted. Written
 * only while the schedule still has the old zone (a tick running at the same time changes
 * nothing more). Returns the schedule as it now is.
 */
export async function restartInZone(db: Executor, schedule: DigestSchedule, zone: string, since: number): Promise<DigestSchedule | undefined> {
  await restartScheduleInZone(db, 'digest_schedules', schedule.id, schedule.zone, zone, since);
  return getSchedule(db, schedule.guildId);
}

/**
 * The first day of the latest period the schedule has a run for (posted, being posted or
 * failed), or null before its first run. Periods' days are YYYY-MM-DD: they compare as text.
 */
export async function latestPeriodFrom(db: Executor, scheduleId: number): Promise<string | null> {
  const row = await db
    .selectFrom('digest_runs')
    .select((eb) => eb.fn.max('period_from').as('from'))
    .where('schedule_id', '=', scheduleId)
    .executeTakeFirst();
  return row?.from ?? null;
}

/**
 * The bot pauses a schedule whose channel refuses for good (gone, or closed to it): every run
 * would fail the same way. Only a running schedule; false when it was paused already.
 */
export async function pauseForProblem(db: Executor, scheduleId: number, reason: Text, now: number): Promise<boolean> {
  const r = await db
    .updateTable('digest_schedules')
    .set({ paused: 1, paused_reason: JSON.stringify(reason), paused_at: now, pause_told_at: null })
    .where('id', '=', scheduleId)
    .where('paused', '=', 0)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/** Schedules the bot paused with staff not told yet. */
export async function untoldPauses(db: Executor): Promise<DigestSchedule[]> {
  const rows = await db
    .selectFrom('digest_schedules')
    .selectAll()
    .where('paused', '=', 1)
    .where('paused_reason', 'is not', null)
    .where('pause_told_at', 'is', null)
    .orderBy('id')
    .limit(100)
    .execute();
  return rows.map(toSchedule);
}

/** Claims telling staff of a pause: true for the one caller that tells. */
export async function markPauseTold(db: Executor, scheduleId: number, now: number): Promise<boolean> {
  const r = await db
    .updateTable('digest_schedules')
    .set({ pause_told_at: now })
    .where('id', '=', scheduleId)
    .where('paused_reason', 'is not', null)
    .where('pause_told_at', 'is', null)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

export async function deleteSchedule(db: Executor, guildId: string): Promise<boolean> {
  const r = await db.deleteFrom('digest_schedules').where('guild_id', '=', guildId).executeTakeFirst();
  return r.numDeletedRows > 0n;
}

export async function listActiveSchedules(db: Executor): Promise<DigestSchedule[]> {
  const rows = await db.selectFrom('digest_schedules').selectAll().where('paused', '=', 0).orderBy('id').execute();
  return rows.map(toSchedule);
}

export interface ClaimInput {
  guildId: string;
  scheduleId: number;
  period: Period;
  periodKey: string;
  dueAt: number;
  late: boolean;
}

/**
 * Claims the run of one period before anything is posted. Returns the run id, or null when
 * that period was already claimed (by this or an overlapping tick, or before a restart).
 */
export async function claimRun(db: Executor, input: ClaimInput, now: number): Promise<number | null> {
  const row = await db
    .insertInto('digest_runs')
    .values({
      guild_id: input.guildId,
      schedule_id: input.scheduleId,
      period_key: input.periodKey,
      period_from: input.period.from,
      period_to: input.period.to,
      due_at: input.dueAt,
      late: input.late ? 1 : 0,
      status: 'posting',
      attempts: 0,
      claimed_at: now,
    })
    .onConflict((oc) => oc.columns(['guild_id', 'schedule_id', 'period_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id ?? null;
}

export async function getRun(db: Executor, id: number): Promise<DigestRun | undefined> {
  const row = await db.selectFrom('digest_runs').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toRun(row) : undefined;
}

/** Failed runs whose next attempt is due, of schedules that are not paused. */
export async function listRetryDue(db: Executor, now: number): Promise<DigestRun[]> {
  const rows = await db
    .selectFrom('digest_runs')
    .innerJoin('digest_schedules', 'digest_schedules.id', 'digest_runs.schedule_id')
    .selectAll('digest_runs')
    .where('digest_runs.status', '=', 'failed')
    .where('digest_runs.next_attempt_at', 'is not', null)
    .where('digest_runs.next_attempt_at', '<=', now)
    // Pausing stops posting, retries too (a failed run's next attempt waits for /digest resume).
    .where('digest_schedules.paused', '=', 0)
    .orderBy('digest_runs.id')
    .execute();
  return rows.map(toRun);
}

/** Claims a failed run for another attempt; false when another tick took it first. */
export async function reclaimRun(db: Executor, id: number, now: number): Promise<boolean> {
  const r = await db
    .updateTable('digest_runs')
    .set({ status: 'posting', claimed_at: now })
    .where('id', '=', id)
    .where('status', '=', 'failed')
    .where('next_attempt_at', '<=', now)
    .executeTakeFirst();
  return r.numUpdatedRows === 1n;
}

export async function markPosted(db: Executor, id: number, posted: { channelId: string; messageId: string; attempts: number }, now: number): Promise<void> {
  await db
    .updateTable('digest_runs')
    .set({
      status: 'posted',
      channel_id: posted.channelId,
      message_id: posted.messageId,
      attempts: posted.attempts,
      posted_at: now,
      next_attempt_at: null,
      last_error: null,
    })
    .where('id', '=', id)
    .execute();
}

export async function markFailed(
  db: Executor,
  id: number,
  failed: { error: string; attempts: number; nextAttemptAt: number | null; channelId: string | null },
): Promise<void> {
  await db
    .updateTable('digest_runs')
    .set({
      status: 'failed',
      last_error: failed.error.slice(0, 500),
      attempts: failed.attempts,
      next_attempt_at: failed.nextAttemptAt,
      channel_id: failed.channelId,
    })
    .where('id', '=', id)
    .execute();
}

/**
 * Runs left 'posting' by a process that stopped mid-post: whether Discord got the message is
 * unknown, so they are retried (the post carries a nonce Discord uses to drop duplicates).
 */
export async function releaseStaleClaims(db: Executor, claimedBefore: number, now: number): Promise<number> {
  const r = await db
    .updateTable('digest_runs')
    .set({ status: 'failed', next_attempt_at: now, last_error: 'interrupted while posting' })
    .where('status', '=', 'posting')
    .where('claimed_at', '<', claimedBefore)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function recentRuns(db: Executor, guildId: string, limit = 5): Promise<DigestRun[]> {
  const rows = await db.selectFrom('digest_runs').selectAll().where('guild_id', '=', guildId).orderBy('due_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.map(toRun);
}
