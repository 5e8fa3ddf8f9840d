// Live ingestion at the edges of the gateway's life, on the fake Discord: events Discord replays
// after a resumed connection, a stop or a kill -9 while the connection is down, a guild removed or
// in an outage, a member leaving the server or moving into an ignored voice channel, events that
// come while later slices are still stopping, bulk deletes and reactions cleared at once, and a
// gap that cannot be recorded.
import { Events } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { Feature } from '../../src/feature.js';
import { buildReport } from '../../src/insights/report.js';
import { TestBot } from '../support/bot.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const MIN = 60_000;
const rows = (b: TestBot, sql: string) => b.app.database.sqlite.prepare(sql).raw().all();
const count = (b: TestBot, table: string) => b.app.database.sqlite.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const day = { from: '2026-11-02', to: '2026-11-02', asOf: Date.parse('2026-11-03T00:00:00Z') };

/** Drops the gateway's connection and keeps it down (RESUME refused) until `back()`; resolves once the client knows. */
async function dropConnection(b: TestBot): Promise<{ back: () => Promise<void> }> {
  const client = b.app.client;
  const down = new Promise<void>((resolve) => client.once(Events.ShardReconnecting, () => resolve()));
  b.fake.refuseGateway(4000);
  b.fake.dropConnection();
  await down;
  return {
    back: async () => {
      const resumed = new Promise<void>((resolve) => client.once(Events.ShardResume, () => resolve()));
      b.fake.refuseGateway(null);
      await resumed;
    },
  };
}

