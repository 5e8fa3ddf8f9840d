// The server's language for messages everyone sees (null: follow the server's Discord locale).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('guild_settings').addColumn('language', 'text').execute();
}
