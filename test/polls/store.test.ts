// The polls store on real SQLite: votes unique per (poll, voter, choice), closing once, anonymity at rest.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/open.js';
import { decideClick, decideSelection, withdrawAll, type PollSpec } from '../../src/polls/poll.js';
import {
  castVote,
  closePoll,
  createPoll,
  currentTally,
  deletePoll,
  duePollIds,
  getPoll,
  listPolls,
  markAnnounced,
  nativePollParticipation,
  nextDueAt,
  pollBallots,
  recordNativeVote,
  removeNativeVote,
  unannouncedPolls,
} from '../../src/polls/store.js';
import { testDatabase } from '../support/db.js';

const NOW = Date.parse('2026-11-02T12:00:00Z');
const spec: PollSpec = { question: 'Lunch?', choices: ['Pizza', 'Tacos', 'Sushi'], multiple: false, maxChoices: 1, anonymous: false, hideResults: false, durationMs: 3_600_000, roleId: null };
const where = { guildId: 'g1', channelId: 'c1', authorId: 'author', now: NOW };

let database: Database;
beforeEach(async () => {
  database = await testDatabase();
});
afterEach(async () => {
  await database.close();
});

const click = (pollId: number, member: string, choice: number, now = NOW) =>
  castVote(database.db, pollId, member, now, (p, current) => decideClick(p, current, choice, { now, hasRole: true }));

