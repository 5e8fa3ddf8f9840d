// The opt-out job's row: a request made while it is pending gets a later requested_at (on a clock
// that has not moved too), and finishing the older request keeps the row and hands back the newer
// one, which a restart would resume.
import { describe, expect, it } from 'vitest';
import { beginOptOut, finishOptOut, pendingOptOuts } from '../../src/privacy/store.js';
import { testDatabase } from '../support/db.js';

describe('the opt-out job row', () => {
  it('is finished only by its newest request', async () => {
    const { db } = await testDatabase();
    const job = { guildId: '1', userId: '2', requestedAt: 1_000, notifyToken: 'first', notifyLocale: 'en-US' };
    const first = await beginOptOut(db, job);
    expect(first.requestedAt).toBe(1_000);
    const second = await beginOptOut(db, { ...job, notifyToken: 'second' });
    expect(second.requestedAt).toBe(1_001);
    expect(await finishOptOut(db, first)).toEqual({ ...second, notifyLocale: 'en-US' });
    expect(await pendingOptOuts(db)).toEqual([{ ...second, notifyLocale: 'en-US' }]);
    expect(await finishOptOut(db, second)).toBeUndefined();
    expect(await pendingOptOuts(db)).toEqual([]);
    // A later request on a clock that moved on takes its own time.
    expect((await beginOptOut(db, { ...job, requestedAt: 5_000 })).requestedAt).toBe(5_000);
  });
});
