// Activity: raw metadata rows (the truth, idempotent by their keys), hourly rollups kept in
// step with them, voice sessions, joins/leaves, opt-outs and the bot's listening record.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Raw rows carry only their primary key: a per-user index on raw events costs ~5x in ingest
  // (see DESIGN.md); figures come from the rollups, per-member exports scan (rare).
  await sql`CREATE TABLE activity_messages (
    message_id TEXT NOT NULL PRIMARY KEY,
    guild_id TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    at INTEGER NOT NULL,
    reply_to_id TEXT,
    has_attachment INTEGER NOT NULL,
    deleted_at INTEGER
  ) WITHOUT ROWID`.execute(db);

  // Keyed emoji-first within a guild so flags (one emoji) are a short range scan.
  await sql`CREATE TABLE activity_reactions (
    guild_id TEXT NOT NULL,
    emoji TEXT NOT NULL,
    message_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    at INTEGER NOT NULL,
    channel_id TEXT NOT NULL,
    message_author_id TEXT,
    removed_at INTEGER,
    PRIMARY KEY (guild_id, emoji, message_id, user_id, at)
  ) WITHOUT ROWID`.execute(db);

  await sql`CREATE TABLE activity_threads (
    thread_id TEXT NOT NULL PRIMARY KEY,
    guild_id TEXT NOT NULL,
    parent_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    at INTEGER NOT NULL
  ) WITHOUT ROWID`.execute(db);

  await sql`CREATE TABLE activity_voice_sessions (
    guild_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    ended_at INTEGER,
    channel_id TEXT NOT NULL,
    PRIMARY KEY (guild_id, user_id, started_at)
  ) WITHOUT ROWID`.execute(db);

  await sql`CREATE TABLE activity_member_events (
    guild_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    at INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('join', 'leave')),
    PRIMARY KEY (guild_id, user_id, at, kind)
  ) WITHOUT ROWID`.execute(db);

  // Members and channels as small integers per guild, so rollups are compact. Keyed by the
  // integer so a new member appends (a key by snowflake dirtied a random page per new member:
  // ~12% of ingest time). The writer keeps id -> integer in memory and, inside its write
  // transaction, catches up on integers other processes added before it assigns a new one.
  await sql`CREATE TABLE activity_ids (
    guild_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    id TEXT NOT NULL,
    PRIMARY KEY (guild_id, idx)
  ) WITHOUT ROWID`.execute(db);

  // Per guild and UTC hour, packed records per (member, channel) active in it: the quarters
  // they were active in (bit q = minutes 15q..15q+14), messages per quarter, first and last
  // message instants. A report reads a few blobs per hour instead of millions of rows (see
  // src/activity/hour-records.ts); any zone offset by 15-minute steps maps exactly.
  // Each write batch appends its increments as a new part (rewriting a busy hour's whole blob
  // per batch cost ~2x in ingest); the writer merges an hour's parts into part 0 once it has
  // many. Readers fold every part: the figures are additive or idempotent across parts.
  await sql`CREATE TABLE activity_hours (
    guild_id TEXT NOT NULL,
    bucket INTEGER NOT NULL,
    part INTEGER NOT NULL,
    records BLOB NOT NULL,
    PRIMARY KEY (guild_id, bucket, part)
  ) WITHOUT ROWID`.execute(db);

  // Per guild, per UTC quarter-hour: event counts (totals and hour-of-week in any zone).
  await sql`CREATE TABLE activity_guild_quarters (
    guild_id TEXT NOT NULL,
    bucket INTEGER NOT NULL,
    messages INTEGER NOT NULL,
    reactions INTEGER NOT NULL,
    threads INTEGER NOT NULL,
    PRIMARY KEY (guild_id, bucket)
  ) WITHOUT ROWID`.execute(db);

  await sql`CREATE TABLE activity_opt_outs (
    guild_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id)
  ) WITHOUT ROWID`.execute(db);

  // One row per run of the bot: listening from started_at until heartbeat_at.
  await sql`CREATE TABLE activity_listening (
    id INTEGER PRIMARY KEY,
    started_at INTEGER NOT NULL,
    heartbeat_at INTEGER NOT NULL
  )`.execute(db);

  // Spans when the bot was not listening (down, or its gateway connection lost).
  await sql`CREATE TABLE activity_gaps (
    started_at INTEGER NOT NULL,
    ended_at INTEGER NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (started_at, reason)
  ) WITHOUT ROWID`.execute(db);
}
