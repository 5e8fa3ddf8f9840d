// Activity storage. The ingestion hot path (applyBatch) and opt-out use better-sqlite3 prepared
// statements directly (kysely prepares every statement anew: ~8x slower, see DESIGN.md);
// everything else is kysely, executor first.
import type BetterSqlite3 from 'better-sqlite3';
import { withLockWait, WriteGate } from '../db/exclusive.js';
import { KNOWN_MIGRATION } from '../db/open.js';
import { ANONYMOUS_AUTHOR } from '../feedback/feedback.js';
import { channelOf, type ActivityEvent } from './events.js';
import type { MergedHour } from './hour-merge-store.js';
import { BatchRollup, decode, encode, excessParts, mergeParts, splitByMember } from './hour-records.js';
import { SnowflakeMap } from './snowflake-map.js';
import { BatchCounts, MemberTotals } from './totals-store.js';

export interface BatchOutcome {
  /** Events that changed what is stored. */
  stored: number;
  /** Events already stored (re-deliveries, replays) or that changed nothing. */
  duplicates: number;
  /** Events dropped by a guild's settings (ignored channels) or a member's opt-out. */
  ignored: number;
}

/**
 * Parts an hour may gain (beyond its merged pieces) before the writer merges them itself, in its
 * flush (readers fold every part, in any order). The bot's worker pool merges them first
 * (compaction.ts): it sets a higher mark. A merge is stored as pieces of at most ~128 KB, split
 * by member (hour-records.ts splitByMember). A part's number is never reused within its hour:
 * merged pieces get new numbers, so a part with the same number and length as before is the same
 * part (an opt-out step, the one rewrite in place, always makes it shorter).
 */
const MERGE_AT = 16;

const optKey = (guildId: string, userId: string) => `${guildId}|${userId}`;

/**
 * The message author stored in a reaction to an opted-out member's message: the reaction is the
 * reactor's (a flag still counts), the author is nobody's id. The placeholder feedback items use
 * (`~`, which sorts after every snowflake); no figure or list counts it as a member.
 */
export const OPTED_OUT_AUTHOR = ANONYMOUS_AUTHOR;

/** The bots and webhooks stored so far (activity_non_members: a few rows), for the ingestion paths to start from. */
export function knownNonMembers(sqlite: BetterSqlite3.Database): string[] {
  return sqlite.prepare(`SELECT user_id FROM activity_non_members`).pluck().all() as string[];
}

/**
 * A guild's ignored channels, and what has been decided for each channel seen while they were
 * (ignored itself, or a thread of an ignored channel): one map lookup per event, the thread's
 * parent looked up once per channel. Kept while the setting does not change.
 */
interface IgnoreScope {
  key: string;
  ignored: ReadonlySet<string>;
  verdicts: Map<string, boolean>;
}
const NOTHING_IGNORED: IgnoreScope = { key: '', ignored: new Set(), verdicts: new Map() };
/**
 * Verdicts kept per guild, and threads' parents kept in all, before they are forgotten: a bound on
 * memory (a forgotten verdict is decided again as its channel comes; a forgotten parent is found
 * again in activity_threads, or live in discord.js's cache).
 */
const MAX_REMEMBERED = 100_000;

export interface ActivityStoreOptions {
  /** The connection's write gate (the app's Database.gate); a private one for a lone handle. */
  gate?: WriteGate;
  /** A guild's ignored channels, from the settings slice (read once per batch and guild). */
  ignoredChannels?: (guildId: string) => readonly string[];
  /**
   * A thread's parent channel from elsewhere (the live bot: discord.js's channel cache), for a
   * thread Pulse neither saw created nor listed (an old thread unarchived). Asked once per channel
   * while the guild ignores channels.
   */
  threadParent?: (threadId: string) => string | null | undefined;
  /** Parts beyond its pieces an hour may gain before a flush merges it on this thread (default MERGE_AT). */
  mergeAt?: number;
}

