// Ingestion on real SQLite with the real migrations: idempotency, rollups in step, filters, opt-out, restart truth.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Ingestor } from '../../src/activity/ingest.js';
import { ActivityStore } from '../../src/activity/store.js';
import { ActivityWriter } from '../../src/activity/writer.js';
import type { Database } from '../../src/db/open.js';
import { buildReport } from '../../src/insights/report.js';
import { ignoredChannelsReader, updateSettings } from '../../src/settings/store.js';
import { testDatabase } from '../support/db.js';
import { C, G, G2, join, leave, message, reaction, thread, u, voice } from './payloads.js';

let database: Database;
let store: ActivityStore;
let writer: ActivityWriter;
let ingestor: Ingestor;

const feed = (...dispatches: Array<{ t: string; at: string; d: unknown }>) => {
  for (const x of dispatches) ingestor.ingest({ t: x.t, d: x.d, at: Date.parse(x.at) });
  return writer.flush();
};
const count = (table: string, where = '1 = 1') => database.sqlite.prepare(`SELECT count(*) FROM ${table} WHERE ${where}`).pluck().get() as number;
const asOf = Date.parse('2026-11-23T12:00:00Z');
const week = { from: '2026-11-02', to: '2026-11-08', asOf };

beforeEach(async () => {
  database = await testDatabase();
  store = new ActivityStore(database.sqlite, { gate: database.gate, ignoredChannels: ignoredChannelsReader(database.sqlite) });
  writer = new ActivityWriter(store, { timer: false });
  ingestor = new Ingestor(writer);
});
afterEach(async () => {
  await writer.stop();
  await database.close();
});

