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
