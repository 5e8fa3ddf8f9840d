// What each flag case message last showed, so start-up can bring up to date the case messages a
// crash left stale (a case closed, claimed or reopened, or its flaggers changed, and the process
// killed before the edit). Every change to what a case message shows counts one in `changes`; an
// edit (or post) that landed records the count it showed in `shown_changes`.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('flag_cases').addColumn('changes', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('flag_cases').addColumn('shown_changes', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  // Cases whose message may be behind (few: most are shown).
  await sql`CREATE INDEX flag_cases_unshown ON flag_cases (id) WHERE shown_changes < changes`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX flag_cases_unshown`.execute(db);
  for (const column of ['shown_changes', 'changes']) await db.schema.alterTable('flag_cases').dropColumn(column).execute();
}
