// Direct messages (src/discord/dm.ts) and the bounded voice-state cache (src/discord/client.ts):
// what a bot running for months keeps in memory, and what a member gets when Discord's answer is lost.
import { ChannelType } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { VOICE_STATES_SWEEP } from '../../src/discord/client.js';
import { sendDm } from '../../src/discord/dm.js';
import { DiscordHttpError } from '../../src/fake-discord/util.js';
import { TestBot } from '../support/bot.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const memberId = (i: number) => String(800000000000000000n + BigInt(i));

describe('direct messages', () => {
  it('keep no DM channel in the cache, however many members get one', async () => {
    bot = await TestBot.start();
    const { fake, ids } = bot;
    for (let i = 0; i < 60; i++) {
      fake.addMember(ids.guildId, { id: memberId(i), username: `m${i}` });
      await sendDm(bot.app.client, memberId(i), `reminder ${i}`);
    }
    for (let i = 0; i < 60; i++) expect(fake.channelMessages(fake.dmChannelId(memberId(i))!).map((m) => m.content)).toEqual([`reminder ${i}`]);
    expect(bot.app.client.channels.cache.filter((c) => c.type === ChannelType.DM).size).toBe(0);
  });

  it('reach the member once when Discord made the message but its answer was lost', async () => {
    bot = await TestBot.start();
    const { fake, ids } = bot;
    // Discord stores the message, then the answer fails (a 502 from its edge): discord.js sends it again.
    const rest = (fake as unknown as { rest: { routes: Array<{ method: string; template: string; handler: (ctx: unknown) => Promise<unknown> }> } }).rest;
    const route = rest.routes.find((r) => r.method === 'POST' && r.template === '/channels/:channelId/messages')!;
    const original = route.handler;
    let lost = 0;
    route.handler = async (ctx) => {
      const result = await original(ctx);
      if (lost++ === 0) throw new DiscordHttpError(502, 0, '502: Bad Gateway');
      return result;
    };
    await sendDm(bot.app.client, ids.alice, 'Your poll closed.');
    expect(lost).toBe(2);
    expect(fake.channelMessages(fake.dmChannelId(ids.alice)!).map((m) => m.content)).toEqual(['Your poll closed.']);
  });

  it('carry no mentions', async () => {
    bot = await TestBot.start();
    await sendDm(bot.app.client, bot.ids.alice, '@everyone look');
    const [request] = bot.fake.requestsMatching('POST', /^\/channels\/\d+\/messages$/);
    expect((request!.body as { allowed_mentions?: unknown }).allowed_mentions).toEqual({ parse: [] });
  });
});

describe('voice states', () => {
  it('of members who left voice are swept; those in voice are kept', async () => {
    bot = await TestBot.start();
    const { fake, ids } = bot;
    for (let i = 0; i < 30; i++) {
      fake.addMember(ids.guildId, { id: memberId(i), username: `v${i}` });
      fake.voice(ids.guildId, memberId(i), ids.voice);
      if (i >= 3) fake.voice(ids.guildId, memberId(i), null);
    }
    const guild = bot.app.client.guilds.cache.get(ids.guildId)!;
    await expect.poll(() => guild.voiceStates.cache.get(memberId(29))?.channelId, { timeout: 5000 }).toBeNull();
    expect(guild.voiceStates.cache.size).toBeGreaterThanOrEqual(30);
    // The sweep the client runs every hour, with the filter it was given.
    expect(bot.app.client.options.sweepers?.voiceStates).toBe(VOICE_STATES_SWEEP);
    bot.app.client.sweepers.sweepVoiceStates(VOICE_STATES_SWEEP.filter());
    expect([...guild.voiceStates.cache.values()].map((s) => s.id).sort()).toEqual([memberId(0), memberId(1), memberId(2)]);
  });
});
