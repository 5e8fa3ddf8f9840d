// The polls slice's privacy entries (see src/privacy/registry.ts): votes are the member's and
// go; a poll someone asked stays, as the server's record.
import { createHmac } from 'node:crypto';
import { countWith, iso, type PrivacyEntry, type Raw, scanWith } from '../privacy/registry.js';

/** The member's ballots: their id, or in an anonymous poll the HMAC under the poll's key. */
function* ballots(read: Raw, guildId: string, userId: string): Iterable<{ poll_id: number; voter: string; choice: number; cast_at: number | null; status: string }> {
  const polls = read.prepare(`SELECT id, voter_key, status FROM polls WHERE guild_id = ?`).raw().all(guildId) as Array<[number, Buffer | null, string]>;
  const votes = read.prepare(`SELECT choice, cast_at FROM poll_votes WHERE poll_id = ? AND voter = ?`).raw();
  for (const [id, key, status] of polls) {
    const voter = key ? createHmac('sha256', key).update(userId).digest('base64url') : userId;
    for (const [choice, castAt] of votes.iterate(id, voter) as Iterable<[number, number | null]>) yield { poll_id: id, voter, choice, cast_at: castAt, status };
  }
}

const votes: PrivacyEntry = {
  name: 'poll_votes',
  table: 'poll_votes',
  columns: ['voter'],
  label: 'privacy.entry.pollVotes',
  fate: 'deleted',
  why: 'an open poll loses your vote; a closed poll keeps only its final counts',
  count: (read, guildId, userId) => [...ballots(read, guildId, userId)].length,
  *exportRows(read, guildId, userId) {
    for (const b of ballots(read, guildId, userId)) yield { poll_id: b.poll_id, choice: b.choice, cast_at: iso(b.cast_at), poll_status: b.status };
  },
  *scan(read, guildId, userId) {
    for (const b of ballots(read, guildId, userId)) yield [b.poll_id, b.voter, b.choice];
  },
  apply(write, _guildId, _userId, keys) {
    const del = write.prepare(`DELETE FROM poll_votes WHERE poll_id = ? AND voter = ? AND choice = ?`);
    for (const [poll, voter, choice] of keys) del.run(poll, voter, choice);
  },
};

const nativeVotes: PrivacyEntry = {
  name: 'native_poll_votes',
  table: 'native_poll_votes',
  columns: ['user_id'],
  label: 'privacy.entry.nativeVotes',
  fate: 'deleted',
  count: countWith(`SELECT count(*) FROM native_poll_votes WHERE guild_id = ? AND user_id = ?`),
  *exportRows(read, guildId, userId) {
    const s = read.prepare(`SELECT channel_id, message_id, answer_id, voted_at FROM native_poll_votes WHERE guild_id = ? AND user_id = ? ORDER BY voted_at`);
    for (const v of s.iterate(guildId, userId) as Iterable<{ channel_id: string; message_id: string; answer_id: number; voted_at: number }>) {
      yield { channel_id: v.channel_id, message_id: v.message_id, answer_id: v.answer_id, voted_at: iso(v.voted_at) };
    }
  },
  scan: scanWith(`SELECT message_id, answer_id FROM native_poll_votes WHERE guild_id = ? AND user_id = ?`),
  apply(write, _guildId, userId, keys) {
    const del = write.prepare(`DELETE FROM native_poll_votes WHERE message_id = ? AND user_id = ? AND answer_id = ?`);
    for (const [message, answer] of keys) del.run(message, userId, answer);
  },
};

const asked: PrivacyEntry = {
  name: 'polls',
  table: 'polls',
  columns: ['author_id', 'closed_by'],
  label: 'privacy.entry.polls',
  fate: 'kept',
  why: "a poll is the server's record and other members' votes depend on it; staff can delete it",
  count: countWith(`SELECT count(*) FROM polls WHERE guild_id = @guild AND (author_id = @user OR closed_by = @user)`),
  *exportRows(read, guildId, userId) {
    const s = read.prepare(`SELECT id, question, status, created_at, closed_at, author_id = @user AS asked FROM polls WHERE guild_id = @guild AND (author_id = @user OR closed_by = @user) ORDER BY id`);
    for (const p of s.iterate({ guild: guildId, user: userId }) as Iterable<{ id: number; question: string; status: string; created_at: number; closed_at: number | null; asked: number }>) {
      yield { poll_id: p.id, question: p.question, status: p.status, created_at: iso(p.created_at), closed_at: iso(p.closed_at), you: p.asked ? 'asked' : 'closed' };
    }
  },
};

export const pollsPrivacy: readonly PrivacyEntry[] = [votes, nativeVotes, asked];
