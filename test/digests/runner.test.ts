// The runs table's exactly-once logic on real SQLite, with a controlled clock and a fake poster.
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import type { Database } from '../../src/db/open.js';
import type { ReportQuery, ReportMaker } from '../../src/digests/content.js';
import { DigestRunner, runNonce, type DigestPost } from '../../src/digests/runner.js';
import { MAX_ATTEMPTS } from '../../src/digests/schedule.js';
import { getSchedule, recentRuns, saveSchedule, setPaused } from '../../src/digests/store.js';
import { silentLogger } from '../../src/log.js';
import { updateSettings } from '../../src/settings/store.js';
import { testDatabase } from '../support/db.js';
import { busyReport } from './fixtures.js';

const GUILD = '200000000000000001';
const STAFF = '300000000000000001';
const at = (s: string) => Date.parse(s);

interface Posted {
  channelId: string;
  post: DigestPost;
}

function setup() {
  let database!: Database;
  const clock = new ManualClock(at('2026-11-20T12:00:00Z'));
  const posted: Posted[] = [];
  const queries: ReportQuery[] = [];
  let failWith: Error | null = null;
  let gate: Promise<void> | null = null;
  let entered: (() => void) | undefined;
  const reports: ReportMaker = (q) => {
    queries.push(q);
    return busyReport(q.from, q.to, { timezone: q.timezone });
  };
  const runner = () =>
    new DigestRunner({
      db: database.db,
      clock,
      logger: silentLogger,
      reports,
      post: async (channelId, post) => {
        if (gate) {
          // Only the next post is held.
          const held = gate;
          gate = null;
          entered?.();
          await held;
        }
        if (failWith) throw failWith;
        posted.push({ channelId, post });
        return `message-${posted.length}`;
      },
      // The channel's history: what the poster above delivered.
      findPosted: async (channelId, marker) => {
        const index = posted.findIndex((p) => p.channelId === channelId && (p.post.embed.footer?.text.endsWith(marker) ?? false));
        return index < 0 ? null : `message-${index + 1}`;
      },
    });
  return {
    clock,
    posted,
    queries,
    get db() {
      return database.db;
    },
    runner,
    failNext(error: Error | null) {
      failWith = error;
    },
    /** Holds the next post until released; `reached` resolves once that post is under way. */
    hold() {
      let release!: () => void;
      gate = new Promise<void>((r) => (release = r));
      const reached = new Promise<void>((r) => (entered = r));
      return Object.assign(() => release(), { reached });
    },
    async open() {
      posted.length = 0;
      queries.length = 0;
      failWith = null;
      gate = null;
      clock.set(at('2026-11-20T12:00:00Z'));
      database = await testDatabase();
      await updateSettings(database.db, GUILD, { staffChannelId: STAFF, timezone: 'Europe/Berlin' }, clock.now());
    },
    close: () => database.close(),
  };
}

