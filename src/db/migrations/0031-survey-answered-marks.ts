// A member who opted out of Pulse while a one-response survey they had answered was open could
// answer it again: the opt-out deleted what said they had answered. Now it leaves, for as long as
// the survey is open, a mark in place of their id: an HMAC of it under a random key of that
// survey's own, made at the first such opt-out. Closing (or deleting) the survey deletes the key
// and the marks.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('surveys').addColumn('mark_key', 'blob').execute();
  await db.schema
    .createTable('survey_answered_marks')
    .addColumn('survey_id', 'integer', (c) => c.notNull().references('surveys.id').onDelete('cascade'))
    .addColumn('mark', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('survey_answered_marks_pk', ['survey_id', 'mark'])
    // No rowid: the rows sort by mark, so their order says nothing about when anyone opted out.
    .modifyEnd(sql`without rowid`)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('survey_answered_marks').execute();
  await db.schema.alterTable('surveys').dropColumn('mark_key').execute();
}
