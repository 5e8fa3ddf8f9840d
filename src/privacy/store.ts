// Pending opt-out jobs (kysely, executor first): recorded with the opt-out itself, deleted
// when the job is done, resumed on start.
import { recordOptOut } from '../activity/privacy-store.js';
import { type Executor, inTransaction } from '../db/schema.js';

export interface OptOutJob {
  guildId: string;
  userId: string;
  requestedAt: number;
  notifyToken: string | null;
  /** The member's Discord locale when they asked (the language of the message when done). */
  notifyLocale?: string | null;
}

/** The opt-out and its job, in one transaction. */
export async function beginOptOut(db: Executor, job: OptOutJob): Promise<void> {
  const run = async (trx: Executor) => {
    await recordOptOut(trx, job.guildId, job.userId, job.requestedAt);
    await trx
      .insertInto('privacy_opt_out_jobs')
      .values({ guild_id: job.guildId, user_id: job.userId, requested_at: job.requestedAt, notify_token: job.notifyToken, notify_locale: job.notifyLocale ?? null })
      .onConflict((oc) => oc.columns(['guild_id', 'user_id']).doUpdateSet({ notify_token: job.notifyToken, notify_locale: job.notifyLocale ?? null }))
      .execute();
  };
  await inTransaction(db, run);
}

export async function pendingOptOuts(db: Executor): Promise<OptOutJob[]> {
  const rows = await db.selectFrom('privacy_opt_out_jobs').selectAll().orderBy('requested_at').execute();
  return rows.map((r) => ({ guildId: r.guild_id, userId: r.user_id, requestedAt: r.requested_at, notifyToken: r.notify_token, notifyLocale: r.notify_locale }));
}

export async function isOptOutPending(db: Executor, guildId: string, userId: string): Promise<boolean> {
  return (await db.selectFrom('privacy_opt_out_jobs').select('user_id').where('guild_id', '=', guildId).where('user_id', '=', userId).executeTakeFirst()) !== undefined;
}

export async function finishOptOut(db: Executor, guildId: string, userId: string): Promise<void> {
  await db.deleteFrom('privacy_opt_out_jobs').where('guild_id', '=', guildId).where('user_id', '=', userId).execute();
}
