// Keeps the WAL bounded off the hot path when there is no worker pool (PULSE_WORKERS=0): the app
// turns SQLite's automatic checkpoints off (one would land inside a writer flush, 80–250 ms on a
// big database) and this thread runs the checkpoints (checkpoint-loop.mjs) and reports each
// result. Plain JavaScript: it starts in milliseconds, without tsx.
import { parentPort, workerData } from 'node:worker_threads';
import { checkpointEvery } from './checkpoint-loop.mjs';

const port = parentPort;
const { databasePath, intervalMs } = workerData;
const stop = checkpointEvery(databasePath, intervalMs, (result) => port.postMessage(result));

port.on('message', () => {
  stop();
  port.close();
});
port.postMessage({ ready: true });
