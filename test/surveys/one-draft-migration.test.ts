// Migration 0022: one response in progress per member and survey. Duplicate drafts left by the
// "Take the survey" race are dropped (the most recently saved is kept), and a second one can no
// longer be made.
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, migrator, openDatabase, type Database } from '../../src/db/open.js';
import { startDraft } from '../../src/surveys/store.js';

let database: Database | undefined;
afterEach(async () => {
  await database?.close();
  database = undefined;
});

describe('survey drafts: one in progress per member', () => {
  it('the migration keeps the latest of duplicate drafts, then refuses a second one', async () => {
    database = openDatabase(':memory:');
    const steps = migrator(database.db);
    expect((await steps.migrateTo('0021-feedback-steps')).error).toBeUndefined();
    const { sqlite } = database;
    sqlite.prepare(`INSERT INTO surveys (id, guild_id, author_id, title, definition, anonymous, status, created_at) VALUES (1, 'g', 'a', 'T', '{}', 0, 'open', 0)`).run();
    const row = sqlite.prepare(`INSERT INTO survey_responses (id, survey_id, respondent, status, answers, draft, page, updated_at) VALUES (?, 1, ?, ?, ?, ?, 0, ?)`);
    // Alice: two fresh drafts (the later saved one kept). Bob: a submitted response being edited
    // and a fresh draft saved later (the edit stops, his submitted answers stay). Carol: one draft.
    // Anonymous submitted rows (no respondent, no draft) are untouched.
    row.run(10, 'alice', 'draft', '{}', '{"q":"new"}', 200);
    row.run(11, 'alice', 'draft', '{}', '{"q":"old"}', 100);
    row.run(20, 'bob', 'submitted', '{"q":"sent"}', '{"q":"editing"}', 100);
    row.run(21, 'bob', 'draft', '{}', '{"q":"fresh"}', 300);
    row.run(30, 'carol', 'draft', '{}', '{}', 100);
    row.run(40, null, 'submitted', '{"q":"a"}', null, null);
    row.run(41, null, 'submitted', '{"q":"b"}', null, null);
    await migrate(database.db);
    expect(sqlite.prepare(`SELECT id, respondent, status, answers, draft FROM survey_responses ORDER BY id`).raw().all()).toEqual([
      [10, 'alice', 'draft', '{}', '{"q":"new"}'],
      [20, 'bob', 'submitted', '{"q":"sent"}', null],
      [21, 'bob', 'draft', '{}', '{"q":"fresh"}'],
      [30, 'carol', 'draft', '{}', '{}'],
      [40, null, 'submitted', '{"q":"a"}', null],
      [41, null, 'submitted', '{"q":"b"}', null],
    ]);
    // A second draft is refused by the database; starting one hands back the draft in progress.
    expect(() => row.run(12, 'alice', 'draft', '{}', '{}', 400)).toThrow(/UNIQUE/);
    const [a, b] = await Promise.all([startDraft(database.db, 1, 'dave', 500), startDraft(database.db, 1, 'dave', 500)]);
    expect(a.id).toBe(b.id);
    expect((await startDraft(database.db, 1, 'alice', 500)).id).toBe(10);
    expect(sqlite.prepare(`SELECT count(*) FROM survey_responses WHERE respondent = 'dave'`).pluck().get()).toBe(1);
  });
});
