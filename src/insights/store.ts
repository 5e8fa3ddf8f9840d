// The rows a report reads, through better-sqlite3 statements on a read handle (the app's
// connection or a worker's read-only one): row objects from kysely cost ~3x at 90-day scale.
import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { decode, release } from '../activity/hour-records.js';
import { HOUR, QUARTER } from '../activity/rollup.js';
import type { DB, Executor } from '../db/schema.js';
import type { FlagReactionRow, HourBlock, MemberEventRow, QuarterCounts, VoiceSessionRow } from './metrics.js';

/** What a report reads from: the raw handle for the big scans, kysely for the small ones. */
export interface ReportSource {
  readonly sqlite: BetterSqlite3.Database;
  readonly db: Kysely<DB>;
}

export function executorOf(source: ReportSource): Executor {
  return source.db;
}

/**
 * Whether anything a report shows is recorded for a guild: a member seen (a message, reaction or
 * thread gives them a number), a join or leave, a voice session, a feedback item, a survey, a
 * flag case.
 */
export async function hasActivity(db: Executor, guildId: string): Promise<boolean> {
  for (const table of ['activity_ids', 'activity_member_events', 'activity_voice_sessions', 'feedback_items', 'surveys', 'flag_cases'] as const) {
    const row = await db.selectFrom(table).select('guild_id').where('guild_id', '=', guildId).limit(1).executeTakeFirst();
    if (row) return true;
  }
  return false;
}

/** What the CLI says instead of printing a report of zeros. */
export function noActivityMessage(guildId: string, databasePath: string): string {
  return `No activity is recorded for server ${guildId} in ${databasePath}. Check --guild and DATABASE_URL; the bot records from the moment it joins (or load history with \`pulse replay FILE\`).`;
}

/** The one line on stderr beside `report --json`'s report of zeros, so a mistyped id is noticed. */
export function noActivityWarning(guildId: string, databasePath: string): string {
  return `Warning: nothing is recorded for server ${guildId} in ${databasePath}: the report is all zeros. Check --guild and DATABASE_URL.`;
}

/**
 * Rollup integer -> snowflake of a guild (read whole: a report runs once per request). The
 * integers are dense from 0 (the writer hands them out in order), so one column in key order is
 * the array; a gap (never written so) falls back to placing each id at its integer.
 */
function idsOf(raw: BetterSqlite3.Database, guildId: string): string[] {
  const ids = raw.prepare(`SELECT id FROM activity_ids WHERE guild_id = ? ORDER BY idx`).pluck().all(guildId) as string[];
  const top = raw.prepare(`SELECT max(idx) FROM activity_ids WHERE guild_id = ?`).pluck().get(guildId) as number | null;
  if (top === null || top + 1 === ids.length) return ids;
  const sparse: string[] = [];
  for (const [idx, id] of raw.prepare(`SELECT idx, id FROM activity_ids WHERE guild_id = ?`).raw().iterate(guildId) as Iterable<[number, string]>) sparse[idx] = id;
  return sparse;
}

/**
 * The packed rollup hours of a guild in [startMs, endMs), and the ids their integers stand for.
 * The hours stream one blob at a time (read them once, synchronously); a block's records are
 * valid only until the next block is asked for (their memory is released then).
 */
export function hourBlocks(source: ReportSource, guildId: string, startMs: number, endMs: number): { blocks: Iterable<HourBlock>; ids: string[] } {
  const a = Math.floor(startMs / HOUR);
  const b = Math.ceil(endMs / HOUR);
  const raw = source.sqlite;
  const ids = idsOf(raw, guildId);
  const statement = raw.prepare(`SELECT bucket, records FROM activity_hours WHERE guild_id = ? AND bucket >= ? AND bucket < ?`).raw();
  const blocks = {
    *[Symbol.iterator]() {
      for (const [bucket, blob] of statement.iterate(guildId, a, b) as Iterable<[number, Buffer]>) {
        const records = decode(blob);
        yield { bucket, records };
        release(records);
        release(blob);
      }
    },
  };
  return { blocks, ids };
}

/**
 * The members of a guild who opted out (activity_opt_outs): reports never name them, also while
 * their opt-out's job has not deleted their rows yet.
 */
export function optedOutMembers(source: ReportSource, guildId: string): Set<string> {
  return new Set(source.sqlite.prepare(`SELECT user_id FROM activity_opt_outs WHERE guild_id = ?`).pluck().all(guildId) as string[]);
}

