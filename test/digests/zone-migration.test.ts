// Migration 0025: digest and survey schedules remember the zone their active_since was set in;
// existing ones get the server's zone as it is (UTC for a server that never set one), and back.
import { afterEach, expect, it } from 'vitest';
import { migrator, openDatabase, type Database } from '../../src/db/open.js';

let database: Database | undefined;
afterEach(async () => {
  await database?.close();
  database = undefined;
});

it("0025 gives every existing schedule its server's current zone, both ways", async () => {
  database = openDatabase(':memory:');
  const steps = migrator(database.db);
  expect((await steps.migrateTo('0024-flag-case-shown')).error).toBeUndefined();
  const { sqlite } = database;
  sqlite.prepare(`INSERT INTO guild_settings (guild_id, timezone, updated_at) VALUES ('g-berlin', 'Europe/Berlin', 1)`).run();
  const digest = sqlite.prepare(`INSERT INTO digest_schedules (guild_id, timing, period, active_since, created_at, updated_at) VALUES (?, '{"kind":"daily","time":"09:00"}', 'day', 5, 5, 5)`);
  digest.run('g-berlin');
  digest.run('g-default');
  sqlite
    .prepare(
      `INSERT INTO survey_schedules (guild_id, source_survey_id, definition, timing, channel_id, open_for_ms, created_by, created_at, active_since, active) VALUES ('g-berlin', 1, '{}', '{"kind":"daily","time":"09:00"}', 'c', 1, 'u', 5, 5, 1)`,
    )
    .run();

  expect((await steps.migrateTo('0025-schedule-zone')).error).toBeUndefined();
  expect(sqlite.prepare(`SELECT guild_id, zone, active_since FROM digest_schedules ORDER BY guild_id`).raw().all()).toEqual([
    ['g-berlin', 'Europe/Berlin', 5],
    ['g-default', 'UTC', 5],
  ]);
  expect(sqlite.prepare(`SELECT guild_id, zone FROM survey_schedules`).raw().all()).toEqual([['g-berlin', 'Europe/Berlin']]);

  expect((await steps.migrateTo('0024-flag-case-shown')).error).toBeUndefined();
  expect(sqlite.prepare(`SELECT count(*) FROM pragma_table_info('digest_schedules') WHERE name = 'zone'`).pluck().get()).toBe(0);
  expect(sqlite.prepare(`SELECT count(*) FROM pragma_table_info('survey_schedules') WHERE name = 'zone'`).pluck().get()).toBe(0);
  expect(sqlite.prepare(`SELECT count(*) FROM digest_schedules`).pluck().get()).toBe(2);
});
