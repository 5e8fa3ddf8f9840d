// The hourly rollups in a rowid table, keyed by a unique index on (guild_id, bucket, part),
// instead of WITHOUT ROWID. A WITHOUT ROWID table keeps its whole rows in its key's B-tree, blob
// and all, in its inner pages too, and SQLite reads a row's whole overflow chain for each key it
// compares on the way down (the hours' rows are 20-130 KB): one part found by its key took ~0.2
// ms, and storing a merged hour (19 parts of a busy hour looked up, dropped, 3 pieces put) took
// 6-22 ms on the gateway's thread, against 2-9 ms now. The index's entries are a few dozen bytes;
// a 90-day report reads each row through it, and ran no slower (its median 0.23-0.25 s against
// 0.29-0.30 s on a copy of the bench database).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE activity_hours_by_rowid (
    id INTEGER PRIMARY KEY,
    guild_id TEXT NOT NULL,
    bucket INTEGER NOT NULL,
    part INTEGER NOT NULL,
    records BLOB NOT NULL
  )`.execute(db);
  await sql`INSERT INTO activity_hours_by_rowid (guild_id, bucket, part, records)
    SELECT guild_id, bucket, part, records FROM activity_hours ORDER BY guild_id, bucket, part`.execute(db);
  await sql`DROP TABLE activity_hours`.execute(db);
  await sql`ALTER TABLE activity_hours_by_rowid RENAME TO activity_hours`.execute(db);
  await sql`CREATE UNIQUE INDEX activity_hours_key ON activity_hours (guild_id, bucket, part)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE activity_hours_by_key (
    guild_id TEXT NOT NULL,
    bucket INTEGER NOT NULL,
    part INTEGER NOT NULL,
    records BLOB NOT NULL,
    PRIMARY KEY (guild_id, bucket, part)
  ) WITHOUT ROWID`.execute(db);
  await sql`INSERT INTO activity_hours_by_key (guild_id, bucket, part, records) SELECT guild_id, bucket, part, records FROM activity_hours`.execute(db);
  await sql`DROP TABLE activity_hours`.execute(db);
  await sql`ALTER TABLE activity_hours_by_key RENAME TO activity_hours`.execute(db);
}
