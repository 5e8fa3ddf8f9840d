// Per-member totals (activity_member_totals) and the writer's log of increments
// (activity_count_log): a write batch appends one log row (its members' increments as JSON), a
// background step folds log rows into the totals, and /privacy show reads a member's totals plus
// what is not folded yet. Members who opted out are skipped (their rows are being deleted).
import type BetterSqlite3 from 'better-sqlite3';

type Raw = BetterSqlite3.Database;

export type TotalColumn = 'messages' | 'reactions' | 'reactions_received';
const COLUMN: Record<TotalColumn, 0 | 1 | 2> = { messages: 0, reactions: 1, reactions_received: 2 };
/** Entries of a log row, flat: guild, member, messages, reactions, reactions received, guild, … */
const STRIDE = 5;
type LogRow = Array<string | number>;

/**
 * One write batch's increments per member (per guild, the batch's usual one remembered). The
 * counts sit in one flat array, three a member, so a batch allocates no array per member.
 */
export class MemberTally {
  /** Per guild: member -> the offset of their three counts in `counts`. */
  private readonly guilds = new Map<string, Map<string, number>>();
  private readonly counts: number[] = [];
  private lastGuild = '';
  private last: Map<string, number> | undefined;

  /** Adds `n` (-1: an opt-out step deleted a counted row) to a member's column. */
  add(guildId: string, userId: string, column: TotalColumn, n = 1): void {
    const at = this.row(guildId, userId) + (column === 'messages' ? 0 : column === 'reactions' ? 1 : 2);
    this.counts[at] = this.counts[at]! + n;
  }

  /** Adds a logged entry's three increments. */
  addAll(guildId: string, userId: string, messages: number, reactions: number, received: number): void {
    const at = this.row(guildId, userId);
    const c = this.counts;
    c[at] = c[at]! + messages;
    c[at + 1] = c[at + 1]! + reactions;
    c[at + 2] = c[at + 2]! + received;
  }

  private row(guildId: string, userId: string): number {
    let members = guildId === this.lastGuild ? this.last : this.guilds.get(guildId);
    if (!members) this.guilds.set(guildId, (members = new Map()));
    this.lastGuild = guildId;
    this.last = members;
    let at = members.get(userId);
    if (at === undefined) {
      at = this.counts.length;
      members.set(userId, at);
      this.counts.push(0, 0, 0);
    }
    return at;
  }

  get size(): number {
    return this.counts.length / 3;
  }

  /** The log row's JSON. */
  toJSON(): LogRow {
    const out: LogRow = new Array<string | number>((this.counts.length / 3) * STRIDE);
    const c = this.counts;
    let o = 0;
    // forEach: no [key, value] array per entry, as for-of over a Map makes.
    this.guilds.forEach((members, guildId) => {
      members.forEach((at, userId) => {
        out[o++] = guildId;
        out[o++] = userId;
        out[o++] = c[at]!;
        out[o++] = c[at + 1]!;
        out[o++] = c[at + 2]!;
      });
    });
    return out;
  }
}

/** The writer's and the fold's statements on one connection. */
export class MemberTotals {
  private readonly s;

  constructor(private readonly sqlite: Raw) {
    const p = (source: string) => sqlite.prepare(source);
    this.s = {
      append: p(`INSERT INTO activity_count_log (counts) VALUES (?)`),
      oldest: p(`SELECT id, counts FROM activity_count_log ORDER BY id LIMIT ?`).raw(),
      drop: p(`DELETE FROM activity_count_log WHERE id <= ?`),
      all: p(`SELECT id, counts FROM activity_count_log`).raw(),
      rewrite: p(`UPDATE activity_count_log SET counts = ? WHERE id = ?`),
      dropOne: p(`DELETE FROM activity_count_log WHERE id = ?`),
      deleteTotals: p(`DELETE FROM activity_member_totals WHERE guild_id = ? AND user_id = ?`),
      optedOut: p(`SELECT guild_id || '|' || user_id FROM activity_opt_outs`).pluck(),
      add: p(`INSERT INTO activity_member_totals (guild_id, user_id, messages, reactions, reactions_received) VALUES (?, ?, ?, ?, ?)
              ON CONFLICT DO UPDATE SET messages = messages + excluded.messages, reactions = reactions + excluded.reactions,
                reactions_received = reactions_received + excluded.reactions_received`),
    };
  }

