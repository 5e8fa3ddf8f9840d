// The worker pool on a real database file: a worker's report equals the main thread's, a job
// that takes too long or loses its worker fails with an id and the worker is replaced, and
// stop() lets a running job finish.
import { existsSync, readFileSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Ingestor } from '../../src/activity/ingest.js';
import { ActivityStore } from '../../src/activity/store.js';
import { ActivityWriter } from '../../src/activity/writer.js';
import { migrate, openDatabase, type Database } from '../../src/db/open.js';
import { buildReport } from '../../src/insights/report.js';
import { JobError, WorkerPool } from '../../src/workers/pool.js';
import { testFileDatabase } from '../support/db.js';
import { G, join, message, reaction, u, voice, VOICE } from '../activity/payloads.js';

let file: Awaited<ReturnType<typeof testFileDatabase>>;
let dir: string;
let database: Database;
let pool: WorkerPool | undefined;
const logs: Array<{ msg?: string; errorId?: string }> = [];
const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line) as { msg?: string }) });
const query = { guildId: G, from: '2026-11-02', to: '2026-11-08', timezone: 'Europe/Berlin', asOf: Date.parse('2026-11-23T12:00:00Z') };

beforeEach(async () => {
  file = await testFileDatabase('pulse-pool-');
  ({ database, dir } = file);
  const writer = new ActivityWriter(new ActivityStore(database.sqlite, { gate: database.gate }), { timer: false });
  const ingestor = new Ingestor(writer);
  const events = [];
  for (let day = 1; day <= 9; day++) {
    for (let n = 1; n <= 6; n++) {
      const at = `2026-11-0${day}T${String(8 + n).padStart(2, '0')}:1${n}:00Z`;
      const m = message(u(n), at);
      events.push(m, reaction(u((n % 6) + 1), m.d.id, u(n), at));
    }
  }
  events.push(join(u(7), '2026-11-03T10:00:00Z'), voice(u(2), VOICE, '2026-11-04T10:00:00Z'), voice(u(2), null, '2026-11-04T11:00:00Z'));
  for (const e of events) ingestor.ingest({ t: e.t, d: e.d, at: Date.parse(e.at) });
  writer.flush();
  logs.length = 0;
});
afterEach(async () => {
  await pool?.stop(1000);
  pool = undefined;
  await file.remove();
});

const newPool = (timeoutMs?: number) => new WorkerPool({ databasePath: database.sqlite.name, size: 1, logger, inline: database, ...(timeoutMs ? { timeoutMs } : {}) });

