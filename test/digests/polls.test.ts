// Polls closed in a digest's period and native polls voted in during it, read from the polls store on real SQLite.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/open.js';
import { buildDigest, type DigestSources } from '../../src/digests/content.js';
import { closedPolls, nativePolls } from '../../src/digests/polls.js';
import { closePoll, createPoll, recordNativeVote, removeNativeVote } from '../../src/polls/store.js';
import { testDatabase } from '../support/db.js';
import { busyReport } from './fixtures.js';

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

describe('native polls voted in during a period', () => {
  let database: Database;
  beforeEach(async () => {
    database = await testDatabase();
  });
  afterEach(() => database.close());

  const WEEK = { guildId: GUILD, from: '2026-11-16', to: '2026-11-22', timezone: 'Europe/Berlin', asOf: at('2026-11-23T09:00:00Z') };

  async function vote(messageId: string, userId: string, answerId: number, when: string, guildId = GUILD) {
    await recordNativeVote(database.db, { guildId, channelId: '300000000000000001', messageId, userId, answerId }, at(when));
  }

  /** The week of Nov 16 – 22 in Berlin, built from the real sources (the charts left out: not under test here). */
  async function digest(sources: DigestSources) {
    const figures: DigestSources['figures'] = async (current, previous) => ({
      report: busyReport(current.from, current.to, { timezone: current.timezone }),
      previous: busyReport(previous.from, previous.to, { timezone: previous.timezone }),
      png: Buffer.alloc(0),
    });
    const { embed } = await buildDigest(() => busyReport(WEEK.from, WEEK.to), { guildId: GUILD, timezone: WEEK.timezone, period: { kind: 'week', from: WEEK.from, to: WEEK.to }, asOf: WEEK.asOf }, { ...sources, figures });
    return embed.fields!.find((f) => f.name === '🗳️ Polls closed');
  }

  it('counts the votes, voters and polls of the local period only, in the digest', async () => {
    await vote('500000000000000001', '400000000000000001', 1, '2026-11-15T22:59:00Z'); // Nov 15 23:59 in Berlin: before
    await vote('500000000000000002', '400000000000000001', 1, '2026-11-15T23:00:00Z'); // Nov 16 00:00 in Berlin
    await vote('500000000000000002', '400000000000000001', 2, '2026-11-16T10:00:00Z'); // a second answer on a multiple-choice poll
    await vote('500000000000000002', '400000000000000002', 1, '2026-11-18T10:00:00Z');
    await vote('500000000000000003', '400000000000000002', 3, '2026-11-22T22:59:00Z'); // Nov 22 23:59: the last minute
    await vote('500000000000000004', '400000000000000003', 1, '2026-11-22T23:00:00Z'); // Nov 23 00:00: after
    await vote('500000000000000005', '400000000000000004', 1, '2026-11-19T10:00:00Z', '200000000000000002'); // another server
    await vote('500000000000000003', '400000000000000005', 1, '2026-11-19T10:00:00Z');
    await removeNativeVote(database.db, { messageId: '500000000000000003', userId: '400000000000000005', answerId: 1 }); // withdrawn

    expect(await nativePolls(database.db)(WEEK)).toEqual({ votes: 4, voters: 2, polls: 2 });
    const field = await digest({ polls: closedPolls(database.db), nativePolls: nativePolls(database.db) });
    expect(field?.value).toBe('None in this period.\nNative polls: 4 votes by 2 members in 2 polls');
    // Counts only: never who voted.
    expect(field?.value).not.toMatch(/<@|4000000000000000/);
  });

  it('adds no line for votes outside the period', async () => {
    await vote('500000000000000001', '400000000000000001', 1, '2026-11-15T22:59:00Z');
    await vote('500000000000000002', '400000000000000001', 1, '2026-11-23T08:00:00Z');
    expect(await nativePolls(database.db)(WEEK)).toEqual({ votes: 0, voters: 0, polls: 0 });
    const field = await digest({ polls: closedPolls(database.db), nativePolls: nativePolls(database.db) });
    expect(field?.value).toBe('None in this period.');
    // Without the closed-polls source, no votes means no section at all.
    expect(await digest({ nativePolls: nativePolls(database.db) })).toBeUndefined();
  });
});
