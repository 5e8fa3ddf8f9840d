// A worker thread of the pool: its own read-only connection, one job at a time.
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { openReadOnly } from '../db/read-only.js';
import { runJob, type JobRequest } from './jobs.js';

const port = parentPort!;
const { databasePath, niceness } = workerData as { databasePath: string; niceness: number };
// Linux: this thread only (priorities are per thread); elsewhere the call may not apply: harmless.
try {
  if (niceness) setPriority(niceness);
} catch {
  // Not permitted here: run at the process's priority.
}
const read = openReadOnly(databasePath);

port.on('message', (message: JobRequest | { close: true }) => {
  if ('close' in message) {
    void read.close().finally(() => port.close());
    return;
  }
  const { id } = message;
  runJob(message, read, (chunk) => port.postMessage({ id, chunk })).then(
    (result) => port.postMessage({ id, result }),
    (err: unknown) => port.postMessage({ id, error: err instanceof Error ? err.message : String(err) }),
  );
});
port.postMessage({ ready: true });
