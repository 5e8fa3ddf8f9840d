// Polls that fell due while Pulse was down are in the late digest even before start-up has closed them all.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/open.js';
import { closedPolls } from '../../src/digests/polls.js';
import { closePoll, createPoll } from '../../src/polls/store.js';
import { testDatabase } from '../support/db.js';

const GUILD = '200000000000000001';
const at = (s: string) => Date.parse(s);
const HOUR = 3_600_000;

describe('closed polls of a digest, with polls due while Pulse was down', () => {
  let database: Database;
  beforeEach(async () => {
    database = await testDatabase();
  });
  afterEach(() => database.close());

  function poll(question: string, hours: number) {
    return createPoll(database.db, {
      guildId: GUILD,
      channelId: '300000000000000001',
      authorId: '400000000000000001',
      now: at('2026-11-20T00:00:00Z'),
      question,
      choices: ['yes', 'no'],
      multiple: false,
      maxChoices: 1,
      anonymous: false,
      hideResults: false,
      durationMs: hours * HOUR,
      roleId: null,
    });
  }

  it('lists all three due polls, at their deadlines, whether or not start-up has closed them yet', async () => {
    const first = await poll('due first', 10);
    await poll('due second', 20);
    await poll('due third', 30);
    await poll('due after the digest runs', 24 * 5);
    // Start-up has closed only the first one when the late digest (Monday 09:00) is built.
    await closePoll(database.db, first.id, at('2026-11-20T10:00:00Z'), null);
    const query = { guildId: GUILD, from: '2026-11-16', to: '2026-11-22', timezone: 'UTC', asOf: at('2026-11-23T09:00:00Z') };
    expect((await closedPolls(database.db)(query))?.map((p) => p.question)).toEqual(['due first', 'due second', 'due third']);
    // Not yet due at the digest's instant: left for the digest of the period it closes in.
    expect((await closedPolls(database.db)({ ...query, asOf: at('2026-11-21T03:00:00Z') }))?.map((p) => p.question)).toEqual(['due first', 'due second']);
  });
});
