// The privacy tests' steps: a member's /privacy opt-out seen through to "Done", and every place in
// the database that still names them afterwards.
import { expect } from 'vitest';
import type { TestBot } from './bot.js';

/** The member runs /privacy opt-out and waits until its answer says the deletion is done. */
export async function optOut(b: TestBot, userId: string): Promise<void> {
  const out = b.fake.slash({ guildId: b.ids.guildId, channelId: b.ids.general, userId, name: 'privacy', subcommand: 'opt-out' });
  expect((await out.reply(15_000)).content).toMatch(/stopped recording you/);
  await b.fake.waitFor(() => out.original?.content?.startsWith('Done:'), 20_000);
}

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
