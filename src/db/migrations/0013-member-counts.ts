// Per member, how many raw activity rows name them: /privacy show answers from one row instead
// of scanning the raw tables (seconds on a server with millions of events). The writer keeps it
// in step with the rows it stores; opt-out steps take it down with the rows they delete.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE activity_member_counts (
    guild_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    messages INTEGER NOT NULL DEFAULT 0,
    reactions INTEGER NOT NULL DEFAULT 0,
    reactions_received INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, user_id)
  ) WITHOUT ROWID`.execute(db);
  // What is stored already (one pass over each raw table).
  await sql`INSERT INTO activity_member_counts (guild_id, user_id, messages)
    SELECT guild_id, user_id, count(*) FROM activity_messages GROUP BY guild_id, user_id`.execute(db);
  await sql`INSERT INTO activity_member_counts (guild_id, user_id, reactions)
    SELECT guild_id, user_id, count(*) FROM activity_reactions WHERE true GROUP BY guild_id, user_id
    ON CONFLICT DO UPDATE SET reactions = excluded.reactions`.execute(db);
  await sql`INSERT INTO activity_member_counts (guild_id, user_id, reactions_received)
    SELECT guild_id, message_author_id, count(*) FROM activity_reactions WHERE message_author_id IS NOT NULL GROUP BY guild_id, message_author_id
    ON CONFLICT DO UPDATE SET reactions_received = excluded.reactions_received`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE activity_member_counts`.execute(db);
}
