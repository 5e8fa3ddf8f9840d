// What each poll message last showed, so start-up can refresh the messages left stale by a crash.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  /** JSON of the tally the message last showed ({counts, voters}); null until an edit is known to have landed. */
  await db.schema.alterTable('polls').addColumn('shown_tally', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('polls').dropColumn('shown_tally').execute();
}
