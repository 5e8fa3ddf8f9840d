// /insights lists the top open feedback items by their members' titles: shortened between whole
// emoji (a lone half of one makes Discord refuse the whole answer).
import { expect, it } from 'vitest';
import { renderInsights } from '../../src/insights/discord.js';
import { emptyReport } from '../digests/fixtures.js';
import { isWellFormed } from '../../src/text.js';


it('cuts a feedback title of emoji between whole emoji', () => {
  // 41 UTF-16 units: a cut at 40 would leave half of the last emoji.
  const report = emptyReport('2026-11-02', '2026-11-08');
  report.feedback = {
    opened: 1, by_category: {}, by_status: {}, responded: 0, median_minutes_to_first_response: null, p90_minutes_to_first_response: null,
    answered_within_30m: 0, answered_within_24h: 0, median_hours_to_decision: null, waiting: { count: 0, item_ids: [] },
  };
  const embed = renderInsights(report, 'en', [{ id: 3, title: `a${'🌮'.repeat(20)}`, score: 2 }]).toJSON();
  const feedback = embed.fields?.find((f) => f.name === 'Feedback')?.value ?? '';
  expect(feedback).toMatch(/#3 a(🌮)+ \(\+2\)/);
  for (const f of embed.fields ?? []) expect(isWellFormed(f.value)).toBe(true);
});
