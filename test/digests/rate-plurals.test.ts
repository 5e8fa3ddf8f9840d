// The small-group counts of the digest ("1 of 3 stayed") agree in number with the count in
// Spanish and Russian: "1 из 3 остался", "2 из 3 остались", "1 de 3 se quedó".
import { expect, it } from 'vitest';
import { t } from '../../src/i18n/index.js';
import { rate } from '../../src/digests/render.js';

it('ru and es choose the verb by the count', () => {
  expect(t('ru', 'digest.rateStayed', { part: 1, whole: 3 })).toBe('1 из 3 остался');
  expect(t('ru', 'digest.rateStayed', { part: 2, whole: 3 })).toBe('2 из 3 остались');
  expect(t('ru', 'digest.rateActivated', { part: 1, whole: 4 })).toBe('1 из 4 активировался');
  expect(t('ru', 'digest.rateActivated', { part: 0, whole: 4 })).toBe('0 из 4 активировались');
  expect(t('es', 'digest.rateStayed', { part: 1, whole: 3 })).toBe('1 de 3 se quedó');
  expect(t('es', 'digest.rateStayed', { part: 2, whole: 3 })).toBe('2 de 3 se quedaron');
  expect(t('es', 'digest.rateActivated', { part: 1, whole: 3 })).toBe('1 de 3 activado');
  expect(t('es', 'digest.rateActivated', { part: 3, whole: 3 })).toBe('3 de 3 activados');
  expect(rate(1, 3, 'digest.rateStayed', 'ru')).toBe('1 из 3 остался');
  expect(rate(1, 3, 'digest.rateStayed', 'en')).toBe('1 of 3 stayed');
});
