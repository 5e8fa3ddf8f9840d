// Keeps the WAL bounded off the hot path: the app turns SQLite's automatic checkpoints off (one
// would land inside a writer flush, 80–250 ms on a big database) and this worker thread, with a
// connection of its own, runs a PASSIVE checkpoint (never waits for readers or the writer) on a
// timer and reports each result. Plain JavaScript: it starts in milliseconds, without tsx.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const port = parentPort;
const { databasePath, intervalMs } = workerData;
const sqlite = new Database(databasePath, { fileMustExist: true });
sqlite.pragma('busy_timeout = 0');

const timer = setInterval(() => {
  try {
    const [row] = sqlite.pragma('wal_checkpoint(PASSIVE)');
    if (row) port.postMessage(row);
  } catch (err) {
    port.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
}, intervalMs);

port.on('message', () => {
  clearInterval(timer);
  sqlite.close();
  port.close();
});
port.postMessage({ ready: true });
