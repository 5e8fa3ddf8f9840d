// A fresh, migrated in-memory database per test: the real migrations on real SQLite.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, openDatabase, type Database } from '../../src/db/open.js';

export async function testDatabase(): Promise<Database> {
  const database = openDatabase(':memory:');
  await migrate(database.db);
  return database;
}

/** A fresh, migrated database file in a temp directory (for worker threads, which open the file). */
export async function testFileDatabase(prefix: string): Promise<{ database: Database; dir: string; remove(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const database = openDatabase(join(dir, 'pulse.db'));
  await migrate(database.db);
  return {
    database,
    dir,
    async remove() {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
