// The database's type: every slice's tables, for kysely.
import type { Kysely, Transaction } from 'kysely';
import type { ActivityTables } from './tables/activity.js';
import type { CoreTables } from './tables/core.js';
import type { DigestsTables } from './tables/digests.js';
import type { FeedbackTables } from './tables/feedback.js';
import type { FlagsTables } from './tables/flags.js';
import type { PollsTables } from './tables/polls.js';
import type { PrivacyTables } from './tables/privacy.js';
import type { SurveysTables } from './tables/surveys.js';

export interface DB extends CoreTables, ActivityTables, PollsTables, FlagsTables, DigestsTables, SurveysTables, FeedbackTables, PrivacyTables {}

/** What every store function takes first: the database or a transaction. */
export type Executor = Kysely<DB> | Transaction<DB>;

/** Runs `fn` in one transaction, or in the caller's when `db` already is one. */
export function inTransaction<T>(db: Executor, fn: (trx: Executor) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

/**
 * A schedule (digest or recurring survey) starts again in the server's new zone `zone` from
 * `since` (never before its own active_since). Written only while the schedule still has its old
 * zone `from`, so a tick running at the same time changes nothing more.
 */
export async function restartScheduleInZone(db: Executor, table: 'digest_schedules' | 'survey_schedules', id: number, from: string | null, zone: string, since: number): Promise<void> {
  await db
    .updateTable(table as 'digest_schedules')
    .set((eb) => ({ zone, active_since: eb.fn<number>('max', [eb.ref('active_since'), eb.val(since)]) }))
    .where('id', '=', id)
    .where((eb) => (from === null ? eb('zone', 'is', null) : eb('zone', '=', from)))
    .execute();
}
