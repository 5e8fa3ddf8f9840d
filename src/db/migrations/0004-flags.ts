// Flags, review cases, case events and flag blocks.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('flags')
    .addColumn('guild_id', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('author_id', 'text')
    .addColumn('reason', 'text')
    .addColumn('details', 'text')
    .addColumn('flagged_at', 'integer', (c) => c.notNull())
    .addColumn('withdrawn_at', 'integer')
    .addPrimaryKeyConstraint('flags_pk', ['message_id', 'user_id', 'source'])
    .execute();
  // Figures by period, and the per-member daily limit.
  await db.schema.createIndex('flags_guild_time').on('flags').columns(['guild_id', 'flagged_at']).execute();
  await db.schema.createIndex('flags_guild_user_time').on('flags').columns(['guild_id', 'user_id', 'flagged_at']).execute();

  await db.schema
    .createTable('flag_cases')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('guild_id', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull().unique())
    .addColumn('author_id', 'text')
    .addColumn('excerpt', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text')
    .addColumn('opened_at', 'integer', (c) => c.notNull())
    .addColumn('opened_by', 'text')
    .addColumn('claimed_by', 'text')
    .addColumn('claimed_at', 'integer')
    .addColumn('closed_by', 'text')
    .addColumn('closed_at', 'integer')
    .addColumn('review_channel_id', 'text')
    .addColumn('review_message_id', 'text')
    .addColumn('note', 'text')
    .execute();
  await db.schema.createIndex('flag_cases_guild_status').on('flag_cases').columns(['guild_id', 'status', 'opened_at']).execute();
  await db.schema.createIndex('flag_cases_guild_closed').on('flag_cases').columns(['guild_id', 'closed_at']).execute();

  await db.schema
    .createTable('flag_case_events')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('case_id', 'integer', (c) => c.notNull().references('flag_cases.id').onDelete('cascade'))
    .addColumn('at', 'integer', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    .execute();
  await db.schema.createIndex('flag_case_events_case').on('flag_case_events').columns(['case_id', 'at']).execute();

  await db.schema
    .createTable('flag_blocks')
    .addColumn('guild_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('blocked_by', 'text', (c) => c.notNull())
    .addColumn('blocked_at', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('flag_blocks_pk', ['guild_id', 'user_id'])
    .execute();
}
