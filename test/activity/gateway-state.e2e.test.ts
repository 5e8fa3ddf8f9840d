// What the gateway says of its state, on the fake Discord: a session Discord could not resume (its
// GUILD_CREATE lists who is still in voice), a restart (bots known from the member list before
// they post), and ignored channels with their threads and forum posts.
import { ChannelType } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { settingsCommand } from '../../commands/settings.js';
import { TestBot } from '../support/bot.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const MIN = 60_000;
const rows = (b: TestBot, sql: string) => b.app.database.sqlite.prepare(sql).raw().all();
const count = (b: TestBot, table: string) => b.app.database.sqlite.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;

describe('the gateway’s state', () => {
  it('a member who left voice while the connection was down, which Discord could not resume, left when it was lost', async () => {
    bot = await TestBot.start(); // 12:00
    const { ids, fake, clock } = bot;
    const b = bot;
    const client = b.app.client;
    const t0 = clock.now();
    fake.voice(ids.guildId, ids.carol, ids.voice);
    fake.voice(ids.guildId, ids.alice, ids.voice);
    await fake.waitFor(() => count(b, 'activity_voice_sessions') === 2);

    clock.advance(10 * MIN);
    const down = new Promise<void>((resolve) => client.once('shardReconnecting', () => resolve()));
    fake.refuseGateway(4007); // an invalid sequence: the client must identify anew, not resume
    fake.dropConnection();
    await down;
    fake.voice(ids.guildId, ids.carol, null); // never delivered: the new session starts from now
    clock.advance(20 * MIN);
    // Its RESUME refused, the client gives the session up; then it may identify.
    await fake.waitFor(() => fake.refusedConnections >= 1);
    const ready = new Promise<void>((resolve) => client.once('shardReady', () => resolve()));
    fake.refuseGateway(null);
    await ready;
    await fake.waitFor(() => rows(b, 'SELECT 1 FROM activity_voice_sessions WHERE ended_at IS NOT NULL').length === 1);

    expect(fake.resumeCount).toBe(0);
    expect(rows(b, 'SELECT user_id, started_at, ended_at FROM activity_voice_sessions ORDER BY user_id')).toEqual([
      [ids.alice, t0, null], // still in voice: one session, still open
      [ids.carol, t0, t0 + 10 * MIN],
    ]);
    expect(rows(b, 'SELECT started_at, ended_at, reason FROM activity_gaps')).toEqual([[t0 + 10 * MIN, t0 + 30 * MIN, 'disconnected']]);
    expect(bot.errors).toEqual([]);
  });

  it('an ignored channel’s threads and an ignored forum’s posts are not recorded', async () => {
    bot = await TestBot.start();
    const { ids, fake } = bot;
    const b = bot;
    const forum = fake.addChannel(ids.guildId, { name: 'ideas', type: ChannelType.GuildForum });
    for (const channel of [ids.general, forum.id]) {
      await fake.slash({ guildId: ids.guildId, channelId: ids.staffChannel, userId: ids.ownerId, name: 'settings', subcommand: 'ignore-channel', options: { channel } }).reply();
    }
    const side = fake.createThread({ parentId: ids.general, ownerId: ids.alice, name: 'side talk' });
    const said = fake.post({ channelId: side.id, userId: ids.bob, content: 'in a thread' });
    fake.react({ channelId: side.id, messageId: said.id, userId: ids.carol, emoji: '👍' });
    const post = fake.createThread({ parentId: forum.id, ownerId: ids.alice, name: 'an idea', content: 'what if' });
    fake.post({ channelId: post.id, userId: ids.bob, content: 'yes' });
    const recorded = fake.post({ channelId: ids.modChannel, userId: ids.dave, content: 'elsewhere' });
    // Events are stored in order: once the last is, the others were decided.
    await fake.waitFor(() => count(b, 'activity_messages') > 0);
    expect(rows(b, 'SELECT message_id FROM activity_messages')).toEqual([[recorded.id]]);
    expect(count(b, 'activity_reactions') + count(b, 'activity_threads')).toBe(0);
    expect(bot.errors).toEqual([]);
  });

  it('/settings ignore-channel offers no categories (no event names one)', () => {
    const sub = settingsCommand.options.find((o) => o.name === 'ignore-channel')!;
    const types: readonly number[] = sub.options[0].channel_types;
    expect(types).not.toContain(ChannelType.GuildCategory);
    expect(types).toEqual(expect.arrayContaining([ChannelType.GuildText, ChannelType.GuildForum, ChannelType.GuildVoice, ChannelType.PublicThread]));
  });
});
