// The rows a report reads. The rollup scan (the report's one big read) iterates a better-sqlite3
// statement when the raw handle is at hand: row objects from kysely cost ~3x at 90-day scale.
import type { Kysely } from 'kysely';
import { decode } from '../activity/hour-records.js';
import { HOUR, QUARTER, type QuarterRow } from '../activity/rollup.js';
import type { Database } from '../db/open.js';
import type { DB, Executor } from '../db/schema.js';
import type { FlagReactionRow, HourBlock, MemberEventRow, VoiceSessionRow } from './metrics.js';

/** A database handle a report can read from: the app's Database, or any kysely executor. */
export type ReportSource = Database | Executor;

export function executorOf(source: ReportSource): Executor {
  return 'sqlite' in source && 'db' in source ? (source as Database).db : (source as Kysely<DB>);
}

const rawOf = (source: ReportSource) => ('sqlite' in source && 'db' in source ? (source as Database).sqlite : undefined);

/** Whether anything at all is recorded for a guild (a member seen, a join or leave, a voice session, a feedback item). */
export async function hasActivity(db: Executor, guildId: string): Promise<boolean> {
  for (const table of ['activity_ids', 'activity_member_events', 'activity_voice_sessions', 'feedback_items'] as const) {
    const row = await db.selectFrom(table).select('guild_id').where('guild_id', '=', guildId).limit(1).executeTakeFirst();
    if (row) return true;
  }
  return false;
}

/** What the CLI says instead of printing a report of zeros. */
export function noActivityMessage(guildId: string, databasePath: string): string {
  return `No activity is recorded for server ${guildId} in ${databasePath}. Check --guild and DATABASE_URL; the bot records from the moment it joins (or load history with \`pulse replay FILE\`).`;
}

/** Per database handle and guild: rollup integer -> snowflake, grown incrementally. */
const idCache = new WeakMap<object, Map<string, string[]>>();

async function idsOf(db: Executor, guildId: string, raw?: Database['sqlite']): Promise<string[]> {
  let perGuild = idCache.get(db);
  if (!perGuild) idCache.set(db, (perGuild = new Map()));
  const ids = perGuild.get(guildId) ?? [];
  perGuild.set(guildId, ids);
  if (raw) {
    const rows = raw.prepare(`SELECT idx, id FROM activity_ids WHERE guild_id = ? AND idx >= ?`).raw().all(guildId, ids.length) as Array<[number, string]>;
    for (const [idx, id] of rows) ids[idx] = id;
    return ids;
  }
  const rows = await db.selectFrom('activity_ids').select(['id', 'idx']).where('guild_id', '=', guildId).where('idx', '>=', ids.length).execute();
  for (const r of rows) ids[r.idx] = r.id;
  return ids;
}

/**
 * The packed rollup hours of a guild in [startMs, endMs), and the ids their integers stand for.
 * With the raw handle the hours stream one blob at a time (read them once, synchronously).
 */
export async function hourBlocks(source: ReportSource, guildId: string, startMs: number, endMs: number): Promise<{ blocks: Iterable<HourBlock>; ids: string[] }> {
  const a = Math.floor(startMs / HOUR);
  const b = Math.ceil(endMs / HOUR);
  const db = executorOf(source);
  const raw = rawOf(source);
  const ids = await idsOf(db, guildId, raw);
  if (raw) {
    const statement = raw.prepare(`SELECT bucket, records FROM activity_hours WHERE guild_id = ? AND bucket >= ? AND bucket < ?`).raw();
    const blocks = {
      *[Symbol.iterator]() {
        for (const [bucket, records] of statement.iterate(guildId, a, b) as Iterable<[number, Buffer]>) yield { bucket, records: decode(records) };
      },
    };
    return { blocks, ids };
  }
  const rows = await db.selectFrom('activity_hours').select(['bucket', 'records']).where('guild_id', '=', guildId).where('bucket', '>=', a).where('bucket', '<', b).execute();
  return { blocks: rows.map((r) => ({ bucket: r.bucket, records: decode(r.records) })), ids };
}

export async function quarterRows(source: ReportSource, guildId: string, startMs: number, endMs: number): Promise<QuarterRow[]> {
  const raw = rawOf(source);
  if (raw) {
    const rows = raw
      .prepare(`SELECT bucket, messages, reactions, threads FROM activity_guild_quarters WHERE guild_id = ? AND bucket >= ? AND bucket < ?`)
      .raw()
      .all(guildId, Math.floor(startMs / QUARTER), Math.ceil(endMs / QUARTER)) as Array<[number, number, number, number]>;
    return rows.map(([bucket, messages, reactions, threads]) => ({ guildId, bucket, messages, reactions, threads }));
  }
  const rows = await executorOf(source)
    .selectFrom('activity_guild_quarters')
    .select(['bucket', 'messages', 'reactions', 'threads'])
    .where('guild_id', '=', guildId)
    .where('bucket', '>=', Math.floor(startMs / QUARTER))
    .where('bucket', '<', Math.ceil(endMs / QUARTER))
    .execute();
  return rows.map((r) => ({ guildId, ...r }));
}

