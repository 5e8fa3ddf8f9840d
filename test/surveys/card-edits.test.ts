// Survey card edits go through the coalescer: a burst of submissions while one edit is stuck
// (a 429, a slow Discord) waits as one edit behind it, and two edits of a card never overlap.
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/open.js';
import { silentLogger } from '../../src/log.js';
import { createSurvey, openSurvey, setSurveyMessage } from '../../src/surveys/store.js';
import { SurveyService, type CardState, type SurveyPorts } from '../../src/surveys/service.js';
import { parseDefinition } from '../../src/surveys/survey.js';
import { template } from '../../src/surveys/templates.js';
import { testDatabase } from '../support/db.js';

let database: Database | undefined;
afterEach(async () => {
  await database?.close();
  database = undefined;
});

const GUILD = '900000000000000001';
const NOW = Date.parse('2026-11-02T09:00:00Z');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Ports whose card edits are recorded; the first one hangs until `release()`. */
function stuckPorts() {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  const edits: Array<{ status: string }> = [];
  let active = 0;
  let maxActive = 0;
  const ports: SurveyPorts = {
    language: async () => 'en',
    postCard: async () => '1',
    findCard: async () => null,
    async editCard(state: CardState) {
      active++;
      maxActive = Math.max(maxActive, active);
      edits.push({ status: state.survey.status });
      if (edits.length === 1) await gate;
      active--;
    },
    failure: () => ({ permanent: false, reason: 'x' }),
    tellStaff: async () => true,
    dm: async () => true,
    eligible: async () => null,
    link: () => '',
  };
  return { ports, edits, release: () => release(), maxActive: () => maxActive };
}

async function openSurveyWithCard(db: Database['db']): Promise<number> {
  const parsed = parseDefinition(template('csat'));
  if (!parsed.ok) throw new Error(parsed.errors.join());
  const survey = (await createSurvey(db, { guildId: GUILD, authorId: '2', definition: parsed.value, now: NOW }))!;
  await openSurvey(db, survey.id, { channelId: '3', roleId: null, closesAt: null, now: NOW });
  await setSurveyMessage(db, survey.id, '4');
  return survey.id;
}

describe('survey card edits', () => {
  it('a burst of submissions while an edit is stuck makes one more edit after it, never two at once', async () => {
    database = await testDatabase();
    const id = await openSurveyWithCard(database.db);
    const { ports, edits, release, maxActive } = stuckPorts();
    const service = new SurveyService({ db: database.db, clock: { now: () => NOW }, logger: silentLogger, ports, cardIntervalMs: 20 });
    service.markCard(id);
    await sleep(60);
    expect(edits).toHaveLength(1); // stuck
    // Thirteen submissions, 40 ms apart: each one's interval passes while the first edit is stuck.
    for (let i = 0; i < 13; i++) {
      service.markCard(id);
      await sleep(40);
    }
    expect(edits).toHaveLength(1);
    release();
    await sleep(60);
    await service.flushCards();
    expect(edits).toHaveLength(2);
    expect(maxActive()).toBe(1);
  });

  it('closing while an edit is stuck shows the closed card last', async () => {
    database = await testDatabase();
    const id = await openSurveyWithCard(database.db);
    const { ports, edits, release, maxActive } = stuckPorts();
    const service = new SurveyService({ db: database.db, clock: { now: () => NOW }, logger: silentLogger, ports, cardIntervalMs: 20 });
    service.markCard(id);
    await sleep(60);
    const closing = service.close(id, '2');
    await sleep(20);
    service.markCard(id);
    await sleep(60);
    release();
    expect(await closing).toBe(true);
    await service.flushCards();
    expect(edits.map((e) => e.status)).toEqual(['open', 'closed']);
    expect(maxActive()).toBe(1);
    const row = await database.db.selectFrom('surveys').select(['closed_shown_at']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.closed_shown_at).not.toBeNull();
  });
});
