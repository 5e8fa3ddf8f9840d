// Flag cases whose moderator action or first post a kill -9 could lose: a close is recorded as
// pending ('closing', with the action) until Discord has carried it out, and a case's post is
// counted (for the look-back after a crash) and retried with a back-off when it fails.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  /** The action being carried out while the case is 'closing' (delete, warn, t10m, t1h, t1d); null otherwise. */
  await db.schema.alterTable('flag_cases').addColumn('pending_action', 'text').execute();
  /** Posts of the case message tried (counted before each POST, across restarts). */
  await db.schema.alterTable('flag_cases').addColumn('post_attempts', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  /** When the next post may be tried after a failed one; null: no retry is waiting. */
  await db.schema.alterTable('flag_cases').addColumn('post_retry_at', 'integer').execute();
  // A case not posted yet may have lost the id of a post that did land (before case posts had a
  // nonce): its next post looks for it in the moderation channel first.
  await sql`UPDATE flag_cases SET post_attempts = 1 WHERE review_message_id IS NULL AND status IN ('open', 'claimed')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const column of ['post_retry_at', 'post_attempts', 'pending_action']) await db.schema.alterTable('flag_cases').dropColumn(column).execute();
}