/** Voice sessions overlapping [startMs, endMs) (open ones included). */
export async function voiceSessions(source: ReportSource, guildId: string, startMs: number, endMs: number): Promise<VoiceSessionRow[]> {
  const raw = rawOf(source);
  if (raw) {
    const rows = raw
      .prepare(`SELECT user_id, started_at, ended_at FROM activity_voice_sessions WHERE guild_id = ? AND started_at < ? AND (ended_at IS NULL OR ended_at > ?)`)
      .raw()
      .all(guildId, endMs, startMs) as Array<[string, number, number | null]>;
    return rows.map(([userId, startedAt, endedAt]) => ({ userId, startedAt, endedAt }));
  }
  const rows = await executorOf(source)
    .selectFrom('activity_voice_sessions')
    .select(['user_id', 'started_at', 'ended_at'])
    .where('guild_id', '=', guildId)
    .where('started_at', '<', endMs)
    .where((eb) => eb.or([eb('ended_at', 'is', null), eb('ended_at', '>', startMs)]))
    .execute();
  return rows.map((r) => ({ userId: r.user_id, startedAt: r.started_at, endedAt: r.ended_at }));
}

/** Every join and leave of a guild: first joins and membership need the whole history. */
export async function memberEvents(source: ReportSource, guildId: string): Promise<MemberEventRow[]> {
  const raw = rawOf(source);
  if (raw) {
    const rows = raw.prepare(`SELECT user_id, at, kind FROM activity_member_events WHERE guild_id = ?`).raw().all(guildId) as Array<[string, number, 'join' | 'leave']>;
    return rows.map(([userId, at, kind]) => ({ userId, at, kind }));
  }
  const rows = await executorOf(source).selectFrom('activity_member_events').select(['user_id', 'at', 'kind']).where('guild_id', '=', guildId).execute();
  return rows.map((r) => ({ userId: r.user_id, at: r.at, kind: r.kind }));
}

/** Reactions with the flag emoji before `beforeMs`, with the message's author when known. */
export async function flagReactions(source: ReportSource, guildId: string, emoji: string, beforeMs: number): Promise<FlagReactionRow[]> {
  const raw = rawOf(source);
  if (raw) {
    const rows = raw
      .prepare(`SELECT message_id, user_id, message_author_id, at FROM activity_reactions WHERE guild_id = ? AND emoji = ? AND at < ?`)
      .raw()
      .all(guildId, emoji, beforeMs) as Array<[string, string, string | null, number]>;
    // The gateway sends the author; look it up only where a payload lacked it.
    const missing = [...new Set(rows.filter((r) => r[2] === null).map((r) => r[0]))];
    const authors = new Map<string, string>();
    const lookup = raw.prepare(`SELECT user_id FROM activity_messages WHERE message_id = ?`).pluck();
    for (const id of missing) {
      const author = lookup.get(id) as string | undefined;
      if (author) authors.set(id, author);
    }
    return rows.map(([messageId, userId, authorId, at]) => ({ messageId, userId, authorId: authorId ?? authors.get(messageId) ?? null, at }));
  }
  const rows = await executorOf(source)
    .selectFrom('activity_reactions as r')
    .leftJoin('activity_messages as m', 'm.message_id', 'r.message_id')
    .select(['r.message_id', 'r.user_id', 'r.at', (eb) => eb.fn.coalesce('r.message_author_id', 'm.user_id').as('author_id')])
    .where('r.guild_id', '=', guildId)
    .where('r.emoji', '=', emoji)
    .where('r.at', '<', beforeMs)
    .execute();
  return rows.map((r) => ({ messageId: r.message_id, userId: r.user_id, authorId: r.author_id ?? null, at: r.at }));
}

export async function gapsOverlapping(db: Executor, startMs: number, endMs: number): Promise<Array<{ from: number; to: number }>> {
  const rows = await db
    .selectFrom('activity_gaps')
    .select(['started_at', 'ended_at'])
    .where('started_at', '<', endMs)
    .where('ended_at', '>', startMs)
    .orderBy('started_at')
    .execute();
  return rows.map((r) => ({ from: r.started_at, to: r.ended_at }));
}
