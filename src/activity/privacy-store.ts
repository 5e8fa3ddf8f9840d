// The activity slice's privacy entries: what its tables keep about a member, what export gives
// and what opt-out does (see src/privacy/registry.ts). Raw statements: these run on a worker's
// read-only handle (scans, export) and in short write steps (apply).
import type { Executor } from '../db/schema.js';
import { ANONYMOUS_AUTHOR } from '../feedback/feedback.js';
import { countWith, iso, type PrivacyEntry, type Raw } from '../privacy/registry.js';
import { decode, encode, release, without } from './hour-records.js';
import { QUARTER } from './rollup.js';
import { memberIdx, memberTotal, memberTotals, memberTotalsOn, MemberTally, type TotalColumn } from './totals-store.js';

type Kind = 'messages' | 'reactions' | 'threads';

/** The guild's quarter counts lose a deleted event (it was counted when it was stored). */
function uncounter(write: Raw, guildId: string, kind: Kind): (at: number) => void {
  const statement = write.prepare(`UPDATE activity_guild_quarters SET ${kind} = max(0, ${kind} - 1) WHERE guild_id = ? AND bucket = ?`);
  return (at) => void statement.run(guildId, Math.floor(at / QUARTER));
}

/** A count the writer keeps per member (activity_member_totals and its log): no scan of the raw table. */
const counted = (column: TotalColumn) => (read: Raw, guildId: string, userId: string) => memberTotal(read, guildId, userId, column);

/**
 * Members' totals lose the rows a step deletes (or anonymises): the step logs them as negative
 * increments, which the background fold adds in like the writer's (a step never folds the log).
 */
function countingDown(write: Raw, guildId: string, step: (down: (userId: string, column: TotalColumn) => void) => void): void {
  const tally = new MemberTally();
  step((userId, column) => tally.add(guildId, userId, column, -1));
  memberTotalsOn(write).append(tally);
}

function* rows(read: Raw, sql: string, ...params: unknown[]): Iterable<unknown[]> {
  yield* read.prepare(sql).raw().iterate(...params) as Iterable<unknown[]>;
}

const messages: PrivacyEntry = {
  name: 'activity_messages',
  table: 'activity_messages',
  columns: ['user_id'],
  label: 'privacy.entry.messages',
  fate: 'deleted',
  count: counted('messages'),
  *exportRows(read, guildId, userId) {
    const s = read.prepare(`SELECT message_id, channel_id, at, reply_to_id, has_attachment, deleted_at FROM activity_messages WHERE guild_id = ? AND user_id = ? ORDER BY at`);
    for (const m of s.iterate(guildId, userId) as Iterable<{ message_id: string; channel_id: string; at: number; reply_to_id: string | null; has_attachment: number; deleted_at: number | null }>) {
      yield { message_id: m.message_id, channel_id: m.channel_id, at: iso(m.at), reply_to_id: m.reply_to_id, has_attachment: m.has_attachment === 1, deleted_at: iso(m.deleted_at) };
    }
  },
  scan: (read, guildId, userId) => rows(read, `SELECT message_id FROM activity_messages WHERE guild_id = ? AND user_id = ?`, guildId, userId),
  apply(write, guildId, userId, keys) {
    const del = write.prepare(`DELETE FROM activity_messages WHERE message_id = ? AND guild_id = ? AND user_id = ? RETURNING at`).pluck();
    const uncount = uncounter(write, guildId, 'messages');
    countingDown(write, guildId, (down) => {
      for (const [id] of keys) {
        const at = del.get(id, guildId, userId) as number | undefined;
        if (at === undefined) continue;
        uncount(at);
        down(userId, 'messages');
      }
    });
  },
};

const reactions: PrivacyEntry = {
  name: 'activity_reactions',
  table: 'activity_reactions',
  columns: ['user_id'],
  label: 'privacy.entry.reactions',
  fate: 'deleted',
  count: counted('reactions'),
  *exportRows(read, guildId, userId) {
    const s = read.prepare(`SELECT message_id, channel_id, emoji, at, removed_at FROM activity_reactions WHERE guild_id = ? AND user_id = ? ORDER BY at`);
    for (const r of s.iterate(guildId, userId) as Iterable<{ message_id: string; channel_id: string; emoji: string; at: number; removed_at: number | null }>) {
      yield { message_id: r.message_id, channel_id: r.channel_id, emoji: r.emoji, at: iso(r.at), removed_at: iso(r.removed_at) };
    }
  },
  scan: (read, guildId, userId) => rows(read, `SELECT emoji, message_id, at FROM activity_reactions WHERE guild_id = ? AND user_id = ?`, guildId, userId),
  apply(write, guildId, userId, keys) {
    const del = write.prepare(`DELETE FROM activity_reactions WHERE guild_id = ? AND emoji = ? AND message_id = ? AND user_id = ? AND at = ? RETURNING message_author_id`).pluck();
    const uncount = uncounter(write, guildId, 'reactions');
    countingDown(write, guildId, (down) => {
      for (const [emoji, messageId, at] of keys) {
        const author = del.get(guildId, emoji, messageId, userId, at) as string | null | undefined;
        if (author === undefined) continue;
        uncount(at as number);
        down(userId, 'reactions');
        // (An opted-out author's placeholder received nothing.)
        if (author !== null && author !== ANONYMOUS_AUTHOR) down(author, 'reactions_received');
      }
    });
  },
};

