// Survey cards that could not be posted, and closed surveys whose card may still show them open:
// a failed or cut-short close edit left the "Take the survey" button enabled for good, and a card
// Discord refused was retried every minute with nobody told.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  /** Card posts tried in the survey's current opening (counted before each POST, across restarts). */
  await db.schema.alterTable('surveys').addColumn('post_attempts', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  /** When the next post may be tried after a failure (back-off); null: at once. */
  await db.schema.alterTable('surveys').addColumn('post_retry_at', 'integer').execute();
  /** Why the card's last post failed, in the server's language, for staff (cleared once posted). */
  await db.schema.alterTable('surveys').addColumn('post_error', 'text').execute();
  /** When the bot gave up posting the card (the survey went back to a draft); null otherwise. */
  await db.schema.alterTable('surveys').addColumn('post_failed_at', 'integer').execute();
  /** When staff were told about that (claimed before telling: once). */
  await db.schema.alterTable('surveys').addColumn('post_failure_told_at', 'integer').execute();
  /** When the closed survey's card was seen to show it closed (or was found gone); null until then. */
  await db.schema.alterTable('surveys').addColumn('closed_shown_at', 'integer').execute();
  /** Closing edits tried and not landed, across restarts: the retries stop after a few. */
  await db.schema.alterTable('surveys').addColumn('closed_edit_attempts', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  /** When the next closing edit may be tried after a failure; null: at once. */
  await db.schema.alterTable('surveys').addColumn('closed_retry_at', 'integer').execute();
  /** Why a recurring schedule was paused (its channel is gone or closed to the bot), for staff. */
  await db.schema.alterTable('survey_schedules').addColumn('paused_reason', 'text').execute();
  await db.schema.alterTable('survey_schedules').addColumn('paused_at', 'integer').execute();
  // Surveys closed before this column existed are taken as shown: their closing edit was tried
  // then, and editing every old card at once would spend edits on messages long settled.
  await sql`UPDATE surveys SET closed_shown_at = closed_at WHERE status = 'closed'`.execute(db);
  // An open survey without a card may have lost the id of a post that did land (before cards had
  // a nonce): its next post looks for it in the channel first.
  await sql`UPDATE surveys SET post_attempts = 1 WHERE status = 'open' AND message_id IS NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const column of ['paused_at', 'paused_reason']) await db.schema.alterTable('survey_schedules').dropColumn(column).execute();
  for (const column of ['closed_retry_at', 'closed_edit_attempts', 'closed_shown_at', 'post_failure_told_at', 'post_failed_at', 'post_error', 'post_retry_at', 'post_attempts']) {
    await db.schema.alterTable('surveys').dropColumn(column).execute();
  }
}