describe('polls store', () => {
  it('creates and reads a poll with its due time', async () => {
    const p = await createPoll(database.db, { ...spec, ...where });
    expect(p).toMatchObject({ id: 1, status: 'open', closesAt: NOW + 3_600_000, choices: spec.choices, anonymous: false });
    expect(await getPoll(database.db, p.id)).toEqual(p);
    expect(await nextDueAt(database.db)).toBe(NOW + 3_600_000);
    expect(await duePollIds(database.db, NOW)).toEqual([]);
    expect(await duePollIds(database.db, NOW + 3_600_000)).toEqual([p.id]);
  });

  it('records, moves and withdraws votes; a repeated insert is a no-op', async () => {
    const p = await createPoll(database.db, { ...spec, ...where });
    await click(p.id, 'u1', 0);
    await click(p.id, 'u2', 0);
    await click(p.id, 'u3', 1);
    expect(await currentTally(database.db, p.id)).toEqual({ counts: [2, 1, 0], voters: 3, leaders: [0] });
    await click(p.id, 'u1', 2); // moves
    await click(p.id, 'u3', 1); // withdraws
    expect(await currentTally(database.db, p.id)).toEqual({ counts: [1, 0, 1], voters: 2, leaders: [0, 2] });
    // The same (poll, voter, choice) twice, e.g. a replayed selection, stays one row.
    await castVote(database.db, p.id, 'u2', NOW, (poll, current) => decideSelection(poll, current, [0], { now: NOW, hasRole: true }));
    expect((await pollBallots(database.db, p.id)).filter((b) => b.voter === 'u2')).toHaveLength(1);
    await castVote(database.db, p.id, 'u2', NOW, (poll, current) => withdrawAll(poll, current, { now: NOW, hasRole: true }));
    expect(await currentTally(database.db, p.id)).toEqual({ counts: [0, 0, 1], voters: 1, leaders: [2] });
  });

  it('enforces max_choices under concurrent clicks', async () => {
    const p = await createPoll(database.db, { ...spec, ...where, multiple: true, maxChoices: 2 });
    const outcomes = await Promise.all([0, 1, 2].map((c) => click(p.id, 'u1', c)));
    expect(outcomes.filter((o) => o?.kind === 'refused')).toHaveLength(1);
    expect((await currentTally(database.db, p.id))?.voters).toBe(1);
    expect((await pollBallots(database.db, p.id)).length).toBe(2);
  });

  it('closes exactly once, even when asked twice at once, and freezes the counts', async () => {
    const p = await createPoll(database.db, { ...spec, ...where });
    await click(p.id, 'u1', 1);
    const results = await Promise.all([closePoll(database.db, p.id, NOW + 10, null), closePoll(database.db, p.id, NOW + 11, 'staff')]);
    expect(results.sort()).toEqual([false, true]);
    expect(await getPoll(database.db, p.id)).toMatchObject({ status: 'closed', closedAt: NOW + 10 });
    expect(await click(p.id, 'u2', 0, NOW + 20)).toMatchObject({ kind: 'refused', reason: 'closed' });
    expect(await currentTally(database.db, p.id)).toEqual({ counts: [0, 1, 0], voters: 1, leaders: [1] });
    expect(await nextDueAt(database.db)).toBeNull();
    expect((await unannouncedPolls(database.db)).map((x) => x.id)).toEqual([p.id]);
    expect(await markAnnounced(database.db, p.id, NOW)).toBe(true);
    expect(await markAnnounced(database.db, p.id, NOW)).toBe(false);
    expect(await unannouncedPolls(database.db)).toEqual([]);
  });

  it('anonymous: stores only keyed hashes while open, and only counts after close', async () => {
    const p = await createPoll(database.db, { ...spec, ...where, anonymous: true });
    await click(p.id, '900000000000000201', 0);
    await click(p.id, '900000000000000202', 1);
    await click(p.id, '900000000000000201', 1); // changing still works: the hash is stable while open
    const rows = await database.db.selectFrom('poll_votes').selectAll().execute();
    expect(rows).toHaveLength(2);
    for (const r of rows) {
      expect(r.voter).not.toContain('9000000000');
      expect(r.cast_at).toBeNull();
    }
    expect(rows[0]?.voter).not.toBe(rows[1]?.voter);
    const key = await database.db.selectFrom('polls').select('voter_key').where('id', '=', p.id).executeTakeFirstOrThrow();
    expect(key.voter_key?.length).toBe(32);

    // The same member gets a different hash in another anonymous poll: no linking across polls.
    const other = await createPoll(database.db, { ...spec, ...where, anonymous: true });
    await click(other.id, '900000000000000201', 0);
    const otherRow = await database.db.selectFrom('poll_votes').select('voter').where('poll_id', '=', other.id).executeTakeFirstOrThrow();
    expect(rows.map((r) => r.voter)).not.toContain(otherRow.voter);

    expect(await closePoll(database.db, p.id, NOW + 1, null)).toBe(true);
    expect(await database.db.selectFrom('poll_votes').selectAll().where('poll_id', '=', p.id).execute()).toEqual([]);
    const closed = await database.db.selectFrom('polls').selectAll().where('id', '=', p.id).executeTakeFirstOrThrow();
    expect(closed.voter_key).toBeNull();
    expect(await currentTally(database.db, p.id)).toEqual({ counts: [0, 2, 0], voters: 2, leaders: [1] });
  });

  it('lists and searches a guild’s polls; deleting removes votes', async () => {
    const a = await createPoll(database.db, { ...spec, ...where, question: 'Lunch today?' });
    const b = await createPoll(database.db, { ...spec, ...where, question: 'Next game night' });
    await createPoll(database.db, { ...spec, ...where, guildId: 'g2' });
    await closePoll(database.db, a.id, NOW, null);
    expect((await listPolls(database.db, 'g1', { limit: 25 })).map((p) => p.id)).toEqual([b.id, a.id]);
    expect((await listPolls(database.db, 'g1', { status: 'open', limit: 25 })).map((p) => p.id)).toEqual([b.id]);
    expect((await listPolls(database.db, 'g1', { search: 'GAME', limit: 25 })).map((p) => p.id)).toEqual([b.id]);
    expect((await listPolls(database.db, 'g1', { search: String(a.id), limit: 25 })).map((p) => p.id)).toEqual([a.id]);
    expect((await listPolls(database.db, 'g1', { search: '%', limit: 25 })).map((p) => p.id)).toEqual([]);
    // Case and accents are ignored in every script, not only in ASCII.
    const ru = await createPoll(database.db, { ...spec, ...where, question: 'Опрос о пицце: берём ёлку?' });
    const fr = await createPoll(database.db, { ...spec, ...where, question: 'Élection du délégué' });
    const search = async (text: string) => (await listPolls(database.db, 'g1', { search: text, limit: 25 })).map((p) => p.id);
    expect(await search('опрос')).toEqual([ru.id]);
    expect(await search('ОПРОС О ПИЦЦЕ')).toEqual([ru.id]);
    expect(await search('елку')).toEqual([ru.id]);
    expect(await search('ЁЛКУ')).toEqual([ru.id]);
    expect(await search('élection')).toEqual([fr.id]);
    expect(await search('ELECTION DU DELEGUE')).toEqual([fr.id]);
    expect(await search('берем')).toEqual([ru.id]);
    await click(b.id, 'u1', 0);
    await deletePoll(database.db, b.id);
    expect(await getPoll(database.db, b.id)).toBeUndefined();
    expect(await database.db.selectFrom('poll_votes').selectAll().where('poll_id', '=', b.id).execute()).toEqual([]);
  });

  it('records native poll votes idempotently and counts participation', async () => {
    const v = { guildId: 'g1', channelId: 'c1', messageId: 'm1', userId: 'u1', answerId: 1 };
    await recordNativeVote(database.db, v, NOW);
    await recordNativeVote(database.db, v, NOW); // a replayed event
    await recordNativeVote(database.db, { ...v, answerId: 2 }, NOW + 1);
    await recordNativeVote(database.db, { ...v, userId: 'u2', messageId: 'm2' }, NOW + 2);
    expect(await nativePollParticipation(database.db, 'g1', NOW, NOW + 10)).toEqual({ votes: 3, voters: 2, polls: 2 });
    await removeNativeVote(database.db, { messageId: 'm1', userId: 'u1', answerId: 2 });
    expect(await nativePollParticipation(database.db, 'g1', NOW, NOW + 10)).toEqual({ votes: 2, voters: 2, polls: 2 });
    expect(await nativePollParticipation(database.db, 'g1', NOW + 5, NOW + 10)).toEqual({ votes: 0, voters: 0, polls: 0 });
  });
});
