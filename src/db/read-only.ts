// A read-only connection to the bot's database file, for worker threads: WAL lets it read while
// the bot writes, and read-only it can never take the write lock.
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { openFailure } from './open-failure.js';
import type { DB } from './schema.js';

/** What a read runs on: the raw handle for the big scans, kysely for the small ones. */
export interface ReadHandle {
  readonly sqlite: SQLite.Database;
  readonly db: Kysely<DB>;
}

/**
 * One more read-only connection to `read`'s file, as openReadOnly sets them up (for a job that
 * keeps a statement open across its pauses while other jobs read on `read`).
 */
export function openReadOnlySibling(read: ReadHandle): SQLite.Database {
  const own = new SQLite(read.sqlite.name, { readonly: true, fileMustExist: true });
  own.pragma('busy_timeout = 5000');
  own.pragma('cache_size = -2048');
  return own;
}

/** Opens the file read-only (it must exist); close() releases it. */
export function openReadOnly(path: string): ReadHandle & { close(): Promise<void> } {
  let sqlite: SQLite.Database;
  try {
    sqlite = new SQLite(path, { readonly: true, fileMustExist: true });
    // (Reads the header: a file that is not a database fails here, not at the first query.)
    sqlite.pragma('schema_version');
  } catch (err) {
    throw openFailure(path, err);
  }
  sqlite.pragma('busy_timeout = 5000');
  // 2 MB (SQLite's default): a report streams its rollup blobs once and a privacy scan reads its
  // table once, so a bigger cache holds nothing they read again (2, 8, 32 and 64 MB gave the same
  // report times) and only adds to the bot's memory (a worker's cache fills during a report).
  sqlite.pragma('cache_size = -2048');
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { sqlite, db, close: () => db.destroy() };
}
