// The per-member totals by member number (activity_ids), CHUNK (64) members a row: each row's
// counts are int32 LE triples (messages, reactions, reactions received) at (number % 64) * 3. A
// fold rewrites one row per 64 members it touches instead of upserting a row per member by
// snowflake: `pulse replay`'s fold at its end, on one thread with the other idle, went from
// ~200 ms (~50,000 upserts, and reading every member's snowflake) to ~60 ms. A member with totals
// but no number (counted from rows stored before numbers were given) gets the next one.
import { sql, type Kysely } from 'kysely';

const CHUNK = 64;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE activity_member_totals_by_number (
    guild_id TEXT NOT NULL,
    chunk INTEGER NOT NULL,
    counts BLOB NOT NULL,
    PRIMARY KEY (guild_id, chunk)
  ) WITHOUT ROWID`.execute(db);
  const guilds = await sql<{ guild_id: string }>`SELECT DISTINCT guild_id FROM activity_member_totals`.execute(db);
  for (const { guild_id: guildId } of guilds.rows) {
    const ids = await sql<{ id: string; idx: number }>`SELECT id, idx FROM activity_ids WHERE guild_id = ${guildId}`.execute(db);
    const numberOf = new Map(ids.rows.map((r) => [r.id, r.idx]));
    let next = ids.rows.reduce((top, r) => Math.max(top, r.idx + 1), 0);
    const chunks = new Map<number, Int32Array>();
    const totals = await sql<{ user_id: string; messages: number; reactions: number; reactions_received: number }>`
      SELECT user_id, messages, reactions, reactions_received FROM activity_member_totals WHERE guild_id = ${guildId}`.execute(db);
    for (const t of totals.rows) {
      let idx = numberOf.get(t.user_id);
      if (idx === undefined) {
        idx = next++;
        await sql`INSERT INTO activity_ids (guild_id, idx, id) VALUES (${guildId}, ${idx}, ${t.user_id})`.execute(db);
      }
      let counts = chunks.get(Math.floor(idx / CHUNK));
      if (!counts) chunks.set(Math.floor(idx / CHUNK), (counts = new Int32Array(CHUNK * 3)));
      counts.set([t.messages, t.reactions, t.reactions_received], (idx % CHUNK) * 3);
    }
    for (const [chunk, counts] of chunks) {
      await sql`INSERT INTO activity_member_totals_by_number (guild_id, chunk, counts)
        VALUES (${guildId}, ${chunk}, ${Buffer.from(counts.buffer)})`.execute(db);
    }
  }
  await sql`DROP TABLE activity_member_totals`.execute(db);
  await sql`ALTER TABLE activity_member_totals_by_number RENAME TO activity_member_totals`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE activity_member_totals_by_member (
    guild_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    messages INTEGER NOT NULL DEFAULT 0,
    reactions INTEGER NOT NULL DEFAULT 0,
    reactions_received INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, user_id)
  ) WITHOUT ROWID`.execute(db);
  const rows = await sql<{ guild_id: string; chunk: number; counts: Uint8Array }>`SELECT guild_id, chunk, counts FROM activity_member_totals`.execute(db);
  for (const row of rows.rows) {
    const counts = new Int32Array(new Uint8Array(row.counts).buffer);
    for (let slot = 0; slot < counts.length / 3; slot++) {
      const [messages, reactions, received] = [counts[slot * 3]!, counts[slot * 3 + 1]!, counts[slot * 3 + 2]!];
      if (!messages && !reactions && !received) continue;
      await sql`INSERT INTO activity_member_totals_by_member (guild_id, user_id, messages, reactions, reactions_received)
        SELECT guild_id, id, ${messages}, ${reactions}, ${received} FROM activity_ids
        WHERE guild_id = ${row.guild_id} AND idx = ${row.chunk * CHUNK + slot} AND id NOT LIKE '~%'`.execute(db);
    }
  }
  await sql`DROP TABLE activity_member_totals`.execute(db);
  await sql`ALTER TABLE activity_member_totals_by_member RENAME TO activity_member_totals`.execute(db);
}
