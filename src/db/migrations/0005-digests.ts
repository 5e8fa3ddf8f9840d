// Digest schedules (one per guild) and their runs, keyed so each period is posted once.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('digest_schedules')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('guild_id', 'text', (c) => c.notNull().unique())
    /** JSON of the schedule's Timing (daily, weekly, monthly or cron). */
    .addColumn('timing', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    /** null: the guild's staff channel at posting time. */
    .addColumn('channel_id', 'text')
    .addColumn('paused', 'integer', (c) => c.notNull().defaultTo(0))
    /** Runs that fell due before this instant (creation, change or resume) are not posted. */
    .addColumn('active_since', 'integer', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('digest_runs')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('guild_id', 'text', (c) => c.notNull())
    .addColumn('schedule_id', 'integer', (c) => c.notNull())
    .addColumn('period_key', 'text', (c) => c.notNull())
    .addColumn('period_from', 'text', (c) => c.notNull())
    .addColumn('period_to', 'text', (c) => c.notNull())
    .addColumn('due_at', 'integer', (c) => c.notNull())
    .addColumn('late', 'integer', (c) => c.notNull().defaultTo(0))
    /** 'posting' (claimed), 'posted', or 'failed' (retried at next_attempt_at; null: given up). */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('channel_id', 'text')
    .addColumn('message_id', 'text')
    .addColumn('claimed_at', 'integer', (c) => c.notNull())
    .addColumn('posted_at', 'integer')
    .addUniqueConstraint('digest_runs_once', ['guild_id', 'schedule_id', 'period_key'])
    .execute();
  await db.schema.createIndex('digest_runs_retry').on('digest_runs').columns(['status', 'next_attempt_at']).execute();
}
