// Migration 0016: the hourly rollups move from a WITHOUT ROWID table to a rowid table with a
// unique index on (guild_id, bucket, part), rows unchanged, and back.
import { afterEach, expect, it } from 'vitest';
import { Ingestor } from '../../src/activity/ingest.js';
import { ActivityStore } from '../../src/activity/store.js';
import { ActivityWriter } from '../../src/activity/writer.js';
import { migrator, openDatabase, type Database } from '../../src/db/open.js';
import { G, message, u } from './payloads.js';

let database: Database | undefined;
afterEach(async () => {
  await database?.close();
  database = undefined;
});

it('0016 keeps every part of every hour, keyed by (guild, hour, part) both ways', async () => {
  database = openDatabase(':memory:');
  const steps = migrator(database.db);
  expect((await steps.migrateTo('0015-member-totals-by-number')).error).toBeUndefined();
  const put = database.sqlite.prepare(`INSERT INTO activity_hours (guild_id, bucket, part, records) VALUES (?, ?, ?, ?)`);
  // Parts of a few KB (stored with overflow pages) and a small one, in two guilds.
  const rows: Array<[string, number, number, Buffer]> = [];
  for (const [guild, bucket, part, bytes] of [[G, 10, 0, 24_000], [G, 10, 1, 120], [G, 11, 3, 9_000], ['200000000000000002', 10, 0, 5_000]] as const) {
    const records = Buffer.alloc(bytes, part + 1);
    rows.push([guild, bucket, part, records]);
    put.run(guild, bucket, part, records);
  }
  const all = () => database!.sqlite.prepare(`SELECT guild_id, bucket, part, records FROM activity_hours ORDER BY guild_id, bucket, part`).raw().all();
  const definition = () => database!.sqlite.prepare(`SELECT sql FROM sqlite_schema WHERE name = 'activity_hours'`).pluck().get() as string;
  expect(definition()).toMatch(/WITHOUT ROWID/);

  expect((await steps.migrateTo('0016-hours-by-rowid')).error).toBeUndefined();
  expect(all()).toEqual(rows);
  expect(definition()).not.toMatch(/WITHOUT ROWID/);
  expect(database.sqlite.prepare(`SELECT name, "unique" FROM pragma_index_list('activity_hours')`).raw().all()).toEqual([['activity_hours_key', 1]]);
  // The key stays unique; the writer's upsert of a part replaces it.
  expect(() => put.run(G, 10, 1, Buffer.alloc(8))).toThrow(/UNIQUE/);
  // The writer (on the later migrations' tables too) appends its parts to the hours as before.
  expect((await steps.migrateToLatest()).error).toBeUndefined();
  const writer = new ActivityWriter(new ActivityStore(database.sqlite), { timer: false });
  const m = message(u(1), '2026-11-02T10:00:00.000Z');
  new Ingestor(writer).ingest({ t: m.t, d: m.d, at: Date.parse(m.at) });
  writer.flush();
  expect((all() as unknown[][]).length).toBe(rows.length + 1);

  expect((await steps.migrateTo('0015-member-totals-by-number')).error).toBeUndefined();
  expect(definition()).toMatch(/WITHOUT ROWID/);
  expect((all() as unknown[][]).length).toBe(rows.length + 1);
  expect((all() as Array<[string, number, number, Buffer]>).filter(([guild, bucket]) => !(guild === G && bucket > 11))).toEqual(rows);
});
