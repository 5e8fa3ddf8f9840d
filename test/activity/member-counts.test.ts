// activity_member_totals and its log, the per-member totals /privacy show reads: always equal to
// counting the raw rows, before and after the log is folded, through duplicates, reactions
// without an author, an opted-out author, opt-out steps and the migration's backfill of rows
// stored before the table existed.
import { afterEach, describe, expect, it } from 'vitest';
import type { ActivityEvent } from '../../src/activity/events.js';
import { ActivityStore } from '../../src/activity/store.js';
import { migrate, migrator, openDatabase, type Database } from '../../src/db/open.js';
import { CHUNK, foldedTotals, memberTotal, memberTotals, MemberTotals, sharingTotals } from '../../src/activity/totals-store.js';
import { privacyEntry } from '../../src/privacy/entries.js';
import { testDatabase } from '../support/db.js';

const G = '100000000000000001';
const C = '200000000000000001';
const u = (n: number) => String(300000000000000000n + BigInt(n));
const T = Date.parse('2026-11-02T10:00:00Z');
// Events n apart by 9 hours: they span several UTC days.
const msg = (n: number, user: number): ActivityEvent => ({ kind: 'message', guildId: G, at: T + n * 9 * 3_600_000, messageId: String(500000000000000000n + BigInt(n)), channelId: C, userId: u(user), replyToId: null, hasAttachment: false });
const react = (n: number, user: number, author: number | null): ActivityEvent => ({
  kind: 'reaction', guildId: G, at: T + n * 9 * 3_600_000 + 1, messageId: String(500000000000000000n + BigInt(n)), channelId: C, userId: u(user), emoji: '👍', messageAuthorId: author === null ? null : u(author),
});

let database: Database;
afterEach(async () => database.close());

/** The totals as a scan of the raw rows gives them (members with no rows left out). */
function scanned(db: Database): Record<string, [number, number, number]> {
  const out: Record<string, [number, number, number]> = {};
  const add = (user: string, i: 0 | 1 | 2, n: number) => ((out[user] ??= [0, 0, 0])[i] += n);
  for (const r of db.sqlite.prepare(`SELECT user_id, count(*) AS n FROM activity_messages GROUP BY user_id`).all() as Array<{ user_id: string; n: number }>) add(r.user_id, 0, r.n);
  for (const r of db.sqlite.prepare(`SELECT user_id, count(*) AS n FROM activity_reactions GROUP BY user_id`).all() as Array<{ user_id: string; n: number }>) add(r.user_id, 1, r.n);
  // (Not the placeholder of an opted-out author: nobody's.)
  for (const r of db.sqlite.prepare(`SELECT message_author_id AS a, count(*) AS n FROM activity_reactions WHERE message_author_id IS NOT NULL AND message_author_id <> '~' GROUP BY a`).all() as Array<{ a: string; n: number }>) add(r.a, 2, r.n);
  return out;
}
/** The totals as /privacy show reads them (folded rows plus the log), for every member named anywhere. */
function kept(db: Database): Record<string, [number, number, number]> {
  const out: Record<string, [number, number, number]> = {};
  const members = db.sqlite.prepare(`SELECT id FROM activity_ids UNION SELECT user_id FROM activity_messages UNION SELECT user_id FROM activity_reactions`).pluck().all() as string[];
  for (const user of members) {
    const t = (['messages', 'reactions', 'reactions_received'] as const).map((c) => memberTotal(db.sqlite, G, user, c)) as [number, number, number];
    if (t.some((n) => n > 0)) out[user] = t;
  }
  return out;
}
/** The folded totals as stored (by member number, CHUNK a row), by snowflake; members counting nothing left out. */
function folded(db: Database): Record<string, [number, number, number]> {
  for (const blob of db.sqlite.prepare(`SELECT counts FROM activity_member_totals`).pluck().all() as Buffer[]) expect(blob.byteLength).toBe(CHUNK * 3 * 4);
  return Object.fromEntries(foldedTotals(db.sqlite, G));
}
/** Rows in both logs: the writer's batch rows (by member number) and opt-out's count-downs (JSON). */
const logRows = (db: Database) => db.sqlite.prepare(`SELECT (SELECT count(*) FROM activity_count_log) + (SELECT count(*) FROM activity_count_batches)`).pluck().get() as number;
/** The member numbers the writer's batch rows name (int32 quadruples: idx, messages, reactions, received). */
function batchMembers(db: Database): number[] {
  const out: number[] = [];
  for (const blob of db.sqlite.prepare(`SELECT counts FROM activity_count_batches`).pluck().all() as Buffer[]) {
    const q = new Int32Array(new Uint8Array(blob).buffer);
    for (let i = 0; i < q.length; i += 4) out.push(q[i]!);
  }
  return out;
}
const idxOf = (db: Database, user: string) => db.sqlite.prepare(`SELECT idx FROM activity_ids WHERE guild_id = ? AND id = ?`).pluck().get(G, user) as number | undefined;

