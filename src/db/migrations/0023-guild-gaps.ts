// Gaps of one server: a guild Discord reports unavailable (GUILD_DELETE with `unavailable`, an
// outage of Discord's) is not listened to until its next GUILD_CREATE, while the bot listens to
// the others. activity_gaps gains the guild they concern ('' for every server: the bot down or
// its connection lost), in its key (an outage makes many guilds unavailable at the same instant);
// activity_guild_outages keeps the start of an outage still going on (it survives a restart: the
// guild's next GUILD_CREATE ends it and records the gap). Server ids only: no member is named.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE activity_gaps_by_guild (
    started_at INTEGER NOT NULL,
    ended_at INTEGER NOT NULL,
    reason TEXT NOT NULL,
    guild_id TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (started_at, reason, guild_id)
  ) WITHOUT ROWID`.execute(db);
  await sql`INSERT INTO activity_gaps_by_guild (started_at, ended_at, reason, guild_id)
    SELECT started_at, ended_at, reason, '' FROM activity_gaps`.execute(db);
  await sql`DROP TABLE activity_gaps`.execute(db);
  await sql`ALTER TABLE activity_gaps_by_guild RENAME TO activity_gaps`.execute(db);
  await sql`CREATE TABLE activity_guild_outages (
    guild_id TEXT NOT NULL PRIMARY KEY,
    started_at INTEGER NOT NULL
  ) WITHOUT ROWID`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE activity_guild_outages`.execute(db);
  await sql`CREATE TABLE activity_gaps_all (
    started_at INTEGER NOT NULL,
    ended_at INTEGER NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (started_at, reason)
  ) WITHOUT ROWID`.execute(db);
  await sql`INSERT INTO activity_gaps_all (started_at, ended_at, reason)
    SELECT started_at, max(ended_at), reason FROM activity_gaps GROUP BY started_at, reason`.execute(db);
  await sql`DROP TABLE activity_gaps`.execute(db);
  await sql`ALTER TABLE activity_gaps_all RENAME TO activity_gaps`.execute(db);
}