const reactionsReceived: PrivacyEntry = {
  name: 'activity_reactions.message_author_id',
  table: 'activity_reactions',
  columns: ['message_author_id'],
  label: 'privacy.entry.reactionsToYou',
  fate: 'anonymised',
  why: "the reaction is the other member's (a flag still counts); the author column is replaced by a placeholder (`~`), which no figure counts as a member",
  count: counted('reactions_received'),
  *exportRows(read, guildId, userId) {
    const s = read.prepare(`SELECT message_id, emoji, at FROM activity_reactions WHERE guild_id = ? AND message_author_id = ? ORDER BY at`);
    for (const r of s.iterate(guildId, userId) as Iterable<{ message_id: string; emoji: string; at: number }>) yield { message_id: r.message_id, emoji: r.emoji, at: iso(r.at) };
  },
  scan: (read, guildId, userId) => rows(read, `SELECT emoji, message_id, user_id, at FROM activity_reactions WHERE guild_id = ? AND message_author_id = ?`, guildId, userId),
  apply(write, guildId, userId, keys) {
    // The placeholder, not NULL ("author unknown", which the reports then look up and drop): the
    // flags other members raised on the message keep counting (the store writes the same for a
    // reaction that comes after the opt-out).
    const clear = write.prepare(`UPDATE activity_reactions SET message_author_id = ? WHERE guild_id = ? AND emoji = ? AND message_id = ? AND user_id = ? AND at = ? AND message_author_id = ?`);
    countingDown(write, guildId, (down) => {
      for (const [emoji, messageId, reactor, at] of keys) if (clear.run(ANONYMOUS_AUTHOR, guildId, emoji, messageId, reactor, at, userId).changes) down(userId, 'reactions_received');
    });
  },
};

const threads: PrivacyEntry = {
  name: 'activity_threads',
  table: 'activity_threads',
  columns: ['user_id'],
  label: 'privacy.entry.threads',
  fate: 'deleted',
  count: countWith(`SELECT count(*) FROM activity_threads WHERE guild_id = ? AND user_id = ?`),
  *exportRows(read, guildId, userId) {
    const s = read.prepare(`SELECT thread_id, parent_id, at FROM activity_threads WHERE guild_id = ? AND user_id = ? ORDER BY at`);
    for (const t of s.iterate(guildId, userId) as Iterable<{ thread_id: string; parent_id: string; at: number }>) yield { thread_id: t.thread_id, parent_id: t.parent_id, at: iso(t.at) };
  },
  scan: (read, guildId, userId) => rows(read, `SELECT thread_id FROM activity_threads WHERE guild_id = ? AND user_id = ?`, guildId, userId),
  apply(write, guildId, userId, keys) {
    const del = write.prepare(`DELETE FROM activity_threads WHERE thread_id = ? AND guild_id = ? AND user_id = ? RETURNING at`).pluck();
    const uncount = uncounter(write, guildId, 'threads');
    for (const [id] of keys) {
      const at = del.get(id, guildId, userId) as number | undefined;
      if (at !== undefined) uncount(at);
    }
  },
};

