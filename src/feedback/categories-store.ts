// Feedback categories: the list members choose from, per guild.
import type { Executor } from '../db/schema.js';

/**
 * The guild's categories in order; a guild that never set any gets `defaults` (the starting ones
 * in its language), stored then: later changes of language leave them as they are, and staff
 * keep at least one.
 */
export async function listCategories(db: Executor, guildId: string, now: number, defaults: readonly string[]): Promise<string[]> {
  const read = async () => (await db.selectFrom('feedback_categories').select('name').where('guild_id', '=', guildId).orderBy('position').orderBy('name').execute()).map((r) => r.name);
  const rows = await read();
  if (rows.length > 0) return rows;
  await db
    .insertInto('feedback_categories')
    .values(defaults.map((name, position) => ({ guild_id: guildId, name, position, created_at: now })))
    .onConflict((oc) => oc.doNothing())
    .execute();
  return read();
}

export async function addCategory(db: Executor, guildId: string, name: string, now: number, defaults: readonly string[]): Promise<boolean> {
  const existing = await listCategories(db, guildId, now, defaults);
  if (existing.some((c) => c.toLowerCase() === name.toLowerCase())) return false;
  await db.insertInto('feedback_categories').values({ guild_id: guildId, name, position: existing.length, created_at: now }).execute();
  return true;
}

export async function removeCategory(db: Executor, guildId: string, name: string): Promise<boolean> {
  const r = await db.deleteFrom('feedback_categories').where('guild_id', '=', guildId).where('name', '=', name).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
