// Digest schedules the bot paused itself: their channel is gone or closed to the bot, so every run
// would fail the same way (before, each period was built and refused again, with staff never told).
// Kept: why (a catalogue Text as JSON, so each reader sees it in their own language), when, and
// when staff were told (claimed before telling: once).
import type { Kysely } from 'kysely';

const COLUMNS = ['paused_reason', 'paused_at', 'pause_told_at'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('digest_schedules').addColumn('paused_reason', 'text').execute();
  for (const column of COLUMNS.slice(1)) await db.schema.alterTable('digest_schedules').addColumn(column, 'integer').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const column of [...COLUMNS].reverse()) await db.schema.alterTable('digest_schedules').dropColumn(column).execute();
}
