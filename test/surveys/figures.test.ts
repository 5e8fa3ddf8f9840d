// Surveys in the report's JSON and in the digest: responses, scores and the change from the previous run.
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/open.js';
import { surveysField } from '../../src/digests/render.js';
import { buildReport } from '../../src/insights/report.js';
import { surveySummaries } from '../../src/surveys/figures.js';
import { closeSurvey, createSchedule, createSurvey, startDraft, submitResponse } from '../../src/surveys/store.js';
import { parseDefinition, type Answers, type Definition } from '../../src/surveys/survey.js';
import { template } from '../../src/surveys/templates.js';
import { testDatabase } from '../support/db.js';

let database: Database | undefined;
afterEach(async () => {
  await database?.close();
  database = undefined;
});

const GUILD = '900000000000000001';
const DAY = 86_400_000;
const T0 = Date.parse('2026-11-02T09:00:00Z');

function nps(): Definition {
  const r = parseDefinition(template('nps'));
  if (!r.ok) throw new Error(r.errors.join());
  return r.value;
}

async function answer(db: Database['db'], surveyId: number, member: string, answers: Answers, now: number) {
  const draft = await startDraft(db, surveyId, member, now);
  await submitResponse(db, { responseId: draft.id, surveyId, anonymous: false, once: true, memberId: member, answers, roles: [], now });
}

describe('survey figures', () => {
  it('lists the period’s surveys with responses, NPS and the change from the previous run', async () => {
    database = await testDatabase();
    const db = database.db;
    const def = nps();
    const schedule = await createSchedule(db, { guildId: GUILD, sourceSurveyId: 1, definition: def, timing: { kind: 'daily', time: '09:00' }, channelId: '1', roleId: null, openForMs: DAY / 2, createdBy: '2', activeSince: 0, now: T0 });
    const run = (at: number) => createSurvey(db, { guildId: GUILD, authorId: '2', definition: def, now: at, run: { scheduleId: schedule.id, runKey: String(at), channelId: '1', roleId: null, closesAt: at + DAY / 2 } });
    const first = (await run(T0))!;
    await answer(db, first.id, '11', { score: 10 }, T0 + 1);
    await answer(db, first.id, '12', { score: 3 }, T0 + 2);
    expect(await closeSurvey(db, first.id, T0 + DAY / 2, null, 8)).toBe(true);
    // The same run key again is not a second survey.
    expect(await run(T0)).toBeNull();
    const second = (await run(T0 + DAY))!;
    for (const [m, s] of [['11', 10], ['12', 9], ['13', 7], ['14', 2]] as const) await answer(db, second.id, m, { score: s }, T0 + DAY + 1);

    const summaries = await surveySummaries(db, GUILD, T0 + DAY - 1000, T0 + 2 * DAY);
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({ id: String(second.id), responses: 4, nps: 25, previous: { nps: 0, csat: null }, openedInPeriod: true });
    expect(surveysField(summaries)?.value).toBe(`#${second.id} “How likely are you to recommend us?” opened: 4 responses · NPS +25 (▲ 25 vs last run)`);
    expect(surveysField([])).toBeNull();
    const day1 = await surveySummaries(db, GUILD, T0 - 1000, T0 + DAY - 1000);
    expect(day1).toMatchObject([{ responses: 2, rate: 0.25, nps: 0, closedInPeriod: true, previous: null }]);
    expect(surveysField(day1)?.value).toContain('closed: 2 responses (25% response rate) · NPS 0');

    const report = await buildReport(database, { guildId: GUILD, from: '2026-11-02', to: '2026-11-03', timezone: 'UTC', asOf: T0 + 3 * DAY });
    expect(report.surveys).toEqual([
      { id: String(first.id), title: def.title, responses: 2, nps: 0, csat: null },
      { id: String(second.id), title: def.title, responses: 4, nps: 25, csat: null },
    ]);
  });
});
