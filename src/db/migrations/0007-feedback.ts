// Feedback threads: items, votes, status history, thread message metadata, categories, settings.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('feedback_items')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('guild_id', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('channel_kind', 'text', (c) => c.notNull())
    .addColumn('thread_id', 'text')
    .addColumn('message_id', 'text')
    .addColumn('post_state', 'text', (c) => c.notNull())
    .addColumn('post_error', 'text')
    .addColumn('post_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('author_id', 'text', (c) => c.notNull())
    .addColumn('captured_by', 'text')
    .addColumn('source_channel_id', 'text')
    .addColumn('source_message_id', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('duplicate_of', 'integer')
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('opened_at', 'integer')
    .addColumn('gone', 'text')
    .addColumn('gone_at', 'integer')
    .execute();
  await db.schema.createIndex('feedback_items_guild').on('feedback_items').columns(['guild_id', 'id']).execute();
  await db.schema.createIndex('feedback_items_thread').on('feedback_items').column('thread_id').execute();
  // A deleted message is looked up here (MESSAGE_DELETE carries only ids).
  await db.schema.createIndex('feedback_items_message').on('feedback_items').column('message_id').execute();
  // Capturing the same message twice finds the first item.
  await db.schema.createIndex('feedback_items_source').on('feedback_items').columns(['guild_id', 'source_message_id']).unique().where(sql.ref('source_message_id'), 'is not', null).execute();

  await db.schema
    .createTable('feedback_votes')
    .addColumn('item_id', 'integer', (c) => c.notNull().references('feedback_items.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('value', 'integer', (c) => c.notNull())
    .addColumn('voted_at', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('feedback_votes_pk', ['item_id', 'user_id'])
    .modifyEnd(sql`without rowid`)
    .execute();

  await db.schema
    .createTable('feedback_status_changes')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('item_id', 'integer', (c) => c.notNull().references('feedback_items.id').onDelete('cascade'))
    .addColumn('from_status', 'text', (c) => c.notNull())
    .addColumn('to_status', 'text', (c) => c.notNull())
    .addColumn('by_user', 'text', (c) => c.notNull())
    .addColumn('by_staff', 'integer', (c) => c.notNull())
    .addColumn('at', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('duplicate_of', 'integer')
    .addColumn('notified', 'text')
    .addColumn('applied_at', 'integer')
    .execute();
  await db.schema.createIndex('feedback_status_changes_item').on('feedback_status_changes').columns(['item_id', 'id']).execute();

  await db.schema
    .createTable('feedback_thread_messages')
    .addColumn('message_id', 'text', (c) => c.primaryKey())
    .addColumn('item_id', 'integer', (c) => c.notNull().references('feedback_items.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('at', 'integer', (c) => c.notNull())
    .addColumn('staff', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('feedback_thread_messages_item').on('feedback_thread_messages').columns(['item_id', 'at']).execute();

  await db.schema
    .createTable('feedback_categories')
    .addColumn('guild_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('feedback_categories_pk', ['guild_id', 'name'])
    .execute();

  // Settings of the slice, beside feedback_channel_id.
  await db.schema.alterTable('guild_settings').addColumn('feedback_capture_staff_only', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('guild_settings').addColumn('feedback_lock_on_close', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('guild_settings').addColumn('feedback_waiting_hours', 'integer', (c) => c.notNull().defaultTo(48)).execute();
}
