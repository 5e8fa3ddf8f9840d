// The feedback items one member may add per 24 hours (/settings feedback_daily_limit): before,
// one member could flood the feedback channel with posts through /feedback submit or "Capture as
// feedback". Existing servers get the default. And back.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('guild_settings').addColumn('feedback_daily_limit', 'integer', (c) => c.notNull().defaultTo(10)).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('guild_settings').dropColumn('feedback_daily_limit').execute();
}