/** A guild-hour stored in more parts than merging them would leave (see excessParts). */
export interface PartedHour {
  guildId: string;
  bucket: number;
  parts: number;
  /** The parts' total and biggest length in bytes. */
  bytes: number;
  biggest: number;
}

/** The prepared statements of the ingestion writer, and the in-memory opt-out set it checks. */
export class ActivityStore {
  private readonly optOuts = new Set<string>();
  /** Per guild: member and channel snowflakes -> their small integer in the rollups. */
  private readonly ids = new Map<string, SnowflakeMap>();
  private lastIdsGuild = '';
  private lastIds: SnowflakeMap | undefined;
  /** Guilds whose integers were re-read in the current batch. */
  private readonly idsCaughtUp = new Set<string>();
  private readonly s;
  /**
   * The guild-hours in more parts than merging them would leave, for compaction: read once (a
   * scan of the hours table), then kept as this writer appends and merges. Parts another process
   * appends (a replay next to the bot) are found at the next start.
   */
  private parted: Map<string, PartedHour> | undefined;
  /** Per-member totals: the batch's increments are logged, a background step folds them. */
  readonly totals: MemberTotals;
  /** The batch's per-member increments, by rollup integer (reused from batch to batch). */
  private readonly counts = new BatchCounts();
  readonly gate: WriteGate;
  private readonly ignoredOf: (guildId: string) => readonly string[];
  private readonly threadParentOf: (threadId: string) => string | null | undefined;
  /** Per guild that ignores channels: see IgnoreScope. */
  private readonly scopes = new Map<string, IgnoreScope>();
  /**
   * Parents of threads not in activity_threads (not counted: a bot's, not new, or dropped at the
   * door), learned from thread-parent and thread events. Threads counted are found in the table.
   */
  private readonly parents = new Map<string, string>();
  private readonly mergeAt: number;
  /** The rollup integer lookup a batch's rollup calls (made once). */
  private readonly idxOf = (guildId: string, id: string) => this.idx(guildId, id);
  /**
   * A batch's transaction (made once: see storeEvents), and whether the current one has begun (a
   * failure before it began changed nothing).
   */
  private readonly batchTransaction;
  private began = false;

