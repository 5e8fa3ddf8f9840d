// Two servers on the fake Discord: a forged vote for another server's poll is refused as a vote
// for a poll that does not exist is, so nothing tells a member of one server which poll ids the
// other has.
import { afterEach, describe, expect, it } from 'vitest';
import type { FeatureFactory } from '../../src/feature.js';
import { pollsFeature } from '../../src/polls/discord.js';
import { settingsRoutes } from '../../src/settings/discord.js';
import { TestBot } from '../support/bot.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const features: FeatureFactory[] = [(ctx) => ({ name: 'settings', routes: settingsRoutes(ctx) }), (ctx) => pollsFeature(ctx)];
const B = '910000000000000001';
const bOwner = '910000000000000010';
const bGeneral = '910000000000000100';
const eve = '910000000000000201';

describe("another server's poll", () => {
  it('a forged vote for it is answered as one for a poll that does not exist, and counts nowhere', async () => {
    bot = await TestBot.start({ features });
    const b = bot;
    const { ids, fake } = b;
    fake.addGuild({ id: B, name: 'Other', ownerId: bOwner, ownerName: 'bowner' });
    fake.addChannel(B, { id: bGeneral, name: 'general' });
    fake.addMember(B, { id: eve, username: 'eve' });
    await fake.waitFor(() => b.app.client.channels.cache.has(bGeneral));

    const inA = await fake.slash({ channelId: ids.general, userId: ids.alice, name: 'poll', subcommand: 'create', options: { question: 'Lunch?', choices: 'Pizza | Salad' } }).reply();
    expect(inA.content).toMatch(/^Poll #1 posted/);
    const inB = await fake.slash({ guildId: B, channelId: bGeneral, userId: eve, name: 'poll', subcommand: 'create', options: { question: 'Tea?', choices: 'Yes | No' } }).reply();
    expect(inB.content).toMatch(/^Poll #2 posted/);
    const message = fake.channelMessages(bGeneral).find((m) => m.author.id === fake.appId)!;

    const forged = await fake.click({ userId: eve, message, customId: 'v1:poll-vote:1:0', forged: true }).reply();
    const missing = await fake.click({ userId: eve, message, customId: 'v1:poll-vote:99:0', forged: true }).reply();
    expect(forged.ephemeral).toBe(true);
    expect(forged.content).toBe('This poll no longer exists.');
    expect(forged.content).toBe(missing.content);
    expect(await b.db.selectFrom('poll_votes').selectAll().execute()).toEqual([]);

    // /poll results answers the same way for it and for a poll that never was.
    const results = async (poll: number) => (await fake.slash({ guildId: B, channelId: bGeneral, userId: eve, name: 'poll', subcommand: 'results', options: { poll } }).reply()).content;
    expect(await results(1)).toBe('There is no poll #1 in this server. Start typing in the `poll` option to pick one.');
    expect(await results(99)).toBe('There is no poll #99 in this server. Start typing in the `poll` option to pick one.');
  });
});
