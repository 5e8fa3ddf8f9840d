// The staff digest's feedback field, from the feedback slice's store through the digests' port.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { feedbackSummary } from '../../src/digests/feedback.js';
import { renderDigest } from '../../src/digests/render.js';
import { changeStatus, claimItem, markPosted, recordThreadMessage, setVote } from '../../src/feedback/store.js';
import { testDatabase } from '../support/db.js';
import { emptyReport } from '../digests/fixtures.js';

const G = '900000000000000001';
const T = Date.parse('2026-11-02T09:00:00Z');
const MIN = 60_000;

describe('digest feedback field', () => {
  it('shows answer times, waiting items and the top-voted open items', async () => {
    const database = await testDatabase();
    const db = database.db;
    const clock = new ManualClock(T);
    const add = async (title: string, at: number, author: string) => {
      const { item } = await claimItem(db, { guildId: G, channelId: '1'.repeat(18), channelKind: 'text', authorId: author, title, details: title, category: 'Idea' }, at);
      await markPosted(db, item.id, { threadId: String(BigInt('800000000000000000') + BigInt(item.id)), messageId: String(BigInt('800000000000000000') + BigInt(item.id)) }, at);
      return item.id;
    };
    const a = await add('Dark mode', T, 'u1');
    const b = await add('Calendar', T + MIN, 'u2');
    await add('Old question', T - 5 * 24 * 60 * MIN, 'u3'); // before the period, still waiting
    await setVote(db, a, 'v1', 1, T);
    await setVote(db, a, 'v2', 1, T);
    await setVote(db, b, 'v1', 1, T);
    await recordThreadMessage(db, { messageId: '700000000000000001', itemId: a, userId: 's1', at: T + 20 * MIN, staff: true });
    await changeStatus(db, { itemId: b, to: 'declined', by: 's1', byStaff: true, reason: null, duplicateOf: null }, T + 61 * MIN);
    clock.set(T + 3 * 24 * 60 * MIN);
    const summary = await feedbackSummary(db)({ guildId: G, from: '2026-11-02', to: '2026-11-08', timezone: 'UTC', asOf: clock.now() });
    expect(summary?.figures).toMatchObject({ opened: 2, responded: 2, median_minutes_to_first_response: 40, answered_within_30m: 0.5, answered_within_24h: 1, median_hours_to_decision: 1, waiting: { count: 1, item_ids: ['3'] } });
    expect(summary?.topOpen).toEqual([{ id: a, title: 'Dark mode', score: 2 }]);
    const embed = renderDigest({ kind: 'week', report: emptyReport('2026-11-02', '2026-11-08'), previous: null, feedback: summary });
    expect(embed.fields?.find((f) => f.name === '💡 Feedback')?.value).toBe(
      [
        'Items opened **2** · answered **2** · median first answer **40 min**',
        'Answered within 30 min **50%** · within 24 h **100%** · median to decision **1 h**',
        'Waiting for staff: **1** (#3)',
        'Top open: #1 Dark mode (+2)',
      ].join('\n'),
    );
    await database.close();
  });

  it('is left out for a server with no feedback in the period and none waiting', async () => {
    const database = await testDatabase();
    const summary = await feedbackSummary(database.db)({ guildId: G, from: '2026-11-02', to: '2026-11-08', timezone: 'UTC', asOf: T + 7 * 24 * 60 * MIN });
    const embed = renderDigest({ kind: 'week', report: emptyReport('2026-11-02', '2026-11-08'), previous: null, feedback: summary });
    expect(embed.fields?.some((f) => f.name === '💡 Feedback')).toBe(false);
    await database.close();
  });
});
