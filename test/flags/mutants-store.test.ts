// The flags store on real SQLite: the daily limit's window and server, a blocked member's repeat
// flag, and which rows the /flags stats figures count.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/open.js';
import { flagStats } from '../../src/flags/figures-store.js';
import { applyCaseAction, blockFlagger, openCase, recordFlag, withdrawReactionFlags, type FlagInput } from '../../src/flags/store.js';
import { testDatabase } from '../support/db.js';

const NOW = Date.parse('2026-11-02T12:00:00Z');
const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const snowflakeAt = (ms: number) => String(BigInt(ms - 1_420_070_400_000) << 22n);
const G = '900000000000000001';
const OTHER = '900000000000000002';
const limits = { dailyLimit: 2, maxAgeHours: 168 };

function flag(userId: string, messageId: string, patch: Partial<FlagInput> = {}): FlagInput {
  return { guildId: G, channelId: 'c1', messageId, userId, source: 'reaction', authorId: 'author', flaggerIsBot: false, reason: null, details: null, ...patch };
}

let database: Database;
beforeEach(async () => {
  database = await testDatabase();
});
afterEach(async () => {
  await database.close();
});

describe('the daily flag limit', () => {
  it('forgets a flag exactly 24 hours old: the window is the last 24 hours, its start not included', async () => {
    const db = database.db;
    await recordFlag(db, flag('busy', snowflakeAt(NOW - 2 * MIN)), limits, NOW);
    await recordFlag(db, flag('busy', snowflakeAt(NOW - MIN)), limits, NOW + MIN);
    const third = snowflakeAt(NOW + DAY - MIN);
    // A millisecond before the first flag leaves the window: still two in it.
    expect(await recordFlag(db, flag('busy', third), limits, NOW + DAY - 1)).toEqual({ kind: 'ignored', reason: 'daily_limit' });
    expect(await recordFlag(db, flag('busy', third), limits, NOW + DAY)).toEqual({ kind: 'new' });
  });

  it("counts only this server's flags: a member's flags elsewhere leave their limit here alone", async () => {
    const db = database.db;
    for (const m of [snowflakeAt(NOW - 3 * MIN), snowflakeAt(NOW - 2 * MIN)]) {
      expect(await recordFlag(db, flag('busy', m, { guildId: OTHER }), limits, NOW)).toEqual({ kind: 'new' });
    }
    expect(await recordFlag(db, flag('busy', snowflakeAt(NOW - MIN)), limits, NOW)).toEqual({ kind: 'new' });
  });
});

describe('a blocked member flagging again', () => {
  it('is ignored as blocked, and the reason they typed first stays', async () => {
    const db = database.db;
    const msg = snowflakeAt(NOW - MIN);
    await recordFlag(db, flag('u1', msg, { source: 'command', reason: 'spam', details: 'first' }), limits, NOW);
    await blockFlagger(db, G, 'u1', 'mod', NOW + 1);
    expect(await recordFlag(db, flag('u1', msg, { source: 'command', reason: 'harassment', details: 'second' }), limits, NOW + 2)).toEqual({ kind: 'ignored', reason: 'blocked' });
    const rows = await db.selectFrom('flags').select(['reason', 'details']).execute();
    expect(rows).toEqual([{ reason: 'spam', details: 'first' }]);
  });
});

describe('/flags stats figures', () => {
  it('times a case closed without a claim from its threshold to the close', async () => {
    const db = database.db;
    const opener = (messageId: string) => ({ guildId: G, channelId: 'c1', messageId, authorId: 'author', excerpt: null, openedBy: null });
    const claimed = (await openCase(db, opener('m1'), NOW))!;
    await applyCaseAction(db, claimed.id, 'claim', null, 'mod', NOW + 4 * MIN);
    const direct = (await openCase(db, opener('m2'), NOW))!;
    await applyCaseAction(db, direct.id, 'dismiss', 'dismissed', 'mod', NOW + 10 * MIN);
    // The first responses: 4 and 10 minutes.
    expect((await flagStats(db, G, NOW, NOW + 60 * MIN)).medianMinutesToClaim).toBe(7);
  });

  it('a flag withdrawn before the close does not count against its flagger as a dismissed one', async () => {
    const db = database.db;
    const msgs = [snowflakeAt(NOW - 3 * MIN), snowflakeAt(NOW - 2 * MIN), snowflakeAt(NOW - MIN)];
    for (const m of msgs) {
      await recordFlag(db, flag('u1', m), { ...limits, dailyLimit: 20 }, NOW);
      await recordFlag(db, flag('u2', m), { ...limits, dailyLimit: 20 }, NOW);
    }
    // u2 takes back two of three flags; the three cases are then dismissed.
    await withdrawReactionFlags(db, msgs[0]!, 'u2', NOW + MIN);
    await withdrawReactionFlags(db, msgs[1]!, 'u2', NOW + MIN);
    for (const m of msgs) {
      const c = (await openCase(db, { guildId: G, channelId: 'c1', messageId: m, authorId: 'author', excerpt: null, openedBy: null }, NOW))!;
      await applyCaseAction(db, c.id, 'dismiss', 'dismissed', 'mod', NOW + 10 * MIN);
    }
    const s = await flagStats(db, G, NOW, NOW + 60 * MIN);
    expect(s.closedCaseFlags.filter((f) => f.userId === 'u1')).toHaveLength(3);
    expect(s.closedCaseFlags.filter((f) => f.userId === 'u2')).toEqual([{ userId: 'u2', outcome: 'dismissed' }]);
  });
});
