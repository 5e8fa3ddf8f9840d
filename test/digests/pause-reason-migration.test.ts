// Migration 0027: digest schedules can say why the bot paused them; existing ones were paused (or
// not) by staff, and read as before. And back.
import { afterEach, expect, it } from 'vitest';
import { migrator, openDatabase, type Database } from '../../src/db/open.js';
import { getSchedule, pauseForProblem } from '../../src/digests/store.js';
import { msg } from '../../src/i18n/index.js';

let database: Database | undefined;
afterEach(async () => {
  await database?.close();
  database = undefined;
});

it('0027 adds the pause reason to digest schedules, both ways', async () => {
  database = openDatabase(':memory:');
  const steps = migrator(database.db);
  expect((await steps.migrateTo('0026-guild-removed')).error).toBeUndefined();
  const { sqlite } = database;
  sqlite.prepare(`INSERT INTO digest_schedules (guild_id, timing, period, paused, active_since, zone, created_at, updated_at) VALUES ('g', '{"kind":"daily","time":"09:00"}', 'day', 1, 5, 'UTC', 5, 5)`).run();

  expect((await steps.migrateTo('0027-digest-pause-reason')).error).toBeUndefined();
  expect(await getSchedule(database.db, 'g')).toMatchObject({ paused: true, pausedReason: null, pausedAt: null });
  sqlite.prepare(`UPDATE digest_schedules SET paused = 0`).run();
  const reason = msg('digest.error.channelGone', { channel: '42' });
  expect(await pauseForProblem(database.db, 1, reason, 7)).toBe(true);
  expect(await pauseForProblem(database.db, 1, reason, 8)).toBe(false);
  expect(await getSchedule(database.db, 'g')).toMatchObject({ paused: true, pausedReason: reason, pausedAt: 7 });

  expect((await steps.migrateTo('0026-guild-removed')).error).toBeUndefined();
  expect(sqlite.prepare(`SELECT count(*) FROM pragma_table_info('digest_schedules') WHERE name IN ('paused_reason', 'paused_at', 'pause_told_at')`).pluck().get()).toBe(0);
  expect(sqlite.prepare(`SELECT paused FROM digest_schedules`).pluck().get()).toBe(1);
});
