// An anonymous survey's answer rows, once it closes, are numbered in the order of their answers,
// not of their submits: a row's number no longer places it in time among rows that carry times
// (other members' drafts and named responses). Closing does it; migration 0030 does it for
// anonymous surveys closed before.
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, migrator, openDatabase, type Database } from '../../src/db/open.js';
import { closeSurvey, submitResponse } from '../../src/surveys/store.js';

let database: Database | undefined;
afterEach(async () => {
  await database?.close();
  database = undefined;
});

const rows = (d: Database) => d.sqlite.prepare(`SELECT id, survey_id, respondent, status, answers, submitted_at FROM survey_responses ORDER BY id`).raw().all();

describe('anonymous answer rows after close', () => {
  it('are renumbered by answer, after every other row, with nothing else changed; a named survey keeps its numbers', async () => {
    database = openDatabase(':memory:');
    await migrate(database.db);
    const { sqlite } = database;
    sqlite.prepare(`INSERT INTO surveys (id, guild_id, author_id, title, definition, anonymous, status, created_at) VALUES (1, 'g', 'a', 'Anon', '{}', 1, 'open', 0), (2, 'g', 'a', 'Named', '{}', 0, 'open', 0)`).run();
    const draft = sqlite.prepare(`INSERT INTO survey_responses (survey_id, respondent, status, answers, draft, page, updated_at) VALUES (?, ?, 'draft', '{}', ?, 0, 1)`);
    // Submits alternate between the two surveys: carol (c), then dan's named answer, then alice (a), then bob (b).
    const submit = async (survey: number, member: string, q: string, now: number) => {
      const id = Number(draft.run(survey, member, JSON.stringify({ q })).lastInsertRowid);
      expect(await submitResponse(database!.db, { responseId: id, surveyId: survey, anonymous: survey === 1, once: true, memberId: member, answers: { q }, roles: [], now })).toBe('stored');
    };
    await submit(1, 'carol', 'c', 10);
    await submit(2, 'dan', 'd', 20);
    await submit(1, 'alice', 'a', 30);
    await submit(1, 'bob', 'b', 40);
    // While open, the numbers are in submit order, around dan's (timed) row.
    const dan = (rows(database) as unknown[][]).find((r) => r[2] === 'dan')![0] as number;
    expect((rows(database) as unknown[][]).filter((r) => r[1] === 1).map((r) => [(r[0] as number) < dan, r[4]])).toEqual([[true, '{"q":"c"}'], [false, '{"q":"a"}'], [false, '{"q":"b"}']]);

    expect(await closeSurvey(database.db, 1, 100, null, null)).toBe(true);
    const after = rows(database) as unknown[][];
    const anon = after.filter((r) => r[1] === 1);
    expect(anon.map((r) => r.slice(2))).toEqual([[null, 'submitted', '{"q":"a"}', null], [null, 'submitted', '{"q":"b"}', null], [null, 'submitted', '{"q":"c"}', null]]);
    expect(anon.every((r) => (r[0] as number) > dan)).toBe(true);
    // The named survey's row is as it was; closing it renumbers nothing.
    expect(after.find((r) => r[1] === 2)).toEqual([dan, 2, 'dan', 'submitted', '{"q":"d"}', 20]);
    expect(await closeSurvey(database.db, 2, 100, null, null)).toBe(true);
    expect((rows(database) as unknown[][]).find((r) => r[1] === 2)?.[0]).toBe(dan);
  });

  it('migration 0030 renumbers the anonymous surveys closed before it, not the open ones', async () => {
    database = openDatabase(':memory:');
    const steps = migrator(database.db);
    expect((await steps.migrateTo('0029-timezone-chosen')).error).toBeUndefined();
    const { sqlite } = database;
    sqlite.prepare(`INSERT INTO surveys (id, guild_id, author_id, title, definition, anonymous, status, created_at) VALUES (1, 'g', 'a', 'Closed', '{}', 1, 'closed', 0), (2, 'g', 'a', 'Open', '{}', 1, 'open', 0), (3, 'g', 'a', 'Named', '{}', 0, 'closed', 0)`).run();
    const row = sqlite.prepare(`INSERT INTO survey_responses (id, survey_id, respondent, status, answers, page, submitted_at) VALUES (?, ?, ?, 'submitted', ?, 0, ?)`);
    row.run(5, 1, null, '{"q":"z"}', null);
    row.run(6, 3, 'dan', '{"q":"d"}', 60);
    row.run(7, 1, null, '{"q":"m"}', null);
    row.run(8, 2, null, '{"q":"y"}', null);
    row.run(9, 2, null, '{"q":"x"}', null);
    expect((await steps.migrateTo('0030-anonymous-renumber')).error).toBeUndefined();
    expect(sqlite.prepare(`SELECT id, survey_id, respondent, answers FROM survey_responses ORDER BY id`).raw().all()).toEqual([
      [6, 3, 'dan', '{"q":"d"}'],
      [8, 2, null, '{"q":"y"}'],
      [9, 2, null, '{"q":"x"}'],
      [10, 1, null, '{"q":"m"}'],
      [11, 1, null, '{"q":"z"}'],
    ]);
  });
});
