// A server Pulse was removed from (GUILD_DELETE without `unavailable`) is not listened to until it
// is added again (its next GUILD_CREATE), as a server in an outage is not: activity_guild_outages
// keeps either kind, with the reason the gap it becomes is recorded under ('unavailable' for an
// outage of Discord's, 'removed' for a removal). The rows already there are outages.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('activity_guild_outages').addColumn('reason', 'text', (c) => c.notNull().defaultTo('unavailable')).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // A removal still going on is forgotten (before this migration, a removal recorded nothing).
  await sql`DELETE FROM activity_guild_outages WHERE reason <> 'unavailable'`.execute(db);
  await db.schema.alterTable('activity_guild_outages').dropColumn('reason').execute();
}
