// Members' text in the digest (poll questions, survey and feedback titles): shortened with "…"
// and never through an emoji, so the whole digest is not refused for one member's title.
import { describe, expect, it } from 'vitest';
import { fitEmbed, renderDigest, surveysField } from '../../src/digests/render.js';
import type { SurveySummary } from '../../src/surveys/figures.js';
import { emptyReport } from './fixtures.js';
import { isWellFormed } from '../../src/text.js';


describe('members’ titles in the digest', () => {
  it('cuts a poll question, a survey title and a feedback title full of emoji with an ellipsis, whole emoji only', () => {
    const surveys: SurveySummary[] = [{ id: '7', title: '🎉'.repeat(60), responses: 3, nps: null, csat: null, status: 'open', openedInPeriod: true, closedInPeriod: false, rate: null, previous: null }];
    const embed = renderDigest({
      kind: 'week',
      report: emptyReport('2026-11-02', '2026-11-08'),
      previous: null,
      polls: [{ question: '🍕'.repeat(100), voters: 4, eligible: null }],
      surveys,
      feedback: {
        figures: { opened: 1, responded: 0, median_minutes_to_first_response: null, answered_within_30m: 0, answered_within_24h: 0, median_hours_to_decision: null, waiting: { count: 0, item_ids: [] } } as never,
        topOpen: [{ id: 1, title: '🌮'.repeat(50), score: 2 }],
      },
    });
    const values = embed.fields!.map((f) => f.value);
    for (const v of values) expect(isWellFormed(v)).toBe(true);
    expect(values.join('\n')).toMatch(/“(🍕)+…”/);
    expect(values.join('\n')).toMatch(/“(🎉)+…”/);
    expect(values.join('\n')).toMatch(/#1 (🌮)+… \(\+2\)/);
    expect(surveysField(surveys)!.value).toMatch(/^#7 “(🎉)+…” /);
  });

  it('clips a long field without splitting an emoji', () => {
    const fitted = fitEmbed({ title: 't', fields: [{ name: 'n', value: '🍕'.repeat(1000) }] });
    expect(isWellFormed(fitted.fields![0]!.value)).toBe(true);
    expect(fitted.fields![0]!.value.length).toBeLessThanOrEqual(1024);
  });
});
