// /survey autocomplete's search: case and accents ignored in every script, not only in ASCII.
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/open.js';
import { createSurvey, listSurveys } from '../../src/surveys/store.js';
import { parseDefinition } from '../../src/surveys/survey.js';
import { template } from '../../src/surveys/templates.js';
import { testDatabase } from '../support/db.js';

let database: Database | undefined;
afterEach(async () => {
  await database?.close();
  database = undefined;
});

const GUILD = '900000000000000001';

describe('listSurveys search', () => {
  it('finds Cyrillic and accented titles whatever the case, ё as е', async () => {
    database = await testDatabase();
    const db = database.db;
    const make = async (title: string) => {
      const parsed = parseDefinition({ ...template('csat'), title });
      if (!parsed.ok) throw new Error(parsed.errors.join());
      return (await createSurvey(db, { guildId: GUILD, authorId: '2', definition: parsed.value, now: 0 }))!.id;
    };
    const ru = await make('Опрос о пицце: всё ли хорошо?');
    const fr = await make('Élection du délégué');
    const en = await make('Team CSAT');
    const search = async (text: string) => (await listSurveys(db, GUILD, { search: text, limit: 25 })).map((s) => s.id);
    expect(await search('опрос')).toEqual([ru]);
    expect(await search('ПИЦЦЕ')).toEqual([ru]);
    expect(await search('все ли')).toEqual([ru]);
    expect(await search('ВСЁ')).toEqual([ru]);
    expect(await search('élection')).toEqual([fr]);
    expect(await search('election DU DELEGUE')).toEqual([fr]);
    expect(await search('csat')).toEqual([en]);
    expect(await search(String(fr))).toEqual([fr]);
  });
});
