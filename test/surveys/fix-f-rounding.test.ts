// Halves round the same way everywhere, away from zero, whatever binary floating point makes of them.
import { describe, expect, it } from 'vitest';
import { formatNps, formatNumber, formatPercent, mean } from '../../src/surveys/scoring.js';

describe('rounding of shown figures', () => {
  it.each([
    [23 / 40, '58%'], // 57.5%: 0.575 × 100 is 57.49999999999999 in floating point
    [1 / 8, '13%'], // 12.5%
    [0.145, '15%'], // 14.5%
    [0.285, '29%'],
    [1 / 3, '33%'],
    [0, '0%'],
    [1, '100%'],
  ] as const)('percent %s → %s', (fraction, shown) => expect(formatPercent(fraction)).toBe(shown));

  it('rounds a mean’s half up to two decimals', () => {
    // 19 fives and 21 fours: 179 / 40 = 4.475, which is 4.47499999… in floating point.
    expect(formatNumber(mean([...Array<number>(19).fill(5), ...Array<number>(21).fill(4)]))).toBe('4.48');
    expect(formatNumber(179 / 40)).toBe('4.48');
    expect(formatNumber(1.005)).toBe('1.01');
    expect(formatNumber(2.675, 2, 'es')).toBe('2,68');
    expect(formatNumber(-1.005)).toBe('-1.01');
    expect(formatNumber(-0.001)).toBe('0');
  });

  it('keeps NPS halves away from zero', () => {
    expect(formatNps(12.5)).toBe('+13');
    expect(formatNps(-12.5)).toBe('-13');
    expect(formatNps(-0.4)).toBe('0');
  });
});
