// The response rate's "members who could answer" on a server larger than the bot's member cache.
import { afterEach, describe, expect, it } from 'vitest';
import type { FeatureFactory } from '../../src/feature.js';
import { surveysFeature } from '../../src/surveys/discord.js';
import { TestBot } from '../support/bot.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const features: FeatureFactory[] = [(ctx) => surveysFeature(ctx)];

async function slash(b: TestBot, subcommand: string, options: Record<string, string | number | boolean> = {}) {
  return b.fake.slash({ channelId: b.ids.general, userId: b.ids.ownerId, name: 'survey', subcommand, options }).reply(10_000);
}

describe('members who could answer', () => {
  it('are counted from the whole member list, not the bot’s capped cache, with the survey’s role, and stored at close', async () => {
    bot = await TestBot.start({ features });
    const { ids, fake } = bot;
    const players = fake.addRole(ids.guildId, { name: 'Players' }).id;
    // 400 more members, 250 of them Players, and 3 more bots (never counted).
    for (let i = 0; i < 400; i++) fake.addMember(ids.guildId, { username: `m${i}`, roles: i < 250 ? [players] : [] });
    for (let i = 0; i < 3; i++) fake.addMember(ids.guildId, { username: `b${i}`, bot: true, roles: [players] });
    // The seeded server has 6 members who are not bots (the owner, four members, the moderator).
    const humans = 6 + 400;

    await slash(bot, 'create', { template: 'nps' });
    await slash(bot, 'start', { survey: 1 });
    await slash(bot, 'create', { template: 'csat' });
    await slash(bot, 'start', { survey: 2, role: players });

    const everyone = await slash(bot, 'results', { survey: 1 });
    expect(everyone.embeds[0]?.description).toMatch(new RegExp(`\\*\\*0\\*\\* responses of ${humans} members who could answer`));
    // The premise: the bot's member cache holds far fewer (src/discord/client.ts caps it).
    expect(bot.app.client.guilds.cache.get(ids.guildId)!.members.cache.size).toBeLessThanOrEqual(200);
    // Another role within the reuse window: counted from the same fetch.
    const forRole = await slash(bot, 'results', { survey: 2 });
    expect(forRole.embeds[0]?.description).toMatch(/\*\*0\*\* responses of 250 members who could answer/);

    // Closing stores the number, so later results (and the digest's rate) keep it.
    await slash(bot, 'close', { survey: 1 });
    await slash(bot, 'close', { survey: 2 });
    const stored = await bot.db.selectFrom('surveys').select(['id', 'eligible']).orderBy('id').execute();
    expect(stored).toEqual([
      { id: 1, eligible: humans },
      { id: 2, eligible: 250 },
    ]);
    expect(bot.errors).toEqual([]);
  });
});
