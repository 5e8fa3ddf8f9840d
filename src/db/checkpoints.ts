// The WAL's checkpoints, off the gateway's thread: run by the worker pool's first worker between
// its jobs (followCheckpoints), or without a pool by a thread of their own (checkpointer.mjs).
import { Worker } from 'node:worker_threads';
import type { Logger } from '../log.js';
import type { Database } from './open.js';

export interface Checkpoints {
  /** The last checkpoint's WAL frames and how many of them were copied back. */
  readonly last: { log: number; checkpointed: number } | undefined;
  stop(): Promise<void>;
}

const CHECKPOINTER = new URL('./checkpointer.mjs', import.meta.url);

/** What runs the checkpoints when the worker pool does (its first worker, between jobs). */
export interface CheckpointRunner {
  on(event: 'checkpoints', listener: (on: boolean) => void): unknown;
  on(event: 'checkpointed', listener: (result: { log: number; checkpointed: number }) => void): unknown;
}

/**
 * Follows the checkpoints a worker of the pool runs: SQLite's automatic checkpoints are off on
 * the app's connection while they run, and back on whenever that worker is gone (never a WAL
 * without checkpoints). Until the worker is ready, SQLite's own checkpoints keep the WAL bounded.
 */
export function followCheckpoints(database: Database, runner: CheckpointRunner): Checkpoints {
  database.sqlite.pragma('journal_size_limit = 67108864');
  let last: { log: number; checkpointed: number } | undefined;
  runner.on('checkpoints', (on) => {
    if (database.sqlite.open) database.sqlite.pragma(`wal_autocheckpoint = ${on ? 0 : 10000}`);
  });
  runner.on('checkpointed', (result) => (last = { log: result.log, checkpointed: result.checkpointed }));
  return {
    get last() {
      return last;
    },
    // The pool's stop() ends its workers, checkpoints with them.
    stop: async () => undefined,
  };
}

/**
 * Without a worker pool (PULSE_WORKERS=0): a thread of its own. Turns automatic checkpoints off
 * on the app's connection and checkpoints every `intervalMs`.
 */
export function startCheckpoints(database: Database, logger: Logger, intervalMs = 1000): Checkpoints | undefined {
  if (database.sqlite.memory) return undefined;
  // Frames past this size are truncated away once a checkpoint resets the WAL.
  database.sqlite.pragma('journal_size_limit = 67108864');
  const worker = new Worker(CHECKPOINTER, { workerData: { databasePath: database.sqlite.name, intervalMs } });
  let last: { log: number; checkpointed: number } | undefined;
  let ready = false;
  worker.on('message', (m: { ready?: true; log?: number; checkpointed?: number; error?: string }) => {
    if (m.ready) {
      // Only now: until the thread runs, SQLite's own checkpoints keep the WAL bounded. (The
      // connection may be closed already: a stop, or a test's simulated kill -9, during start-up.)
      if (!database.sqlite.open) return;
      ready = true;
      database.sqlite.pragma('wal_autocheckpoint = 0');
    } else if (m.error) logger.warn({ error: m.error }, 'db.checkpoint-failed');
    else last = { log: m.log ?? 0, checkpointed: m.checkpointed ?? 0 };
  });
  worker.on('error', (err) => logger.error({ err }, 'db.checkpointer-error'));
  worker.on('exit', () => {
    // Never leave the database without checkpoints.
    if (ready) database.sqlite.open && database.sqlite.pragma('wal_autocheckpoint = 10000');
  });
  worker.unref();
  return {
    get last() {
      return last;
    },
    async stop() {
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.ref();
      if (ready) worker.postMessage('stop');
      else void worker.terminate();
      await exited;
    },
  };
}
