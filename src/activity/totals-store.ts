// Per-member totals (activity_member_totals) and the writer's log of increments
// (activity_count_log): a write batch appends one log row (its members' increments as JSON), a
// background step folds log rows into the totals, and /privacy show reads a member's totals plus
// what is not folded yet. Members who opted out are skipped (their rows are being deleted).
import type BetterSqlite3 from 'better-sqlite3';

type Raw = BetterSqlite3.Database;

/** [guild, member, messages, reactions, reactions received] */
export type MemberIncrement = [string, string, number, number, number];
export type TotalColumn = 'messages' | 'reactions' | 'reactions_received';
const COLUMN: Record<TotalColumn, 2 | 3 | 4> = { messages: 2, reactions: 3, reactions_received: 4 };

/** One write batch's increments per member. */
export class MemberTally {
  private readonly rows = new Map<string, MemberIncrement>();

  /** Adds `n` (-1: an opt-out step deleted a counted row) to a member's column. */
  add(guildId: string, userId: string, column: TotalColumn, n = 1): void {
    const key = `${guildId}|${userId}`;
    let row = this.rows.get(key);
    if (!row) this.rows.set(key, (row = [guildId, userId, 0, 0, 0]));
    row[COLUMN[column]] += n;
  }

  get size(): number {
    return this.rows.size;
  }

  values(): Iterable<MemberIncrement> {
    return this.rows.values();
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
    if (tally.size) this.s.append.run(JSON.stringify([...tally.values()]));
  }

  /**
   * Folds up to `rows` of the oldest log rows into the totals (inside the caller's transaction),
   * adding up each member's increments first; returns how many rows it folded.
   */
  fold(rows = Number.MAX_SAFE_INTEGER): number {
    const logged = this.s.oldest.all(Math.min(rows, 1_000_000_000)) as Array<[number, string]>;
    if (!logged.length) return 0;
    const skip = new Set(this.s.optedOut.all() as string[]);
    const sum = new Map<string, MemberIncrement>();
    for (const [, json] of logged) {
      for (const [g, u, m, r, rr] of JSON.parse(json) as MemberIncrement[]) {
        const key = `${g}|${u}`;
        if (skip.has(key)) continue;
        const row = sum.get(key);
        if (row) {
          row[2] += m;
          row[3] += r;
          row[4] += rr;
        } else sum.set(key, [g, u, m, r, rr]);
      }
    }
    for (const row of sum.values()) this.s.add.run(...row);
    this.s.drop.run(logged[logged.length - 1]![0]);
    return logged.length;
  }

  /**
   * Opt-out's last step for a member: their increments leave the log (a few rows: rewritten, not
   * folded) and their totals row is deleted, so no row here names them.
   */
  forget(guildId: string, userId: string): void {
    for (const [id, json] of this.s.all.all() as Array<[number, string]>) {
      const rows = JSON.parse(json) as MemberIncrement[];
      const kept = rows.filter((r) => r[0] !== guildId || r[1] !== userId);
      if (kept.length === rows.length) continue;
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

/** A member's total: the folded row plus the increments still in the log (a read of a few rows). */
export function memberTotal(read: Raw, guildId: string, userId: string, column: TotalColumn): number {
  let n = (read.prepare(`SELECT ${column} FROM activity_member_totals WHERE guild_id = ? AND user_id = ?`).pluck().get(guildId, userId) as number | undefined) ?? 0;
  const at = COLUMN[column];
  for (const json of read.prepare(`SELECT counts FROM activity_count_log`).pluck().iterate() as Iterable<string>) {
    for (const row of JSON.parse(json) as MemberIncrement[]) if (row[0] === guildId && row[1] === userId) n += row[at];
  }
  return n;
}
