// Whether a closed poll's message shows its final state, apart from the author's DM: a final edit
// Discord refused (or a kill -9 before it) left closed polls showing open buttons for good.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  /** When the closed poll's message was seen to show the final results (or was found gone); null until then. */
  await db.schema.alterTable('polls').addColumn('final_shown_at', 'integer').execute();
  /** Final edits tried and not landed, across restarts: the retries stop after a few. */
  await db.schema.alterTable('polls').addColumn('final_edit_attempts', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  // Polls announced before this column existed are taken as shown: their final edit was tried then,
  // and refreshing every old poll message at once would spend edits on messages long settled.
  await sql`UPDATE polls SET final_shown_at = announced_at WHERE status = 'closed' AND announced_at IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('polls').dropColumn('final_edit_attempts').execute();
  await db.schema.alterTable('polls').dropColumn('final_shown_at').execute();
}
