// A digest's closed polls: turnout is voters over the period's active members unless the poll
// source knows who could vote; no turnout when a poll has more voters than that base.
import { describe, expect, it } from 'vitest';
import { buildDigest } from '../../src/digests/content.js';
import type { Report } from '../../src/insights/report-types.js';
import { busyReport } from './fixtures.js';

const GUILD = '200000000000000001';

describe('poll turnout in a digest', () => {
  it("is taken over the period's active members, or over the poll's own eligible count when known", async () => {
    const reports = (q: { from: string; to: string; timezone: string }): Report => {
      const r = busyReport(q.from, q.to, { timezone: q.timezone });
      r.activity.active_members = 200;
      return r;
    };
    const polls = () => [
      { question: 'Lunch?', voters: 50, eligible: null },
      { question: 'Dinner?', voters: 30, eligible: 40 },
    ];
    const digest = await buildDigest(
      reports,
      { guildId: GUILD, timezone: 'UTC', period: { kind: 'week', from: '2026-11-16', to: '2026-11-22' }, asOf: Date.parse('2026-11-23T09:00:00Z') },
      { polls },
    );
    const text = JSON.stringify(digest.embed);
    expect(text).toContain('“Lunch?”: 50 voters (25% turnout)');
    expect(text).toContain('“Dinner?”: 30 voters (75% turnout)');
  });

  it('shows no turnout when a poll has more voters than its base, never one over 100%', async () => {
    const reports = (q: { from: string; to: string; timezone: string }): Report => {
      const r = busyReport(q.from, q.to, { timezone: q.timezone });
      r.activity.active_members = 14;
      return r;
    };
    const polls = () => [
      { question: 'Lunch?', voters: 40, eligible: null },
      { question: 'Dinner?', voters: 14, eligible: null },
      { question: 'Tea?', voters: 9, eligible: 8 },
    ];
    const digest = await buildDigest(
      reports,
      { guildId: GUILD, timezone: 'UTC', period: { kind: 'week', from: '2026-11-16', to: '2026-11-22' }, asOf: Date.parse('2026-11-23T09:00:00Z') },
      { polls },
    );
    const text = JSON.stringify(digest.embed);
    expect(text).toContain('“Lunch?”: 40 voters\\n');
    expect(text).toContain('“Dinner?”: 14 voters (100% turnout)');
    expect(text).toMatch(/“Tea\?”: 9 voters(?! \()/);
    expect(text).not.toMatch(/(1\d[1-9]|1[1-9]\d|[2-9]\d\d|\d{4,})% turnout/);
  });
});
