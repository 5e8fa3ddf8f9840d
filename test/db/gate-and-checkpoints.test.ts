// The write gate keeps raw writes out of kysely transactions; the worker pool's first worker (or,
// without a pool, a checkpoint thread) keeps the WAL checkpointed while the app's own connection
// never checkpoints inside a write.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { followCheckpoints, startCheckpoints } from '../../src/db/checkpoints.js';
import { WorkerPool } from '../../src/workers/pool.js';
import { migrate, openDatabase } from '../../src/db/open.js';
import { testDatabase } from '../support/db.js';

describe('closing', () => {
  it('closes a connection only ever used raw (kysely never opened it), and its WAL is checkpointed away', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pulse-close-'));
    try {
      const path = join(dir, 'pulse.db');
      const setup = openDatabase(path);
      await migrate(setup.db);
      await setup.close();
      const database = openDatabase(path);
      database.sqlite.prepare(`INSERT INTO activity_gaps (started_at, ended_at, reason) VALUES (1, 2, 'offline')`).run();
      expect(statSync(`${path}-wal`).size).toBeGreaterThan(0);
      await database.close();
      expect(database.sqlite.open).toBe(false);
      expect(existsSync(`${path}-wal`)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('write gate', () => {
  it('runs a raw write step after an open kysely transaction, never inside it', async () => {
    const database = await testDatabase();
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const trx = database.db.transaction().execute(async (t) => {
      await t.insertInto('activity_gaps').values({ started_at: 1, ended_at: 2, reason: 'offline' }).execute();
      order.push('trx-wrote');
      await held;
      order.push('trx-done');
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(database.gate.busy).toBe(true);
    const ranAtOnce = database.gate.whenFree(() => {
      order.push(`step (in a transaction: ${database.sqlite.inTransaction})`);
    });
    expect(ranAtOnce).toBe(false);
    release();
    await trx;
    await new Promise((r) => setTimeout(r, 0));
    expect(order).toEqual(['trx-wrote', 'trx-done', 'step (in a transaction: false)']);
    expect(database.gate.busy).toBe(false);
    await database.close();
  });
});

describe('checkpoints', () => {
  it('a worker checkpoints the WAL while the app connection has automatic checkpoints off', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pulse-ckpt-'));
    const database = openDatabase(join(dir, 'pulse.db'));
    await migrate(database.db);
    const checkpoints = startCheckpoints(database, pino({ level: 'silent' }), 50)!;
    const insert = database.sqlite.prepare('INSERT INTO activity_gaps (started_at, ended_at, reason) VALUES (?, ?, ?)');
    const until = Date.now() + 15_000;
    let i = 0;
    while (!(checkpoints.last && checkpoints.last.checkpointed > 0) && Date.now() < until) {
      database.sqlite.transaction(() => {
        for (let k = 0; k < 100; k++, i++) insert.run(i, i + 1, 'offline');
      })();
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(database.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    expect(checkpoints.last!.checkpointed).toBeGreaterThan(0);
    await checkpoints.stop();
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("the worker pool's first worker checkpoints between its jobs; when it dies SQLite's own checkpoints come back until its replacement takes over", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pulse-ckpt-'));
    const database = openDatabase(join(dir, 'pulse.db'));
    await migrate(database.db);
    const pool = new WorkerPool({ databasePath: database.sqlite.name, size: 1, logger: pino({ level: 'silent' }), inline: database, checkpointMs: 50 });
    const checkpoints = followCheckpoints(database, pool);
    const insert = database.sqlite.prepare('INSERT INTO activity_gaps (started_at, ended_at, reason) VALUES (?, ?, ?)');
    let i = 0;
    const writeUntil = async (done: () => boolean) => {
      const until = Date.now() + 20_000;
      while (!done() && Date.now() < until) {
        database.sqlite.transaction(() => {
          for (let k = 0; k < 100; k++, i++) insert.run(i, i + 1, 'offline');
        })();
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const autocheckpoint = () => database.sqlite.pragma('wal_autocheckpoint', { simple: true });
    expect(autocheckpoint()).toBe(10000); // SQLite's own (every ~40 MB) until the worker runs
    pool.warm();
    await writeUntil(() => (checkpoints.last?.checkpointed ?? 0) > 0);
    expect(autocheckpoint()).toBe(0);
    expect(checkpoints.last!.checkpointed).toBeGreaterThan(0);

    const back = new Promise<boolean>((resolve) => pool.once('checkpoints', resolve));
    await pool.threads[0]!.terminate(); // a crash
    expect(await back).toBe(false);
    expect(autocheckpoint()).toBe(10000);
    const again = new Promise<boolean>((resolve) => pool.once('checkpoints', resolve));
    expect(await again).toBe(true); // the replacement
    expect(autocheckpoint()).toBe(0);
    let copied = 0;
    pool.on('checkpointed', (result) => (copied += result.checkpointed));
    await writeUntil(() => copied > 0);
    expect(copied).toBeGreaterThan(0);
    await pool.stop();
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }, 40_000);
});
