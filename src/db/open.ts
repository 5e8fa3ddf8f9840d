// Opens the SQLite database with the pragmas the bot relies on, and migrates it.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, sql } from 'kysely';
import { GatedSqliteDialect, WriteGate } from './exclusive.js';
import { DatabaseOpenError, openFailure } from './open-failure.js';
import { migrations } from './migrations/index.js';
import type { DB } from './schema.js';

export { DatabaseOpenError };

export interface Database {
  /** The raw handle, for the few hot paths that reuse prepared statements. */
  readonly sqlite: SQLite.Database;
  readonly db: Kysely<DB>;
  /** The one exclusive-write turn that kysely and the raw writers share. */
  readonly gate: WriteGate;
  close(): Promise<void>;
}

/**
 * Text as searches compare it: lower case (any script), accents dropped (é -> e, ё -> е), but й kept
 * (a letter of its own in Russian, not и with an accent). The SQL function fold() is this.
 */
export function foldText(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/(и\u0306)|\p{M}+/gu, (_mark, shortI: string | undefined) => (shortI ? 'й' : ''));
}

/**
 * Pulse's migrations on `db` (tests step through them with migrateTo). Numbers are assigned per
 * feature and branches land in any order: a database that already has a later number still gets
 * an earlier one that arrived afterwards.
 */
export function migrator(db: Kysely<DB>): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => migrations }, allowUnorderedMigrations: true });
}

export function openDatabase(path: string): Database {
  let sqlite: SQLite.Database;
  try {
    if (path !== ':memory:' && !path.startsWith('file:')) mkdirSync(dirname(path), { recursive: true });
    sqlite = new SQLite(path);
    sqlite.pragma('journal_mode = WAL');
  } catch (err) {
    throw openFailure(path, err);
  }
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // A 16 MB page cache (default 2 MB) and checkpoints every ~40 MB of WAL (default 4 MB): the
  // ingestion writer's inner B-tree pages stay cached and a page rewritten by many batches is
  // copied back once (npm run bench: from ~27,000 to ~100,000 events/s on a 10M-event guild,
  // with the rollup changes). 16 MB ingests a 10M-event guild as fast as 64 MB did (A/B:
  // 113-189k vs 77-173k events/s) and keeps ~50 MB out of the bot's memory.
  sqlite.pragma('cache_size = -16384');
  sqlite.pragma('wal_autocheckpoint = 10000');
  // Whatever this connection deletes or rewrites is overwritten with zeros, not left in the
  // file's free space: an anonymous poll's key and hashed votes, an anonymous survey's drafts
  // (member id next to answers, rewritten at every saved page), opted-out members' rows. Turned
  // on per operation it missed the older versions a row leaves behind each time it is rewritten
  // or its page split. Older page images in the WAL go when it is emptied (polls, surveys).
  sqlite.pragma('secure_delete = ON');
  // fold(text), for searches that ignore case and accents in every script (SQLite's lower() folds ASCII only).
  sqlite.function('fold', { deterministic: true }, (value: unknown) => (typeof value === 'string' ? foldText(value) : value));
  const gate = new WriteGate();
  const db = new Kysely<DB>({ dialect: new GatedSqliteDialect({ database: sqlite }, gate) });
  let closed = false;
  return {
    sqlite,
    db,
    gate,
    async close() {
      if (closed) return;
      closed = true;
      // kysely closes the handle only if it ever ran a query: a connection used only raw (the
      // replay, the bench's ingest) was left open, and its WAL was never checkpointed at close.
      await db.destroy();
      if (sqlite.open) sqlite.close();
    },
  };
}

export interface MigrationOutcome {
  applied: string[];
}

/**
 * The number of the latest migration this Pulse knows (26 for 0026-…). The running bot writes it
 * in the database's header (user_version) when it starts listening: a command run while it runs
 * can tell whether the bot is an older Pulse that lacks what a newer one migrated in.
 */
export const KNOWN_MIGRATION = Math.max(...Object.keys(migrations).map((name) => Number.parseInt(name, 10)));

/** The KNOWN_MIGRATION of the last bot that started on this database (0: one from before it was written). */
export function botMigration(sqlite: SQLite.Database): number {
  return sqlite.pragma('user_version', { simple: true }) as number;
}

export async function migrate(db: Kysely<DB>): Promise<MigrationOutcome> {
  // A database a newer Pulse migrated (a downgrade, a newer backup restored): said plainly, not
  // as kysely's "corrupted migrations", and before anything is changed.
  const table = await sql`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'kysely_migration'`.execute(db);
  const done = table.rows.length ? (await sql<{ name: string }>`SELECT name FROM kysely_migration`.execute(db)).rows.map((r) => r.name) : [];
  const unknown = done.filter((name) => !Object.hasOwn(migrations, name)).sort();
  if (unknown.length) {
    const file = (await sql<{ name: string; file: string }>`PRAGMA database_list`.execute(db)).rows.find((d) => d.name === 'main')?.file || 'in DATABASE_URL';
    throw new DatabaseOpenError(
      `The database ${file} was upgraded by a newer Pulse (migrations ${unknown.join(', ')}); run that version, or restore the backup taken before the upgrade (README, Upgrading)`,
    );
  }
  const { error, results } = await migrator(db).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
