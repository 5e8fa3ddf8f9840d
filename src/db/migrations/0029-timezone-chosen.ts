// Whether staff chose the server's time zone (timezone_chosen): the setup hint "times are in UTC;
// set your time zone" is for servers that never did, not for one that chose UTC on purpose. A
// server whose zone is not UTC chose it; one on UTC from before cannot be told apart and keeps
// the hint until staff set the zone again. And back.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('guild_settings').addColumn('timezone_chosen', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await sql`UPDATE guild_settings SET timezone_chosen = 1 WHERE timezone <> 'UTC'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('guild_settings').dropColumn('timezone_chosen').execute();
}
