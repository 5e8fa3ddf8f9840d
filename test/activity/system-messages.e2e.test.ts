// System messages end to end: with a system channel, the fake Discord posts "X joined the
// server" (type 7) on every join and "X started a thread" (type 18); the real bot counts neither.
import { MessageType } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/insights/report.js';
import { TestBot } from '../support/bot.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const count = (b: TestBot, table: string) => b.app.database.sqlite.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;

describe('system messages', () => {
  it('join and thread-created messages are not messages, activity, activation or contributions', async () => {
    bot = await TestBot.start(); // Monday 2026-11-02 12:00 UTC
    const { ids, fake, clock } = bot;
    const b = bot;
    const erin = '900000000000000301';
    fake.setSystemChannel(ids.guildId, ids.general);

    fake.join(ids.guildId, { id: erin, username: 'erin', joinedAt: new Date(clock.now()) });
    fake.createThread({ parentId: ids.general, ownerId: ids.bob, name: 'plans' });
    fake.post({ channelId: ids.general, userId: ids.alice, content: 'hello', at: new Date(clock.now()) });
    // Discord's side: the join message and the thread-created message exist, as the members'.
    const types = fake.channelMessages(ids.general).map((m) => [m.type, m.author.id]);
    expect(types).toEqual(expect.arrayContaining([[MessageType.UserJoin, erin], [MessageType.ThreadCreated, ids.bob], [MessageType.Default, ids.alice]]));

    // Alice's message came last on the gateway and the writer keeps order: once it is stored,
    // a counted system message would be too.
    const hasAlice = () => b.app.database.sqlite.prepare('SELECT count(*) FROM activity_messages WHERE user_id = ?').pluck().get(ids.alice) === 1;
    await fake.waitFor(() => hasAlice() && count(b, 'activity_member_events') === 1 && count(b, 'activity_threads') === 1);
    expect(b.app.database.sqlite.prepare('SELECT user_id FROM activity_messages').pluck().all()).toEqual([ids.alice]);

    clock.set(Date.parse('2026-11-16T09:00:00Z'));
    const report = await buildReport(b.app.database, { guildId: ids.guildId, from: '2026-11-02', to: '2026-11-08', asOf: clock.now() });
    expect(report.members.joined).toBe(1);
    expect(report.new_members).toMatchObject({ cohort: 1, activated: 0, activation_rate: 0 });
    expect(report.activity).toMatchObject({ messages: 1, threads_created: 1, active_members: 2 });
    expect(report.top_contributors).toEqual([{ user_id: ids.alice, messages: 1 }]);
    expect(report.top_channels).toEqual([{ channel_id: ids.general, messages: 1, active_members: 1 }]);
    expect(report.hour_of_week.flat().reduce((x, y) => x + y, 0)).toBe(1);
    expect(bot.errors).toEqual([]);
  });
});