describe('ingestion', () => {
  it('stores metadata only, once per message id, and keeps rollups in step', async () => {
    const m = message(u(1), '2026-11-02T10:00:00Z', { attachments: [{ id: '1' }], message_reference: { message_id: '399999999999999999' } });
    expect(feed(m, m)).toEqual({ stored: 1, duplicates: 1, ignored: 0 });
    const row = database.sqlite.prepare('SELECT * FROM activity_messages').get() as Record<string, unknown>;
    expect(row).toEqual({ message_id: m.d.id, guild_id: G, channel_id: C, user_id: u(1), at: Date.parse('2026-11-02T10:00:00Z'), reply_to_id: '399999999999999999', has_attachment: 1, deleted_at: null });
    expect(JSON.stringify(row)).not.toContain('never stored');
    expect(feed(m)).toEqual({ stored: 0, duplicates: 1, ignored: 0 });
    const r = await buildReport(database, { guildId: G, ...week });
    expect(r.activity.messages).toBe(1);
    expect(r.top_contributors).toEqual([{ user_id: u(1), messages: 1 }]);
  });

  it('prefers the message timestamp over the delivery instant', () => {
    const m = message(u(1), '2026-11-02T10:00:00Z');
    ingestor.ingest({ t: m.t, d: m.d, at: Date.parse('2026-11-02T11:30:00Z') });
    writer.flush();
    expect(database.sqlite.prepare('SELECT at FROM activity_messages').pluck().get()).toBe(Date.parse('2026-11-02T10:00:00Z'));
  });

  it('drops bots, webhooks, DMs and ignored channels at the door', async () => {
    await updateSettings(database.db, G, { ignoredChannelIds: ['400000000000000077'] }, 0);
    const bot = message(u(9), '2026-11-02T10:00:00Z', { author: { id: u(9), bot: true } });
    const hook = message(u(8), '2026-11-02T10:00:00Z', { webhook_id: '500000000000000001' });
    const dm = message(u(1), '2026-11-02T10:00:00Z', { guild_id: undefined });
    const ignoredChannel = message(u(1), '2026-11-02T10:00:00Z', { channel_id: '400000000000000077' });
    const base = reaction(u(9), '300000000000000001', u(1), '2026-11-02T10:00:00Z');
    const botReaction = { ...base, d: { ...base.d, member: { user: { id: u(9), bot: true } } } };
    expect(feed(bot, hook, dm, ignoredChannel, botReaction)).toEqual({ stored: 0, duplicates: 0, ignored: 1 });
    expect(ingestor.counts.ignored).toBe(4);
    expect(count('activity_messages') + count('activity_reactions')).toBe(0);
  });

  it('reactions are idempotent by (message, user, emoji, instant); removal is kept for the record', () => {
    const r1 = reaction(u(2), '300000000000000001', u(1), '2026-11-02T10:00:00Z', '🚩');
    const r2 = reaction(u(2), '300000000000000001', u(1), '2026-11-02T10:05:00Z', '🚩');
    expect(feed(r1, r1, r2)).toEqual({ stored: 2, duplicates: 1, ignored: 0 });
    feed({ t: 'MESSAGE_REACTION_REMOVE', at: '2026-11-02T10:06:00Z', d: { guild_id: G, channel_id: C, message_id: '300000000000000001', user_id: u(2), emoji: { id: null, name: '🚩' } } });
    expect(count('activity_reactions', 'removed_at IS NOT NULL')).toBe(1);
    expect(database.sqlite.prepare('SELECT sum(reactions) FROM activity_guild_quarters').pluck().get()).toBe(2);
  });

  it('threads count only when newly created', () => {
    expect(feed(thread(u(1), '2026-11-02T10:00:00Z'), thread(u(1), '2026-11-02T10:00:00Z', false))).toEqual({ stored: 1, duplicates: 0, ignored: 0 });
  });

  it('joins and leaves are idempotent by (user, instant)', () => {
    expect(feed(join(u(1), '2026-11-02T10:00:00Z'), join(u(1), '2026-11-02T10:00:00Z'), leave(u(1), '2026-11-03T10:00:00Z'))).toEqual({ stored: 2, duplicates: 1, ignored: 0 });
  });

  it('voice: a session continues across moves and ends at the leave; re-delivery changes nothing', () => {
    const events = [voice(u(1), '400000000000000009', '2026-11-02T10:00:00Z'), voice(u(1), '400000000000000010', '2026-11-02T10:30:00Z'), voice(u(1), null, '2026-11-02T11:00:00Z')];
    expect(feed(...events)).toEqual({ stored: 2, duplicates: 1, ignored: 0 });
    expect(feed(...events)).toEqual({ stored: 0, duplicates: 3, ignored: 0 });
    expect(database.sqlite.prepare('SELECT started_at, ended_at FROM activity_voice_sessions').all()).toEqual([
      { started_at: Date.parse('2026-11-02T10:00:00Z'), ended_at: Date.parse('2026-11-02T11:00:00Z') },
    ]);
  });

  it('a second guild does not leak into the first', async () => {
    const other = message(u(1), '2026-11-02T10:00:00Z', { guild_id: G2 });
    feed(other, message(u(2), '2026-11-03T10:00:00Z'), join(u(3), '2026-11-02T10:00:00Z', G2), voice(u(4), '400000000000000009', '2026-11-02T10:00:00Z', G2), voice(u(4), null, '2026-11-02T11:00:00Z', G2));
    const r = await buildReport(database, { guildId: G, ...week });
    expect(r.activity).toMatchObject({ messages: 1, active_members: 1, voice_minutes: 0 });
    expect(r.members.joined).toBe(0);
    const r2 = await buildReport(database, { guildId: G2, ...week });
    expect(r2.activity).toMatchObject({ messages: 1, active_members: 2, voice_minutes: 60 });
    expect(r2.members.joined).toBe(1);
  });

  it('flags use the guild’s flag emoji and the stored message author', async () => {
    await updateSettings(database.db, G, { flagEmoji: '⚠️', flagThreshold: 2 }, 0);
    const m = message(u(1), '2026-11-02T09:00:00Z');
    feed(
      m,
      reaction(u(2), m.d.id, u(1), '2026-11-02T10:00:00Z', '⚠️'),
      { ...reaction(u(3), m.d.id, u(1), '2026-11-02T10:01:00Z', '⚠️'), d: { ...reaction(u(3), m.d.id, u(1), '', '⚠️').d, message_author_id: undefined } },
      reaction(u(1), m.d.id, u(1), '2026-11-02T10:02:00Z', '⚠️'),
      reaction(u(4), m.d.id, u(1), '2026-11-02T10:03:00Z', '🚩'),
    );
    const r = await buildReport(database, { guildId: G, ...week });
    expect(r.flags).toMatchObject({ reactions: 2, messages_flagged: 1, flaggers: 2, reached_threshold: 1 });
  });

  it('the report reads a zone other than the guild’s from the same rows', async () => {
    await updateSettings(database.db, G, { timezone: 'America/New_York' }, 0);
    feed(message(u(1), '2026-11-03T03:00:00Z')); // Nov 2 22:00 in New York, Nov 3 in UTC
    const ny = await buildReport(database, { guildId: G, ...week });
    expect(ny.timezone).toBe('America/New_York');
    expect(ny.activity.dau.map((d) => d.count)).toEqual([1, 0, 0, 0, 0, 0, 0]);
    const utc = await buildReport(database, { guildId: G, ...week, timezone: 'UTC' });
    expect(utc.activity.dau.map((d) => d.count)).toEqual([0, 1, 0, 0, 0, 0, 0]);
  });
});

