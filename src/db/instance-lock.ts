// One running bot per database. Two `pulse start` on one file (a second `npm start` beside the
// service) would both take every gateway event: activity counted twice, interactions answered
// twice, and the second's start-up records the first's time as a gap. The running bot holds an
// exclusive SQLite lock on a small file next to the database for its whole life; the operating
// system drops it when the process ends, however it ends (kill -9 included), so a restart is
// never refused by a stale lock.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/** The lock's file: the database's path with `-lock` (next to its `-wal` and `-shm`). */
export function lockPath(databasePath: string): string {
  return `${databasePath}-lock`;
}

export type InstanceLock = { release(): void };

/**
 * Takes the lock, or returns null when another process (or another app in this one) holds it.
 * An in-memory database needs none.
 */
export function lockInstance(databasePath: string): InstanceLock | null {
  if (databasePath === ':memory:') return { release: () => undefined };
  mkdirSync(dirname(databasePath), { recursive: true });
  const lock = new Database(lockPath(databasePath), { timeout: 0 });
  try {
    // A write transaction left open: its exclusive lock stays until the connection closes.
    lock.exec('BEGIN EXCLUSIVE');
  } catch (err) {
    lock.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY') return null;
    throw err;
  }
  return {
    release: () => {
      if (lock.open) lock.close();
    },
  };
}
