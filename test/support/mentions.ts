// What the privacy tests check after an opt-out: every place in the database that still names a member.
import type { TestBot } from './bot.js';

/** Every (table, column) of the database whose value mentions `id`. */
export function mentions(b: TestBot, id: string): string[] {
  const sqlite = b.app.database.sqlite;
  const tables = sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).pluck().all() as string[];
  const found: string[] = [];
  for (const table of tables) {
    for (const { name } of sqlite.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as Array<{ name: string }>) {
      const n = sqlite.prepare(`SELECT count(*) FROM "${table}" WHERE CAST("${name}" AS TEXT) LIKE '%' || ? || '%'`).pluck().get(id) as number;
      if (n > 0) found.push(`${table}.${name}`);
    }
  }
  return found;
}