describe('hour parts', () => {
  const partedHours = () => database.sqlite.prepare('SELECT count(*) FROM (SELECT 1 FROM activity_hours GROUP BY guild_id, bucket HAVING count(*) > 1)').pluck().get();
  it('appends a part per flush, merges an hour with many parts, and reports the same as one batch', async () => {
    const events = Array.from({ length: 40 }, (_, i) => {
      const at = new Date(Date.parse('2026-11-02T10:00:00Z') + i * 85_000).toISOString();
      return i % 3 === 2 ? reaction(u(i % 5), message(u(1), '2026-11-02T09:00:00Z').d.id, u(1), at) : message(u(i % 7), at);
    });
    for (const e of events) feed(e); // one flush (one part) each
    const parts = database.sqlite.prepare('SELECT count(*) FROM activity_hours').pluck().get() as number;
    expect(parts).toBeGreaterThan(0);
    expect(parts).toBeLessThan(16);
    const pieces = await buildReport(database, { guildId: G, ...week });

    const other = await testDatabase();
    const otherWriter = new ActivityWriter(new ActivityStore(other.sqlite), { timer: false });
    const otherIngestor = new Ingestor(otherWriter);
    for (const x of events) otherIngestor.ingest({ t: x.t, d: x.d, at: Date.parse(x.at) });
    otherWriter.flush();
    expect(other.sqlite.prepare('SELECT count(*) FROM activity_hours').pluck().get()).toBe(1);
    const whole = await buildReport(other, { guildId: G, ...week });
    await other.close();
    expect(pieces).toEqual(whole);
    expect(pieces.activity.messages).toBe(27);

    // Background compaction merges hours the writer has moved past, and changes no figure.
    const bucket = Math.floor(Date.parse('2026-11-02T10:00:00Z') / 3_600_000);
    expect(store.compactSome(bucket)).toBe(0); // the hour is still being written
    expect(store.compactSome(bucket + 2)).toBeGreaterThan(0);
    expect(partedHours()).toBe(0);
    expect(store.compactSome(bucket + 2)).toBe(0);
    expect(await buildReport(database, { guildId: G, ...week })).toEqual(whole);

    // Parts written after compaction's first look are tracked by the writer itself.
    for (const at of ['2026-11-02T13:05:00Z', '2026-11-02T13:10:00Z']) feed(message(u(2), at));
    expect(partedHours()).toBe(1);
    expect(store.compactSome(bucket + 5)).toBe(1);
    expect(partedHours()).toBe(0);
  });
});

describe('member integers', () => {
  it('two writers on one database (a replay next to the bot) never give a member two integers', async () => {
    feed(message(u(1), '2026-11-02T10:00:00Z'));
    const other = new ActivityWriter(new ActivityStore(database.sqlite), { timer: false });
    const otherIngestor = new Ingestor(other);
    for (const m of [message(u(2), '2026-11-02T10:05:00Z'), message(u(3), '2026-11-02T10:06:00Z')]) otherIngestor.ingest({ t: m.t, d: m.d, at: 0 });
    expect(other.flush()).toEqual({ stored: 2, duplicates: 0, ignored: 0 });
    // The first writer has not seen u(2) or u(3): it catches up before assigning u(4).
    expect(feed(message(u(4), '2026-11-02T10:07:00Z'), message(u(2), '2026-11-02T10:08:00Z'))).toEqual({ stored: 2, duplicates: 0, ignored: 0 });
    const rows = database.sqlite.prepare('SELECT id, count(*) AS n FROM activity_ids GROUP BY id HAVING n > 1').all();
    expect(rows).toEqual([]);
    const r = await buildReport(database, { guildId: G, ...week });
    expect(r.activity).toMatchObject({ messages: 5, active_members: 4 });
    expect(r.top_contributors[0]).toEqual({ user_id: u(2), messages: 2 });
  });
});

