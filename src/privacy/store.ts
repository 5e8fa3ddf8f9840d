// Pending opt-out jobs (kysely, executor first): recorded with the opt-out itself, deleted
// when the job is done, resumed on start.
import { sql } from 'kysely';
import { recordOptOut } from '../activity/privacy-store.js';
import { type Executor, inTransaction } from '../db/schema.js';

export interface OptOutJob {
  guildId: string;
  userId: string;
  /**
   * When it was asked, and the request's generation: a request made while the member's job is
   * pending moves it later (by 1 ms at least), so the running job knows it must go over the rows
   * again before it may delete the row (finishOptOut).
   */
  requestedAt: number;
  notifyToken: string | null;
  /** The member's Discord locale when they asked (the language of the message when done). */
  notifyLocale?: string | null;
}

/**
 * The opt-out and its job, in one transaction; resolves with the job as recorded. Asked again
 * while a job is pending (the member acted between two requests), the row takes the new answer
 * and a later requested_at, even on a clock that has not moved.
 */
export async function beginOptOut(db: Executor, job: OptOutJob): Promise<OptOutJob> {
  const run = async (trx: Executor) => {
    await recordOptOut(trx, job.guildId, job.userId, job.requestedAt);
    const row = await trx
      .insertInto('privacy_opt_out_jobs')
      .values({ guild_id: job.guildId, user_id: job.userId, requested_at: job.requestedAt, notify_token: job.notifyToken, notify_locale: job.notifyLocale ?? null })
      .onConflict((oc) =>
        oc.columns(['guild_id', 'user_id']).doUpdateSet({
          requested_at: sql<number>`max(excluded.requested_at, privacy_opt_out_jobs.requested_at + 1)`,
          notify_token: job.notifyToken,
          notify_locale: job.notifyLocale ?? null,
        }),
      )
      .returning('requested_at')
      .executeTakeFirstOrThrow();
    return { ...job, requestedAt: row.requested_at };
  };
  return inTransaction(db, run);
}

type JobRow = { guild_id: string; user_id: string; requested_at: number; notify_token: string | null; notify_locale: string | null };
const jobOf = (r: JobRow): OptOutJob => ({ guildId: r.guild_id, userId: r.user_id, requestedAt: r.requested_at, notifyToken: r.notify_token, notifyLocale: r.notify_locale });

export async function pendingOptOuts(db: Executor): Promise<OptOutJob[]> {
  const rows = await db.selectFrom('privacy_opt_out_jobs').selectAll().orderBy('requested_at').execute();
  return rows.map(jobOf);
}

export async function isOptOutPending(db: Executor, guildId: string, userId: string): Promise<boolean> {
  return (await db.selectFrom('privacy_opt_out_jobs').select('user_id').where('guild_id', '=', guildId).where('user_id', '=', userId).executeTakeFirst()) !== undefined;
}

/**
 * Deletes the job's row if it is still this request's; else (the member, or an admin, asked again
 * while it ran) keeps it and resolves with the newer request, which must run again.
 */
export async function finishOptOut(db: Executor, job: Pick<OptOutJob, 'guildId' | 'userId' | 'requestedAt'>): Promise<OptOutJob | undefined> {
  return inTransaction(db, async (trx) => {
    const mine = trx.selectFrom('privacy_opt_out_jobs').where('guild_id', '=', job.guildId).where('user_id', '=', job.userId);
    const deleted = await trx.deleteFrom('privacy_opt_out_jobs').where('guild_id', '=', job.guildId).where('user_id', '=', job.userId).where('requested_at', '=', job.requestedAt).executeTakeFirst();
    if (Number(deleted.numDeletedRows) > 0) return undefined;
    const newer = await mine.selectAll().executeTakeFirst();
    return newer && jobOf(newer);
  });
}
