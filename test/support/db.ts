// A fresh, migrated in-memory database per test: the real migrations on real SQLite.
import { migrate, openDatabase, type Database } from '../../src/db/open.js';

export async function testDatabase(): Promise<Database> {
  const database = openDatabase(':memory:');
  await migrate(database.db);
  return database;
}
