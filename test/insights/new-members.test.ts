// /insights follows the digest's rules: its new-member line says "none yet" when nobody can be judged,
// counts for groups under 5, a percentage from 5 on; it counts only gaps of a minute or more.
import { expect, it } from 'vitest';
import { renderInsights } from '../../src/insights/discord.js';
import { emptyReport } from '../digests/fixtures.js';

const newMembers = (n: { cohort: number; activated: number; pending: number; retained_week1: number }) => {
  const report = emptyReport('2026-11-02', '2026-11-08');
  const settled = n.cohort - n.pending;
  report.new_members = { ...n, activation_rate: n.cohort ? n.activated / n.cohort : 0, week1_retention: settled ? n.retained_week1 / settled : 0 };
  return renderInsights(report, 'en').toJSON().fields!.find((f) => f.name === 'New members')!.value;
};

it('says "none yet" when every newcomer is still pending, never 0%', () => {
  const line = newMembers({ cohort: 14, activated: 0, pending: 14, retained_week1: 0 });
  expect(line).toContain('week-1 retention: none yet (14 pending)');
  expect(line).not.toContain('0.0%');
});

it('gives counts, not percentages, for groups under 5', () => {
  const line = newMembers({ cohort: 3, activated: 1, pending: 0, retained_week1: 2 });
  expect(line).toBe('3 joined · posted in week 1: 1 of 3 activated · week-1 retention: 2 of 3 stayed');
});

it('gives a percentage with its counts from 5 on', () => {
  const line = newMembers({ cohort: 10, activated: 4, pending: 2, retained_week1: 6 });
  expect(line).toBe('10 joined · posted in week 1: 40% (4 of 10) · week-1 retention: 75% (6 of 8) (2 pending)');
});

it('counts only gaps of a minute or more, as the digest does', () => {
  const report = emptyReport('2026-11-02', '2026-11-08');
  const gapsField = () => renderInsights(report, 'en').toJSON().fields!.find((f) => f.name === 'Not listening')?.value;
  report.gaps = [
    { from: '2026-11-03T02:00:00.000Z', to: '2026-11-03T02:00:20.000Z' }, // a quick restart
    { from: '2026-11-04T02:00:00.000Z', to: '2026-11-04T03:00:00.000Z' },
  ];
  expect(gapsField()).toContain('1 gap');
  expect(gapsField()).not.toContain('2 gaps');
  report.gaps = [report.gaps[0]!];
  expect(gapsField()).toBeUndefined();
});
