// Activity storage. The ingestion hot path (applyBatch) and opt-out use better-sqlite3 prepared
// statements directly (kysely prepares every statement anew: ~8x slower, see DESIGN.md);
// everything else is kysely, executor first.
import type BetterSqlite3 from 'better-sqlite3';
import type { Executor } from '../db/schema.js';
import { channelOf, type ActivityEvent } from './events.js';
import { BatchRollup, decode, encode, HourRecordSet, without } from './hour-records.js';
import { QUARTER } from './rollup.js';

export interface BatchOutcome {
  /** Events that changed what is stored. */
  stored: number;
  /** Events already stored (re-deliveries, replays) or that changed nothing. */
  duplicates: number;
  /** Events dropped by a guild's settings (ignored channels) or a member's opt-out. */
  ignored: number;
}

/** Parts an hour may hold before the writer merges them (readers fold every part). */
const COMPACT_AT = 16;

const optKey = (guildId: string, userId: string) => `${guildId}|${userId}`;

/** The prepared statements of the ingestion writer, and the in-memory opt-out set it checks. */
export class ActivityStore {
  private readonly optOuts = new Set<string>();
  /** Per guild: member and channel snowflakes -> their small integer in the rollups. */
  private readonly ids = new Map<string, Map<string, number>>();
  private lastIdsGuild = '';
  private lastIds: Map<string, number> | undefined;
  /** Guilds whose integers were re-read in the current batch. */
  private readonly idsCaughtUp = new Set<string>();
  private readonly s;

