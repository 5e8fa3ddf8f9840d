// The feedback store on real SQLite: a vote needs a posted item, whoever calls it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/open.js';
import { castVote, claimItem, markPosted, votesOf } from '../../src/feedback/store.js';
import { testDatabase } from '../support/db.js';

const NOW = Date.parse('2026-11-02T12:00:00Z');
const G = '900000000000000001';

let database: Database;
beforeEach(async () => {
  database = await testDatabase();
});
afterEach(async () => {
  await database.close();
});

describe('castVote', () => {
  it('refuses an item not posted yet as a missing one, even without the clicked message; once posted it counts', async () => {
    const db = database.db;
    const { item } = await claimItem(db, { guildId: G, channelId: 'c', channelKind: 'text', authorId: 'alice', title: 'Dark mode', details: 'Please', category: 'Idea' }, NOW);
    expect(await castVote(db, { guildId: G, itemId: item.id, userId: 'bob', clicked: 1 }, NOW)).toEqual({ kind: 'missing' });
    expect(await votesOf(db, item.id)).toEqual({ up: 0, down: 0, score: 0 });
    await markPosted(db, item.id, { threadId: 't', messageId: 'm' }, NOW);
    expect(await castVote(db, { guildId: G, itemId: item.id, userId: 'bob', clicked: 1 }, NOW)).toEqual({ kind: 'voted', next: 1 });
    expect(await castVote(db, { guildId: 'other', itemId: item.id, userId: 'bob', clicked: 1 }, NOW)).toEqual({ kind: 'missing' });
    expect(await votesOf(db, item.id)).toEqual({ up: 1, down: 0, score: 1 });
  });
});
