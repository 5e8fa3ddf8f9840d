// Migration 0028: the per-member feedback limit (feedback_daily_limit) on guild settings; servers
// that set anything before get the default, 10. And back.
import { afterEach, expect, it } from 'vitest';
import { migrator, openDatabase, type Database } from '../../src/db/open.js';
import { getSettings } from '../../src/settings/store.js';

let database: Database | undefined;
afterEach(async () => {
  await database?.close();
  database = undefined;
});

it('0028 adds feedback_daily_limit to guild settings with the default 10, both ways', async () => {
  database = openDatabase(':memory:');
  const steps = migrator(database.db);
  expect((await steps.migrateTo('0027-digest-pause-reason')).error).toBeUndefined();
  const { sqlite } = database;
  sqlite.prepare(`INSERT INTO guild_settings (guild_id, flag_daily_limit, updated_at) VALUES ('g', 5, 5)`).run();

  expect((await steps.migrateTo('0028-feedback-daily-limit')).error).toBeUndefined();
  expect(await getSettings(database.db, 'g')).toMatchObject({ flagDailyLimit: 5, feedbackDailyLimit: 10 });
  expect(await getSettings(database.db, 'new')).toMatchObject({ feedbackDailyLimit: 10 });
  // (Written directly: today's store also writes the columns of later migrations.)
  sqlite.prepare(`UPDATE guild_settings SET feedback_daily_limit = 3 WHERE guild_id = 'g'`).run();
  expect(await getSettings(database.db, 'g')).toMatchObject({ flagDailyLimit: 5, feedbackDailyLimit: 3 });

  expect((await steps.migrateTo('0027-digest-pause-reason')).error).toBeUndefined();
  expect(sqlite.prepare(`SELECT count(*) FROM pragma_table_info('guild_settings') WHERE name = 'feedback_daily_limit'`).pluck().get()).toBe(0);
  expect(sqlite.prepare(`SELECT flag_daily_limit FROM guild_settings WHERE guild_id = 'g'`).pluck().get()).toBe(5);
});
