// Guild settings.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('guild_settings')
    .addColumn('guild_id', 'text', (c) => c.primaryKey())
    .addColumn('staff_channel_id', 'text')
    .addColumn('mod_channel_id', 'text')
    .addColumn('feedback_channel_id', 'text')
    .addColumn('timezone', 'text', (c) => c.notNull().defaultTo('UTC'))
    .addColumn('flag_emoji', 'text', (c) => c.notNull().defaultTo('🚩'))
    .addColumn('flag_threshold', 'integer', (c) => c.notNull().defaultTo(3))
    .addColumn('flag_daily_limit', 'integer', (c) => c.notNull().defaultTo(20))
    .addColumn('flag_max_age_hours', 'integer', (c) => c.notNull().defaultTo(168))
    .addColumn('staff_role_id', 'text')
    .addColumn('ignored_channel_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .execute();
}
