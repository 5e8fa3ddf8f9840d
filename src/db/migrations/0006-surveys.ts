// Surveys, their responses (drafts and submitted), anonymous submitters and recurring schedules.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('surveys')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('guild_id', 'text', (c) => c.notNull())
    .addColumn('author_id', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('anonymous', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text')
    .addColumn('message_id', 'text')
    .addColumn('role_id', 'text')
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('opened_at', 'integer')
    .addColumn('closes_at', 'integer')
    .addColumn('closed_at', 'integer')
    .addColumn('closed_by', 'text')
    .addColumn('eligible', 'integer')
    .addColumn('schedule_id', 'integer')
    .addColumn('run_key', 'text')
    .execute();
  await db.schema.createIndex('surveys_guild').on('surveys').columns(['guild_id', 'id']).execute();
  await db.schema.createIndex('surveys_status_due').on('surveys').columns(['status', 'closes_at']).execute();
  // One survey per run of a recurring schedule: the claim that makes catch-up happen once.
  await db.schema.createIndex('surveys_schedule_run').on('surveys').columns(['schedule_id', 'run_key']).unique().execute();

  await db.schema
    .createTable('survey_responses')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('survey_id', 'integer', (c) => c.notNull().references('surveys.id').onDelete('cascade'))
    .addColumn('respondent', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('answers', 'text', (c) => c.notNull())
    .addColumn('draft', 'text')
    .addColumn('page', 'integer', (c) => c.notNull())
    .addColumn('roles', 'text')
    .addColumn('started_at', 'integer')
    .addColumn('updated_at', 'integer')
    .addColumn('submitted_at', 'integer')
    .addColumn('reminded_at', 'integer')
    .execute();
  await db.schema.createIndex('survey_responses_survey').on('survey_responses').columns(['survey_id', 'status', 'respondent']).execute();

  await db.schema
    .createTable('survey_submitters')
    .addColumn('survey_id', 'integer', (c) => c.notNull().references('surveys.id').onDelete('cascade'))
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('survey_submitters_pk', ['survey_id', 'member_id'])
    // No rowid: the rows sort by member, so their order says nothing about when anyone submitted.
    .modifyEnd(sql`without rowid`)
    .execute();

  await db.schema
    .createTable('survey_schedules')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('guild_id', 'text', (c) => c.notNull())
    .addColumn('source_survey_id', 'integer', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('timing', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('role_id', 'text')
    .addColumn('open_for_ms', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('active_since', 'integer', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .execute();
}