describe('worker pool', () => {
  it('a worker builds the same report as the main thread', async () => {
    pool = newPool();
    const inWorker = await pool.run('report', query);
    const here = await buildReport(database, query);
    expect(inWorker.activity.messages).toBe(42);
    expect(JSON.stringify(inWorker)).toBe(JSON.stringify(here));
    expect(pool.inline).toBe(false);
  });

  it("a digest's figures are one job: both reports as the main thread builds them, and the chart", async () => {
    pool = newPool();
    const previous = { ...query, from: '2026-10-26', to: '2026-11-01' };
    const out = await pool.run('digest-figures', { current: query, previous, language: 'es' });
    expect(JSON.stringify(out.report)).toBe(JSON.stringify(await buildReport(database, query)));
    expect(JSON.stringify(out.previous)).toBe(JSON.stringify(await buildReport(database, previous)));
    expect(Buffer.from(out.png).subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(pool.stats.done).toBe(1);
  });

  it('replaces the worker that drew a chart once it is idle (the renderer leaves with its thread)', async () => {
    pool = new WorkerPool({ databasePath: database.sqlite.name, size: 1, logger, inline: database, checkpointMs: 50 });
    const checkpoints: boolean[] = [];
    pool.on('checkpoints', (on) => checkpoints.push(on));
    await pool.run('report', query);
    const drew = pool.threads[0]!;
    const exited = new Promise<void>((resolve) => drew.once('exit', () => resolve()));
    await pool.run('digest-figures', { current: query, previous: query });
    await exited;
    expect(pool.stats).toMatchObject({ recycled: 1, restarts: 0, failed: 0 });
    // The checkpoints pass to the new thread without a moment off (no flip to the main
    // connection's own checkpoints, which could land inside a writer flush).
    await new Promise<void>((resolve) => pool!.once('checkpoints', () => resolve()));
    expect(checkpoints).toEqual([true, true]);
    expect(pool.threads[0]).not.toBe(drew);
    // The next job runs on the new thread, as on the old one; a report does not recycle it.
    expect((await pool.run('report', query)).activity.messages).toBe(42);
    const next = pool.threads[0];
    await pool.run('report', query);
    expect(pool.threads[0]).toBe(next);
    expect(logs.filter((l) => l.msg === 'pool.worker-restarted')).toEqual([]);
  });

  it('a crashed worker fails its job with an id and is replaced', async () => {
    pool = newPool();
    await pool.run('report', query); // started and ready
    const first = pool.threads[0];
    pool.once('started', (_kind, worker) => void worker.terminate()); // dies holding the job
    const failed = await pool.run('report', query).catch((err: unknown) => err);
    expect(failed).toBeInstanceOf(JobError);
    const { errorId, message } = failed as JobError;
    expect(message).toContain(errorId);
    expect(logs.some((l) => l.msg === 'pool.job-lost-its-worker' && l.errorId === errorId)).toBe(true);
    expect((await pool.run('report', query)).activity.messages).toBe(42);
    expect(pool.threads[0]).not.toBe(first);
    expect(pool.stats.restarts).toBe(1);
  });

  it('a job past its time is abandoned with a clear error, and the next job runs', async () => {
    pool = newPool();
    await pool.run('report', query);
    const slow = await pool.run('report', query, { timeoutMs: 1 }).catch((err: unknown) => err);
    expect(slow).toBeInstanceOf(JobError);
    expect((slow as JobError).message).toMatch(/took too long/);
    expect((await pool.run('report', query)).activity.messages).toBe(42);
  });

  it('stop() lets a running job finish, then refuses new ones', async () => {
    pool = newPool();
    const running = pool.run('report', query);
    await new Promise<void>((resolve) => pool!.once('started', () => resolve()));
    await pool.stop(10_000);
    expect((await running).activity.messages).toBe(42);
    await expect(pool.run('report', query)).rejects.toThrow(/restarting/);
  });

  it('stop() returns when a worker died while starting, and no replacement starts after it', { timeout: 10_000 }, async () => {
    // A database file that is not there: each worker fails to open it and exits before it is
    // ready, and the pool would try again a second later.
    pool = new WorkerPool({ databasePath: joinPath(dir, 'missing', 'pulse.db'), size: 1, logger, inline: database });
    pool.warm();
    const first = pool.threads[0]!;
    await new Promise<void>((resolve) => first.once('exit', () => resolve()));
    await new Promise((r) => setTimeout(r, 50)); // the dead slot now waits for its retry
    const stopped = pool.stop(1000).then(() => 'stopped');
    const late = new Promise((r) => setTimeout(() => r('still waiting'), 3000));
    expect(await Promise.race([stopped, late])).toBe('stopped');
    // The retry the dead slot was waiting for never comes: no worker starts after stop().
    await new Promise((r) => setTimeout(r, 1200));
    expect(pool.threads).toEqual([]);
    expect(logs.filter((l) => l.msg === 'pool.worker-restarted')).toHaveLength(1);
  });

  it('runs the most urgent waiting job next: a member\'s privacy counts before queued scans, exports and reports', async () => {
    pool = newPool();
    await pool.run('report', query); // started and ready
    const order: string[] = [];
    pool.on('started', (kind) => order.push(kind));
    const who = { guildId: G, userId: u(1) };
    const jobs = [
      pool.run('report', query), // takes the worker at once
      pool.run('privacy-scan', { ...who, entry: 'activity_messages', size: 100 }),
      pool.run('privacy-export', { ...who, path: joinPath(dir, 'export.json'), exportedAt: 0, note: '' }),
      pool.run('report', query),
      pool.run('privacy-counts', who),
    ];
    await Promise.all(jobs);
    expect(order).toEqual(['report', 'privacy-counts', 'report', 'privacy-export', 'privacy-scan']);
  });

  it("a member's privacy counts run beside a running digest job instead of waiting for it to end", async () => {
    pool = newPool();
    await pool.run('report', query); // started and ready
    await pool.run('privacy-counts', { guildId: G, userId: u(2) }); // its modules loaded
    const done: string[] = [];
    const digest = pool.run('digest-figures', { current: query, previous: query }).then(() => done.push('digest'));
    const counts = pool.run('privacy-counts', { guildId: G, userId: u(1) }).then((c) => done.push(`counts ${c['activity_messages']}`));
    expect(pool.pending).toBe(2); // both running, none queued
    await Promise.all([digest, counts]);
    expect(done).toEqual(['counts 9', 'digest']);
  });

  it('a job that waits long moves up, so a stream of more urgent jobs cannot hold back an opt-out scan for ever', async () => {
    let now = 1_000_000;
    pool = new WorkerPool({ databasePath: database.sqlite.name, size: 1, logger, inline: database, promoteAfterMs: 30_000, now: () => now });
    await pool.run('report', query); // started and ready
    const order: string[] = [];
    pool.on('started', (kind) => order.push(kind));
    const who = { guildId: G, userId: u(1) };
    const first = pool.run('report', query); // takes the worker at once
    const scan = pool.run('privacy-scan', { ...who, entry: 'activity_messages', size: 100 });
    now += 10 * 60_000; // the scan has waited ten minutes: it now goes before newer reports and exports
    const later = [
      pool.run('privacy-export', { ...who, path: joinPath(dir, 'export.json'), exportedAt: 0, note: '' }),
      pool.run('report', query),
      pool.run('privacy-counts', who),
    ];
    await Promise.all([first, scan, ...later]);
    // A member's privacy counts still run first; then the old scan, before the newer report.
    expect(order).toEqual(['report', 'privacy-counts', 'privacy-scan', 'report', 'privacy-export']);
  });

  it('a job still queued at its waitUntil is dropped with a "busy" error and never runs; a started one is left to finish', async () => {
    pool = newPool();
    await pool.run('report', query); // started and ready
    const started: string[] = [];
    pool.on('started', (kind) => started.push(kind));
    // Takes the worker at once, for a while (its first chart loads the chart engine: ~0.3 s and more).
    const running = pool.run('digest-figures', { current: query, previous: query }, { waitUntil: Date.now() + 60_000 });
    const [late, queued] = await Promise.all([
      pool.run('privacy-export', { guildId: G, userId: u(1), path: joinPath(dir, 'export.json'), exportedAt: 0, note: '' }, { waitUntil: Date.now() }).catch((err: unknown) => err),
      pool.run('report', query, { waitUntil: Date.now() + 5 }).catch((err: unknown) => err),
    ]);
    for (const dropped of [late, queued]) {
      expect(dropped).toBeInstanceOf(JobError);
      expect((dropped as JobError).busy).toBe(true);
      expect((dropped as JobError).message).toMatch(/^Pulse is busy with other requests and could not get to yours in time\. Try again in a few minutes \(error id `[0-9a-f]{8}`\)\.$/);
    }
    expect((await running).report.activity.messages).toBe(42);
    expect(started).toEqual(['digest-figures']);
    expect(existsSync(joinPath(dir, 'export.json'))).toBe(false);
    expect(pool.pending).toBe(0);
    // A warning (the bot was busy), not an error; and the next job runs.
    expect(logs.filter((l) => l.msg === 'pool.job-expired-in-queue').map((l) => l.errorId)).toEqual([(late as JobError).errorId, (queued as JobError).errorId]);
    expect((await pool.run('report', query)).activity.messages).toBe(42);
  });

  it("a member's privacy counts run at a long export's or opt-out scan's next pause, not after it", { timeout: 60_000 }, async () => {
    // u(1), a very active member: 150,000 more messages (an export of ~25 MB, a scan of as many keys).
    const store = new ActivityStore(database.sqlite, { gate: database.gate });
    for (let start = 0; start < 150_000; start += 5000) {
      store.applyBatch(
        Array.from({ length: 5000 }, (_, k) => start + k).map((i) => ({
          kind: 'message' as const, guildId: G, at: Date.parse('2026-10-01T00:00:00Z') + i * 1000, messageId: String(800000000000000000n + BigInt(i)),
          channelId: '300000000000000001', userId: u(1), replyToId: null, hasAttachment: false,
        })),
      );
    }
    pool = newPool(60_000);
    await pool.run('privacy-counts', { guildId: G, userId: u(2) }); // started, its modules loaded
    const who = { guildId: G, userId: u(1) };
    for (const long of [
      () => pool!.run('privacy-export', { ...who, path: joinPath(dir, 'export.json'), exportedAt: 0, note: '' }),
      () => pool!.run('privacy-scan', { ...who, entry: 'activity_messages', size: 500 }, { onChunk: () => undefined }),
    ]) {
      const done: string[] = [];
      const started = new Promise<void>((resolve) => pool!.once('started', () => resolve()));
      const job = long().then(() => done.push('long job'));
      await started;
      await new Promise((r) => setTimeout(r, 20)); // well into it
      const counts = await pool.run('privacy-counts', who);
      done.push('counts');
      await job;
      expect(done).toEqual(['counts', 'long job']);
      expect(counts['activity_messages']).toBe(150_009);
    }
    const exported = JSON.parse(readFileSync(joinPath(dir, 'export.json'), 'utf8')) as { activity_messages: unknown[] };
    expect(exported.activity_messages).toHaveLength(150_009);
  });

  it('runs inline on an in-memory database', async () => {
    const memory = openDatabase(':memory:');
    await migrate(memory.db);
    const inline = new WorkerPool({ databasePath: null, size: 1, logger, inline: memory });
    expect(inline.inline).toBe(true);
    expect((await inline.run('report', query)).activity.messages).toBe(0);
    await inline.stop();
    await memory.close();
  });
});