  constructor(
    readonly sqlite: BetterSqlite3.Database,
    options: ActivityStoreOptions = {},
  ) {
    this.gate = options.gate ?? new WriteGate();
    this.ignoredOf = options.ignoredChannels ?? (() => []);
    this.threadParentOf = options.threadParent ?? (() => undefined);
    this.mergeAt = options.mergeAt ?? MERGE_AT;
    this.totals = new MemberTotals(sqlite, (guildId, id) => this.knownIdx(guildId, id));
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
      // Every reaction still on a message with that emoji, or (reactionsClearAll) with any emoji: the
      // key leads with (guild, emoji, message), and there is no index by message alone, so the
      // guild's emoji are walked one index seek each (a few hundred), never its reactions.
      reactionsClear: p(`UPDATE activity_reactions SET removed_at = @at
                         WHERE guild_id = @guild AND emoji = @emoji AND message_id = @message AND removed_at IS NULL AND at <= @at`),
      reactionsClearAll: p(`WITH RECURSIVE e(emoji) AS (
                              SELECT min(emoji) FROM activity_reactions WHERE guild_id = @guild
                              UNION ALL
                              SELECT (SELECT min(emoji) FROM activity_reactions WHERE guild_id = @guild AND emoji > e.emoji) FROM e WHERE e.emoji IS NOT NULL)
                            UPDATE activity_reactions SET removed_at = @at
                            WHERE guild_id = @guild AND emoji IN (SELECT emoji FROM e WHERE emoji IS NOT NULL) AND message_id = @message
                              AND removed_at IS NULL AND at <= @at`),
      thread: p(`INSERT INTO activity_threads (thread_id, guild_id, parent_id, user_id, at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
      memberEvent: p(`INSERT INTO activity_member_events (guild_id, user_id, at, kind) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`),
      openSession: p(`SELECT started_at FROM activity_voice_sessions WHERE guild_id = ? AND user_id = ? AND ended_at IS NULL`).pluck(),
      // A re-delivered join or move inside a session already recorded (and maybe closed).
      coveringSession: p(`SELECT started_at FROM activity_voice_sessions WHERE guild_id = ? AND user_id = ? AND started_at <= ? AND ended_at > ?`).pluck(),
      startSession: p(`INSERT INTO activity_voice_sessions (guild_id, user_id, started_at, ended_at, channel_id) VALUES (?, ?, ?, NULL, ?) ON CONFLICT DO NOTHING`),
      endSession: p(`UPDATE activity_voice_sessions SET ended_at = ? WHERE guild_id = ? AND user_id = ? AND ended_at IS NULL AND started_at <= ?`),
      // A GUILD_CREATE's voice list (JSON) is complete: every session open since before it, of a
      // member not on it, ends (at the lost connection's instant, never before its start).
      endAbsent: p(`UPDATE activity_voice_sessions SET ended_at = max(started_at, ?)
                    WHERE guild_id = ? AND ended_at IS NULL AND started_at <= ? AND user_id NOT IN (SELECT value FROM json_each(?))`),
      // The bot no longer sees the guild (GUILD_DELETE): its open sessions end there.
      endGuild: p(`UPDATE activity_voice_sessions SET ended_at = max(started_at, ?) WHERE guild_id = ? AND ended_at IS NULL`),
      // A guild not listened to (GUILD_DELETE: in an outage, or the bot removed from it) since
      // when, and why, until its next GUILD_CREATE.
      outageStart: p(`INSERT INTO activity_guild_outages (guild_id, started_at, reason) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`),
      outageSince: p(`SELECT started_at FROM activity_guild_outages WHERE guild_id = ?`).pluck(),
      outageOf: p(`SELECT started_at, reason FROM activity_guild_outages WHERE guild_id = ?`).raw(),
      outageEnd: p(`DELETE FROM activity_guild_outages WHERE guild_id = ?`),
      gap: p(`INSERT INTO activity_gaps (started_at, ended_at, reason, guild_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`),
      threadParent: p(`SELECT parent_id FROM activity_threads WHERE thread_id = ?`).pluck(),
      // An hour's last part number, number of parts, and their total and biggest lengths (length()
      // reads no blob).
      hourShape: p(`SELECT max(part), count(*), coalesce(sum(length(records)), 0), coalesce(max(length(records)), 0)
                    FROM activity_hours WHERE guild_id = ? AND bucket = ?`).raw(),
      hourPartLength: p(`SELECT length(records) FROM activity_hours WHERE guild_id = ? AND bucket = ? AND part = ?`).pluck(),
      hourParts: p(`SELECT records FROM activity_hours WHERE guild_id = ? AND bucket = ? ORDER BY part`).pluck(),
      hourDropParts: p(`DELETE FROM activity_hours WHERE guild_id = ? AND bucket = ?`),
      hourDropPart: p(`DELETE FROM activity_hours WHERE guild_id = ? AND bucket = ? AND part = ?`),
      // Every hour's shape, to find those to merge (a few thousand hours: a short scan, no blob read).
      hourShapes: p(`SELECT guild_id, bucket, count(*), sum(length(records)), max(length(records)) FROM activity_hours GROUP BY guild_id, bucket`).raw(),
      hourPut: p(`INSERT INTO activity_hours (guild_id, bucket, part, records) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET records = excluded.records`),
      idsFrom: p(`SELECT idx, id FROM activity_ids WHERE guild_id = ? AND idx >= ?`).raw(),
      // The same as one string, and whether the numbers run without a gap (they always do: each
      // is the count of those before it).
      idListFrom: p(`SELECT min(idx), max(idx), count(*), group_concat(id, ' ' ORDER BY idx) FROM activity_ids WHERE guild_id = ? AND idx >= ?`).raw(),
      idAdd: p(`INSERT INTO activity_ids (guild_id, idx, id) VALUES (?, ?, ?)`),
      quarter: p(`INSERT INTO activity_guild_quarters (guild_id, bucket, messages, reactions, threads) VALUES (?, ?, ?, ?, ?)
                  ON CONFLICT DO UPDATE SET messages = messages + excluded.messages, reactions = reactions + excluded.reactions,
                    threads = threads + excluded.threads`),
      optOuts: p(`SELECT guild_id, user_id FROM activity_opt_outs`),
      nonMember: p(`INSERT INTO activity_non_members (user_id) VALUES (?) ON CONFLICT DO NOTHING`),
    };
    for (const row of this.s.optOuts.all() as Array<{ guild_id: string; user_id: string }>) this.optOuts.add(optKey(row.guild_id, row.user_id));
    this.batchTransaction = sqlite.transaction((events: readonly ActivityEvent[], out: BatchOutcome) => {
      this.began = true;
      const delta = new BatchRollup(this.idxOf);
      this.storeEvents(events, out, delta);
      this.writeHours(delta);
      for (const q of delta.quarters.values()) this.s.quarter.run(q.guildId, q.bucket, q.messages, q.reactions, q.threads);
      this.totals.appendBatch(this.counts);
    });
  }

  /**
   * The rollup integer of a member or channel in a guild (assigned on first sight). Before the
   * first assignment of a batch, reads the integers other processes (a replay next to the bot)
   * added since: inside the write transaction, so no member gets two.
   */
  private idx(guildId: string, id: string): number {
    const map = (guildId === this.lastIdsGuild ? this.lastIds : undefined) ?? this.idsOf(guildId);
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
        n = map.size; // opted-out members keep their integer under a placeholder: no reuse
        this.s.idAdd.run(guildId, n, id);
        map.set(id, n);
      }
    }
    return n;
  }

  /**
   * A member's or channel's rollup integer if they have one (none is assigned): from the cached
   * table, else after reading the integers other processes added since.
   */
  private knownIdx(guildId: string, id: string): number | undefined {
    const map = this.idsOf(guildId);
    let n = map.get(id);
    if (n === undefined) {
      this.catchUpIds(guildId, map);
      n = map.get(id);
    }
    return n;
  }

  /** Reads a guild's integers ahead of its first batch (the replay, while its parsing thread starts). */
  loadIds(guildId: string): void {
    this.idsOf(guildId);
  }

  /** A guild's integers, read from the database the first time. */
  private idsOf(guildId: string): SnowflakeMap {
    let map = this.ids.get(guildId);
    if (!map) {
      this.ids.set(guildId, (map = new SnowflakeMap()));
      this.catchUpIds(guildId, map);
    }
    return map;
  }

  private catchUpIds(guildId: string, map: SnowflakeMap): void {
    // (A guild's ~50,000 numbers read row by row, each as an array and a string put in the table
    // one by one: 190-199 ms at the start of `pulse replay`, beside the parsing thread's own
    // start; 117-121 ms as one string.)
    const size = map.size;
    const [from, to, count, list] = this.s.idListFrom.get(guildId, size) as [number | null, number | null, number, string | null];
    if (count === 0 || from === null || to === null || list === null) return;
    if (to - from + 1 === count && map.addList(list, from, count) === count) return;
    for (const [n, sid] of this.s.idsFrom.all(guildId, size) as Array<[number, string]>) map.set(sid, n);
  }

  /**
   * Appends a batch's rollup increments to each guild-hour it touched as a new part (a write the
   * size of the batch, not of the hour); an hour that reaches `mergeAt` parts is merged instead.
   */
  private writeHours(rollup: BatchRollup): void {
    for (const g of rollup.hours.values()) {
      const [last, parts, bytes, biggest] = this.s.hourShape.get(g.guildId, g.bucket) as [number | null, number, number, number];
      const next = last === null ? 0 : last + 1;
      const records = g.set.view();
      const shape = { guildId: g.guildId, bucket: g.bucket, parts: parts + 1, bytes: bytes + records.byteLength, biggest: Math.max(biggest, records.byteLength) };
      if (excessParts(shape.parts, shape.bytes, shape.biggest) < this.mergeAt) {
        this.s.hourPut.run(g.guildId, g.bucket, next, encode(records));
        this.track(shape);
        continue;
      }
      this.mergeHour(g.guildId, g.bucket, next, records);
    }
  }

  /** Keeps the shape of an hour for compaction (once it has looked: findPartedHours). */
  private track(hour: PartedHour): void {
    if (excessParts(hour.parts, hour.bytes, hour.biggest) > 0) this.parted?.set(`${hour.guildId}|${hour.bucket}`, hour);
    else this.parted?.delete(`${hour.guildId}|${hour.bucket}`);
  }

  /** Merges one guild-hour's parts into pieces numbered from `next` (inside the caller's transaction). */
  private mergeHour(guildId: string, bucket: number, next: number, extra?: Uint32Array): void {
    const parts = (this.s.hourParts.all(guildId, bucket) as Buffer[]).map(decode);
    if (extra) parts.push(extra);
    this.s.hourDropParts.run(guildId, bucket);
    this.putPieces(guildId, bucket, next, splitByMember(mergeParts(parts)));
  }

  /** Stores merged pieces under new numbers from `next`, and tracks the hour's new shape. */
  private putPieces(guildId: string, bucket: number, next: number, pieces: readonly Uint32Array[] | readonly Uint8Array[]): void {
    for (const [i, piece] of pieces.entries()) this.s.hourPut.run(guildId, bucket, next + i, Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength));
    const [, parts, bytes, biggest] = this.s.hourShape.get(guildId, bucket) as [number, number, number, number];
    this.track({ guildId, bucket, parts, bytes, biggest });
  }

  /** Finds the hours to merge (once; the writer keeps track from then on). */
  findPartedHours(): void {
    if (this.parted) return;
    this.parted = new Map();
    for (const [guildId, bucket, parts, bytes, biggest] of this.s.hourShapes.all() as Array<[string, number, number, number, number]>) {
      this.track({ guildId, bucket, parts, bytes, biggest });
    }
  }

  /**
   * The hours worth merging now, oldest first: those the writer is done with (before
   * `doneBefore`) in more parts than merging leaves, and hours still being written once they
   * hold `liveParts` parts more than that.
   */
  hoursToMerge(doneBefore: number, liveParts: number): PartedHour[] {
    this.findPartedHours();
    return [...this.parted!.values()]
      .filter((h) => h.bucket < doneBefore || excessParts(h.parts, h.bytes, h.biggest) >= liveParts)
      .sort((a, b) => a.bucket - b.bucket);
  }

  /**
   * Stores an hour a worker merged (compaction.ts) in one short transaction, if the parts it
   * merged are still there with the same lengths (see MERGE_AT: then they are the same parts).
   * The writer may have merged the hour itself since, an opt-out step rewritten a part, or
   * another process merged it: then it returns false and writes nothing. Other parts (appended
   * since, or left out of a live hour's merge) stay. No blob is read on this thread: the merge
   * replaces the parts with pieces under new numbers.
   */
  applyMergedHour(merged: MergedHour): boolean {
    const { guildId, bucket, parts } = merged;
    return this.merging(() => {
      if (parts.some(([part, bytes]) => this.s.hourPartLength.get(guildId, bucket, part) !== bytes)) return false;
      const [last] = this.s.hourShape.get(guildId, bucket) as [number];
      for (const [part] of parts) this.s.hourDropPart.run(guildId, bucket, part);
      this.putPieces(guildId, bucket, last + 1, merged.pieces);
      return true;
    });
  }

  /** A merge in a transaction of its own; rolled back, the tracked hours are looked up afresh. */
  private merging<T>(merge: () => T): T {
    try {
      return this.sqlite.transaction(merge)();
    } catch (err) {
      this.parted = undefined;
      throw err;
    }
  }

  /**
   * Compaction on this thread, where there is no worker pool (the bench's generator, tests; the
   * bot's goes through compaction.ts): merges the parts of hours before `beforeBucket`, one hour
   * per transaction, until `budgetMs` is spent. Returns how many it merged (0: nothing left).
   */
  compactSome(beforeBucket: number, budgetMs = 8): number {
    const started = performance.now();
    let merged = 0;
    for (const { guildId, bucket } of this.hoursToMerge(beforeBucket, Number.POSITIVE_INFINITY)) {
      this.merging(() => {
        const [last] = this.s.hourShape.get(guildId, bucket) as [number | null];
        if (last !== null) this.mergeHour(guildId, bucket, last + 1);
      });
      merged++;
      if (performance.now() - started >= budgetMs) break;
    }
    return merged;
  }

  isOptedOut(guildId: string, userId: string): boolean {
    return this.optOuts.has(optKey(guildId, userId));
  }

  /** A guild's ignored channels as the settings say now (once per batch), keeping what was decided while they do not change. */
  private ignoreScope(guildId: string): IgnoreScope {
    const list = this.ignoredOf(guildId);
    if (list.length === 0) {
      this.scopes.delete(guildId);
      return NOTHING_IGNORED;
    }
    const key = list.join(',');
    let scope = this.scopes.get(guildId);
    if (scope?.key !== key) this.scopes.set(guildId, (scope = { key, ignored: new Set(list), verdicts: new Map() }));
    return scope;
  }

  /** Whether events in `channel` are ignored: it is, or it is a thread of a channel that is (decided once per channel). */
  private judge(scope: IgnoreScope, channel: string): boolean {
    let ignored = scope.ignored.has(channel);
    if (!ignored) {
      const parent = this.parents.get(channel) ?? (this.s.threadParent.get(channel) as string | undefined) ?? this.threadParentOf(channel);
      ignored = parent != null && scope.ignored.has(parent);
    }
    if (scope.verdicts.size >= MAX_REMEMBERED) scope.verdicts.clear();
    scope.verdicts.set(channel, ignored);
    return ignored;
  }

  /** A thread's parent became known: remembered unless activity_threads has it, and judged anew. */
  private learnParent(guildId: string, threadId: string, parentId: string, remember: boolean): void {
    if (remember) {
      if (this.parents.size >= MAX_REMEMBERED) this.parents.clear();
      this.parents.set(threadId, parentId);
    }
    this.scopes.get(guildId)?.verdicts.delete(threadId);
  }

  /**
   * Stores a batch in one transaction; rollups move only for rows that were new. The transaction
   * takes the write lock first (BEGIN IMMEDIATE: with another writer on the file, a read snapshot
   * taken first could go stale before the first write), waiting at most `lockWaitMs` for it when
   * given (withLockWait); a failure leaves nothing written.
   */
  applyBatch(events: readonly ActivityEvent[], lockWaitMs?: number): BatchOutcome {
    const out: BatchOutcome = { stored: 0, duplicates: 0, ignored: 0 };
    this.began = false;
    this.idsCaughtUp.clear();
    const transaction = () => this.batchTransaction.immediate(events, out);
    try {
      if (lockWaitMs === undefined) transaction();
      else withLockWait(this.sqlite, lockWaitMs, transaction);
    } catch (err) {
      if (!this.began) throw err; // the lock was not had: nothing changed
      // What the rolled-back transaction assigned or merged is gone: forget the cached state.
      this.counts.clear();
      this.ids.clear();
      this.lastIds = undefined;
      this.parted = undefined;
      throw err;
    }
    return out;
  }

  /**
   * A batch's events' statements, inside its transaction; the rollup, tallies and counts gather
   * in `delta` and this.counts. (A method whose loop is all it does, not a closure made per batch
   * with more after its loop: V8 compiles the loop once, where the loop compiled on the fly
   * (on-stack replacement) was re-entered each batch, then fell back to the interpreter at the
   * lines after it: ~30 times in a 300,000-line replay.)
   */
  private storeEvents(events: readonly ActivityEvent[], out: BatchOutcome, delta: BatchRollup): void {
    const scopes = new Map<string, IgnoreScope>();
    const counts = this.counts;
    const s = this.s;
    for (const e of events) {
      let scope = scopes.get(e.guildId);
      if (!scope) scopes.set(e.guildId, (scope = this.ignoreScope(e.guildId)));
      const channel = channelOf(e);
      if (channel !== null && scope.ignored.size !== 0 && (scope.verdicts.get(channel) ?? this.judge(scope, channel))) {
        // A thread not stored: its parent is still worth knowing (its messages are ignored too).
        if (e.kind === 'thread') this.learnParent(e.guildId, e.threadId, e.channelId, true);
        // A member who moves into an ignored voice channel leaves counted voice there.
        else if (e.kind === 'voice' && s.endSession.run(e.at, e.guildId, e.userId, e.at).changes) {
          out.stored++;
          continue;
        }
        out.ignored++;
        continue;
      }
      if (this.optOuts.size && 'userId' in e && this.optOuts.has(optKey(e.guildId, e.userId))) {
        if (e.kind === 'thread') this.learnParent(e.guildId, e.threadId, e.channelId, true);
        out.ignored++;
        continue;
      }
      let changed = 0;
      switch (e.kind) {
        case 'message':
          changed = s.message.run(e.messageId, e.guildId, e.channelId, e.userId, e.at, e.replyToId, e.hasAttachment ? 1 : 0).changes;
          if (changed) counts.add(e.guildId, delta.add('message', e.guildId, e.userId, e.channelId, e.at), 0);
          break;
        case 'message-delete':
          changed = s.messageDelete.run(e.at, e.messageId, e.guildId).changes;
          break;
        case 'reaction': {
          // An opted-out author is not named in other members' reactions either: a placeholder
          // stands for them (not NULL, "author unknown": the reaction is still on a member's
          // message, and a flag still counts), and they receive nothing.
          const optedOut = e.messageAuthorId !== null && this.optOuts.size !== 0 && this.optOuts.has(optKey(e.guildId, e.messageAuthorId));
          const author = optedOut ? OPTED_OUT_AUTHOR : e.messageAuthorId;
          changed = s.reaction.run(e.guildId, e.emoji, e.messageId, e.userId, e.at, e.channelId, author).changes;
          if (changed) {
            counts.add(e.guildId, delta.add('reaction', e.guildId, e.userId, e.channelId, e.at), 1);
            // (An author gets an integer here if they were never active themselves.)
            if (author !== null && !optedOut) counts.add(e.guildId, this.idx(e.guildId, author), 2);
          }
          break;
        }
        case 'reaction-remove':
          changed = s.reactionRemove.run({ at: e.at, guild: e.guildId, emoji: e.emoji, message: e.messageId, user: e.userId }).changes;
          break;
        case 'reactions-clear': {
          const args = { at: e.at, guild: e.guildId, message: e.messageId };
          changed = (e.emoji === null ? s.reactionsClearAll.run(args) : s.reactionsClear.run({ ...args, emoji: e.emoji })).changes;
          break;
        }
        case 'thread':
          changed = s.thread.run(e.threadId, e.guildId, e.channelId, e.userId, e.at).changes;
          if (changed) delta.add('thread', e.guildId, e.userId, e.channelId, e.at);
          this.learnParent(e.guildId, e.threadId, e.channelId, false);
          break;
        case 'join':
          changed = s.memberEvent.run(e.guildId, e.userId, e.at, e.kind).changes;
          break;
        case 'leave':
          changed = s.memberEvent.run(e.guildId, e.userId, e.at, e.kind).changes;
          // A member who leaves the server leaves its voice (Discord may not say so).
          changed += s.endSession.run(e.at, e.guildId, e.userId, e.at).changes;
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
        // Bookkeeping, not a member's event: counted neither stored nor duplicate.
        case 'voice-roster': {
          // Those who left while the guild was down in an outage left, at the latest, when it began.
          const outage = s.outageSince.get(e.guildId) as number | undefined;
          s.endAbsent.run(outage === undefined ? e.endAt : Math.min(e.endAt, outage), e.guildId, e.at, JSON.stringify(e.userIds));
          continue;
        }
        case 'guild-gone':
          s.endGuild.run(e.at, e.guildId);
          // (An outage of a guild already removed changes nothing: the removal's start stays.)
          if (e.unavailable) s.outageStart.run(e.guildId, e.at, 'unavailable');
          else this.removed(e.guildId, e.at);
          continue;
        case 'guild-back':
          this.endOutage(e.guildId, e.at);
          continue;
        case 'thread-parent':
          this.learnParent(e.guildId, e.threadId, e.parentId, true);
          continue;
        // A bot or webhook first seen by the process that parsed it (global: bot ids are).
        case 'non-member':
          s.nonMember.run(e.id);
          continue;
      }
      if (changed) out.stored++;
      else out.duplicates++;
    }
  }

  /**
   * A guild's outage or removal, if it was in one, ends at `at` (its next GUILD_CREATE): the time
   * since it began is a gap of that guild's, under its reason ('unavailable' or 'removed').
   */
  private endOutage(guildId: string, at: number): void {
    const row = this.s.outageOf.get(guildId) as [number, string] | undefined;
    if (row === undefined) return;
    const [since, reason] = row;
    if (at > since) this.s.gap.run(since, at, reason, guildId);
    this.s.outageEnd.run(guildId);
  }

  /**
   * The bot removed from a guild at `at` (GUILD_DELETE without `unavailable`): nothing is heard of
   * it until it is added again (its next GUILD_CREATE), so that time is its gap too, not days of
   * a quiet server. An outage it was in ends here; a removal already recorded (the same
   * GUILD_DELETE again: a re-delivery, a replayed file) keeps its start.
   */
  private removed(guildId: string, at: number): void {
    const row = this.s.outageOf.get(guildId) as [number, string] | undefined;
    if (row?.[1] === 'removed') return;
    this.endOutage(guildId, at);
    this.s.outageStart.run(guildId, at, 'removed');
  }

  /**
   * Stops recording a member at once: later events (and those still queued) are dropped at the
   * door. Deleting what is stored is the privacy slice's bounded opt-out job.
   */
  markOptedOut(guildId: string, userId: string): void {
    this.optOuts.add(optKey(guildId, userId));
  }

  /**
   * The opt-out job renamed a member's rollup integer to its placeholder (`~<n>`): the cached map
   * follows (same size, so no integer is handed out twice) without re-reading the guild's ids.
   */
  forgetMember(guildId: string, userId: string): void {
    const map = this.ids.get(guildId);
    const n = map?.get(userId);
    if (!map || n === undefined) return;
    map.delete(userId);
    map.set(`~${n}`, n);
  }

  /** Records the member again (the opt-out row is gone already). */
  unmarkOptedOut(guildId: string, userId: string): void {
    this.optOuts.delete(optKey(guildId, userId));
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
      // Which Pulse beats from now on: the latest migration it knows (see botMigration).
      db.pragma(`user_version = ${KNOWN_MIGRATION}`);
      return { id, gap };
    })();
  }

  heartbeat(id: number, now: number): void {
    this.sqlite.prepare(`UPDATE activity_listening SET heartbeat_at = max(heartbeat_at, ?) WHERE id = ?`).run(now, id);
  }

  /** A span when the bot was not listening, to every guild (`guildId` '') or to one. */
  recordGap(from: number, to: number, reason: string, guildId = ''): void {
    if (to <= from) return;
    this.s.gap.run(from, to, reason, guildId);
  }

  /**
   * Ends the open voice sessions (of the listed guilds, else all) at `at`, the last instant Pulse
   * knows of them: a stop while the gateway's connection is down, whose loss is their last news.
   */
  endVoiceSessions(at: number, guildIds?: readonly string[]): void {
    if (guildIds === undefined) this.sqlite.prepare(`UPDATE activity_voice_sessions SET ended_at = max(started_at, ?) WHERE ended_at IS NULL`).run(at);
    else for (const guildId of guildIds) this.s.endGuild.run(at, guildId);
  }
}
