// An anonymous poll with hidden results: nobody, not its author and not staff, sees the counts
// before it closes, or a look between two clicks would tell who voted for what.
import type { APIEmbed, APIMessage } from 'discord-api-types/v10';
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

/** The "N vote(s)" figure of each choice, as an embed shows it. */
function shownCounts(embed: APIEmbed | undefined): number[] {
  return [...(embed?.description ?? '').matchAll(/· (\d+) votes?/g)].map((m) => Number(m[1]));
}

describe('anonymous poll with hidden results', () => {
  it('shows the counts to nobody before close, author and staff included; a named hidden poll still shows them to its author', async () => {
    bot = await TestBot.start({ features });
    const { ids, fake } = bot;
    const set = await fake.slash({ channelId: ids.staffChannel, userId: ids.ownerId, name: 'settings', subcommand: 'set', options: { staff_role: ids.staffRoleId } }).reply();
    expect(set.content).toBe('Settings saved.');
    const create = (options: Record<string, string | boolean>) => fake.slash({ channelId: ids.general, userId: ids.alice, name: 'poll', subcommand: 'create', options }).reply();
    expect((await create({ question: 'Keep Friday demos?', choices: 'Yes | No', anonymous: true, hide_results: true })).content).toMatch(/Poll #1 posted/);
    expect((await create({ question: 'Pizza on Friday?', choices: 'Yes | No', hide_results: true })).content).toMatch(/Poll #2 posted/);
    const [anonymous, named] = fake.channelMessages(ids.general).filter((m) => m.author.id === fake.appId) as [APIMessage, APIMessage];
    const results = async (userId: string, poll: number) => (await fake.slash({ channelId: ids.general, userId, name: 'poll', subcommand: 'results', options: { poll } }).reply()).embeds[0];

    // Bob votes Yes, Alice (the author) looks; Carol votes No, Alice and a staff member look.
    expect((await fake.click({ userId: ids.bob, message: anonymous, customId: 'v1:poll-vote:1:0' }).reply()).content).toMatch(/You voted for \*\*Yes\*\*/);
    const afterBob = await results(ids.alice, 1);
    expect(shownCounts(afterBob)).toEqual([]);
    expect(afterBob?.description).toContain('Results are hidden until the poll closes.');
    await fake.click({ userId: ids.carol, message: anonymous, customId: 'v1:poll-vote:1:1' }).reply();
    for (const viewer of [ids.alice, ids.moderator, ids.ownerId, ids.dave]) {
      const seen = await results(viewer, 1);
      expect(shownCounts(seen), viewer).toEqual([]);
      expect(seen?.description).toContain('Results are hidden until the poll closes.');
      expect(JSON.stringify(seen?.fields ?? [])).not.toMatch(/you see them/);
    }

    // Nor in an export, staff's included.
    const exported = await fake.slash({ channelId: ids.staffChannel, userId: ids.moderator, name: 'poll', subcommand: 'export', options: { poll: 1 } }).reply();
    expect(exported).toMatchObject({ ephemeral: true, content: 'Poll #1 is anonymous with hidden results: its counts can be exported once it closes.', files: [] });

    // A named poll's hidden counts are still there for its author and staff (its voters are no secret to them).
    await fake.click({ userId: ids.bob, message: named, customId: 'v1:poll-vote:2:0' }).reply();
    expect(shownCounts(await results(ids.alice, 2))).toEqual([1, 0]);
    expect(shownCounts(await results(ids.moderator, 2))).toEqual([1, 0]);
    expect(shownCounts(await results(ids.dave, 2))).toEqual([]);

    // Once closed, everyone sees the anonymous poll's counts.
    expect((await fake.slash({ channelId: ids.general, userId: ids.alice, name: 'poll', subcommand: 'close', options: { poll: 1 } }).reply()).content).toBe('Poll #1 is closed.');
    expect(shownCounts(await results(ids.dave, 1))).toEqual([1, 1]);
    expect(shownCounts(await results(ids.alice, 1))).toEqual([1, 1]);
    const afterClose = await fake.slash({ channelId: ids.staffChannel, userId: ids.moderator, name: 'poll', subcommand: 'export', options: { poll: 1 } }).reply();
    expect(afterClose.files[0]?.data.toString('utf8')).toContain('1,1,Yes,1');
    expect(bot.errors).toEqual([]);
  });
});
