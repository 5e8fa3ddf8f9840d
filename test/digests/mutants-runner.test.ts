// The runner's edges on real SQLite with a controlled clock: a schedule saved at its run's very
// instant, "late" only beyond 10 minutes, a run cut short at the instant of a restart, retries
// for a server the bot left, and a staff pause the bot does not take over.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import type { Database } from '../../src/db/open.js';
import type { ReportMaker } from '../../src/digests/content.js';
import { DigestRunner, type DigestPost, type RunnerDeps } from '../../src/digests/runner.js';
import { getSchedule, recentRuns, saveSchedule, setPaused } from '../../src/digests/store.js';
import { msg } from '../../src/i18n/index.js';
import { silentLogger } from '../../src/log.js';
import { updateSettings } from '../../src/settings/store.js';
import { testDatabase } from '../support/db.js';
import { busyReport } from './fixtures.js';

const GUILD = '200000000000000001';
const STAFF = '300000000000000001';
const at = (s: string) => Date.parse(s);
// Weekly on Monday 09:00 Berlin: Monday 2026-11-23 08:00 UTC.
const DUE = at('2026-11-23T08:00:00Z');

let database: Database;
let clock: ManualClock;
let posted: DigestPost[];
let attempts: number;
let failWith: Error | null;
let gate: { held: Promise<void>; entered: () => void } | null;
let refusal: ReturnType<typeof msg> | null;
let inGuild: boolean;
let told: string[];

const reports: ReportMaker = (q) => busyReport(q.from, q.to, { timezone: q.timezone });

function runner(extra: Partial<RunnerDeps> = {}): DigestRunner {
  return new DigestRunner({
    db: database.db,
    clock,
    logger: silentLogger,
    reports,
    post: async (_channelId, post) => {
      attempts++;
      if (gate) {
        const { held, entered } = gate;
        gate = null;
        entered();
        await held;
      }
      if (failWith) throw failWith;
      posted.push(post);
      return `message-${posted.length}`;
    },
    inGuild: () => inGuild,
    checkChannel: async () => refusal,
    tellStaff: async (_schedule, _channel, text) => {
      told.push(text);
      return true;
    },
    ...extra,
  });
}

const weeklyMonday9 = () =>
  saveSchedule(database.db, { guildId: GUILD, timing: { kind: 'weekly', weekday: 1, time: '09:00' }, period: 'week', channelId: null, updatedBy: null }, clock.now());

beforeEach(async () => {
  clock = new ManualClock(at('2026-11-20T12:00:00Z'));
  posted = [];
  attempts = 0;
  failWith = null;
  gate = null;
  refusal = null;
  inGuild = true;
  told = [];
  database = await testDatabase();
  await updateSettings(database.db, GUILD, { staffChannelId: STAFF, timezone: 'Europe/Berlin' }, clock.now());
});
afterEach(() => database.close());

describe('when a run counts as due', () => {
  it('a schedule saved at the very instant its run falls due posts that run', async () => {
    clock.set(DUE);
    await weeklyMonday9();
    expect((await runner().tick()).posted).toHaveLength(1);
    expect(posted[0]!.embed.title).toBe('Weekly digest: Nov 16 – 22, 2026');
  });
});

describe('late, after a restart', () => {
  it('a run missed by a restart is not late up to 10 minutes after it fell due', async () => {
    await weeklyMonday9();
    clock.set(DUE + 10 * 60_000);
    expect((await runner().catchUp()).posted).toHaveLength(1);
    expect(posted[0]!.embed.description ?? '').not.toContain('Late');
    const [run] = await recentRuns(database.db, GUILD);
    expect(run).toMatchObject({ status: 'posted', late: false });
  });

  it('one posted more than 10 minutes after it fell due is late', async () => {
    await weeklyMonday9();
    clock.set(DUE + 10 * 60_000 + 1);
    await runner().catchUp();
    expect(posted[0]!.embed.description).toContain('**Late**');
    expect((await recentRuns(database.db, GUILD))[0]).toMatchObject({ late: true });
  });
});

