// Emptying the WAL after a delete that must leave the disk (an anonymous poll's or survey's
// rows): apart from open.ts, so the stores that call it (which worker threads load too) do not
// bring every migration into each thread.
import { sql, type Kysely } from 'kysely';
import type { DB } from './schema.js';

/** Tries left of the emptyWal retry pending per database: one is enough, it empties whatever the WAL holds then. */
const emptying = new WeakMap<Kysely<DB>, { left: number }>();

/**
 * Copies the WAL into the database file and truncates it to nothing, so the older page images
 * it holds of rows just deleted (secure_delete zeroes them in the database file only) leave the
 * disk too. Never waits (the gateway's thread runs it): while another connection checkpoints or
 * a reader is still on the log (a report being built), SQLite gives up at once and it is tried
 * again every `retryMs`, up to `tries` times in all. Resolves after the first try, true if that
 * one emptied the WAL. Inside a transaction it does nothing.
 */
export async function emptyWal(db: Kysely<DB>, options: { retryMs?: number; tries?: number } = {}): Promise<boolean> {
  if (db.isTransaction) return false;
  const retryMs = options.retryMs ?? 1000;
  const tries = options.tries ?? 600; // ten minutes: far past the longest worker job (one minute)
  // 'busy': another connection's checkpoint holds the lock (SQLITE_BUSY), or a reader is on the log.
  const attempt = async (): Promise<'done' | 'busy' | 'failed'> => {
    try {
      // One turn at the gate for the three statements: no other write runs without the busy timeout.
      return await db.connection().execute(async (conn) => {
        const timeout = (await sql<{ timeout: number }>`pragma busy_timeout`.execute(conn)).rows[0]?.timeout ?? 5000;
        await sql`pragma busy_timeout = 0`.execute(conn);
        try {
          const [row] = (await sql<{ busy: number }>`pragma wal_checkpoint(TRUNCATE)`.execute(conn)).rows;
          return row?.busy === 0 ? 'done' : 'busy';
        } finally {
          await sql.raw(`pragma busy_timeout = ${Number(timeout)}`).execute(conn);
        }
      });
    } catch (err) {
      // Anything else (the database closed meanwhile) ends the tries.
      return /^SQLITE_(BUSY|LOCKED)/.test(String((err as { code?: unknown } | null)?.code)) ? 'busy' : 'failed';
    }
  };
  const first = await attempt();
  if (first !== 'busy' || tries <= 1) return first === 'done';
  const pending = emptying.get(db);
  if (pending) {
    // The retry already pending goes on, with the tries this call has.
    pending.left = Math.max(pending.left, tries - 1);
    return false;
  }
  const state = { left: tries - 1 };
  emptying.set(db, state);
  const retry = () => {
    void attempt().then((outcome) => {
      if (outcome !== 'busy' || --state.left <= 0) emptying.delete(db);
      else setTimeout(retry, retryMs).unref();
    });
  };
  setTimeout(retry, retryMs).unref();
  return false;
}
