// digests tables (filled in by that slice).
import type { Kysely } from 'kysely';

export async function up(_db: Kysely<unknown>): Promise<void> {}
