// The privacy registry: each slice adds the entries of its tables (in its own privacy-store.ts),
// and show, export and opt-out run them all. Reads run in a worker; opt-out writes on the main
// thread in short steps.
import type { Database } from '../db/open.js';
import type { PrivacyEntryInfo } from './privacy.js';

export type Raw = Database['sqlite'];

export interface PrivacyEntry extends PrivacyEntryInfo {
  /** How many rows name the member (for /privacy show). */
  count(read: Raw, guildId: string, userId: string): number;
  /** The rows as the member may read them (never other members' ids), streamed. */
  exportRows(read: Raw, guildId: string, userId: string): Iterable<Record<string, unknown>>;
  /** Opt-out, step 1 (in a worker, read-only): the keys of the rows to change. */
  scan?(read: Raw, guildId: string, userId: string): Iterable<unknown[]>;
  /** Opt-out, step 2 (main thread, one short transaction): changes the rows of these keys. */
  apply?(write: Raw, guildId: string, userId: string, keys: readonly unknown[][]): void;
  /** Keys per write step (default 500): keeps each transaction to a few ms. */
  readonly stepSize?: number;
}

export const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

/** Counts rows with one statement whose parameters are `@guild` and `@user`, or two `?` (guild, then member). */
export const countWith = (sql: string) => (read: Raw, guildId: string, userId: string) =>
  (sql.includes('@') ? read.prepare(sql).pluck().get({ guild: guildId, user: userId }) : read.prepare(sql).pluck().get(guildId, userId)) as number;

/** A `scan` with one statement whose two `?` are the guild, then the member: its rows are the keys. */
export const scanWith = (sql: string) => (read: Raw, guildId: string, userId: string) => read.prepare(sql).raw().iterate(guildId, userId) as Iterable<unknown[]>;

/**
 * An `apply` that runs `sql` once per scanned row (a DELETE or an UPDATE that clears the member):
 * its `?` are the row's single key first, then the member's id.
 */
export const eachKey = (sql: string): PrivacyEntry['apply'] => (write, _guildId, userId, keys) => {
  const statement = write.prepare(sql);
  for (const [key] of keys) statement.run(key, userId);
};
