// Migration 0029: whether staff chose the time zone (timezone_chosen). A server on another zone
// chose it; one on UTC from before is taken as never having chosen. And back.
import { afterEach, expect, it } from 'vitest';
import { migrator, openDatabase, type Database } from '../../src/db/open.js';
import { getSettings, updateSettings } from '../../src/settings/store.js';
import { clearPatch } from '../../src/settings/settings.js';

let database: Database | undefined;
afterEach(async () => {
  await database?.close();
  database = undefined;
});

it('0029 marks the zones chosen before it (all but UTC), and /settings set and clear keep it', async () => {
  database = openDatabase(':memory:');
  const steps = migrator(database.db);
  expect((await steps.migrateTo('0028-feedback-daily-limit')).error).toBeUndefined();
  const { sqlite } = database;
  sqlite.prepare(`INSERT INTO guild_settings (guild_id, timezone, updated_at) VALUES ('berlin', 'Europe/Berlin', 5), ('utc', 'UTC', 5)`).run();

  expect((await steps.migrateTo('0029-timezone-chosen')).error).toBeUndefined();
  expect(await getSettings(database.db, 'berlin')).toMatchObject({ timezone: 'Europe/Berlin', timezoneChosen: true });
  expect(await getSettings(database.db, 'utc')).toMatchObject({ timezone: 'UTC', timezoneChosen: false });
  expect(await getSettings(database.db, 'new')).toMatchObject({ timezone: 'UTC', timezoneChosen: false });
  expect(await updateSettings(database.db, 'utc', { timezone: 'UTC', timezoneChosen: true }, 6)).toMatchObject({ timezoneChosen: true });
  expect(await updateSettings(database.db, 'utc', { flagThreshold: 4 }, 7)).toMatchObject({ timezoneChosen: true });
  expect(await updateSettings(database.db, 'berlin', clearPatch('timezone'), 8)).toMatchObject({ timezone: 'UTC', timezoneChosen: false });

  expect((await steps.migrateTo('0028-feedback-daily-limit')).error).toBeUndefined();
  expect(sqlite.prepare(`SELECT count(*) FROM pragma_table_info('guild_settings') WHERE name = 'timezone_chosen'`).pluck().get()).toBe(0);
  expect(sqlite.prepare(`SELECT timezone FROM guild_settings WHERE guild_id = 'utc'`).pluck().get()).toBe('UTC');
});