  /** Appends a batch's increments (inside the batch's transaction: they land with its rows). */
  append(tally: MemberTally): void {
    if (tally.size) this.s.append.run(JSON.stringify(tally));
  }

  /**
   * Folds up to `rows` of the oldest log rows into the totals (inside the caller's transaction),
   * adding up each member's increments first; returns how many rows it folded.
   */
  fold(rows = 1_000_000_000): number {
    const logged = this.s.oldest.all(rows) as Array<[number, string]>;
    if (!logged.length) return 0;
    const skip = new Set(this.s.optedOut.all() as string[]);
    const sum = new MemberTally();
    for (const [, json] of logged) {
      const row = JSON.parse(json) as LogRow;
      for (let i = 0; i < row.length; i += STRIDE) {
        const [g, u] = [row[i] as string, row[i + 1] as string];
        if (skip.size && skip.has(`${g}|${u}`)) continue;
        sum.addAll(g, u, row[i + 2] as number, row[i + 3] as number, row[i + 4] as number);
      }
    }
    const flat = sum.toJSON();
    for (let i = 0; i < flat.length; i += STRIDE) this.s.add.run(flat[i], flat[i + 1], flat[i + 2], flat[i + 3], flat[i + 4]);
    this.s.drop.run(logged[logged.length - 1]![0]);
    return logged.length;
  }

  /**
   * Opt-out's last step for a member: their increments leave the log (a few rows: rewritten, not
   * folded) and their totals row is deleted, so no row here names them.
   */
  forget(guildId: string, userId: string): void {
    for (const [id, json] of this.s.all.all() as Array<[number, string]>) {
      const row = JSON.parse(json) as LogRow;
      const kept: LogRow = [];
      for (let i = 0; i < row.length; i += STRIDE) if (row[i] !== guildId || row[i + 1] !== userId) kept.push(...row.slice(i, i + STRIDE));
      if (kept.length === row.length) continue;
      if (kept.length) this.s.rewrite.run(JSON.stringify(kept), id);
      else this.s.dropOne.run(id);
    }
    this.s.deleteTotals.run(guildId, userId);
  }

  /** Background folding: a log row (a write batch: ~5 ms) per transaction until `budgetMs` is spent or the log is empty. */
  foldSome(budgetMs = 8, rowsPerStep = 1): number {
    const started = performance.now();
    let folded = 0;
    for (;;) {
      // IMMEDIATE: takes the write lock before reading the log (a replay may fold next to the bot).
      const n = this.sqlite.transaction(() => this.fold(rowsPerStep)).immediate();
      folded += n;
      if (n < rowsPerStep || performance.now() - started >= budgetMs) return folded;
    }
  }
}

/**
 * A member's totals [messages, reactions, reactions received]: the folded row plus the
 * increments still in the log (a read of a few rows).
 */
export function memberTotals(read: Raw, guildId: string, userId: string): [number, number, number] {
  const folded = read.prepare(`SELECT messages, reactions, reactions_received FROM activity_member_totals WHERE guild_id = ? AND user_id = ?`).raw().get(guildId, userId) as
    | [number, number, number]
    | undefined;
  const n: [number, number, number] = folded ?? [0, 0, 0];
  for (const json of read.prepare(`SELECT counts FROM activity_count_log`).pluck().iterate() as Iterable<string>) {
    const row = JSON.parse(json) as LogRow;
    for (let i = 0; i < row.length; i += STRIDE) {
      if (row[i] !== guildId || row[i + 1] !== userId) continue;
      n[0] += row[i + 2] as number;
      n[1] += row[i + 3] as number;
      n[2] += row[i + 4] as number;
    }
  }
  return n;
}

/** One of a member's totals (see memberTotals). */
export function memberTotal(read: Raw, guildId: string, userId: string, column: TotalColumn): number {
  return memberTotals(read, guildId, userId)[COLUMN[column]];
}