// The row shapes of the pure core come straight from better-sqlite3 (columns renamed to its keys):
// one object per row, no array to map over.

export function quarterRows(source: ReportSource, guildId: string, startMs: number, endMs: number): QuarterCounts[] {
  return source.sqlite
    .prepare(`SELECT bucket, messages, reactions, threads FROM activity_guild_quarters WHERE guild_id = ? AND bucket >= ? AND bucket < ?`)
    .all(guildId, Math.floor(startMs / QUARTER), Math.ceil(endMs / QUARTER)) as QuarterCounts[];
}

/** Voice sessions overlapping [startMs, endMs) (open ones included). */
export function voiceSessions(source: ReportSource, guildId: string, startMs: number, endMs: number): VoiceSessionRow[] {
  return source.sqlite
    .prepare(`SELECT user_id AS userId, started_at AS startedAt, ended_at AS endedAt FROM activity_voice_sessions WHERE guild_id = ? AND started_at < ? AND (ended_at IS NULL OR ended_at > ?)`)
    .all(guildId, endMs, startMs) as VoiceSessionRow[];
}

/** Every join and leave of a guild: first joins and membership need the whole history. */
export function memberEvents(source: ReportSource, guildId: string): MemberEventRow[] {
  return source.sqlite.prepare(`SELECT user_id AS userId, at, kind FROM activity_member_events WHERE guild_id = ?`).all(guildId) as MemberEventRow[];
}

/** Reactions with the flag emoji before `beforeMs`, with the message's author when known. */
export function flagReactions(source: ReportSource, guildId: string, emoji: string, beforeMs: number): FlagReactionRow[] {
  const raw = source.sqlite;
  const rows = raw
    .prepare(`SELECT message_id AS messageId, user_id AS userId, message_author_id AS authorId, at FROM activity_reactions WHERE guild_id = ? AND emoji = ? AND at < ?`)
    .all(guildId, emoji, beforeMs) as FlagReactionRow[];
  // The gateway sends the author; look it up only where a payload lacked it, or it was a bot's or
  // a webhook's (the writer stores none then; their messages are not stored either, so the flag
  // is dropped). An opted-out author is `~` (OPTED_OUT_AUTHOR): a member, named by nobody's id.
  const lookup = raw.prepare(`SELECT user_id FROM activity_messages WHERE message_id = ?`).pluck();
  // A bot or webhook Pulse learned of only after these reactions were stored (its first message
  // came later): no member's message either (a few rows, read whole).
  const nonMembers = new Set(raw.prepare(`SELECT user_id FROM activity_non_members`).pluck().all() as string[]);
  const authors = new Map<string, string | null>();
  for (const row of rows) {
    if (row.authorId !== null) {
      if (nonMembers.size !== 0 && nonMembers.has(row.authorId)) row.authorId = null;
      continue;
    }
    let author = authors.get(row.messageId);
    if (author === undefined) authors.set(row.messageId, (author = (lookup.get(row.messageId) as string | undefined) ?? null));
    row.authorId = author;
  }
  return rows;
}

/**
 * Gaps in the recording of a server: the bot's own ('' : every server), and the server's own (an
 * outage of Discord's, the bot removed from it until it was added again). One of the server's
 * still going on at `asOf` (activity_guild_outages: its next GUILD_CREATE has not come) runs up
 * to `asOf`.
 */
export async function gapsOverlapping(db: Executor, guildId: string, startMs: number, endMs: number, asOf: number): Promise<Array<{ from: number; to: number }>> {
  const [rows, open] = await Promise.all([
    db
      .selectFrom('activity_gaps')
      .select(['started_at', 'ended_at'])
      .where('guild_id', 'in', ['', guildId])
      .where('started_at', '<', endMs)
      .where('ended_at', '>', startMs)
      .orderBy('started_at')
      .execute(),
    db.selectFrom('activity_guild_outages').select('started_at').where('guild_id', '=', guildId).executeTakeFirst(),
  ]);
  const gaps = rows.map((r) => ({ from: r.started_at, to: r.ended_at }));
  if (open && open.started_at < Math.min(endMs, asOf) && asOf > startMs) {
    gaps.push({ from: open.started_at, to: asOf });
    gaps.sort((a, b) => a.from - b.from);
  }
  return gaps;
}
