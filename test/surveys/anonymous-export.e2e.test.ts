// An anonymous survey's export carries no order of submission; every export opens in Excel as UTF-8.
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

describe('anonymous export', () => {
  it('rows are sorted by their answers, not by submission', async () => {
    bot = await TestBot.start({ features });
    const { ids, fake } = bot;
    await slash(bot, 'create', { template: 'csat', anonymous: true });
    await slash(bot, 'start', { survey: 1 });
    const card = fake.channelMessages(ids.general).find((m) => m.embeds[0]?.footer?.text === 'Survey #1')!;
    const take = (userId: string) => {
      const t = fake.click({ userId, message: card, customId: 'v1:survey-take:1' });
      return t.reply().then(() => t);
    };
    const members = Array.from({ length: 5 }, (_, i) => fake.addMember(ids.guildId, { username: `m${i}` }).user.id);
    const submitted: string[] = [];
    for (const [i, member] of members.entries()) {
      bot.clock.advance(60_000);
      const score = String(5 - i); // 5, 4, 3, 2, 1: the first to answer is the most satisfied
      const saved = await (await take(member)).submitModal({ satisfaction: score, improve: `note ${5 - i}` }).reply();
      expect((await fake.click({ userId: member, message: saved.message!, customId: 'v1:survey-submit:1' }).reply()).content).toMatch(/stored without your name/);
      submitted.push(`${score},note ${score}`);
    }

    const exported = await slash(bot, 'export', { survey: 1 });
    const bytes = exported.files[0]!.data;
    // A UTF-8 byte order mark first: Excel reads the file as UTF-8.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('response,satisfaction,improve');
    const rows = lines.slice(1, -1);
    // Numbered in the order of their answers; submission order (5 first) would let staff match row 1 with the first to click.
    expect(rows).toEqual(['1,1,note 1', '2,2,note 2', '3,3,note 3', '4,4,note 4', '5,5,note 5']);
    expect(rows.map((r) => r.replace(/^\d+,/, ''))).not.toEqual(submitted);

    expect(bot.errors).toEqual([]);
  });
});
