// A worker thread of the pool: its own read-only connection; one job at a time, and at most one
// urgent job beside it (taken at the long one's next pause, see pool.ts assign).
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { checkpointEvery } from '../db/checkpoint-loop.mjs';
import { openReadOnly } from '../db/read-only.js';
import { runJob, type JobRequest } from './jobs.js';

const port = parentPort!;
const { databasePath, niceness, checkpointMs } = workerData as { databasePath: string; niceness: number; checkpointMs?: number };
// Linux: this thread only (priorities are per thread); elsewhere the call may not apply: harmless.
try {
  if (niceness) setPriority(niceness);
} catch {
  // Not permitted here: run at the process's priority.
}
const read = openReadOnly(databasePath);
// The pool's first thread also keeps the WAL checkpointed, between its jobs.
const stopCheckpoints = checkpointMs ? checkpointEvery(databasePath, checkpointMs, (result) => port.postMessage({ checkpoint: result })) : undefined;

/**
 * The buffers a result may hand over instead of copying: typed arrays that own their whole
 * buffer, at its top level or in a list (a digest's chart, a merged hour's pieces, survey
 * charts). A 400 KB hour then crosses without a copy left behind in this thread.
 */
function transferable(result: unknown): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  const look = (value: unknown) => {
    if (ArrayBuffer.isView(value) && value.buffer instanceof ArrayBuffer && value.byteOffset === 0 && value.byteLength === value.buffer.byteLength) {
      if (!out.includes(value.buffer)) out.push(value.buffer);
    }
  };
  const items = Array.isArray(result) ? result : [result];
  for (const item of items) {
    if (item && typeof item === 'object') for (const value of Object.values(item)) (Array.isArray(value) ? value : [value]).forEach(look);
  }
  return out;
}

port.on('message', (message: JobRequest | { close: true }) => {
  if ('close' in message) {
    stopCheckpoints?.();
    void read.close().finally(() => port.close());
    return;
  }
  const { id } = message;
  runJob(message, read, (chunk) => port.postMessage({ id, chunk })).then(
    (result) => port.postMessage({ id, result }, transferable(result)),
    (err: unknown) => port.postMessage({ id, error: err instanceof Error ? err.message : String(err) }),
  );
});
port.postMessage({ ready: true, checkpointing: stopCheckpoints !== undefined });