describe('live ingestion', () => {
  it('stamps what Discord replays after a resume at the drop (a voice leave), a join at its joined_at, not at the resume', async () => {
    bot = await TestBot.start();
    const b = bot;
    const { ids, fake, clock } = b;
    const t0 = clock.now();
    fake.voice(ids.guildId, ids.carol, ids.voice);
    await fake.waitFor(() => count(b, 'activity_voice_sessions') === 1);
    clock.advance(5 * MIN);
    const connection = await dropConnection(b); // t0+5
    clock.advance(MIN); // t0+6: Discord has these, the bot will hear of them at the resume
    fake.voice(ids.guildId, ids.carol, null);
    const erin = '900000000000000301';
    fake.join(ids.guildId, { id: erin, username: 'erin', joinedAt: new Date(clock.now()) });
    const said = fake.post({ channelId: ids.general, userId: ids.bob, content: 'during the drop' });
    clock.advance(40 * MIN); // t0+46
    await connection.back();
    await fake.waitFor(() => count(b, 'activity_member_events') === 1 && count(b, 'activity_messages') === 1);
    await fake.waitFor(() => rows(b, 'SELECT 1 FROM activity_voice_sessions WHERE ended_at IS NOT NULL').length === 1);

    expect(fake.resumeCount).toBe(1);
    expect(rows(b, `SELECT user_id, started_at - ${t0}, ended_at - ${t0} FROM activity_voice_sessions`)).toEqual([[ids.carol, 0, 5 * MIN]]);
    expect(rows(b, `SELECT user_id, at - ${t0}, kind FROM activity_member_events`)).toEqual([[erin, 6 * MIN, 'join']]);
    expect(rows(b, `SELECT message_id, at - ${t0} FROM activity_messages`)).toEqual([[said.id, 6 * MIN]]);
    expect(rows(b, `SELECT started_at - ${t0}, ended_at - ${t0}, reason FROM activity_gaps`)).toEqual([[5 * MIN, 46 * MIN, 'disconnected']]);
    expect((await buildReport(b.app.database, { guildId: ids.guildId, ...day })).activity.voice_minutes).toBe(5);
    // Once resumed, events are live again: at the clock.
    clock.advance(MIN);
    fake.voice(ids.guildId, ids.alice, ids.voice);
    await fake.waitFor(() => count(b, 'activity_voice_sessions') === 2);
    expect(rows(b, `SELECT started_at - ${t0} FROM activity_voice_sessions WHERE user_id = '${ids.alice}'`)).toEqual([[47 * MIN]]);
    expect(b.errors).toEqual([]);
  });

  it('a stop while the connection is down: the gap starts at the drop, and voice sessions end there', async () => {
    bot = await TestBot.start();
    const b = bot;
    const { ids, fake, clock } = b;
    const t0 = clock.now();
    fake.voice(ids.guildId, ids.carol, ids.voice);
    await fake.waitFor(() => count(b, 'activity_voice_sessions') === 1);
    clock.advance(10 * MIN);
    await dropConnection(b); // t0+10
    clock.advance(50 * MIN); // t0+60: stopped, still disconnected
    await b.restart(() => fake.refuseGateway(null));

    expect(rows(b, `SELECT started_at - ${t0}, ended_at - ${t0}, reason FROM activity_gaps ORDER BY started_at`)).toEqual([[10 * MIN, 60 * MIN, 'disconnected']]);
    expect(rows(b, `SELECT user_id, started_at - ${t0}, ended_at - ${t0} FROM activity_voice_sessions ORDER BY started_at`)).toEqual([
      [ids.carol, 0, 10 * MIN],
      [ids.carol, 60 * MIN, null], // still in voice at the new start (its GUILD_CREATE)
    ]);
    expect(b.errors).toEqual([]);
  });

  it('a kill -9 while the connection is down: no heartbeat after the drop, so the offline gap starts there', async () => {
    bot = await TestBot.start();
    const b = bot;
    const { ids, fake, clock } = b;
    const t0 = clock.now();
    fake.voice(ids.guildId, ids.carol, ids.voice);
    await fake.waitFor(() => count(b, 'activity_voice_sessions') === 1);
    clock.advance(10 * MIN);
    await dropConnection(b); // t0+10
    clock.advance(50 * MIN); // t0+60
    await sleep(5_600); // a heartbeat's turn (every 5 s) while disconnected
    expect(rows(b, `SELECT heartbeat_at - ${t0} FROM activity_listening`)).toEqual([[10 * MIN]]);
    clock.advance(5 * MIN); // t0+65
    // Killed before it could resume: nothing of it runs any more (a destroyed client may still
    // finish a resume it had begun), and the next process may connect.
    const dead = b.app.client;
    await dead.destroy();
    dead.removeAllListeners();
    fake.refuseGateway(null);
    await b.crash();

    expect(rows(b, `SELECT started_at - ${t0}, ended_at - ${t0}, reason FROM activity_gaps`)).toEqual([[10 * MIN, 65 * MIN, 'offline']]);
    expect(rows(b, `SELECT user_id, started_at - ${t0}, ended_at - ${t0} FROM activity_voice_sessions WHERE started_at = ${t0}`)).toEqual([[ids.carol, 0, 10 * MIN]]);
  }, 20_000);

  it('the bot removed from a guild (GUILD_DELETE): its voice sessions end then, and no member left', async () => {
    bot = await TestBot.start();
    const b = bot;
    const { ids, fake, clock } = b;
    const t0 = clock.now();
    fake.voice(ids.guildId, ids.carol, ids.voice);
    await fake.waitFor(() => count(b, 'activity_voice_sessions') === 1);
    clock.advance(10 * MIN);
    fake.dispatch('GUILD_DELETE', { id: ids.guildId });
    await fake.waitFor(() => rows(b, 'SELECT 1 FROM activity_voice_sessions WHERE ended_at IS NOT NULL').length === 1);

    expect(rows(b, `SELECT user_id, started_at - ${t0}, ended_at - ${t0} FROM activity_voice_sessions`)).toEqual([[ids.carol, 0, 10 * MIN]]);
    expect(count(b, 'activity_member_events')).toBe(0);
    expect(count(b, 'activity_gaps')).toBe(0);
    const report = await buildReport(b.app.database, { guildId: ids.guildId, from: '2026-11-02', to: '2026-11-08', asOf: Date.parse('2026-11-09T09:00:00Z') });
    expect(report.activity.voice_minutes).toBe(10);
    expect(b.errors).toEqual([]);
  });

  it('a guild in an outage (GUILD_DELETE unavailable, then GUILD_CREATE): voice ends at its start, the outage is that guild’s gap', async () => {
    bot = await TestBot.start();
    const b = bot;
    const { ids, fake, clock } = b;
    const t0 = clock.now();
    fake.voice(ids.guildId, ids.carol, ids.voice);
    fake.voice(ids.guildId, ids.alice, ids.voice);
    await fake.waitFor(() => count(b, 'activity_voice_sessions') === 2);
    const created = fake.gatewayLog.find((e) => e.t === 'GUILD_CREATE')!.d as Record<string, unknown>;
    clock.advance(10 * MIN);
    fake.dispatch('GUILD_DELETE', { id: ids.guildId, unavailable: true });
    await fake.waitFor(() => rows(b, 'SELECT 1 FROM activity_voice_sessions WHERE ended_at IS NOT NULL').length === 2);
    clock.advance(50 * MIN);
    // Back: only alice is still in voice.
    const state = { channel_id: ids.voice, session_id: 'x', deaf: false, mute: false, self_deaf: false, self_mute: false, self_video: false, suppress: false, request_to_speak_timestamp: null };
    fake.dispatch('GUILD_CREATE', { ...created, voice_states: [{ ...state, user_id: ids.alice }] });
    await fake.waitFor(() => count(b, 'activity_voice_sessions') === 3);
    await fake.waitFor(() => count(b, 'activity_gaps') === 1);

    expect(rows(b, `SELECT user_id, started_at - ${t0}, ended_at - ${t0} FROM activity_voice_sessions ORDER BY started_at, user_id`)).toEqual([
      [ids.alice, 0, 10 * MIN],
      [ids.carol, 0, 10 * MIN],
      [ids.alice, 60 * MIN, null],
    ]);
    expect(rows(b, `SELECT started_at - ${t0}, ended_at - ${t0}, reason, guild_id FROM activity_gaps`)).toEqual([[10 * MIN, 60 * MIN, 'unavailable', ids.guildId]]);
    expect(count(b, 'activity_guild_outages')).toBe(0);
    expect(count(b, 'activity_member_events')).toBe(0);
    expect(b.errors).toEqual([]);
  });

  it('a member removed from the server while in voice leaves voice then', async () => {
    bot = await TestBot.start();
    const b = bot;
    const { ids, fake, clock } = b;
    const t0 = clock.now();
    fake.voice(ids.guildId, ids.carol, ids.voice);
    await fake.waitFor(() => count(b, 'activity_voice_sessions') === 1);
    clock.advance(5 * MIN);
    fake.dispatch('GUILD_MEMBER_REMOVE', { guild_id: ids.guildId, user: { id: ids.carol, username: 'carol', discriminator: '0', global_name: null, avatar: null } });
    await fake.waitFor(() => count(b, 'activity_member_events') === 1);

    expect(rows(b, `SELECT user_id, started_at - ${t0}, ended_at - ${t0} FROM activity_voice_sessions`)).toEqual([[ids.carol, 0, 5 * MIN]]);
    expect(rows(b, `SELECT user_id, at - ${t0}, kind FROM activity_member_events`)).toEqual([[ids.carol, 5 * MIN, 'leave']]);
    expect(b.errors).toEqual([]);
  });

  it('a move into an ignored voice channel ends the session, as a leave would; a move out starts one', async () => {
    bot = await TestBot.start();
    const b = bot;
    const { ids, fake, clock } = b;
    const quiet = fake.addChannel(ids.guildId, { name: 'quiet', type: 2 });
    await fake.slash({ guildId: ids.guildId, channelId: ids.staffChannel, userId: ids.ownerId, name: 'settings', subcommand: 'ignore-channel', options: { channel: quiet.id } }).reply();
    const t0 = clock.now();
    fake.voice(ids.guildId, ids.carol, ids.voice);
    await fake.waitFor(() => count(b, 'activity_voice_sessions') === 1);
    clock.advance(2 * MIN);
    fake.voice(ids.guildId, ids.carol, quiet.id);
    await fake.waitFor(() => rows(b, 'SELECT 1 FROM activity_voice_sessions WHERE ended_at IS NOT NULL').length === 1);
    clock.advance(60 * MIN);
    fake.voice(ids.guildId, ids.carol, ids.voice); // back from the ignored channel: counted again
    await fake.waitFor(() => count(b, 'activity_voice_sessions') === 2);
    clock.advance(3 * MIN);
    fake.voice(ids.guildId, ids.carol, null);
    await fake.waitFor(() => rows(b, 'SELECT 1 FROM activity_voice_sessions WHERE ended_at IS NOT NULL').length === 2);

    expect(rows(b, `SELECT started_at - ${t0}, ended_at - ${t0}, channel_id FROM activity_voice_sessions ORDER BY started_at`)).toEqual([
      [0, 2 * MIN, ids.voice],
      [62 * MIN, 65 * MIN, ids.voice],
    ]);
    expect((await buildReport(b.app.database, { guildId: ids.guildId, ...day })).activity.voice_minutes).toBe(5);
    expect(b.errors).toEqual([]);
  });

  it('stores an event that comes once activity has stopped, while a later slice is still stopping', async () => {
    bot = await TestBot.start();
    const b = bot;
    const { ids, fake } = b;
    const feature = (name: string) => b.app.features.find((f) => f.name === name)! as Feature;
    // Activity stops, then polls (before it in the list) takes its time.
    const activity = feature('activity');
    const activityStop = activity.stop!.bind(activity);
    let activityStopped = false;
    activity.stop = async () => {
      await activityStop();
      activityStopped = true;
    };
    const polls = feature('polls');
    const pollsStop = polls.stop?.bind(polls);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    polls.stop = async () => {
      await released;
      await pollsStop?.();
    };
    const stopping = b.app.stop();
    await fake.waitFor(() => activityStopped);
    const heard = new Promise<void>((resolve) => b.app.client.once(Events.MessageCreate, () => resolve()));
    const late = fake.post({ channelId: ids.general, userId: ids.carol, content: 'posted while Pulse stops' });
    await heard;
    release();
    await stopping;
    await b.restart(async () => {}); // (stop is idempotent)

    expect(rows(b, 'SELECT message_id, user_id FROM activity_messages')).toEqual([[late.id, ids.carol]]);
    expect(b.errors).toEqual([]);
  });

  it('a bulk delete marks each message deleted; reactions cleared at once (all, or one emoji) are marked removed', async () => {
    bot = await TestBot.start();
    const b = bot;
    const { ids, fake, clock } = b;
    const m1 = fake.post({ channelId: ids.general, userId: ids.alice, content: 'a' });
    const m2 = fake.post({ channelId: ids.general, userId: ids.bob, content: 'b' });
    const m3 = fake.post({ channelId: ids.general, userId: ids.bob, content: 'c' });
    const m4 = fake.post({ channelId: ids.general, userId: ids.dave, content: 'd' });
    fake.react({ channelId: ids.general, messageId: m1.id, userId: ids.carol, emoji: '👍' });
    fake.react({ channelId: ids.general, messageId: m1.id, userId: ids.dave, emoji: '🎉' });
    fake.react({ channelId: ids.general, messageId: m1.id, userId: ids.bob, emoji: '🎉' });
    fake.react({ channelId: ids.general, messageId: m4.id, userId: ids.carol, emoji: '🎉' });
    await fake.waitFor(() => count(b, 'activity_reactions') === 4);
    const t0 = clock.now();
    clock.advance(MIN);
    fake.dispatch('MESSAGE_DELETE_BULK', { ids: [m2.id, m3.id], channel_id: ids.general, guild_id: ids.guildId });
    fake.dispatch('MESSAGE_REACTION_REMOVE_EMOJI', { channel_id: ids.general, message_id: m1.id, guild_id: ids.guildId, emoji: { id: null, name: '🎉' } });
    await fake.waitFor(() => rows(b, 'SELECT 1 FROM activity_reactions WHERE removed_at IS NOT NULL').length === 2);
    clock.advance(MIN);
    fake.dispatch('MESSAGE_REACTION_REMOVE_ALL', { channel_id: ids.general, message_id: m1.id, guild_id: ids.guildId });
    await fake.waitFor(() => rows(b, 'SELECT 1 FROM activity_reactions WHERE removed_at IS NOT NULL').length === 3);

    expect(rows(b, `SELECT message_id, deleted_at - ${t0} FROM activity_messages ORDER BY message_id`)).toEqual([
      [m1.id, null],
      [m2.id, MIN],
      [m3.id, MIN],
      [m4.id, null],
    ]);
    expect(rows(b, `SELECT message_id, user_id, emoji, removed_at - ${t0} FROM activity_reactions ORDER BY message_id, user_id`)).toEqual([
      [m1.id, ids.bob, '🎉', MIN],
      [m1.id, ids.carol, '👍', 2 * MIN],
      [m1.id, ids.dave, '🎉', MIN],
      [m4.id, ids.carol, '🎉', null], // another message's
    ]);
    expect(b.errors).toEqual([]);
  });

  it('a gap it cannot record at the resume is logged, not thrown at the gateway; stop removes its listeners', async () => {
    bot = await TestBot.start();
    const b = bot;
    const { clock } = b;
    const client = b.app.client;
    const connection = await dropConnection(b);
    clock.advance(MIN);
    b.app.database.sqlite.exec('ALTER TABLE activity_gaps RENAME TO activity_gaps_away');
    await connection.back();
    await b.fake.waitFor(() => b.logs.some((l) => l.msg === 'activity.gap-failed'));
    b.app.database.sqlite.exec('ALTER TABLE activity_gaps_away RENAME TO activity_gaps');

    const shardEvents = [Events.ShardDisconnect, Events.ShardReconnecting, Events.ShardResume, Events.ShardReady] as const;
    const listeners = () => shardEvents.map((e) => client.listenerCount(e));
    const before = listeners();
    await b.app.stop();
    // Activity's own, one each, and the app's own new-session listener (ShardReady).
    expect(listeners()).toEqual([before[0]! - 1, before[1]! - 1, before[2]! - 1, before[3]! - 2]);
    expect(b.errors).toEqual([]);
  });
});
