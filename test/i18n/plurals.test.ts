// Counts of one read in the singular: the texts that said "1 pendientes", "1 entraron", "ожидают 1"
// now choose their words by the number (ICU plural forms), and their callers pass numbers.
import { describe, expect, it } from 'vitest';
import { en, type MessageKey } from '../../src/i18n/en.js';
import { placeholders } from '../../src/i18n/format.js';
import { t, type Language } from '../../src/i18n/index.js';

/** Every placeholder of the key set to `n`. */
const all = (key: MessageKey, n: number) => Object.fromEntries(placeholders(en[key]).map((name) => [name, n]));

// What each text says with every count 1, and with every count 2.
const cases: Array<[Language, MessageKey, string, string]> = [
  ['en', 'report.flags', '1 review closed', '2 reviews closed'],
  ['es', 'insights.pending', ' (1 pendiente)', ' (2 pendientes)'],
  ['es', 'insights.engagementValue', '1 activo ·', '2 activos ·'],
  ['es', 'insights.newMembersValue', '1 entró ·', '2 entraron ·'],
  ['es', 'insights.flagsValue', '1 alcanzó el umbral', '2 alcanzaron el umbral'],
  ['es', 'digest.thresholdLine', '1 descartada)', '2 descartadas)'],
  ['es', 'report.flags', '1 alcanzó el umbral; 1 revisión cerrada (1 con medidas, 1 descartada)', '2 alcanzaron el umbral; 2 revisiones cerradas (2 con medidas, 2 descartadas)'],
  ['es', 'report.newMembers', '1 entró; 1 escribió en su primera semana', '2 entraron; 2 escribieron en su primera semana'],
  ['es', 'report.newMembers', '; 1 pendiente)', '; 2 pendientes)'],
  ['es', 'flags.queue.title', 'Cola de revisión (1 abierto)', 'Cola de revisión (2 abiertos)'],
  ['es', 'surveys.results.answered', '1 respondió', '2 respondieron'],
  ['ru', 'insights.pending', ' (1 ожидает)', ' (2 ожидают)'],
  ['ru', 'insights.newMembersValue', 'пришёл 1 ·', 'пришли 2 ·'],
  ['ru', 'report.newMembers', 'пришёл 1; 1 написал в первую неделю', 'пришли 2; 2 написали в первую неделю'],
  ['ru', 'report.newMembers', '; ожидает 1)', '; ожидают 2)'],
];

describe('texts with a count agree with it', () => {
  it.each(cases)('%s %s: %j for 1, %j for 2', (lang, key, one, two) => {
    expect(t(lang, key, all(key, 1))).toContain(one);
    expect(t(lang, key, all(key, 2))).toContain(two);
    // 21 is "one" in Russian, 5 is "many".
    if (lang === 'ru') expect(t(lang, key, all(key, 5))).toContain(two.replace(/2/g, '5'));
  });
});
