// The reads across items behind /feedback list, autocomplete and export, on real SQLite: the
// figures of items with thousands of votes, and work that grows with the items, not the votes.
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/open.js';
import { exportItems, itemChoices, listItems, topOpenItems } from '../../src/feedback/figures-store.js';
import { statusHistory, threadFigures, votesOf } from '../../src/feedback/store.js';
import { testDatabase } from '../support/db.js';

const G = '900000000000000001';
const OTHER = '900000000000000002';
const T = Date.parse('2026-11-02T12:00:00Z');
const MIN = 60_000;

/** Counts the queries run through it and the rows they return to JavaScript. */
class Counter implements KyselyPlugin {
  queries = 0;
  rows = 0;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.queries++;
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    this.rows += args.result.rows.length;
    return args.result;
  }
}

let database: Database;
beforeEach(async () => {
  database = await testDatabase();
});
afterEach(async () => {
  await database.close();
});

/**
 * `count` posted items in `guild`; item k (1-based, in insertion order) gets votes[k] as [up, down]
 * (members u0, u1, …). Returns the ids in insertion order.
 */
function seed(guild: string, count: number, votes: (k: number) => [number, number]): number[] {
  const { sqlite } = database;
  const item = sqlite.prepare(
    `insert into feedback_items (guild_id, channel_id, channel_kind, thread_id, message_id, post_state, post_attempts, author_id, title, details, category, status, created_at, opened_at)
     values (?, 'c', 'forum', ?, ?, 'posted', 1, 'author', ?, 'details', 'Idea', 'open', ?, ?)`,
  );
  const vote = sqlite.prepare('insert into feedback_votes (item_id, user_id, value, voted_at) values (?, ?, ?, ?)');
  const ids: number[] = [];
  sqlite.transaction(() => {
    for (let k = 1; k <= count; k++) {
      const id = Number(item.run(guild, `t${guild}${k}`, `m${guild}${k}`, `Item ${k}`, T + k, T + k).lastInsertRowid);
      ids.push(id);
      const [up, down] = votes(k);
      for (let u = 0; u < up + down; u++) vote.run(id, `u${u}`, u < up ? 1 : -1, T + k);
    }
  })();
  return ids;
}

/** 500 items; five popular ones with 8,000 votes each (89,500 votes in all), as the review measured. */
function popularGuild(): number[] {
  return seed(G, 500, (k) => (k % 100 === 0 ? [8000 - k, k] : [k % 7, k % 3]));
}

describe('feedback lists with many votes', () => {
  it('counts up, down and score of items with thousands of votes, per item, this guild only', async () => {
    const ids = popularGuild();
    seed(OTHER, 3, () => [50, 50]);
    const listed = await listItems(database.db, G, 500);
    expect(listed.map((i) => i.id)).toEqual([...ids].reverse());
    const byId = new Map(listed.map((i) => [i.id, i]));
    // By hand: item 100 has 7,900 up and 100 down; item 500 has 7,500 up and 500 down.
    expect(byId.get(ids[99]!)!.votes).toEqual({ up: 7900, down: 100, score: 7800 });
    expect(byId.get(ids[499]!)!.votes).toEqual({ up: 7500, down: 500, score: 7000 });
    // Item 21: 0 up (21 % 7), 0 down (21 % 3): no vote rows at all.
    expect(byId.get(ids[20]!)!.votes).toEqual({ up: 0, down: 0, score: 0 });
    // Every item as the one-item read of /feedback show counts it.
    for (const id of ids) expect(byId.get(id)!.votes).toEqual(await votesOf(database.db, id));
    expect((await topOpenItems(database.db, G, 3)).map((i) => [i.id, i.score])).toEqual([
      [ids[99], 7800],
      [ids[199], 7600],
      [ids[299], 7400],
    ]);
  });

  it('reads a fixed number of queries and about one row per item, however many votes', async () => {
    const ids = popularGuild();
    const counter = new Counter();
    const db = database.db.withPlugin(counter);
    const listed = await listItems(db, G, 500);
    expect(listed).toHaveLength(500);
    // Items, votes, first staff replies, first staff changes: grouped in SQL, never a row per vote.
    expect(counter.queries).toBe(4);
    expect(counter.rows).toBeLessThanOrEqual(2 * ids.length);

    // Autocomplete reads the items alone: numbers, titles, statuses and who may see them.
    const choices = new Counter();
    const suggested = await itemChoices(database.db.withPlugin(choices), G, 500);
    expect(choices.queries).toBe(1);
    expect(suggested[0]).toEqual({ id: ids[499], title: 'Item 500', status: 'open', postState: 'posted', authorId: 'author', capturedBy: null });

    // The export: a handful of grouped queries for all the items, none per item.
    const exported = new Counter();
    expect(await exportItems(database.db.withPlugin(exported), G, 10_000)).toHaveLength(500);
    expect(exported.queries).toBe(6);
    expect(exported.rows).toBeLessThanOrEqual(2 * ids.length);
  });

  it('a limit keeps the newest items and their figures', async () => {
    const ids = popularGuild();
    const listed = await listItems(database.db, G, 150);
    expect(listed.map((i) => i.id)).toEqual(ids.slice(-150).reverse());
    expect(listed.find((i) => i.id === ids[399])!.votes).toEqual({ up: 7600, down: 400, score: 7200 });
    expect(await listItems(database.db, OTHER)).toEqual([]);
    expect(await exportItems(database.db, OTHER)).toEqual([]);
  });
});

