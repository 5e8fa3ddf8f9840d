// Start-up work over several servers: one server's backlog of cases (a server nobody triages, or one
// Pulse left) holds up no other server's catch-up, and servers Pulse is not in are skipped.
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import type { Database } from '../../src/db/open.js';
import { FlagService, type FlagPorts } from '../../src/flags/service.js';
import { applyCaseAction, closingCases, duePostRetries, openCase, openCasesPerServer, setPostRetry, setReviewMessage, unshownCases } from '../../src/flags/store.js';
import { updateSettings } from '../../src/settings/store.js';
import { testDatabase } from '../support/db.js';

const NOW = Date.parse('2026-11-02T12:00:00Z');
const MIN = 60_000;
/** A: a busy server with a backlog; LEFT: a server Pulse was removed from; B: a quiet server. */
const A = '900000000000000001';
const LEFT = '930000000000000001';
const B = '910000000000000001';
const channelOf: Record<string, string> = { [A]: '900000000000000100', [LEFT]: '930000000000000100', [B]: '910000000000000100' };
const modChannelOf: Record<string, string> = { [A]: '900000000000000102', [LEFT]: '930000000000000102', [B]: '910000000000000102' };
const BACKLOG = 250;

let database: Database;
let seq = 0;
beforeEach(async () => {
  database = await testDatabase();
  seq = 0;
  for (const g of [A, LEFT, B]) await updateSettings(database.db, g, { modChannelId: modChannelOf[g]! }, NOW);
});
afterEach(async () => {
  await database.close();
});

/** Opens a case in the server, opened `at`; posted (with a case message) unless `posted` is false. */
async function seedCase(guildId: string, at: number, posted = true): Promise<number> {
  const n = ++seq;
  const c = (await openCase(database.db, { guildId, channelId: channelOf[guildId]!, messageId: `${guildId.slice(0, 3)}${String(n).padStart(6, '0')}`, authorId: 'author', excerpt: null, openedBy: null }, at))!;
  if (posted) await setReviewMessage(database.db, c.id, modChannelOf[guildId]!, `review-${n}`);
  return c.id;
}

/** The two backlogs (older), then one case in B (the newest of all). */
async function seedBacklogs(posted = true): Promise<{ bCase: number }> {
  for (let i = 0; i < BACKLOG; i++) await seedCase(LEFT, NOW - 30 * 86_400_000 + i, posted);
  for (let i = 0; i < BACKLOG; i++) await seedCase(A, NOW - 20 * 86_400_000 + i, posted);
  return { bCase: await seedCase(B, NOW - MIN, posted) };
}

/** What the service asked Discord, in order, by server. */
function recordingService(): { service: FlagService; calls: Array<{ port: string; guild: string; caseId?: number }> } {
  const calls: Array<{ port: string; guild: string; caseId?: number }> = [];
  const guildOfChannel = (channelId: string) => Object.keys(channelOf).find((g) => channelOf[g] === channelId || modChannelOf[g] === channelId)!;
  const ports: FlagPorts = {
    botUserId: () => '900000000000000999',
    async postCase(channelId, view) {
      calls.push({ port: 'postCase', guild: guildOfChannel(channelId), caseId: view.case.id });
      return `posted-${view.case.id}`;
    },
    findCase: async () => null,
    async editCase(channelId, _messageId, view) {
      calls.push({ port: 'editCase', guild: guildOfChannel(channelId), caseId: view.case.id });
      return 'edited';
    },
    async reactionUsers(channelId) {
      calls.push({ port: 'reactionUsers', guild: guildOfChannel(channelId) });
      return { users: [], complete: true };
    },
    deleteMessage: async () => true,
    timeout: async () => undefined,
    dm: async () => 'sent',
    postPinging: async () => undefined,
    // Pulse is in A and B only.
    guildName: (guildId) => (guildId === LEFT ? null : 'Server'),
    guildLocale: () => null,
  };
  const service = new FlagService({ db: database.db, clock: new ManualClock(NOW), logger: pino({ level: 'silent' }), ports });
  return { service, calls };
}