describe('reactions on a bot\'s message', () => {
  it('keep no message author: a 🚩 on a bot\'s (or Pulse\'s) message is no flag of a member', async () => {
    const botMessage = message(u(9), '2026-11-02T10:00:00Z', { author: { id: u(9), bot: true } });
    const m = message(u(1), '2026-11-02T10:00:00Z');
    feed(botMessage, m, reaction(u(2), botMessage.d.id, u(9), '2026-11-02T10:01:00Z', '🚩'), reaction(u(3), m.d.id, u(1), '2026-11-02T10:02:00Z', '🚩'));
    expect(database.sqlite.prepare('SELECT user_id, message_author_id FROM activity_reactions ORDER BY user_id').all()).toEqual([
      { user_id: u(2), message_author_id: null },
      { user_id: u(3), message_author_id: u(1) },
    ]);
    const r = await buildReport(database, { guildId: G, ...week });
    expect(r.flags).toMatchObject({ reactions: 1, messages_flagged: 1, flaggers: 1 });
  });
});

describe('opt-out at the door', () => {
  it('drops a member at once (queued events too), keeps them out after a restart, and opt-in lets them back', async () => {
    const m = message(u(1), '2026-11-02T10:00:00Z');
    feed(m, message(u(2), '2026-11-02T10:00:00Z'));
    ingestor.ingest({ t: 'MESSAGE_CREATE', d: message(u(1), '2026-11-02T10:05:00Z').d, at: 0 }); // queued, not yet written
    const queuedReaction = reaction(u(2), m.d.id, u(1), '2026-11-02T10:06:00Z');
    ingestor.ingest({ t: queuedReaction.t, d: queuedReaction.d, at: Date.parse(queuedReaction.at) });
    store.markOptedOut(G, u(1));
    database.sqlite.prepare('INSERT INTO activity_opt_outs (guild_id, user_id, at) VALUES (?, ?, ?)').run(G, u(1), asOf);
    expect(writer.flush()).toEqual({ stored: 1, duplicates: 0, ignored: 1 });
    // Another member's reaction is kept, without naming the opted-out author: a placeholder stands for them.
    expect(database.sqlite.prepare('SELECT user_id, message_author_id FROM activity_reactions').get()).toEqual({ user_id: u(2), message_author_id: '~' });
    expect(count('activity_messages', `user_id = '${u(1)}'`)).toBe(1); // deleting is the privacy job's part

    const restarted = new ActivityWriter(new ActivityStore(database.sqlite, { gate: database.gate }), { timer: false });
    const again = new Ingestor(restarted);
    const m3 = message(u(1), '2026-11-04T10:00:00Z');
    again.ingest({ t: m3.t, d: m3.d, at: 0 });
    expect(restarted.flush()).toEqual({ stored: 0, duplicates: 0, ignored: 1 });

    database.sqlite.prepare('DELETE FROM activity_opt_outs').run();
    store.unmarkOptedOut(G, u(1));
    expect(feed(message(u(1), '2026-11-05T10:00:00Z'))).toEqual({ stored: 1, duplicates: 0, ignored: 0 });
  });
});

const VOICE_ID = '400000000000000009';

