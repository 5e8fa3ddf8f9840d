// What each survey card and feedback post last showed, so start-up can refresh the live messages a crash left stale.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  /** The response count the card last showed; null until an edit is known to have landed. */
  await db.schema.alterTable('surveys').addColumn('shown_count', 'integer').execute();
  /** The votes the post last showed, as "up:down"; null until an edit is known to have landed. */
  await db.schema.alterTable('feedback_items').addColumn('shown_score', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('surveys').dropColumn('shown_count').execute();
  await db.schema.alterTable('feedback_items').dropColumn('shown_score').execute();
}
