// Per member, how many raw activity rows name them: /privacy show reads one row instead of
// scanning the raw tables (seconds on a server with millions of events). The writer appends each
// batch's per-member increments to a log (one row a batch: upserting thousands of members per
// batch cost the writer ~2x) that a background step folds into the totals; opt-out steps count
// the totals down with the rows they delete.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE activity_member_totals (
    guild_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    messages INTEGER NOT NULL DEFAULT 0,
    reactions INTEGER NOT NULL DEFAULT 0,
    reactions_received INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, user_id)
  ) WITHOUT ROWID`.execute(db);
  /** JSON [[guild, member, messages, reactions, reactions received], ...] of one write batch, until folded. */
  await sql`CREATE TABLE activity_count_log (
    id INTEGER PRIMARY KEY,
    counts TEXT NOT NULL
  )`.execute(db);
  // What is stored already (one pass over each raw table).
  await sql`INSERT INTO activity_member_totals (guild_id, user_id, messages)
    SELECT guild_id, user_id, count(*) FROM activity_messages GROUP BY guild_id, user_id`.execute(db);
  await sql`INSERT INTO activity_member_totals (guild_id, user_id, reactions)
    SELECT guild_id, user_id, count(*) FROM activity_reactions WHERE true GROUP BY guild_id, user_id
    ON CONFLICT DO UPDATE SET reactions = excluded.reactions`.execute(db);
  await sql`INSERT INTO activity_member_totals (guild_id, user_id, reactions_received)
    SELECT guild_id, message_author_id, count(*) FROM activity_reactions WHERE message_author_id IS NOT NULL GROUP BY guild_id, message_author_id
    ON CONFLICT DO UPDATE SET reactions_received = excluded.reactions_received`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE activity_count_log`.execute(db);
  await sql`DROP TABLE activity_member_totals`.execute(db);
}
