// A worker thread of the pool: its own read-only connection, one job at a time.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { DB } from '../db/schema.js';
import { runJob, type JobRequest } from './jobs.js';

const port = parentPort!;
const { databasePath } = workerData as { databasePath: string };
// WAL lets this connection read while the bot writes; read-only, it can never take the write lock.
const sqlite = new Database(databasePath, { readonly: true, fileMustExist: true });
sqlite.pragma('busy_timeout = 5000');
sqlite.pragma('cache_size = -32768');
const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) });

port.on('message', (message: JobRequest | { close: true }) => {
  if ('close' in message) {
    void db.destroy().finally(() => port.close());
    return;
  }
  const { id } = message;
  runJob(message, { sqlite, db }, (chunk) => port.postMessage({ id, chunk })).then(
    (result) => port.postMessage({ id, result }),
    (err: unknown) => port.postMessage({ id, error: err instanceof Error ? err.message : String(err) }),
  );
});
port.postMessage({ ready: true });
