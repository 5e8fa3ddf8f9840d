// Pending opt-outs: the deletion job survives a restart and resumes on start.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE privacy_opt_out_jobs (
    guild_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    requested_at INTEGER NOT NULL,
    notify_token TEXT,
    notify_locale TEXT,
    PRIMARY KEY (guild_id, user_id)
  ) WITHOUT ROWID`.execute(db);
}
