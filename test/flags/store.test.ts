// The flags store on real SQLite: idempotent flags, guards, one case per message, atomic review steps, figures.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/open.js';
import { flagStats } from '../../src/flags/figures-store.js';
import { closedReviewFigures } from '../../src/flags/figures-store.js';
import {
  applyCaseAction,
  beginPostAttempt,
  blockFlagger,
  caseEvents,
  closingCases,
  countedFlaggers,
  duePostRetries,
  finishCaseAction,
  getCase,
  listOpenCases,
  openCase,
  recordFlag,
  reopenCase,
  setPostRetry,
  setReviewMessage,
  unblockFlagger,
  withdrawReactionFlags,
  type FlagInput,
} from '../../src/flags/store.js';
import { testDatabase } from '../support/db.js';

const NOW = Date.parse('2026-11-02T12:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const snowflakeAt = (ms: number) => String(BigInt(ms - 1_420_070_400_000) << 22n);
const G = '900000000000000001';
const MSG = snowflakeAt(NOW - 10 * MIN);
const limits = { dailyLimit: 20, maxAgeHours: 168 };

function flag(userId: string, patch: Partial<FlagInput> = {}): FlagInput {
  return { guildId: G, channelId: 'c1', messageId: MSG, userId, source: 'reaction', authorId: 'author', flaggerIsBot: false, reason: null, details: null, ...patch };
}

let database: Database;
beforeEach(async () => {
  database = await testDatabase();
});
afterEach(async () => {
  await database.close();
});

describe('recordFlag', () => {
  it('is idempotent per (message, member, source), and a second source is the same flagger', async () => {
    const db = database.db;
    expect(await recordFlag(db, flag('u1'), limits, NOW)).toEqual({ kind: 'new' });
    expect(await recordFlag(db, flag('u1'), limits, NOW + 1)).toEqual({ kind: 'unchanged' });
    expect(await recordFlag(db, flag('u1', { source: 'command', reason: 'spam' }), limits, NOW + 2)).toEqual({ kind: 'new' });
    const flaggers = await countedFlaggers(db, G, MSG);
    expect(flaggers).toHaveLength(1);
    expect(flaggers[0]).toMatchObject({ userId: 'u1', sources: ['reaction', 'command'], reason: 'spam' });
  });

  it('ignores self, bots, blocked members, old messages and members over the daily limit', async () => {
    const db = database.db;
    expect(await recordFlag(db, flag('author'), limits, NOW)).toEqual({ kind: 'ignored', reason: 'self' });
    expect(await recordFlag(db, flag('bot', { flaggerIsBot: true }), limits, NOW)).toEqual({ kind: 'ignored', reason: 'bot' });
    await blockFlagger(db, G, 'blocked', 'mod', NOW);
    expect(await recordFlag(db, flag('blocked'), limits, NOW)).toEqual({ kind: 'ignored', reason: 'blocked' });
    expect(await recordFlag(db, flag('u1', { messageId: snowflakeAt(NOW - 169 * 60 * MIN) }), limits, NOW)).toEqual({ kind: 'ignored', reason: 'too_old' });
    for (let i = 0; i < 2; i++) await recordFlag(db, flag('busy', { messageId: snowflakeAt(NOW - i * MIN) }), { ...limits, dailyLimit: 2 }, NOW);
    expect(await recordFlag(db, flag('busy'), { ...limits, dailyLimit: 2 }, NOW)).toEqual({ kind: 'ignored', reason: 'daily_limit' });
    // A day later the window has moved on.
    expect(await recordFlag(db, flag('busy'), { ...limits, dailyLimit: 2 }, NOW + 24 * 60 * MIN + 1)).toEqual({ kind: 'new' });
    expect((await countedFlaggers(db, G, MSG)).map((f) => f.userId)).toEqual(['busy']);
  });

  it('withdrawal stops a flag counting; re-adding revives the same row', async () => {
    const db = database.db;
    await recordFlag(db, flag('u1'), limits, NOW);
    expect(await withdrawReactionFlags(db, MSG, 'u1', NOW + 1)).toBe(true);
    expect(await withdrawReactionFlags(db, MSG, 'u1', NOW + 2)).toBe(false);
    expect(await countedFlaggers(db, G, MSG)).toEqual([]);
    expect(await recordFlag(db, flag('u1'), limits, NOW + 3)).toEqual({ kind: 'new' });
    expect(await countedFlaggers(db, G, MSG)).toHaveLength(1);
    const rows = await db.selectFrom('flags').selectAll().execute();
    expect(rows).toHaveLength(1);
  });

  it('blocking stops existing flags counting; unblocking restores them', async () => {
    const db = database.db;
    await recordFlag(db, flag('u1'), limits, NOW);
    await recordFlag(db, flag('u2'), limits, NOW);
    await blockFlagger(db, G, 'u1', 'mod', NOW);
    expect((await countedFlaggers(db, G, MSG)).map((f) => f.userId)).toEqual(['u2']);
    expect(await unblockFlagger(db, G, 'u1')).toBe(true);
    expect(await unblockFlagger(db, G, 'u1')).toBe(false);
    expect(await countedFlaggers(db, G, MSG)).toHaveLength(2);
  });
});

describe('cases', () => {
  const opener = { guildId: G, channelId: 'c1', messageId: MSG, authorId: 'author', excerpt: 'hello', openedBy: null };

  it('one case per message', async () => {
    const db = database.db;
    const c = await openCase(db, opener, NOW);
    expect(c).toMatchObject({ status: 'open', openedAt: NOW, excerpt: 'hello' });
    expect(await openCase(db, opener, NOW + 1)).toBeNull();
    expect(await listOpenCases(db, G, 10)).toHaveLength(1);
  });

  it('two concurrent closes: exactly one applies; claim only from open; events recorded', async () => {
    const db = database.db;
    const c = (await openCase(db, opener, NOW))!;
    expect(await applyCaseAction(db, c.id, 'claim', null, 'm1', NOW + MIN)).toBe(true);
    expect(await applyCaseAction(db, c.id, 'claim', null, 'm2', NOW + MIN)).toBe(false);
    const results = await Promise.all([
      applyCaseAction(db, c.id, 'resolve', 'resolved', 'm1', NOW + 12 * MIN),
      applyCaseAction(db, c.id, 'delete', 'deleted', 'm2', NOW + 12 * MIN),
    ]);
    expect(results.sort()).toEqual([false, true]);
    expect(await getCase(db, c.id)).toMatchObject({ status: 'closed', outcome: 'resolved', closedBy: 'm1', claimedBy: 'm1' });
    expect((await caseEvents(db, c.id)).map((e) => [e.kind, e.actorId, e.at])).toEqual([
      ['opened', null, NOW],
      ['claimed', 'm1', NOW + MIN],
      ['resolved', 'm1', NOW + 12 * MIN],
    ]);
    expect(await listOpenCases(db, G, 10)).toEqual([]);
  });

  it('a failed action reopens the case in the status it came from', async () => {
    const db = database.db;
    const c = (await openCase(db, opener, NOW))!;
    await applyCaseAction(db, c.id, 'claim', null, 'm1', NOW);
    const claimed = (await getCase(db, c.id))!;
    await applyCaseAction(db, c.id, 't1h', 'timed_out', 'm1', NOW + 1);
    await reopenCase(db, c.id, 'm1', claimed, NOW + 2, 'Missing Permissions');
    expect(await getCase(db, c.id)).toMatchObject({ status: 'claimed', outcome: null, closedAt: null, pendingAction: null });
  });

  it('an action with a Discord side stays pending (closing) until it is finished; nothing else applies meanwhile', async () => {
    const db = database.db;
    const c = (await openCase(db, opener, NOW))!;
    expect(await applyCaseAction(db, c.id, 't1d', 'timed_out', 'm1', NOW + MIN)).toBe(true);
    expect(await getCase(db, c.id)).toMatchObject({ status: 'closing', pendingAction: 't1d', outcome: 'timed_out', closedBy: 'm1', closedAt: NOW + MIN });
    expect((await closingCases(db, 10)).map((x) => x.id)).toEqual([c.id]);
    expect(await applyCaseAction(db, c.id, 'resolve', 'resolved', 'm2', NOW + 2 * MIN)).toBe(false);
    expect(await listOpenCases(db, G, 10)).toEqual([]);
    // Not counted as closed until it is.
    expect((await closedReviewFigures(db, G, NOW, NOW + HOUR)).resolved).toBe(0);
    expect(await finishCaseAction(db, c.id, 'done')).toBe(true);
    expect(await finishCaseAction(db, c.id, null)).toBe(false);
    expect(await getCase(db, c.id)).toMatchObject({ status: 'closed', pendingAction: null, outcome: 'timed_out', note: 'done' });
    expect(await closingCases(db, 10)).toEqual([]);
    expect((await closedReviewFigures(db, G, NOW, NOW + HOUR)).resolved).toBe(1);
  });

  it('counts case posts before they are sent, and lists the retries that are due', async () => {
    const db = database.db;
    const c = (await openCase(db, opener, NOW))!;
    expect(c).toMatchObject({ postAttempts: 0, postRetryAt: null });
    expect(await beginPostAttempt(db, c.id)).toBe(0);
    expect(await beginPostAttempt(db, c.id)).toBe(1);
    await setPostRetry(db, c.id, NOW + MIN);
    expect(await duePostRetries(db, NOW, 10)).toEqual([]);
    expect((await duePostRetries(db, NOW + MIN, 10)).map((x) => x.id)).toEqual([c.id]);
    await setReviewMessage(db, c.id, 'mod', 'm');
    expect(await getCase(db, c.id)).toMatchObject({ postAttempts: 2, postRetryAt: null, reviewMessageId: 'm' });
    expect(await duePostRetries(db, NOW + HOUR, 10)).toEqual([]);
  });
});

describe('figures', () => {
  it('closedReviewFigures: closed in the period, actioned, dismissed, median minutes', async () => {
    const db = database.db;
    const outcomes = [
      ['deleted', 10],
      ['dismissed', 20],
      ['timed_out', 30],
      ['resolved', 40],
    ] as const;
    let i = 0;
    for (const [outcome, minutes] of outcomes) {
      const c = (await openCase(db, { guildId: G, channelId: 'c', messageId: `m${i++}`, authorId: 'a', excerpt: null, openedBy: null }, NOW))!;
      await applyCaseAction(db, c.id, 'resolve', outcome, 'mod', NOW + minutes * MIN);
    }
    // One still open, one closed after the period, one in another guild: none counted.
    await openCase(db, { guildId: G, channelId: 'c', messageId: 'open', authorId: 'a', excerpt: null, openedBy: null }, NOW);
    const late = (await openCase(db, { guildId: G, channelId: 'c', messageId: 'late', authorId: 'a', excerpt: null, openedBy: null }, NOW))!;
    await applyCaseAction(db, late.id, 'delete', 'deleted', 'mod', NOW + 120 * MIN);
    const other = (await openCase(db, { guildId: 'other', channelId: 'c', messageId: 'x', authorId: 'a', excerpt: null, openedBy: null }, NOW))!;
    await applyCaseAction(db, other.id, 'delete', 'deleted', 'mod', NOW + MIN);

    expect(await closedReviewFigures(db, G, NOW, NOW + 60 * MIN)).toEqual({ resolved: 4, actioned: 2, dismissed: 1, median_minutes_to_resolution: 25 });
    expect(await closedReviewFigures(db, G, NOW + 60 * MIN, NOW + 61 * MIN)).toEqual({ resolved: 0, actioned: 0, dismissed: 0, median_minutes_to_resolution: null });
  });

  it('flagStats counts flags, flaggers, messages, threshold cases, reasons and dismissed flaggers', async () => {
    const db = database.db;
    const msgs = [snowflakeAt(NOW - 3 * MIN), snowflakeAt(NOW - 2 * MIN), snowflakeAt(NOW - MIN)];
    for (const m of msgs) {
      for (const u of ['u1', 'u2']) await recordFlag(db, flag(u, { messageId: m }), limits, NOW);
      const c = (await openCase(db, { guildId: G, channelId: 'c1', messageId: m, authorId: 'author', excerpt: null, openedBy: null }, NOW))!;
      await applyCaseAction(db, c.id, 'claim', null, 'mod', NOW + 4 * MIN);
      await applyCaseAction(db, c.id, 'dismiss', m === msgs[0] ? 'deleted' : 'dismissed', 'mod', NOW + 10 * MIN);
    }
    await recordFlag(db, flag('u3', { source: 'command', reason: 'spam' }), limits, NOW);
    const s = await flagStats(db, G, NOW, NOW + 60 * MIN);
    expect(s).toMatchObject({
      reactions: 6,
      commandFlags: 1,
      messagesFlagged: 4,
      flaggers: 3,
      reachedThreshold: 3,
      resolved: 3,
      actioned: 1,
      dismissed: 2,
      median_minutes_to_resolution: 10,
      medianMinutesToClaim: 4,
    });
    expect(s.topReasons).toEqual([
      { reason: 'reaction', flags: 6 },
      { reason: 'spam', flags: 1 },
    ]);
    expect(s.closedCaseFlags).toHaveLength(6);
  });
});
