// A server Pulse was removed from, then added to again, on the fake Discord: the days between are
// a gap of that server's (reason `removed`), not days of a quiet server, across a restart too.
import { afterEach, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/insights/report.js';
import { TestBot } from '../support/bot.js';
import { message, voice } from './payloads.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const DAY = 86_400_000;
const B = '910000000000000001';
const bOwner = '910000000000000010';
const bGeneral = '910000000000000100';
const bVoice = '910000000000000103';
const eve = '910000000000000201';
const week = { guildId: B, from: '2026-11-02', to: '2026-11-08', asOf: Date.parse('2026-11-09T09:00:00Z') };
const count = (b: TestBot, table: string) => b.app.database.sqlite.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
const rows = (b: TestBot, sql: string) => b.app.database.sqlite.prepare(sql).raw().all();

describe('a server Pulse is removed from', () => {
  it('shows the days until it is added again as its gap in the report and /insights; the other server has none', async () => {
    bot = await TestBot.start({ now: Date.parse('2026-11-02T00:00:00Z') });
    const b = bot;
    const { ids, fake, clock } = b;
    fake.addGuild({ id: B, name: 'Other', ownerId: bOwner, ownerName: 'bowner' });
    fake.addChannel(B, { id: bGeneral, name: 'general' });
    fake.addMember(B, { id: eve, username: 'eve' });
    await fake.waitFor(() => b.app.client.guilds.cache.has(B));
    const created = fake.gatewayLog
      .filter((e) => e.t === 'GUILD_CREATE')
      .map((e) => e.d as { id: string })
      .find((d) => d.id === B)!;
    for (let day = 0; day < 7; day++) {
      clock.set(Date.parse('2026-11-02T12:00:00Z') + day * DAY);
      if (day === 2) fake.dispatch('GUILD_DELETE', { id: B }); // removed on Wednesday
      if (day === 5) fake.dispatch('GUILD_CREATE', created); // added again on Saturday
      if (day < 2 || day >= 5) fake.post({ channelId: bGeneral, userId: eve, content: 'b', at: new Date(clock.now()) });
      // The bot goes on listening to the first server meanwhile.
      await fake.slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.ownerId, name: 'pulse', subcommand: 'about' }).reply();
    }
    await fake.waitFor(() => count(b, 'activity_messages') === 4 && count(b, 'activity_gaps') === 1);
    await b.restart();

    const removed = Date.parse('2026-11-04T12:00:00Z');
    const back = Date.parse('2026-11-07T12:00:00Z');
    expect(rows(b, 'SELECT started_at, ended_at, reason, guild_id FROM activity_gaps')).toEqual([[removed, back, 'removed', B]]);
    expect(count(b, 'activity_guild_outages')).toBe(0);
    const r = await buildReport(b.app.database, week);
    expect(r.activity.dau.map((d) => d.count)).toEqual([1, 1, 0, 0, 0, 1, 1]);
    expect(r.gaps).toEqual([{ from: '2026-11-04T12:00:00.000Z', to: '2026-11-07T12:00:00.000Z' }]);
    // The first server was listened to all along: not its gap.
    expect((await buildReport(b.app.database, { ...week, guildId: ids.guildId })).gaps).toEqual([]);

    // /insights (built in the worker pool) says so too.
    clock.set(week.asOf);
    const insights = await fake.slash({ guildId: B, channelId: bGeneral, userId: bOwner, name: 'insights', options: { period: '7d' } }).reply();
    const fields = Object.fromEntries((insights.embeds[0]!.fields ?? []).map((f) => [f.name, f.value]));
    expect(fields['Not listening']).toBe('1 gap in this period: figures may be low there.');
    expect(b.errors).toEqual([]);
  });
});

describe('a server Pulse is removed from, across a restart', () => {
  /**
   * A second server known to the client only through dispatches (the fake's own world does not
   * have it): after a restart, READY does not list it, as Discord does not list a server the bot
   * was removed from.
   */
  const guildCreate = (created: Record<string, unknown>) => ({
    ...created,
    id: B,
    name: 'Other',
    owner_id: bOwner,
    roles: [{ ...(created.roles as Array<Record<string, unknown>>).find((r) => r.id === created.id), id: B }],
    channels: [],
    threads: [],
    members: [],
    voice_states: [],
    member_count: 1,
  });

  it('keeps the removal’s start: the gap runs from the removal to the next GUILD_CREATE, and is listed while it goes on', async () => {
    bot = await TestBot.start({ now: Date.parse('2026-11-02T12:00:00Z') });
    const b = bot;
    const { fake, clock } = b;
    const created = guildCreate(fake.gatewayLog.find((e) => e.t === 'GUILD_CREATE')!.d as Record<string, unknown>);
    const at = (iso: string) => Date.parse(iso);
    const said = (iso: string) => message(eve, iso, { guild_id: B, channel_id: bGeneral }).d;
    fake.dispatch('GUILD_CREATE', created);
    fake.dispatch('MESSAGE_CREATE', said('2026-11-02T12:00:00.000Z'));
    fake.dispatch('VOICE_STATE_UPDATE', voice(eve, bVoice, '2026-11-02T12:00:00Z', B).d);
    await fake.waitFor(() => count(b, 'activity_messages') === 1 && count(b, 'activity_voice_sessions') === 1);

    clock.set(at('2026-11-03T12:00:00Z'));
    fake.dispatch('GUILD_DELETE', { id: B }); // removed on Tuesday
    await fake.waitFor(() => count(b, 'activity_guild_outages') === 1);
    clock.set(at('2026-11-04T12:00:00Z'));
    await b.restart();
    // After the restart: still removed (no GUILD_CREATE for it), and a report now lists the gap up to now.
    clock.set(at('2026-11-05T12:00:00Z'));
    expect(rows(b, 'SELECT guild_id, started_at, reason FROM activity_guild_outages')).toEqual([[B, at('2026-11-03T12:00:00Z'), 'removed']]);
    expect(count(b, 'activity_gaps')).toBe(0);
    const meanwhile = await buildReport(b.app.database, { ...week, asOf: clock.now() });
    expect(meanwhile.gaps).toEqual([{ from: '2026-11-03T12:00:00.000Z', to: '2026-11-05T12:00:00.000Z' }]);

    clock.set(at('2026-11-06T12:00:00Z'));
    fake.dispatch('GUILD_CREATE', created); // added again on Friday
    fake.dispatch('MESSAGE_CREATE', said('2026-11-06T12:00:00.000Z'));
    await fake.waitFor(() => count(b, 'activity_gaps') === 1 && count(b, 'activity_messages') === 2);

    expect(rows(b, 'SELECT started_at, ended_at, reason, guild_id FROM activity_gaps')).toEqual([[at('2026-11-03T12:00:00Z'), at('2026-11-06T12:00:00Z'), 'removed', B]]);
    expect(count(b, 'activity_guild_outages')).toBe(0);
    // The voice session ended at the removal, as before.
    expect(rows(b, 'SELECT user_id, started_at, ended_at FROM activity_voice_sessions')).toEqual([[eve, at('2026-11-02T12:00:00Z'), at('2026-11-03T12:00:00Z')]]);
    const r = await buildReport(b.app.database, week);
    expect(r.activity.dau.map((d) => d.count)).toEqual([1, 1, 0, 0, 1, 0, 0]);
    expect(r.gaps).toEqual([{ from: '2026-11-03T12:00:00.000Z', to: '2026-11-06T12:00:00.000Z' }]);
    expect(b.errors).toEqual([]);
  });
});
