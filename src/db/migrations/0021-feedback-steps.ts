// Feedback status changes done step by step, and thread replies made while the bot was down: a
// change whose thread update Discord kept refusing posted its "Status:" line again on every retry
// (every five minutes, for good), and replies during a downtime were never counted.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  /** When the change's "Status:" line was posted in the item's thread; null until then (posted once). */
  await db.schema.alterTable('feedback_status_changes').addColumn('thread_status_posted_at', 'integer').execute();
  /** Tries at the post and thread update (counted before each, across restarts): the retries stop after a few. */
  await db.schema.alterTable('feedback_status_changes').addColumn('apply_attempts', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  /** Why the change could not be finished on Discord (a refusal, or the retries ran out), for staff. */
  await db.schema.alterTable('feedback_status_changes').addColumn('apply_error', 'text').execute();
  /** The newest message of the item's thread Pulse has seen (recorded or not); start-up reads on from it. */
  await db.schema.alterTable('feedback_items').addColumn('thread_seen_id', 'text').execute();
  // Changes applied before these columns existed posted their line then; an unfinished one may
  // have posted it already, so its next try looks for it in the thread first.
  await sql`UPDATE feedback_status_changes SET thread_status_posted_at = applied_at WHERE applied_at IS NOT NULL`.execute(db);
  await sql`UPDATE feedback_status_changes SET apply_attempts = 1 WHERE applied_at IS NULL`.execute(db);
  // Threads read on from their newest recorded message.
  await sql`UPDATE feedback_items SET thread_seen_id = (
    SELECT m.message_id FROM feedback_thread_messages m WHERE m.item_id = feedback_items.id
    ORDER BY length(m.message_id) DESC, m.message_id DESC LIMIT 1)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('feedback_items').dropColumn('thread_seen_id').execute();
  for (const column of ['apply_error', 'apply_attempts', 'thread_status_posted_at']) await db.schema.alterTable('feedback_status_changes').dropColumn(column).execute();
}
