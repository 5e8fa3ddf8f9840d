// The WAL's checkpoints, off the gateway's thread: run by the worker pool's first worker between
// its jobs (followCheckpoints), or without a pool by a thread of their own (checkpointer.mjs).
import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../log.js';
import { threadEntry } from '../threads.js';
import type { CheckpointResult } from './checkpoint-loop.mjs';
import type { Database } from './open.js';

export interface Checkpoints {
  /** The last checkpoint's WAL frames and how many of them were copied back. */
  readonly last: { log: number; checkpointed: number } | undefined;
  stop(): Promise<void>;
}

// Plain JavaScript in src/ too, so the same file runs under tsx and from the bundle.
const CHECKPOINTER = threadEntry(import.meta.url, './checkpointer.mjs', './checkpointer.mjs');

/** What runs the checkpoints: the worker pool's first worker (between jobs), or the thread below. */
export interface CheckpointRunner {
  on(event: 'checkpoints', listener: (on: boolean) => void): unknown;
  on(event: 'checkpointed', listener: (result: { log: number; checkpointed: number }) => void): unknown;
}

/**
 * Follows the checkpoints a thread runs: SQLite's automatic checkpoints are off on the app's
 * connection while they run, and back on whenever that thread is gone (never a WAL without
 * checkpoints). Until it is ready, SQLite's own checkpoints keep the WAL bounded. (The
 * connection may be closed already: a stop, or a test's simulated kill -9, during start-up.)
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
    // The runner's own stop ends its checkpoints (the pool's, or startCheckpoints' below).
    stop: async () => undefined,
  };
}

/**
 * Without a worker pool (PULSE_WORKERS=0): a thread of its own (checkpointer.mjs) runs the
 * checkpoints every `intervalMs`, followed like the pool's (followCheckpoints).
 */
export function startCheckpoints(database: Database, logger: Logger, intervalMs = 1000): Checkpoints | undefined {
  if (database.sqlite.memory) return undefined;
  const thread = new EventEmitter<{ checkpoints: [on: boolean]; checkpointed: [result: CheckpointResult] }>();
  const worker = new Worker(CHECKPOINTER, { workerData: { databasePath: database.sqlite.name, intervalMs } });
  let ready = false;
  worker.on('message', (m: { ready: true } | CheckpointResult | { error: string }) => {
    if ('ready' in m) {
      ready = true;
      thread.emit('checkpoints', true);
    } else if ('error' in m) logger.warn({ error: m.error }, 'db.checkpoint-failed');
    else thread.emit('checkpointed', m);
  });
  worker.on('error', (err) => logger.error({ err }, 'db.checkpointer-error'));
  worker.on('exit', () => {
    if (ready) thread.emit('checkpoints', false);
  });
  worker.unref();
  const followed = followCheckpoints(database, thread);
  return {
    get last() {
      return followed.last;
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
