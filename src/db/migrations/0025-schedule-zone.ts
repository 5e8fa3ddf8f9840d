// The time zone a schedule's `active_since` was set in. Digest and survey schedules fall due at
// wall-clock times in the server's zone (/settings timezone); when that zone changes, the
// schedule starts again from the change in the new zone, so a run the new zone puts in the past
// is neither made late nor called missed while Pulse was offline. Existing schedules get the
// server's zone as it is now (UTC when the server never set one).
import { sql, type Kysely } from 'kysely';

const TABLES = ['digest_schedules', 'survey_schedules'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of TABLES) {
    await db.schema.alterTable(table).addColumn('zone', 'text').execute();
    await sql`UPDATE ${sql.table(table)} SET zone = coalesce((SELECT g.timezone FROM guild_settings g WHERE g.guild_id = ${sql.ref(`${table}.guild_id`)}), 'UTC')`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of TABLES) await db.schema.alterTable(table).dropColumn('zone').execute();
}
