// The WAL's checkpoints off the gateway's thread: a connection of its own (read-write: a
// checkpoint writes the database file) runs a PASSIVE checkpoint (never waits for readers or the
// writer) on a timer and reports each result. Run by the worker pool's first thread between its
// jobs, or by checkpointer.mjs, a thread of its own when there is no pool. Plain JavaScript, so
// that thread starts without tsx; types in checkpoint-loop.d.mts.
import SQLite from 'better-sqlite3';

export function checkpointEvery(path, intervalMs, report) {
  const sqlite = new SQLite(path, { fileMustExist: true });
  sqlite.pragma('busy_timeout = 0');
  const timer = setInterval(() => {
    try {
      const [row] = sqlite.pragma('wal_checkpoint(PASSIVE)');
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
