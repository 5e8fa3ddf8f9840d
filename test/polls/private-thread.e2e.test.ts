// A poll in a private thread is seen only by the thread's members (and staff, its author): its channel permissions are the parent's.
import { ChannelType } from 'discord.js';
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

describe('a poll in a private thread', () => {
  it('is not listed, shown or autocompleted to a member outside the thread; its owner sees it', async () => {
    bot = await TestBot.start({ features });
    const { ids, fake } = bot;
    const thread = fake.createThread({ parentId: ids.general, ownerId: ids.alice, name: 'secret plans', type: ChannelType.PrivateThread });
    await fake.waitFor(() => bot!.app.client.channels.cache.has(thread.id));
    const created = await fake.slash({ channelId: thread.id, userId: ids.alice, name: 'poll', subcommand: 'create', options: { question: 'Surprise party?', choices: 'Yes | No' } }).reply();
    expect(created.content).toMatch(/Poll #1 posted/);

    const run = (userId: string, subcommand: string, options: Record<string, string | number> = {}) =>
      fake.slash({ channelId: ids.general, userId, name: 'poll', subcommand, options }).reply();
    const ac = (userId: string) => fake.autocomplete({ channelId: ids.general, userId, name: 'poll', subcommand: 'results', options: { poll: 0 }, focused: 'poll', value: '' }).reply();

    const list = await run(ids.bob, 'list');
    expect(JSON.stringify(list)).not.toContain('Surprise party?');
    const results = await run(ids.bob, 'results', { poll: 1 });
    expect(results.ephemeral).toBe(true);
    expect(results.content).toMatch(/#1/);
    expect(JSON.stringify(results.embeds)).not.toContain('Surprise party?');
    expect((await ac(ids.bob)).choices).toEqual([]);

    expect(JSON.stringify(await run(ids.alice, 'list'))).toContain('Surprise party?');
    expect(JSON.stringify((await run(ids.alice, 'results', { poll: 1 })).embeds)).toContain('Surprise party?');
    expect((await ac(ids.alice)).choices?.map((c) => c.value)).toEqual([1]);
    expect(bot.errors).toEqual([]);
  });
});
