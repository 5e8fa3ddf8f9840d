// The bots and webhooks Pulse has seen (their user or webhook ids: global, not per server), so a
// process knows those an earlier one saw. A reaction to a bot's or a webhook's message names the
// author only by id, and a thread's creation does not say whether its owner is a bot: without
// this table, a 🚩 on the message of a bot seen only before a restart (or in an earlier `pulse
// replay`) counted as a flag, and its thread as a member's. Written once per id, when first seen.
// No member is named here: bots and webhooks are never members (docs/privacy.md).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE activity_non_members (user_id TEXT NOT NULL PRIMARY KEY) WITHOUT ROWID`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE activity_non_members`.execute(db);
}
