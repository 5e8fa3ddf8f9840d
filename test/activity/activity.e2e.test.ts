// Activity end to end: members post, react, talk in voice, join and leave on the fake Discord;
// the real bot records it, and staff read it back through the report and /insights.
import { afterEach, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/insights/report.js';
import { TestBot } from '../support/bot.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const MIN = 60_000;
const count = (b: TestBot, table: string) => b.app.database.sqlite.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;

describe('activity', () => {
  it('records members, not bots, and staff read it back through the report and /insights', async () => {
    bot = await TestBot.start(); // Monday 2026-11-02 12:00 UTC
    const { ids, fake, clock } = bot;
    const b = bot;
    const now = () => new Date(clock.now());

    const hello = fake.post({ channelId: ids.general, userId: ids.alice, content: 'hello there', at: now() });
    fake.post({ channelId: ids.general, userId: ids.otherBot, content: 'beep', at: now() });
    fake.react({ channelId: ids.general, messageId: hello.id, userId: ids.bob, emoji: '👍' });
    fake.voice(ids.guildId, ids.carol, ids.voice);
    fake.join(ids.guildId, { id: '900000000000000301', username: 'erin', joinedAt: now() });
    await fake.waitFor(() => count(b, 'activity_voice_sessions') === 1 && count(b, 'activity_member_events') === 1 && count(b, 'activity_reactions') === 1);
    clock.advance(30 * MIN);
    fake.voice(ids.guildId, ids.carol, null);
    fake.leave(ids.guildId, ids.dave);
    await fake.waitFor(() => count(b, 'activity_member_events') === 2 && b.app.database.sqlite.prepare('SELECT ended_at FROM activity_voice_sessions').pluck().get() !== null);
    expect(count(b, 'activity_messages')).toBe(1); // the bot's message was dropped at the door
    const stored = JSON.stringify(b.app.database.sqlite.prepare('SELECT * FROM activity_messages').all());
    expect(stored).not.toContain('hello there');

    clock.set(Date.parse('2026-11-09T09:00:00Z'));
    const report = await buildReport(b.app.database, { guildId: ids.guildId, from: '2026-11-02', to: '2026-11-08', asOf: clock.now() });
    expect(report.members).toEqual({ joined: 1, left: 1, net: 0 });
    expect(report.activity).toMatchObject({ messages: 1, reactions: 1, voice_minutes: 30, active_members: 3 });
    expect(report.top_contributors).toEqual([{ user_id: ids.alice, messages: 1 }]);

    const refused = await fake.slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.alice, name: 'insights' }).reply();
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toMatch(/Only staff/);

    const insights = await fake.slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.ownerId, name: 'insights', options: { period: '7d' } }).reply();
    expect(insights.ephemeral).toBe(true);
    const embed = insights.embeds[0]!;
    expect(embed.title).toBe('Insights: Nov 2 – 8, 2026');
    const fields = Object.fromEntries((embed.fields ?? []).map((f) => [f.name, f.value]));
    expect(fields['Members']).toBe('joined **1** · left **1** · net **+0**');
    expect(fields['Activity']).toBe('1 message · 1 reaction · 0 threads · 30 voice min');
    expect(fields['Top members']).toBe(`1. <@${ids.alice}> 1`);
    expect(bot.errors).toEqual([]);
  });

  it('merges an hour’s parts in the worker pool in its background turn, and no figure changes', async () => {
    bot = await TestBot.start({ now: Date.parse('2026-11-02T12:00:00Z') });
    const { ids, fake, clock } = bot;
    const b = bot;
    const shape = () => b.app.database.sqlite.prepare(`SELECT count(*) AS parts, sum(length(records)) AS bytes FROM activity_hours`).get() as { parts: number; bytes: number };
    // Three messages, each in its own flush: the 12:00 hour in three parts.
    for (const [i, user] of [ids.alice, ids.bob, ids.alice].entries()) {
      clock.advance(MIN);
      fake.post({ channelId: ids.general, userId: user, content: 'hi', at: new Date(clock.now()) });
      await fake.waitFor(() => shape().parts === i + 1);
    }
    expect(b.app.pool.inline).toBe(false); // a worker thread merges
    // Two hours after the hour ends it is done: the next turn (every 2 s) has a worker merge it.
    clock.set(Date.parse('2026-11-02T15:00:00Z'));
    await fake.waitFor(() => shape().parts === 1, 6000);
    expect(shape().bytes).toBe(2 * 24); // two records: Alice and Bob in #general
    const report = await buildReport(b.app.database, { guildId: ids.guildId, from: '2026-11-02', to: '2026-11-02', asOf: clock.now() });
    expect(report.activity).toMatchObject({ messages: 3, active_members: 2 });
    expect(report.top_contributors).toEqual([{ user_id: ids.alice, messages: 2 }, { user_id: ids.bob, messages: 1 }]);
    expect(bot.errors).toEqual([]);
  });
});
