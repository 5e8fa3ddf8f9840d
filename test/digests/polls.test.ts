// Polls closed in a digest's period, read from the polls store on real SQLite.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/open.js';
import { closedPolls } from '../../src/digests/polls.js';
import { closePoll, createPoll } from '../../src/polls/store.js';
import { testDatabase } from '../support/db.js';

const GUILD = '200000000000000001';
const at = (s: string) => Date.parse(s);

describe('closed polls of a period', () => {
  let database: Database;
  beforeEach(async () => {
    database = await testDatabase();
  });
  afterEach(() => database.close());

  async function poll(question: string, closedAt: number | null, guildId = GUILD) {
    const created = await createPoll(database.db, {
      guildId,
      channelId: '300000000000000001',
      authorId: '400000000000000001',
      now: at('2026-11-01T00:00:00Z'),
      question,
      choices: ['yes', 'no'],
      multiple: false,
      maxChoices: 1,
      anonymous: false,
      hideResults: false,
      durationMs: null,
      roleId: null,
    });
    if (closedAt !== null) await closePoll(database.db, created.id, closedAt, null);
  }

  it('lists polls closed inside the local period only, oldest first', async () => {
    await poll('before', at('2026-11-15T22:59:00Z')); // Nov 15 23:59 in Berlin
    await poll('first day', at('2026-11-15T23:00:00Z')); // Nov 16 00:00 in Berlin
    await poll('last day', at('2026-11-22T22:59:00Z'));
    await poll('after', at('2026-11-22T23:00:00Z'));
    await poll('still open', null);
    await poll('other guild', at('2026-11-18T12:00:00Z'), '200000000000000002');
    const polls = await closedPolls(database.db)({ guildId: GUILD, from: '2026-11-16', to: '2026-11-22', timezone: 'Europe/Berlin', asOf: at('2026-11-23T09:00:00Z') });
    expect(polls).toEqual([
      { question: 'first day', voters: 0, eligible: null },
      { question: 'last day', voters: 0, eligible: null },
    ]);
  });
});
