// The WAL's checkpoints off the gateway's thread, run by the worker pool's first thread between
// its jobs: a connection of its own (read-write: a checkpoint writes the database file) runs a
// PASSIVE checkpoint (never waits for readers or the writer) on a timer and reports each result.
// One thread fewer than a checkpoint thread of its own (~24 MB).
import SQLite from 'better-sqlite3';

export interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

/** Starts checkpointing `path` every `intervalMs`; returns the function that stops it. */
export function checkpointEvery(path: string, intervalMs: number, report: (result: CheckpointResult | { error: string }) => void): () => void {
  const sqlite = new SQLite(path, { fileMustExist: true });
  sqlite.pragma('busy_timeout = 0');
  const timer = setInterval(() => {
    try {
      const [row] = sqlite.pragma('wal_checkpoint(PASSIVE)') as CheckpointResult[];
      if (row) report(row);
    } catch (err) {
      report({ error: err instanceof Error ? err.message : String(err) });
    }
  }, intervalMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    sqlite.close();
  };
}