const voice: PrivacyEntry = {
  name: 'activity_voice_sessions',
  table: 'activity_voice_sessions',
  columns: ['user_id'],
  label: 'privacy.entry.voice',
  fate: 'deleted',
  count: countWith(`SELECT count(*) FROM activity_voice_sessions WHERE guild_id = ? AND user_id = ?`),
  *exportRows(read, guildId, userId) {
    const s = read.prepare(`SELECT channel_id, started_at, ended_at FROM activity_voice_sessions WHERE guild_id = ? AND user_id = ? ORDER BY started_at`);
    for (const v of s.iterate(guildId, userId) as Iterable<{ channel_id: string; started_at: number; ended_at: number | null }>) {
      yield { channel_id: v.channel_id, started_at: iso(v.started_at), ended_at: iso(v.ended_at) };
    }
  },
  scan: (read, guildId, userId) => rows(read, `SELECT started_at FROM activity_voice_sessions WHERE guild_id = ? AND user_id = ?`, guildId, userId),
  apply(write, guildId, userId, keys) {
    const del = write.prepare(`DELETE FROM activity_voice_sessions WHERE guild_id = ? AND user_id = ? AND started_at = ?`);
    for (const [at] of keys) del.run(guildId, userId, at);
  },
};

const memberEvents: PrivacyEntry = {
  name: 'activity_member_events',
  table: 'activity_member_events',
  columns: ['user_id'],
  label: 'privacy.entry.memberEvents',
  fate: 'deleted',
  count: countWith(`SELECT count(*) FROM activity_member_events WHERE guild_id = ? AND user_id = ?`),
  *exportRows(read, guildId, userId) {
    const s = read.prepare(`SELECT kind, at FROM activity_member_events WHERE guild_id = ? AND user_id = ? ORDER BY at`);
    for (const m of s.iterate(guildId, userId) as Iterable<{ kind: string; at: number }>) yield { kind: m.kind, at: iso(m.at) };
  },
  scan: (read, guildId, userId) => rows(read, `SELECT at, kind FROM activity_member_events WHERE guild_id = ? AND user_id = ?`, guildId, userId),
  apply(write, guildId, userId, keys) {
    const del = write.prepare(`DELETE FROM activity_member_events WHERE guild_id = ? AND user_id = ? AND at = ? AND kind = ?`);
    for (const [at, kind] of keys) del.run(guildId, userId, at, kind);
  },
};

const hours: PrivacyEntry = {
  name: 'activity_hours',
  table: 'activity_hours',
  columns: [],
  label: 'privacy.entry.hours',
  fate: 'deleted',
  why: 'records are keyed by a small number that stands for you in activity_ids',
  summary: true,
  count(read, guildId, userId) {
    const member = memberIdx(read, guildId, userId);
    if (member === undefined) return 0;
    let n = 0;
    for (const blob of read.prepare(`SELECT records FROM activity_hours WHERE guild_id = ?`).pluck().iterate(guildId) as Iterable<Buffer>) {
      const r = decode(blob);
      for (let i = 0; i < r.length; i += 6) if (r[i] === member) n++;
      release(blob);
    }
    return n;
  },
  *exportRows() {
    // The hourly records are a summary of the rows above: exported through them.
  },
  // Each part holding the member (a merged busy hour is in pieces, the member's records in one).
  *scan(read, guildId, userId) {
    const member = memberIdx(read, guildId, userId);
    if (member === undefined) return;
    for (const [bucket, part, blob] of read.prepare(`SELECT bucket, part, records FROM activity_hours WHERE guild_id = ?`).raw().iterate(guildId) as Iterable<[number, number, Buffer]>) {
      const r = decode(blob);
      let found = false;
      for (let i = 0; i < r.length && !found; i += 6) found = r[i] === member;
      const bytes = blob.byteLength;
      // Every hour of the server passes through here: free each blob at once (see release).
      release(blob);
      if (found) yield [bucket, member, part, bytes];
    }
  },
  // Rewrites the part the scan found if it is still as the scan saw it (a part's number is never
  // reused with other records: src/activity/store.ts). Otherwise the hour was merged since: all
  // of its parts are read again.
  apply(write, guildId, _userId, keys) {
    // The scan found the member's number (the id map has no index by member: no scan per step).
    const member = keys[0]?.[1] as number | undefined;
    if (member === undefined) return;
    const one = write.prepare(`SELECT records FROM activity_hours WHERE guild_id = ? AND bucket = ? AND part = ?`).pluck();
    const all = write.prepare(`SELECT part, records FROM activity_hours WHERE guild_id = ? AND bucket = ?`).raw();
    const put = write.prepare(`UPDATE activity_hours SET records = ? WHERE guild_id = ? AND bucket = ? AND part = ?`);
    // Each blob read and each rewrite freed at once, SQLite having its copy (see release): a
    // member of a busy server is in ~100 pieces of up to ~128 KB, read and rewritten step by step.
    const rewrite = (bucket: number, part: number, blob: Buffer) => {
      const records = decode(blob);
      const kept = without(records, member);
      if (kept.length !== records.length) {
        put.run(encode(kept), guildId, bucket, part);
        release(kept);
      }
      release(blob);
    };
    const reread = new Set<number>(); // hours whose every part this step already rewrote
    for (const [bucket, , part, bytes] of keys as Array<[number, number, number, number]>) {
      if (reread.has(bucket)) continue;
      const blob = one.get(guildId, bucket, part) as Buffer | undefined;
      if (blob?.byteLength === bytes) rewrite(bucket, part, blob);
      else {
        for (const [other, parts] of all.all(guildId, bucket) as Array<[number, Buffer]>) rewrite(bucket, other, parts);
        reread.add(bucket);
      }
    }
  },
  // A part is at most a ~128 KB piece or a write batch's share of an hour: two per step.
  stepSize: 2,
};