  constructor(readonly sqlite: BetterSqlite3.Database) {
    const p = (source: string) => sqlite.prepare(source);
    this.s = {
      message: p(`INSERT INTO activity_messages (message_id, guild_id, channel_id, user_id, at, reply_to_id, has_attachment, deleted_at)
                  VALUES (?, ?, ?, ?, ?, ?, ?, NULL) ON CONFLICT DO NOTHING`),
      messageDelete: p(`UPDATE activity_messages SET deleted_at = ? WHERE message_id = ? AND guild_id = ? AND deleted_at IS NULL`),
      reaction: p(`INSERT INTO activity_reactions (guild_id, emoji, message_id, user_id, at, channel_id, message_author_id, removed_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, NULL) ON CONFLICT DO NOTHING`),
      // The member's latest add of that emoji on that message before the removal.
      reactionRemove: p(`UPDATE activity_reactions SET removed_at = @at
                         WHERE guild_id = @guild AND emoji = @emoji AND message_id = @message AND user_id = @user AND at = (
                           SELECT max(at) FROM activity_reactions WHERE guild_id = @guild AND emoji = @emoji AND message_id = @message
                             AND user_id = @user AND removed_at IS NULL AND at <= @at)`),
      thread: p(`INSERT INTO activity_threads (thread_id, guild_id, parent_id, user_id, at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
      memberEvent: p(`INSERT INTO activity_member_events (guild_id, user_id, at, kind) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`),
      openSession: p(`SELECT started_at FROM activity_voice_sessions WHERE guild_id = ? AND user_id = ? AND ended_at IS NULL`).pluck(),
      // A re-delivered join or move inside a session already recorded (and maybe closed).
      coveringSession: p(`SELECT started_at FROM activity_voice_sessions WHERE guild_id = ? AND user_id = ? AND started_at <= ? AND ended_at > ?`).pluck(),
      startSession: p(`INSERT INTO activity_voice_sessions (guild_id, user_id, started_at, ended_at, channel_id) VALUES (?, ?, ?, NULL, ?) ON CONFLICT DO NOTHING`),
      endSession: p(`UPDATE activity_voice_sessions SET ended_at = ? WHERE guild_id = ? AND user_id = ? AND ended_at IS NULL AND started_at <= ?`),
      hourLastPart: p(`SELECT max(part) FROM activity_hours WHERE guild_id = ? AND bucket = ?`).pluck(),
      hourParts: p(`SELECT part, records FROM activity_hours WHERE guild_id = ? AND bucket = ? ORDER BY part`).raw(),
      hourDropParts: p(`DELETE FROM activity_hours WHERE guild_id = ? AND bucket = ?`),
      hourPut: p(`INSERT INTO activity_hours (guild_id, bucket, part, records) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET records = excluded.records`),
      idsFrom: p(`SELECT idx, id FROM activity_ids WHERE guild_id = ? AND idx >= ?`).raw(),
      idAdd: p(`INSERT INTO activity_ids (guild_id, idx, id) VALUES (?, ?, ?)`),
      quarter: p(`INSERT INTO activity_guild_quarters (guild_id, bucket, messages, reactions, threads) VALUES (?, ?, ?, ?, ?)
                  ON CONFLICT DO UPDATE SET messages = messages + excluded.messages, reactions = reactions + excluded.reactions,
                    threads = threads + excluded.threads`),
      ignored: p(`SELECT ignored_channel_ids FROM guild_settings WHERE guild_id = ?`).pluck(),
      optOuts: p(`SELECT guild_id, user_id FROM activity_opt_outs`),
    };
    for (const row of this.s.optOuts.all() as Array<{ guild_id: string; user_id: string }>) this.optOuts.add(optKey(row.guild_id, row.user_id));
  }

  /**
   * The rollup integer of a member or channel in a guild (assigned on first sight). Before the
   * first assignment of a batch, reads the integers other processes (a replay next to the bot)
   * added since: inside the write transaction, so no member gets two.
   */
  private idx(guildId: string, id: string): number {
    let map = guildId === this.lastIdsGuild ? this.lastIds : this.ids.get(guildId);
    if (!map) {
      this.ids.set(guildId, (map = new Map()));
      this.catchUpIds(guildId, map);
    }
    this.lastIdsGuild = guildId;
    this.lastIds = map;
    let n = map.get(id);
    if (n === undefined) {
      if (!this.idsCaughtUp.has(guildId)) {
        this.idsCaughtUp.add(guildId);
        this.catchUpIds(guildId, map);
        n = map.get(id);
      }
      if (n === undefined) {
        n = map.size;
        this.s.idAdd.run(guildId, n, id);
        map.set(id, n);
      }
    }
    return n;
  }

  private catchUpIds(guildId: string, map: Map<string, number>): void {
    for (const [n, sid] of this.s.idsFrom.all(guildId, map.size) as Array<[number, string]>) map.set(sid, n);
  }

  /**
   * Appends a batch's rollup increments to each guild-hour it touched as a new part (a write the
   * size of the batch, not of the hour); an hour with COMPACT_AT parts is merged into part 0.
   */
  private writeHours(rollup: BatchRollup): void {
    for (const g of rollup.hours.values()) {
      const last = this.s.hourLastPart.get(g.guildId, g.bucket) as number | null | undefined;
      const part = last === null || last === undefined ? 0 : last + 1;
      if (part < COMPACT_AT) {
        this.s.hourPut.run(g.guildId, g.bucket, part, encode(g.set.view()));
        continue;
      }
      let set: HourRecordSet | undefined;
      for (const [p, blob] of this.s.hourParts.iterate(g.guildId, g.bucket) as Iterable<[number, Buffer]>) {
        if (set) set.applyRecords(decode(blob));
        else set = p === 0 ? new HourRecordSet(decode(blob)) : new HourRecordSet(new Uint32Array(0)).applyRecords(decode(blob));
      }
      set = (set ?? new HourRecordSet(new Uint32Array(0))).applyRecords(g.set.view());
      this.s.hourDropParts.run(g.guildId, g.bucket);
      this.s.hourPut.run(g.guildId, g.bucket, 0, encode(set.view()));
    }
  }

  isOptedOut(guildId: string, userId: string): boolean {
    return this.optOuts.has(optKey(guildId, userId));
  }

  private ignoredChannels(guildId: string): Set<string> {
    const raw = this.s.ignored.get(guildId) as string | undefined;
    return new Set(raw ? (JSON.parse(raw) as string[]) : []);
  }

  /** Stores a batch in one transaction; rollups move only for rows that were new. */
  applyBatch(events: readonly ActivityEvent[]): BatchOutcome {
    const out: BatchOutcome = { stored: 0, duplicates: 0, ignored: 0 };
    this.idsCaughtUp.clear();
    const delta = new BatchRollup((guildId, id) => this.idx(guildId, id));
    const ignoredByGuild = new Map<string, Set<string>>();
    const s = this.s;
    const run = () => {
      for (const e of events) {
        let ignored = ignoredByGuild.get(e.guildId);
        if (!ignored) ignoredByGuild.set(e.guildId, (ignored = this.ignoredChannels(e.guildId)));
        const channel = channelOf(e);
        if ((channel && ignored.size && ignored.has(channel)) || (this.optOuts.size && 'userId' in e && this.optOuts.has(optKey(e.guildId, e.userId)))) {
          out.ignored++;
          continue;
        }
        let changed = 0;
        switch (e.kind) {
          case 'message':
            changed = s.message.run(e.messageId, e.guildId, e.channelId, e.userId, e.at, e.replyToId, e.hasAttachment ? 1 : 0).changes;
            if (changed) delta.add('message', e.guildId, e.userId, e.channelId, e.at);
            break;
          case 'message-delete':
            changed = s.messageDelete.run(e.at, e.messageId, e.guildId).changes;
            break;
          case 'reaction':
            changed = s.reaction.run(e.guildId, e.emoji, e.messageId, e.userId, e.at, e.channelId, e.messageAuthorId).changes;
            if (changed) delta.add('reaction', e.guildId, e.userId, e.channelId, e.at);
            break;
          case 'reaction-remove':
            changed = s.reactionRemove.run({ at: e.at, guild: e.guildId, emoji: e.emoji, message: e.messageId, user: e.userId }).changes;
            break;
          case 'thread':
            changed = s.thread.run(e.threadId, e.guildId, e.channelId, e.userId, e.at).changes;
            if (changed) delta.add('thread', e.guildId, e.userId, e.channelId, e.at);
            break;
          case 'join':
          case 'leave':
            changed = s.memberEvent.run(e.guildId, e.userId, e.at, e.kind).changes;
            break;
          case 'voice':
            if (e.channelId) {
              // A move between voice channels continues the open session.
              if (s.openSession.get(e.guildId, e.userId) === undefined && s.coveringSession.get(e.guildId, e.userId, e.at, e.at) === undefined) {
                changed = s.startSession.run(e.guildId, e.userId, e.at, e.channelId).changes;
              }
            } else {
              changed = s.endSession.run(e.at, e.guildId, e.userId, e.at).changes;
            }
            break;
        }
        if (changed) out.stored++;
        else out.duplicates++;
      }
      this.writeHours(delta);
      for (const q of delta.quarters.values()) s.quarter.run(q.guildId, q.bucket, q.messages, q.reactions, q.threads);
    };
    try {
      this.sqlite.transaction(run)();
    } catch (err) {
      // What the rolled-back transaction assigned or merged is gone: forget the cached state.
      this.ids.clear();
      this.lastIds = undefined;
      throw err;
    }
    return out;
  }

  /**
   * Stops recording a member in a guild and deletes their activity rows and rollups, in one
   * transaction. The guild's quarter counts lose their events too. Scans the raw tables: rare.
   */
  optOut(guildId: string, userId: string, now: number): void {
    const db = this.sqlite;
    db.transaction(() => {
      db.prepare(`INSERT INTO activity_opt_outs (guild_id, user_id, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`).run(guildId, userId, now);
      const dec = new Map<number, { m: number; r: number; t: number }>();
      const bump = (at: number, kind: 'm' | 'r' | 't') => {
        const b = Math.floor(at / QUARTER);
        const cur = dec.get(b) ?? { m: 0, r: 0, t: 0 };
        cur[kind]++;
        dec.set(b, cur);
      };
      for (const at of db.prepare(`SELECT at FROM activity_messages WHERE guild_id = ? AND user_id = ?`).pluck().iterate(guildId, userId) as Iterable<number>) bump(at, 'm');
      for (const at of db.prepare(`SELECT at FROM activity_reactions WHERE guild_id = ? AND user_id = ?`).pluck().iterate(guildId, userId) as Iterable<number>) bump(at, 'r');
      for (const at of db.prepare(`SELECT at FROM activity_threads WHERE guild_id = ? AND user_id = ?`).pluck().iterate(guildId, userId) as Iterable<number>) bump(at, 't');
      const update = db.prepare(`UPDATE activity_guild_quarters SET messages = messages - ?, reactions = reactions - ?, threads = threads - ? WHERE guild_id = ? AND bucket = ?`);
      for (const [b, d] of dec) update.run(d.m, d.r, d.t, guildId, b);
      for (const table of ['activity_messages', 'activity_reactions', 'activity_threads', 'activity_voice_sessions', 'activity_member_events']) {
        db.prepare(`DELETE FROM ${table} WHERE guild_id = ? AND user_id = ?`).run(guildId, userId);
      }
      // The member's records leave every hour of the guild.
      const member = db.prepare(`SELECT idx FROM activity_ids WHERE guild_id = ? AND id = ?`).pluck().get(guildId, userId) as number | undefined;
      if (member !== undefined) {
        const hours = db.prepare(`SELECT bucket, part, records FROM activity_hours WHERE guild_id = ?`).raw().all(guildId) as Array<[number, number, Buffer]>;
        const put = db.prepare(`UPDATE activity_hours SET records = ? WHERE guild_id = ? AND bucket = ? AND part = ?`);
        for (const [bucket, part, blob] of hours) {
          const records = decode(blob);
          const kept = without(records, member);
          if (kept.length !== records.length) put.run(encode(kept), guildId, bucket, part);
        }
      }
    })();
    this.optOuts.add(optKey(guildId, userId));
  }

  optIn(guildId: string, userId: string): boolean {
    const changes = this.sqlite.prepare(`DELETE FROM activity_opt_outs WHERE guild_id = ? AND user_id = ?`).run(guildId, userId).changes;
    this.optOuts.delete(optKey(guildId, userId));
    return changes > 0;
  }

  // --- restart truth -------------------------------------------------------------------------

  /**
   * Starts a listening record. The span since the previous run's last heartbeat is a gap, and
   * voice sessions that run left open end at that heartbeat (the last instant we know of).
   */
  beginListening(now: number): { id: number; gap: { from: number; to: number } | null } {
    const db = this.sqlite;
    return db.transaction(() => {
      const last = db.prepare(`SELECT max(heartbeat_at) FROM activity_listening`).pluck().get() as number | null;
      let gap: { from: number; to: number } | null = null;
      if (last !== null) {
        db.prepare(`UPDATE activity_voice_sessions SET ended_at = max(started_at, ?) WHERE ended_at IS NULL`).run(last);
        if (now > last) {
          gap = { from: last, to: now };
          db.prepare(`INSERT INTO activity_gaps (started_at, ended_at, reason) VALUES (?, ?, 'offline') ON CONFLICT DO NOTHING`).run(last, now);
        }
      }
      const id = Number(db.prepare(`INSERT INTO activity_listening (started_at, heartbeat_at) VALUES (?, ?)`).run(now, now).lastInsertRowid);
      return { id, gap };
    })();
  }

  heartbeat(id: number, now: number): void {
    this.sqlite.prepare(`UPDATE activity_listening SET heartbeat_at = max(heartbeat_at, ?) WHERE id = ?`).run(now, id);
  }

  recordGap(from: number, to: number, reason: string): void {
    if (to <= from) return;
    this.sqlite.prepare(`INSERT INTO activity_gaps (started_at, ended_at, reason) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`).run(from, to, reason);
  }
}

// --- privacy (kysely) --------------------------------------------------------------------------

export interface MemberDataCounts {
  messages: number;
  reactions: number;
  threads: number;
  voiceSessions: number;
  joinsAndLeaves: number;
}

export async function memberDataCounts(db: Executor, guildId: string, userId: string): Promise<MemberDataCounts> {
  const count = async (table: 'activity_messages' | 'activity_reactions' | 'activity_threads' | 'activity_voice_sessions' | 'activity_member_events') => {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('guild_id', '=', guildId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  };
  return {
    messages: await count('activity_messages'),
    reactions: await count('activity_reactions'),
    threads: await count('activity_threads'),
    voiceSessions: await count('activity_voice_sessions'),
    joinsAndLeaves: await count('activity_member_events'),
  };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Everything stored about one member in one guild, as a member would read it. */
export async function exportMemberData(db: Executor, guildId: string, userId: string) {
  const [messages, reactions, threads, voice, members, optOut] = await Promise.all([
    db.selectFrom('activity_messages').selectAll().where('guild_id', '=', guildId).where('user_id', '=', userId).orderBy('at').execute(),
    db.selectFrom('activity_reactions').selectAll().where('guild_id', '=', guildId).where('user_id', '=', userId).orderBy('at').execute(),
    db.selectFrom('activity_threads').selectAll().where('guild_id', '=', guildId).where('user_id', '=', userId).orderBy('at').execute(),
    db.selectFrom('activity_voice_sessions').selectAll().where('guild_id', '=', guildId).where('user_id', '=', userId).orderBy('started_at').execute(),
    db.selectFrom('activity_member_events').selectAll().where('guild_id', '=', guildId).where('user_id', '=', userId).orderBy('at').execute(),
    db.selectFrom('activity_opt_outs').select('at').where('guild_id', '=', guildId).where('user_id', '=', userId).executeTakeFirst(),
  ]);
  return {
    guild_id: guildId,
    user_id: userId,
    opted_out_at: optOut ? iso(optOut.at) : null,
    note: 'Pulse keeps metadata only: ids and instants. It never stores the text of your messages.',
    messages: messages.map((m) => ({ message_id: m.message_id, channel_id: m.channel_id, at: iso(m.at), reply_to_id: m.reply_to_id, has_attachment: m.has_attachment === 1, deleted_at: iso(m.deleted_at) })),
    reactions: reactions.map((r) => ({ message_id: r.message_id, channel_id: r.channel_id, emoji: r.emoji, at: iso(r.at), removed_at: iso(r.removed_at) })),
    threads: threads.map((t) => ({ thread_id: t.thread_id, parent_id: t.parent_id, at: iso(t.at) })),
    voice_sessions: voice.map((v) => ({ channel_id: v.channel_id, started_at: iso(v.started_at), ended_at: iso(v.ended_at) })),
    joins_and_leaves: members.map((m) => ({ kind: m.kind, at: iso(m.at) })),
  };
}

export async function isOptedOut(db: Executor, guildId: string, userId: string): Promise<boolean> {
  const row = await db.selectFrom('activity_opt_outs').select('user_id').where('guild_id', '=', guildId).where('user_id', '=', userId).executeTakeFirst();
  return row !== undefined;
}
