// The response rate is a share of members: never above 100% for a "many" survey, none for a
// survey that cannot tell its members apart or was never started, the same in results and digest.
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/open.js';
import { silentLogger } from '../../src/log.js';
import { surveySummaries } from '../../src/surveys/figures.js';
import { resultsEmbed } from '../../src/surveys/discord-render.js';
import { SurveyService, type SurveyPorts } from '../../src/surveys/service.js';
import { closeSurvey, createSurvey, getSurvey, openSurvey, startDraft, submitResponse } from '../../src/surveys/store.js';
import { parseDefinition, type Definition } from '../../src/surveys/survey.js';
import { testDatabase } from '../support/db.js';

let database: Database | undefined;
afterEach(async () => {
  await database?.close();
  database = undefined;
});

const GUILD = '900000000000000001';
const NOW = Date.parse('2026-11-02T09:00:00Z');
const ELIGIBLE = 6;

const ports: SurveyPorts = {
  language: async () => 'en',
  postCard: async () => '1',
  findCard: async () => null,
  editCard: async () => undefined,
  failure: () => ({ permanent: false, reason: 'x' }),
  tellStaff: async () => true,
  dm: async () => true,
  eligible: async () => ELIGIBLE,
  link: () => '',
};

function definition(extra: Record<string, unknown>): Definition {
  const r = parseDefinition({ title: 'Ideas', questions: [{ id: 'idea', type: 'short', label: 'Your idea' }], ...extra });
  if (!r.ok) throw new Error(r.errors.join());
  return r.value;
}

/** A survey with `members` submitting in turn (a member listed twice submits twice), closed or not. */
async function survey(db: Database['db'], def: Definition, members: string[], state: 'draft' | 'open' | 'closed') {
  const s = (await createSurvey(db, { guildId: GUILD, authorId: '2', definition: def, now: NOW }))!;
  if (state !== 'draft') {
    await openSurvey(db, s.id, { channelId: '3', roleId: null, closesAt: null, now: NOW });
    let t = NOW;
    for (const m of members) {
      const draft = await startDraft(db, s.id, m, ++t);
      await submitResponse(db, { responseId: draft.id, surveyId: s.id, anonymous: def.anonymous, once: def.responses === 'one', memberId: m, answers: { idea: `idea ${t}` }, roles: [], now: t });
    }
    if (state === 'closed') await closeSurvey(db, s.id, NOW + 60_000, null, ELIGIBLE);
  }
  return (await getSurvey(db, s.id))!;
}

async function headline(service: SurveyService, s: Awaited<ReturnType<typeof survey>>) {
  const r = await service.results(s);
  return { rate: r.rate, line: resultsEmbed('en', r).description!.split('\n')[0] };
}

describe('response rate', () => {
  it('counts each member of a named "many" survey once, in /survey results and in the digest', async () => {
    database = await testDatabase();
    const service = new SurveyService({ db: database.db, clock: { now: () => NOW }, logger: silentLogger, ports });
    // 8 submissions by 3 of the 6 members who could answer: 50%, not 133%.
    const s = await survey(database.db, definition({ responses: 'many' }), ['11', '11', '11', '11', '11', '11', '12', '13'], 'closed');
    expect(await headline(service, s)).toEqual({ rate: 0.5, line: '**8** responses of 6 members who could answer (response rate 50%)' });
    const [digest] = await surveySummaries(database.db, GUILD, NOW - 1000, NOW + 86_400_000);
    expect(digest).toMatchObject({ responses: 8, rate: 0.5 });
  });

  it('shows no rate for an anonymous "many" survey nor for a survey never started', async () => {
    database = await testDatabase();
    const service = new SurveyService({ db: database.db, clock: { now: () => NOW }, logger: silentLogger, ports });
    const anonymous = await survey(database.db, definition({ responses: 'many', anonymous: true }), ['11', '11', '11', '11', '11', '11', '11', '11'], 'closed');
    expect(await headline(service, anonymous)).toEqual({ rate: null, line: '**8** responses' });
    const [digest] = await surveySummaries(database.db, GUILD, NOW - 1000, NOW + 86_400_000);
    expect(digest).toMatchObject({ responses: 8, rate: null });
    const draft = await survey(database.db, definition({}), [], 'draft');
    expect(await headline(service, draft)).toEqual({ rate: null, line: '**0** responses' });
  });

  it('keeps the rate of an anonymous "one" survey and of an open named one', async () => {
    database = await testDatabase();
    const service = new SurveyService({ db: database.db, clock: { now: () => NOW }, logger: silentLogger, ports });
    const anonymous = await survey(database.db, definition({ anonymous: true }), ['11', '12', '13'], 'closed');
    expect((await headline(service, anonymous)).line).toBe('**3** responses of 6 members who could answer (response rate 50%)');
    const open = await survey(database.db, definition({}), ['11', '12'], 'open');
    expect((await headline(service, open)).rate).toBeCloseTo(1 / 3);
  });
});
