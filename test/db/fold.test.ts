// fold(): the SQL function searches use to ignore case and accents in every script.
import { afterEach, describe, expect, it } from 'vitest';
import { foldText, type Database } from '../../src/db/open.js';
import { testDatabase } from '../support/db.js';

let database: Database | undefined;
afterEach(async () => {
  await database?.close();
  database = undefined;
});

describe('foldText', () => {
  it.each([
    ['Опрос о пицце', 'опрос о пицце'],
    ['ЁЛКА и ёж', 'елка и еж'],
    ['Йогурт, МАЙ', 'йогурт, май'], // й is a letter of its own, kept
    ['Élection à Besançon', 'election a besancon'],
    ['ENCUESTA: ¿Qué PIÑA?', 'encuesta: ¿que pina?'],
    ['Straße', 'straße'],
    ['plain ascii', 'plain ascii'],
  ])('%s -> %s', (text, folded) => expect(foldText(text)).toBe(folded));
});

describe('fold() in SQL', () => {
  it('is registered on every connection and folds as foldText does; NULL stays NULL', async () => {
    database = await testDatabase();
    const row = database.sqlite.prepare("SELECT fold('Опрос ЁЖ Élection') AS a, fold(NULL) AS b, instr(fold('Опрос о пицце'), fold('ОПРОС')) AS c").get() as { a: string; b: null; c: number };
    expect(row).toEqual({ a: 'опрос еж election', b: null, c: 1 });
  });
});