describe('restart truth', () => {
  it('the span since the last heartbeat is a gap, and sessions left open end there', async () => {
    const t0 = Date.parse('2026-11-02T10:00:00Z');
    const first = store.beginListening(t0);
    expect(first.gap).toBeNull();
    feed(voice(u(1), VOICE_ID, '2026-11-02T10:00:00Z'));
    store.heartbeat(first.id, t0 + 30 * 60_000);
    // Crash; back two hours later.
    const second = store.beginListening(t0 + 150 * 60_000);
    expect(second.gap).toEqual({ from: t0 + 30 * 60_000, to: t0 + 150 * 60_000 });
    expect(database.sqlite.prepare('SELECT ended_at FROM activity_voice_sessions').pluck().get()).toBe(t0 + 30 * 60_000);
    store.recordGap(t0 + 200 * 60_000, t0 + 201 * 60_000, 'disconnected');
    const r = await buildReport(database, { guildId: G, ...week });
    expect(r.activity.voice_minutes).toBe(30);
    expect(r.gaps).toEqual([
      { from: '2026-11-02T10:30:00.000Z', to: '2026-11-02T12:30:00.000Z' },
      { from: '2026-11-02T13:20:00.000Z', to: '2026-11-02T13:21:00.000Z' },
    ]);
  });

  it('members in voice at (re)connect (GUILD_CREATE) get a session from then', () => {
    feed({
      t: 'GUILD_CREATE',
      at: '2026-11-02T10:00:00Z',
      d: {
        id: G,
        voice_states: [
          { user_id: u(1), channel_id: VOICE_ID },
          { user_id: u(9), channel_id: VOICE_ID },
        ],
        members: [{ user: { id: u(9), bot: true } }, { user: { id: u(1) } }],
      },
    });
    expect(database.sqlite.prepare('SELECT user_id FROM activity_voice_sessions WHERE ended_at IS NULL').pluck().all()).toEqual([u(1)]);
  });

  const sessions = () => database.sqlite.prepare('SELECT user_id, started_at, ended_at FROM activity_voice_sessions ORDER BY user_id, started_at').raw().all();
  const at = (iso: string) => Date.parse(iso);
  const guildCreate = (when: string, inVoice: string[]) => ({
    t: 'GUILD_CREATE',
    at: when,
    d: { id: G, voice_states: inVoice.map((user_id) => ({ user_id, channel_id: VOICE_ID })), members: [] },
  });

  it('a GUILD_CREATE after a reconnect that could not resume ends the sessions of members no longer in voice when the connection was lost', async () => {
    feed(voice(u(1), VOICE_ID, '2026-11-02T10:00:00Z'), voice(u(2), VOICE_ID, '2026-11-02T10:05:00Z'), voice(u(4), VOICE_ID, '2026-11-02T10:25:00Z'));
    // Lost at 10:20; u1 left meanwhile, u2 is still in voice. (u4's session began after the
    // loss, which cannot happen live: it ends at its start, never before.)
    const created = guildCreate('2026-11-02T11:00:00Z', [u(2)]);
    ingestor.ingest({ t: created.t, d: created.d, at: at(created.at), lostAt: at('2026-11-02T10:20:00Z') });
    writer.flush();
    expect(sessions()).toEqual([
      [u(1), at('2026-11-02T10:00:00Z'), at('2026-11-02T10:20:00Z')],
      [u(2), at('2026-11-02T10:05:00Z'), null], // one session, still open
      [u(4), at('2026-11-02T10:25:00Z'), at('2026-11-02T10:25:00Z')],
    ]);
    feed(voice(u(2), null, '2026-11-02T11:30:00Z'));
    const r = await buildReport(database, { guildId: G, ...week });
    expect(r.activity.voice_minutes).toBe(20 + 85);
    expect(r.activity.dau.map((d) => d.count)).toEqual([2, 0, 0, 0, 0, 0, 0]);
  });

  it('without a lost instant (a guild back from an outage, a replayed file) they end at the GUILD_CREATE; sessions begun after it stay open', () => {
    feed(voice(u(1), VOICE_ID, '2026-11-02T10:00:00Z'), voice(u(5), VOICE_ID, '2026-11-02T12:00:00Z'));
    // (An older capture replayed next to the bot: its GUILD_CREATE says nothing of later sessions.)
    expect(feed(guildCreate('2026-11-02T11:00:00Z', [u(3)]))).toEqual({ stored: 1, duplicates: 0, ignored: 0 });
    expect(sessions()).toEqual([
      [u(1), at('2026-11-02T10:00:00Z'), at('2026-11-02T11:00:00Z')],
      [u(3), at('2026-11-02T11:00:00Z'), null],
      [u(5), at('2026-11-02T12:00:00Z'), null],
    ]);
    // A hand-written GUILD_CREATE without its voice list ends nothing.
    feed({ t: 'GUILD_CREATE', at: '2026-11-02T13:00:00Z', d: { id: G } });
    expect(count('activity_voice_sessions', 'ended_at IS NULL')).toBe(2);
  });
});