const count = (calls: Array<{ guild: string }>, guild: string) => calls.filter((c) => c.guild === guild).length;

describe('start-up reconciliation over several servers', () => {
  it("reads the quiet server's case among the first, at most 200 cases per server, none of a server Pulse left", async () => {
    await seedBacklogs();
    const { service, calls } = recordingService();
    await service.reconcile();
    await service.drain();
    const reads = calls.filter((c) => c.port === 'reactionUsers');
    // Every server's oldest case before any server's second: B's only case is read second.
    expect(reads.findIndex((c) => c.guild === B)).toBe(1);
    expect(count(reads, B)).toBe(1);
    expect(count(reads, A)).toBe(200);
    expect(count(reads, LEFT)).toBe(0);
  });

  it("brings the quiet server's case message up to date, whatever the others' backlog", async () => {
    const { bCase } = await seedBacklogs();
    // A crash between every change and its edit: every case message is behind its case.
    await database.db.updateTable('flag_cases').set({ changes: 1 }).execute();
    const { service, calls } = recordingService();
    await service.refreshUnshown();
    await service.drain();
    const edits = calls.filter((c) => c.port === 'editCase');
    expect(edits.findIndex((c) => c.caseId === bCase)).toBe(1);
    expect(count(edits, A)).toBe(200);
    expect(count(edits, LEFT)).toBe(0);
    // The left server's cases still wait, unshown, for a start where Pulse is back in it.
    expect((await unshownCases(database.db, 1000)).filter((c) => c.guildId === LEFT)).toHaveLength(BACKLOG);
  });

  it("retries the quiet server's failed post along with the others', and none in a server Pulse left", async () => {
    const { bCase } = await seedBacklogs(false);
    // Every post failed once; every retry is due, the backlogs' sooner than B's.
    const all = await database.db.selectFrom('flag_cases').select(['id', 'opened_at']).execute();
    for (const c of all) await setPostRetry(database.db, c.id, c.opened_at + MIN);
    const { service, calls } = recordingService();
    await service.retryPosts();
    await service.drain();
    const posts = calls.filter((c) => c.port === 'postCase');
    expect(posts.map((c) => c.caseId)).toContain(bCase);
    expect(count(posts, A)).toBe(20);
    expect(count(posts, LEFT)).toBe(0);
    // The left server's posts are not tried: their tries are not used up while Pulse is away.
    const left = await database.db.selectFrom('flag_cases').select('post_attempts').where('guild_id', '=', LEFT).execute();
    expect(left.every((r) => r.post_attempts === 0)).toBe(true);
  });
});

describe('the start-up lists, bounded per server', () => {
  it('list every server, its oldest first, every server before any server’s second', async () => {
    const db = database.db;
    const a1 = await seedCase(A, NOW - 3 * MIN);
    const a2 = await seedCase(A, NOW - 2 * MIN);
    const a3 = await seedCase(A, NOW - MIN);
    const b1 = await seedCase(B, NOW);
    expect((await openCasesPerServer(db, 2)).map((c) => c.id)).toEqual([a1, b1, a2]);
    for (const id of [a1, a2, a3, b1]) await setPostRetry(db, id, NOW + id);
    await db.updateTable('flag_cases').set({ review_message_id: null }).execute();
    expect((await duePostRetries(db, NOW + 1000, 2)).map((c) => c.id)).toEqual([a1, b1, a2]);
    for (const [i, id] of [a3, a2, b1, a1].entries()) expect(await applyCaseAction(db, id, 'delete', 'deleted', 'mod', NOW + i)).toBe(true);
    // Closing cases: each server's oldest decisions.
    expect((await closingCases(db, 1)).map((c) => c.id)).toEqual([a3, b1]);
  });
});