const totalsEntry: PrivacyEntry = {
  name: 'activity_member_totals',
  table: 'activity_member_totals',
  // (By number: a row holds the totals of 64 members, each at their number's place.)
  columns: [],
  label: 'privacy.entry.counts',
  fate: 'deleted',
  count: (read, guildId, userId) => (memberTotals(read, guildId, userId).some((n) => n !== 0) ? 1 : 0),
  *exportRows(read, guildId, userId) {
    const [messages, reactions, received] = memberTotals(read, guildId, userId);
    if (messages || reactions || received) yield { messages, reactions, reactions_received: received };
  },
  // After the rows it counts: one step takes the member out of the logs and zeroes their counts.
  // The scan reads the member's number (a scan of the guild's numbers: off the gateway's thread).
  *scan(read, guildId, userId) {
    yield [userId, memberIdx(read, guildId, userId) ?? null];
  },
  apply(write, guildId, userId, keys) {
    const idx = keys[0]?.[1];
    memberTotalsOn(write).forget(guildId, userId, typeof idx === 'number' ? idx : null);
  },
};

/** Last among the activity entries: the hours step finds the member by this number. */
const ids: PrivacyEntry = {
  name: 'activity_ids',
  table: 'activity_ids',
  columns: ['id'],
  label: 'privacy.entry.idNumber',
  fate: 'anonymised',
  why: 'the number stays reserved (never reused for someone else) under a placeholder',
  count: countWith(`SELECT count(*) FROM activity_ids WHERE guild_id = ? AND id = ?`),
  *exportRows(read, guildId, userId) {
    const idx = memberIdx(read, guildId, userId);
    if (idx !== undefined) yield { number: idx };
  },
  scan: (read, guildId, userId) => rows(read, `SELECT idx FROM activity_ids WHERE guild_id = ? AND id = ?`, guildId, userId),
  apply(write, guildId, userId, keys) {
    const rename = write.prepare(`UPDATE activity_ids SET id = '~' || idx WHERE guild_id = ? AND idx = ? AND id = ?`);
    for (const [idx] of keys) rename.run(guildId, idx, userId);
  },
};

const optOuts: PrivacyEntry = {
  name: 'activity_opt_outs',
  table: 'activity_opt_outs',
  columns: ['user_id'],
  label: 'privacy.entry.optOut',
  fate: 'kept',
  why: 'Pulse needs it to keep not recording you; `/privacy opt-in` deletes it',
  count: countWith(`SELECT count(*) FROM activity_opt_outs WHERE guild_id = ? AND user_id = ?`),
  *exportRows(read, guildId, userId) {
    const at = read.prepare(`SELECT at FROM activity_opt_outs WHERE guild_id = ? AND user_id = ?`).pluck().get(guildId, userId) as number | undefined;
    if (at !== undefined) yield { opted_out_at: iso(at) };
  },
};

export const activityPrivacy: readonly PrivacyEntry[] = [messages, reactions, reactionsReceived, threads, voice, memberEvents, totalsEntry, hours, ids, optOuts];

/** Records an opt-out (kept while it lasts: ingestion checks it on every start). */
export async function recordOptOut(db: Executor, guildId: string, userId: string, now: number): Promise<void> {
  await db.insertInto('activity_opt_outs').values({ guild_id: guildId, user_id: userId, at: now }).onConflict((oc) => oc.doNothing()).execute();
}

export async function removeOptOut(db: Executor, guildId: string, userId: string): Promise<boolean> {
  const result = await db.deleteFrom('activity_opt_outs').where('guild_id', '=', guildId).where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function isOptedOut(db: Executor, guildId: string, userId: string): Promise<boolean> {
  const row = await db.selectFrom('activity_opt_outs').select('user_id').where('guild_id', '=', guildId).where('user_id', '=', userId).executeTakeFirst();
  return row !== undefined;
}