describe('ignored channels and their threads', () => {
  const STAFF = '400000000000000077';
  const threadIn = (parent: string, user = u(1), newly = true) => thread(user, '2026-11-02T10:00:00Z', newly, { parent_id: parent });
  const inThread = (threadId: string, user = u(2), when = '2026-11-02T10:05:00Z') => message(user, when, { channel_id: threadId });
  const ignore = (ids: string[]) => updateSettings(database.db, G, { ignoredChannelIds: ids }, 0);
  const restart = () => {
    store = new ActivityStore(database.sqlite, { gate: database.gate, ignoredChannels: ignoredChannelsReader(database.sqlite) });
    writer = new ActivityWriter(store, { timer: false });
    ingestor = new Ingestor(writer);
  };

  it('messages and reactions in a thread or forum post of an ignored channel are ignored, as its creation is', async () => {
    await ignore([STAFF]);
    const staffThread = threadIn(STAFF);
    const post = inThread(staffThread.d.id);
    const elsewhere = threadIn(C);
    const r = reaction(u(3), post.d.id, u(2), '2026-11-02T10:06:00Z');
    const reactionInThread = { ...r, d: { ...r.d, channel_id: staffThread.d.id } };
    expect(feed(staffThread, post, reactionInThread, elsewhere, inThread(elsewhere.d.id))).toEqual({ stored: 2, duplicates: 0, ignored: 3 });
    expect(database.sqlite.prepare('SELECT channel_id FROM activity_messages').pluck().all()).toEqual([elsewhere.d.id]);
    expect(count('activity_reactions')).toBe(0);
    const report = await buildReport(database, { guildId: G, ...week });
    expect(report.activity).toMatchObject({ messages: 1, reactions: 0, threads_created: 1, active_members: 2 });
  });

  it('knows the parent of threads it did not count: a bot’s, one not new, those a GUILD_CREATE lists, across a restart', async () => {
    await ignore([STAFF]);
    const ticket = threadIn(STAFF, u(9));
    feed(message(u(9), '2026-11-02T09:00:00Z', { author: { id: u(9), bot: true } }), ticket);
    expect(feed(inThread(ticket.d.id))).toEqual({ stored: 0, duplicates: 0, ignored: 1 });
    restart(); // what was learned in memory is gone: the GUILD_CREATE lists the active threads again
    const listed = '500000000000000042';
    feed({ t: 'GUILD_CREATE', at: '2026-11-02T10:01:00Z', d: { id: G, threads: [{ id: listed, parent_id: STAFF }, { id: ticket.d.id, parent_id: STAFF }] } });
    expect(feed(inThread(listed), inThread(ticket.d.id, u(3)))).toEqual({ stored: 0, duplicates: 0, ignored: 2 });
    // A thread the bot is added to (not new): its parent from its THREAD_CREATE.
    const joined = threadIn(STAFF, u(1), false);
    expect(feed(joined, inThread(joined.d.id))).toEqual({ stored: 0, duplicates: 0, ignored: 1 });
  });

  it('a channel ignored later covers the threads recorded before, and unignoring it records them again', async () => {
    const earlier = threadIn(STAFF);
    expect(feed(earlier, inThread(earlier.d.id))).toEqual({ stored: 2, duplicates: 0, ignored: 0 });
    restart();
    await ignore([STAFF]);
    expect(feed(inThread(earlier.d.id, u(3)))).toEqual({ stored: 0, duplicates: 0, ignored: 1 });
    await ignore([]);
    expect(feed(inThread(earlier.d.id, u(4)))).toEqual({ stored: 1, duplicates: 0, ignored: 0 });
  });

  it('asks the live bot’s channel cache for a thread it never saw (an old one unarchived)', async () => {
    await ignore([STAFF]);
    const old = '500000000000000043';
    store = new ActivityStore(database.sqlite, { gate: database.gate, ignoredChannels: ignoredChannelsReader(database.sqlite), threadParent: (id) => (id === old ? STAFF : null) });
    writer = new ActivityWriter(store, { timer: false });
    ingestor = new Ingestor(writer);
    expect(feed(inThread(old), message(u(2), '2026-11-02T10:06:00Z'))).toEqual({ stored: 1, duplicates: 0, ignored: 1 });
  });
});