describe('member counts', () => {
  it('the writer keeps them equal to the raw rows, duplicates and an opted-out author included', async () => {
    database = await testDatabase();
    const store = new ActivityStore(database.sqlite);
    const first = [msg(1, 1), msg(2, 1), msg(3, 2), msg(4, 3), react(1, 2, 1), react(1, 3, 1), react(3, 1, 2), react(4, 1, null)];
    store.applyBatch(first);
    store.applyBatch(first); // re-delivered: nothing counts twice
    store.markOptedOut(G, u(3));
    store.applyBatch([msg(5, 3), react(5, 1, 3), msg(6, 2), react(6, 1, 2), react(2, 2, 1)]);
    expect(logRows(database)).toBe(2); // the re-delivered batch changed nothing: no log row
    // By member number, each member once per batch: the first batch names alice, bob and carol,
    // the second alice and bob (carol opted out, as an author too).
    expect(batchMembers(database).sort()).toEqual([u(1), u(2), u(3), u(1), u(2)].map((m) => idxOf(database, m)!).sort());
    expect(kept(database)).toEqual(scanned(database));
    expect(store.totals.foldSome()).toBe(2);
    expect(logRows(database)).toBe(0);
    expect(kept(database)).toEqual(scanned(database));
    expect(kept(database)[u(1)]).toEqual([2, 4, 3]);
    expect(privacyEntry('activity_reactions.message_author_id').count(database.sqlite, G, u(1))).toBe(3);
    // The reaction to carol's message after her opt-out names a placeholder, which is no member.
    expect(database.sqlite.prepare(`SELECT message_author_id FROM activity_reactions WHERE message_id = ?`).pluck().get(String(500000000000000005n))).toBe('~');
    expect(idxOf(database, '~')).toBeUndefined();
  });

  it.each(["the writer's table of numbers", 'one pass in SQLite'])('opt-out steps count the member down, and the reactions they gave off their authors (count-downs numbered by %s)', async (by) => {
    database = await testDatabase();
    const store = new ActivityStore(database.sqlite);
    const folder = by === 'one pass in SQLite' ? new MemberTotals(database.sqlite) : store.totals;
    store.applyBatch([msg(1, 1), msg(2, 2), msg(3, 2), msg(8, 1), react(1, 2, 1), react(2, 1, 2)]);
    store.totals.foldSome();
    // Still in the log when the opt-out starts (bob's reaction to alice's message 8 among them).
    store.applyBatch([react(3, 1, 2), react(1, 3, 1), react(8, 2, 1)]);
    store.markOptedOut(G, u(2));
    database.sqlite.prepare(`INSERT INTO activity_opt_outs (guild_id, user_id, at) VALUES (?, ?, 0)`).run(G, u(2));
    for (const name of ['activity_messages', 'activity_reactions', 'activity_reactions.message_author_id']) {
      const entry = privacyEntry(name);
      entry.apply!(database.sqlite, G, u(2), [...entry.scan!(database.sqlite, G, u(2))]);
      // Everyone else's totals stay exact at every step (bob's own are going: his increments are dropped).
      const { [u(2)]: _k, ...others } = kept(database);
      const { [u(2)]: _s, ...othersScanned } = scanned(database);
      expect(others, name).toEqual(othersScanned);
    }
    expect(kept(database)[u(1)]).toEqual([2, 2, 1]); // bob's reactions to alice's messages are gone
    const counts = privacyEntry('activity_member_totals');
    counts.apply!(database.sqlite, G, u(2), [...counts.scan!(database.sqlite, G, u(2))]);
    expect(folded(database)[u(2)]).toBeUndefined();
    // The steps logged their count-downs; no log row names bob any more.
    expect(logRows(database)).toBeGreaterThan(0);
    expect((database.sqlite.prepare(`SELECT counts FROM activity_count_log`).pluck().all() as string[]).join()).not.toContain(u(2));
    expect(batchMembers(database)).not.toContain(idxOf(database, u(2)));
    expect(batchMembers(database)).toContain(idxOf(database, u(1))); // the others' rows stay
    expect(kept(database)[u(1)]).toEqual([2, 2, 1]);
    folder.foldSome({ budgetMs: Number.POSITIVE_INFINITY });
    expect(logRows(database)).toBe(0);
    expect(kept(database)[u(1)]).toEqual([2, 2, 1]);
    expect(kept(database)).toEqual(scanned(database));
  });

  it('the fold skips a member number whose snowflake is gone (a forgotten member) and folds the rest', async () => {
    database = await testDatabase();
    const store = new ActivityStore(database.sqlite);
    store.applyBatch([msg(1, 1), msg(2, 2), react(1, 2, 1)]);
    const bob = idxOf(database, u(2))!;
    database.sqlite.prepare(`UPDATE activity_ids SET id = '~' || idx WHERE guild_id = ? AND idx = ?`).run(G, bob);
    expect(store.totals.foldSome()).toBe(1);
    expect(Object.keys(folded(database))).toEqual([u(1)]);
    expect(kept(database)[u(1)]).toEqual([1, 0, 1]);
  });

  it('a fold of many members (their snowflakes read in one pass) gives each their own counts', { timeout: 60_000 }, async () => {
    database = await testDatabase();
    const store = new ActivityStore(database.sqlite);
    // 1,500 members, the later ones twice, over two batches; reactions to the first ten's messages.
    store.applyBatch(Array.from({ length: 1500 }, (_, i) => msg(i, i + 10)));
    store.applyBatch([...Array.from({ length: 700 }, (_, i) => msg(2000 + i, 800 + i)), ...Array.from({ length: 30 }, (_, i) => react(i, 900 + i, 10 + (i % 10)))]);
    expect(store.totals.foldSome({ budgetMs: Number.POSITIVE_INFINITY, rows: 10 })).toBe(2);
    expect(logRows(database)).toBe(0);
    expect(Object.keys(folded(database))).toHaveLength(1500);
    expect(folded(database)).toEqual(scanned(database));
    expect(kept(database)).toEqual(scanned(database));
    expect(kept(database)[u(900)]).toEqual([2, 1, 0]);
    expect(kept(database)[u(10)]).toEqual([1, 0, 3]);
  });

  it('a fold of many members skips a forgotten member and one opting out, found in one pass', { timeout: 60_000 }, async () => {
    database = await testDatabase();
    const store = new ActivityStore(database.sqlite);
    store.applyBatch(Array.from({ length: 1500 }, (_, i) => msg(i, i + 10)));
    database.sqlite.prepare(`UPDATE activity_ids SET id = '~' || idx WHERE guild_id = ? AND id = ?`).run(G, u(20));
    database.sqlite.prepare(`INSERT INTO activity_opt_outs (guild_id, user_id, at) VALUES (?, ?, ?)`).run(G, u(30), T);
    expect(store.totals.foldSome({ budgetMs: Number.POSITIVE_INFINITY, rows: 10 })).toBe(1);
    const { [u(20)]: _forgotten, [u(30)]: _optedOut, ...others } = scanned(database);
    expect(Object.keys(others)).toHaveLength(1498);
    expect(folded(database)).toEqual(others);
  });

  it("the bot's fold takes a big batch a part per step (whole totals rows), the rest kept in the batch row, to the same totals", async () => {
    database = await testDatabase();
    const store = new ActivityStore(database.sqlite);
    // 300 members (numbers over five totals rows) and reactions to ten of them, then a second batch.
    store.applyBatch([...Array.from({ length: 300 }, (_, i) => msg(i, i + 10)), ...Array.from({ length: 20 }, (_, i) => react(i, 100 + i, 10 + (i % 10)))]);
    store.applyBatch([msg(900, 11), msg(901, 400)]);
    const batchMembers = () => database.sqlite.prepare(`SELECT length(counts) / 16 FROM activity_count_batches ORDER BY id`).pluck().all();
    expect(batchMembers()).toEqual([300, 2]);
    // One step at a time (a budget spent at once): each folds the members of the first totals rows.
    const sizes: unknown[][] = [];
    while (logRows(database) > 0) {
      store.totals.foldSome({ budgetMs: 0, members: 100 });
      sizes.push(batchMembers());
    }
    // 100 and more (the members of a totals row stay together), then the rest, then the next batch.
    expect(sizes[0]![0]).toBeLessThanOrEqual(300 - 100);
    expect(sizes[0]![0]).toBeGreaterThan(300 - 100 - CHUNK);
    expect(sizes.length).toBeGreaterThanOrEqual(3);
    expect(sizes.at(-2)).toEqual([2]);
    expect(folded(database)).toEqual(scanned(database));
    expect(kept(database)[u(11)]).toEqual([2, 0, 2]);
  });

  it('a replay-sized fold (its sums kept in an array by member number) gives each their own counts', { timeout: 60_000 }, async () => {
    database = await testDatabase();
    const store = new ActivityStore(database.sqlite);
    // 22,000 members, then 8,500 of whom 2,490 new: over 20,000 entries in one fold.
    store.applyBatch(Array.from({ length: 22_000 }, (_, i) => msg(i, i + 10)));
    store.applyBatch([...Array.from({ length: 8_500 }, (_, i) => msg(30_000 + i, 16_000 + i)), ...Array.from({ length: 40 }, (_, i) => react(i, 20_000 + i, 10 + (i % 10)))]);
    expect(store.totals.foldSome({ budgetMs: Number.POSITIVE_INFINITY, rows: 10 })).toBe(2);
    expect(logRows(database)).toBe(0);
    // (The log is empty: the table is all there is.)
    const totals = folded(database);
    expect(Object.keys(totals)).toHaveLength(24_490);
    expect(totals).toEqual(scanned(database));
    expect(totals[u(20_000)]).toEqual([2, 1, 0]);
    expect(totals[u(24_000)]).toEqual([1, 0, 0]);
  });

  it('shared within one read (/privacy show), each member is read once: same figures, and the next read sees changes', async () => {
    database = await testDatabase();
    const store = new ActivityStore(database.sqlite);
    store.applyBatch([msg(1, 1), msg(2, 1), msg(3, 2), react(4, 2, 1)]);
    const unshared = [memberTotals(database.sqlite, G, u(1)), memberTotals(database.sqlite, G, u(2))];
    expect(unshared).toEqual([[2, 0, 1], [1, 1, 0]]);
    const log = database.sqlite.prepare(`SELECT count(*) FROM activity_count_batches`).pluck();
    const shared = sharingTotals(() => {
      const first = memberTotals(database.sqlite, G, u(1));
      first[0] = 99; // a caller's copy: what is shared stays as read
      // Shared: a change within the scope is not read again (reads of one snapshot never see one).
      store.applyBatch([msg(5, 1)]);
      return [memberTotals(database.sqlite, G, u(1)), memberTotals(database.sqlite, G, u(2)), memberTotal(database.sqlite, G, u(1), 'reactions_received')];
    });
    expect(log.get()).toBe(2);
    expect(shared).toEqual([[2, 0, 1], [1, 1, 0], 1]);
    // The next read, and the next shared one, see it.
    expect(memberTotals(database.sqlite, G, u(1))).toEqual([3, 0, 1]);
    expect(sharingTotals(() => memberTotals(database.sqlite, G, u(1)))).toEqual([3, 0, 1]);
  });

  it('the migration counts what was stored before the table existed', async () => {
    database = openDatabase(':memory:');
    const steps = migrator(database.db);
    expect((await steps.migrateTo('0012-live-shown')).error).toBeUndefined();
    const m = database.sqlite.prepare(`INSERT INTO activity_messages (message_id, guild_id, channel_id, user_id, at, reply_to_id, has_attachment) VALUES (?, ?, ?, ?, ?, NULL, 0)`);
    const r = database.sqlite.prepare(`INSERT INTO activity_reactions (guild_id, emoji, message_id, user_id, at, channel_id, message_author_id) VALUES (?, '👍', ?, ?, ?, ?, ?)`);
    for (let i = 0; i < 30; i++) m.run(String(i), G, C, u(i % 3), T + i * 5 * 3_600_000);
    for (let i = 0; i < 20; i++) r.run(G, String(i), u((i + 1) % 4), T + i * 5 * 3_600_000, C, i % 5 === 0 ? null : u(i % 3));
    expect(new Set(database.sqlite.prepare(`SELECT at / 86400000 FROM activity_messages`).pluck().all()).size).toBeGreaterThan(3);
    await migrate(database.db);
    expect(kept(database)).toEqual(scanned(database));
    expect(Object.keys(kept(database))).toHaveLength(4);
    // (Counted before they had numbers: 0015 gave each one.)
    expect(folded(database)).toEqual(scanned(database));
  });

  it('0015 moves the totals from a row per member to rows by member number, and back', async () => {
    database = openDatabase(':memory:');
    const steps = migrator(database.db);
    expect((await steps.migrateTo('0014-count-batches')).error).toBeUndefined();
    const ids = database.sqlite.prepare(`INSERT INTO activity_ids (guild_id, idx, id) VALUES (?, ?, ?)`);
    // Numbers 0-199 (a channel among them), and one member with totals but no number.
    for (let i = 0; i < 200; i++) ids.run(G, i, i === 7 ? C : u(i));
    const totals = database.sqlite.prepare(`INSERT INTO activity_member_totals (guild_id, user_id, messages, reactions, reactions_received) VALUES (?, ?, ?, ?, ?)`);
    const before: Record<string, [number, number, number]> = {};
    for (const i of [0, 1, 63, 64, 130, 199, 500]) {
      before[u(i)] = [i + 1, i % 7, i % 3];
      totals.run(G, u(i), ...before[u(i)]!);
    }
    expect((await steps.migrateTo('0015-member-totals-by-number')).error).toBeUndefined();
    expect(folded(database)).toEqual(before);
    expect(idxOf(database, u(500))).toBe(200);
    expect(database.sqlite.prepare(`SELECT chunk FROM activity_member_totals ORDER BY chunk`).pluck().all()).toEqual([0, 1, 2, 3]);
    for (const [user, t] of Object.entries(before)) expect(['messages', 'reactions', 'reactions_received'].map((c) => memberTotal(database.sqlite, G, user, c as 'messages'))).toEqual(t);
    expect((await steps.migrateTo('0014-count-batches')).error).toBeUndefined();
    const back = database.sqlite.prepare(`SELECT user_id, messages, reactions, reactions_received FROM activity_member_totals`).raw().all() as Array<[string, number, number, number]>;
    expect(Object.fromEntries(back.map(([user, ...t]) => [user, t]))).toEqual(before);
  });
});
