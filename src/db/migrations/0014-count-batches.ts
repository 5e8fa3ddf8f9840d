// The writer's per-member increments by member number (activity_ids) instead of by snowflake in
// JSON: a write batch logs one small blob per guild, and no per-member map or JSON is built on
// the writer's thread (tallying by snowflake was ~30% of `pulse replay`'s storing time). The
// JSON log (activity_count_log) stays for opt-out's count-downs, which name other members by
// snowflake. Both are folded into activity_member_totals the same way.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  /** One write batch's increments in one guild: int32 LE [member idx, messages, reactions, reactions received] per member. */
  await sql`CREATE TABLE activity_count_batches (
    id INTEGER PRIMARY KEY,
    guild_id TEXT NOT NULL,
    counts BLOB NOT NULL
  )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE activity_count_batches`.execute(db);
}