describe('digest runs: exactly once', () => {
  const t = setup();
  beforeEach(() => t.open());
  afterEach(() => t.close());

  const weeklyMonday9 = () =>
    saveSchedule(t.db, { guildId: GUILD, timing: { kind: 'weekly', weekday: 1, time: '09:00' }, period: 'week', channelId: null, updatedBy: null }, t.clock.now());

  it('posts nothing before the scheduled time and once at it, covering the last complete week', async () => {
    await weeklyMonday9();
    const runner = t.runner();
    t.clock.set(at('2026-11-23T07:59:00Z')); // 08:59 in Berlin
    expect((await runner.tick()).posted).toEqual([]);
    t.clock.set(at('2026-11-23T08:00:00Z'));
    expect((await runner.tick()).posted).toHaveLength(1);
    t.clock.set(at('2026-11-23T08:01:00Z'));
    expect((await runner.tick()).posted).toEqual([]);
    expect(t.posted).toHaveLength(1);
    expect(t.posted[0]!.channelId).toBe(STAFF);
    expect(t.posted[0]!.post.files[0]!.name).toBe('digest.png');
    expect(t.posted[0]!.post.embed.title).toBe('Weekly digest: Nov 16 – 22, 2026');
    expect(t.posted[0]!.post.embed.description).not.toContain('Late');
    expect(t.queries.map((q) => [q.from, q.to])).toEqual([
      ['2026-11-16', '2026-11-22'],
      ['2026-11-09', '2026-11-15'],
    ]);
    const [run] = await recentRuns(t.db, GUILD);
    expect(run).toMatchObject({ status: 'posted', periodKey: 'week:2026-11-16', messageId: 'message-1', attempts: 1, late: false });
  });

  it('two overlapping ticks post once', async () => {
    await weeklyMonday9();
    t.clock.set(at('2026-11-23T08:00:30Z'));
    const release = t.hold();
    const a = t.runner().tick();
    const b = t.runner().tick();
    release();
    const [ra, rb] = await Promise.all([a, b]);
    expect(ra.posted.length + rb.posted.length).toBe(1);
    expect(t.posted).toHaveLength(1);
  });

  it('a restart after posting does not post again', async () => {
    await weeklyMonday9();
    t.clock.set(at('2026-11-23T08:00:00Z'));
    await t.runner().tick();
    // A new process: catch-up on start, then its ticks.
    t.clock.set(at('2026-11-23T08:03:00Z'));
    const restarted = t.runner();
    expect((await restarted.catchUp()).posted).toEqual([]);
    expect((await restarted.tick()).posted).toEqual([]);
    expect(t.posted).toHaveLength(1);
  });

  it('a run missed while the bot was down posts once on start, the newest only, marked late', async () => {
    await weeklyMonday9();
    // Down from before Nov 23 until Dec 2: the Nov 23 and Nov 30 runs were missed.
    t.clock.set(at('2026-12-02T10:00:00Z'));
    const runner = t.runner();
    expect((await runner.catchUp()).posted).toHaveLength(1);
    expect((await runner.catchUp()).posted).toEqual([]);
    expect((await runner.tick()).posted).toEqual([]);
    expect(t.posted).toHaveLength(1);
    expect(t.posted[0]!.post.embed.title).toBe('Weekly digest: Nov 23 – 29, 2026');
    expect(t.posted[0]!.post.embed.description).toContain('**Late**');
    const [run] = await recentRuns(t.db, GUILD);
    expect(run).toMatchObject({ late: true, periodKey: 'week:2026-11-23', dueAt: at('2026-11-30T08:00:00Z') });
  });

  it('a run posted late by a process that was running all along is not called missed while offline', async () => {
    await weeklyMonday9();
    const runner = t.runner();
    // The process started on Nov 20; its ticks were held up past the 09:00 run (a machine asleep, a slow database).
    t.clock.set(at('2026-11-23T08:30:00Z'));
    expect((await runner.tick()).posted).toHaveLength(1);
    expect(t.posted[0]!.post.embed.description).not.toContain('Late');
    const [run] = await recentRuns(t.db, GUILD);
    expect(run).toMatchObject({ late: false, periodKey: 'week:2026-11-16' });
  });

  it('a failed post is retried with backoff, then posted once', async () => {
    await weeklyMonday9();
    const runner = t.runner();
    t.failNext(new Error('Missing Permissions'));
    t.clock.set(at('2026-11-23T08:00:00Z'));
    expect((await runner.tick()).failed).toHaveLength(1);
    let [run] = await recentRuns(t.db, GUILD);
    expect(run).toMatchObject({ status: 'failed', attempts: 1, lastError: 'Missing Permissions', nextAttemptAt: at('2026-11-23T08:01:00Z') });
    // Not before its time.
    t.clock.set(at('2026-11-23T08:00:30Z'));
    expect(await runner.tick()).toEqual({ posted: [], failed: [] });
    t.clock.set(at('2026-11-23T08:01:00Z'));
    expect((await runner.tick()).failed).toHaveLength(1);
    [run] = await recentRuns(t.db, GUILD);
    expect(run).toMatchObject({ status: 'failed', attempts: 2, nextAttemptAt: at('2026-11-23T08:06:00Z') });
    t.failNext(null);
    t.clock.set(at('2026-11-23T08:06:00Z'));
    expect((await runner.tick()).posted).toHaveLength(1);
    expect((await runner.tick()).posted).toEqual([]);
    [run] = await recentRuns(t.db, GUILD);
    expect(run).toMatchObject({ status: 'posted', attempts: 3, lastError: null, nextAttemptAt: null });
    expect(t.posted).toHaveLength(1);
  });

  it('a post that keeps failing is given up after the last attempt and stays visible', async () => {
    await weeklyMonday9();
    const runner = t.runner();
    t.failNext(new Error('Unknown Channel'));
    t.clock.set(at('2026-11-23T08:00:00Z'));
    for (let i = 0; i < MAX_ATTEMPTS + 2; i++) {
      await runner.tick();
      t.clock.advance(24 * 3_600_000 / 4);
    }
    const [run] = await recentRuns(t.db, GUILD);
    expect(run).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS, nextAttemptAt: null, lastError: 'Unknown Channel' });
  });

  it('a run interrupted while posting is retried after a restart with the same nonce', async () => {
    await weeklyMonday9();
    t.clock.set(at('2026-11-23T08:00:00Z'));
    const release = t.hold();
    const old = t.runner().tick(); // claims, then hangs in the post: the process "stops" here
    await release.reached;
    expect((await recentRuns(t.db, GUILD))[0]?.status).toBe('posting');
    t.clock.set(at('2026-11-23T08:05:00Z'));
    expect((await t.runner().catchUp()).posted).toHaveLength(1);
    release();
    await old;
    // Whether the first post reached Discord is unknown, so it is sent again with the same
    // nonce (enforce_nonce), which Discord turns into one message.
    expect(t.posted).toHaveLength(2);
    const [run] = await recentRuns(t.db, GUILD);
    expect(new Set(t.posted.map((p) => p.post.nonce))).toEqual(new Set([runNonce(run!)]));
    expect(run?.status).toBe('posted');
  });

  it('a run whose post reached Discord before a crash is found in the channel, not posted again', async () => {
    await weeklyMonday9();
    t.clock.set(at('2026-11-23T08:00:00Z'));
    await t.runner().tick();
    expect(t.posted).toHaveLength(1);
    // The process died between Discord's answer and recording it.
    await sql`UPDATE digest_runs SET status = 'posting', message_id = NULL`.execute(t.db);
    t.clock.set(at('2026-11-23T10:00:00Z'));
    expect((await t.runner().catchUp()).posted).toHaveLength(1);
    expect(t.posted).toHaveLength(1);
    const [run] = await recentRuns(t.db, GUILD);
    expect(run).toMatchObject({ status: 'posted', messageId: 'message-1' });
  });

  it('no channel: the run fails with a reason staff can act on', async () => {
    await updateSettings(t.db, GUILD, { staffChannelId: null }, t.clock.now());
    await weeklyMonday9();
    t.clock.set(at('2026-11-23T08:00:00Z'));
    await t.runner().tick();
    const [run] = await recentRuns(t.db, GUILD);
    expect(run?.status).toBe('failed');
    expect(run?.lastError).toContain('/settings set staff_channel');
  });

  it('a new or resumed schedule does not post what fell due before it was active', async () => {
    t.clock.set(at('2026-11-23T10:00:00Z')); // after Monday 09:00
    await weeklyMonday9();
    expect((await t.runner().tick()).posted).toEqual([]);
    await setPaused(t.db, GUILD, true, t.clock.now());
    t.clock.set(at('2026-11-30T08:00:00Z'));
    expect((await t.runner().tick()).posted).toEqual([]);
    t.clock.set(at('2026-11-30T12:00:00Z'));
    await setPaused(t.db, GUILD, false, t.clock.now());
    expect((await t.runner().tick()).posted).toEqual([]);
    t.clock.set(at('2026-12-07T08:00:00Z'));
    expect((await t.runner().tick()).posted).toHaveLength(1);
    expect((await getSchedule(t.db, GUILD))?.paused).toBe(false);
  });

  it('a cron schedule firing often still posts each period once', async () => {
    await saveSchedule(t.db, { guildId: GUILD, timing: { kind: 'cron', expression: '*/30 * * * *' }, period: 'day', channelId: '300000000000000009', updatedBy: null }, t.clock.now());
    const runner = t.runner();
    for (let i = 0; i < 6; i++) {
      t.clock.set(at('2026-11-21T22:40:00Z') + i * 30 * 60_000);
      await runner.tick();
    }
    // 23:40 … 02:10 Berlin time: two local dates -> two daily digests.
    expect(t.posted.map((p) => p.post.embed.title)).toEqual(['Daily digest: Nov 20, 2026', 'Daily digest: Nov 21, 2026']);
    expect(t.posted.every((p) => p.channelId === '300000000000000009')).toBe(true);
  });
});