describe('the export read', () => {
  it('gives each item the history, thread figures and first answer the one-item reads give', async () => {
    const [a, b, c] = seed(G, 3, (k) => [k, 1]);
    seed(OTHER, 1, () => [1, 0]);
    const { sqlite } = database;
    const change = sqlite.prepare('insert into feedback_status_changes (item_id, from_status, to_status, by_user, by_staff, at, reason, duplicate_of, notified, applied_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    change.run(a, 'open', 'planned', 'mod', 1, T + 90 * MIN, 'Next sprint', null, 'dm', T + 90 * MIN);
    change.run(b, 'open', 'declined', 'mod', 1, T + 20 * MIN, null, null, 'dm', T + 20 * MIN);
    change.run(a, 'planned', 'done', 'mod', 1, T + 300 * MIN, 'Shipped', null, 'dm', T + 300 * MIN);
    change.run(b, 'declined', 'duplicate', 'mod', 1, T + 40 * MIN, null, c, 'dm', T + 40 * MIN);
    const message = sqlite.prepare('insert into feedback_thread_messages (message_id, item_id, user_id, at, staff) values (?, ?, ?, ?, ?)');
    message.run('1', a, 'author', T + 5 * MIN, 1); // the author's own message is no staff answer
    message.run('2', a, 'mod', T + 30 * MIN, 1);
    message.run('3', a, 'carol', T + 31 * MIN, 0);
    message.run('4', a, 'carol', T + 32 * MIN, 0);
    message.run('5', c, 'dave', T + 10 * MIN, 0);

    const exported = await exportItems(database.db, G);
    expect(exported.map((i) => i.id)).toEqual([a, b, c]);
    const [ea, eb, ec] = exported;
    expect(ea!.firstResponseAt).toBe(T + 30 * MIN);
    expect(eb!.firstResponseAt).toBe(T + 20 * MIN);
    expect(ec!.firstResponseAt).toBeNull();
    expect(ea!.thread).toEqual({ messages: 4, participants: 3, firstStaffReplyAt: T + 30 * MIN });
    expect(ec!.thread).toEqual({ messages: 1, participants: 1, firstStaffReplyAt: null });
    expect(eb!.history.map((h) => [h.from, h.to, h.duplicateOf])).toEqual([
      ['open', 'declined', null],
      ['declined', 'duplicate', c],
    ]);
    // The same as the one-item reads of /feedback show.
    for (const item of exported) {
      expect(item.votes).toEqual(await votesOf(database.db, item.id));
      expect(item.thread).toEqual(await threadFigures(database.db, item));
      expect(item.history).toEqual((await statusHistory(database.db, item.id)).map(({ at, from, to, by, byStaff, reason, duplicateOf }) => ({ at, from, to, by, byStaff, reason, duplicateOf })));
    }
  });
});