describe('a run cut short by a restart at the same instant', () => {
  it('is retried by the new process, not left "posting" for ever', async () => {
    await weeklyMonday9();
    clock.set(DUE);
    let release!: () => void;
    let reached!: () => void;
    const entered = new Promise<void>((r) => (reached = r));
    gate = { held: new Promise<void>((r) => (release = r)), entered: () => reached() };
    const old = runner().tick(); // claims, then hangs in the post
    await entered;
    // The new process starts within the same millisecond.
    expect((await runner().catchUp()).posted).toHaveLength(1);
    release();
    await old;
    clock.set(DUE + 3_600_000);
    await runner().tick();
    const [run] = await recentRuns(database.db, GUILD);
    expect(run?.status).toBe('posted');
  });
});

describe('a server the bot was removed from', () => {
  it('a failed run is not tried again while the bot is out of the server', async () => {
    await weeklyMonday9();
    failWith = new Error('Service Unavailable');
    clock.set(DUE);
    await runner().tick();
    expect(attempts).toBe(1);
    inGuild = false;
    failWith = null;
    for (let i = 1; i <= 12; i++) {
      clock.set(DUE + i * 3_600_000);
      await runner().tick();
    }
    expect(attempts).toBe(1);
    expect(posted).toEqual([]);
    const [run] = await recentRuns(database.db, GUILD);
    expect(run).toMatchObject({ status: 'failed', attempts: 1 });
    // Back in the server: the retry goes out.
    inGuild = true;
    await runner().tick();
    expect(posted).toHaveLength(1);
  });
});

describe('a schedule staff paused themselves', () => {
  it('a failed run is not retried while paused; after /digest resume its retry goes out', async () => {
    await weeklyMonday9();
    failWith = new Error('Service Unavailable');
    clock.set(DUE);
    await runner().tick();
    await setPaused(database.db, GUILD, true, clock.now());
    failWith = null;
    clock.set(DUE + 60 * 60_000);
    await runner().tick();
    expect(attempts).toBe(1);
    expect(posted).toEqual([]);
    await setPaused(database.db, GUILD, false, clock.now());
    await runner().tick();
    expect(attempts).toBe(2);
    expect(posted).toHaveLength(1);
  });

  it('a refusal found while staff pause it does not turn it into a pause by the bot, nor tell staff', async () => {
    await weeklyMonday9();
    failWith = new Error('Service Unavailable');
    clock.set(DUE);
    await runner().tick();
    // The retry's channel check runs just as staff pause the schedule, and the channel refuses.
    clock.set(DUE + 60 * 60_000);
    await runner({
      checkChannel: async () => {
        await setPaused(database.db, GUILD, true, clock.now());
        return msg('digest.error.channelGone', { channel: STAFF });
      },
    }).tick();
    const [run] = await recentRuns(database.db, GUILD);
    expect(run).toMatchObject({ status: 'failed', attempts: 2, nextAttemptAt: null });
    const schedule = await getSchedule(database.db, GUILD);
    expect(schedule).toMatchObject({ paused: true, pausedReason: null, pausedAt: null });
    expect(told).toEqual([]);
  });
});

describe('a schedule the bot paused, saved again by staff', () => {
  it('runs again with no pause reason left behind, and a new refusal is told again', async () => {
    await weeklyMonday9();
    refusal = msg('digest.error.channelGone', { channel: STAFF });
    clock.set(DUE);
    await runner().tick();
    expect(await getSchedule(database.db, GUILD)).toMatchObject({ paused: true, pausedReason: refusal, pausedAt: DUE });
    expect(told).toHaveLength(1);

    clock.set(DUE + 3_600_000);
    await weeklyMonday9();
    expect(await getSchedule(database.db, GUILD)).toMatchObject({ paused: false, pausedReason: null, pausedAt: null });

    // The next week's run is refused again: paused again, and staff are told again.
    clock.set(DUE + 7 * 86_400_000);
    await runner().tick();
    expect(await getSchedule(database.db, GUILD)).toMatchObject({ paused: true, pausedReason: refusal });
    expect(told).toHaveLength(2);
  });
});
