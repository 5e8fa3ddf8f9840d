// Deleting surveys that recur: a deleted run stays deleted (its schedule goes on), and deleting the
// survey a schedule copies stops the schedule. Each reply says which of these happened.
import { afterEach, describe, expect, it } from 'vitest';
import type { FeatureFactory } from '../../src/feature.js';
import { settingsRoutes } from '../../src/settings/discord.js';
import { surveysFeature, type SurveysFeature } from '../../src/surveys/discord.js';
import { TestBot } from '../support/bot.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const features: FeatureFactory[] = [(ctx) => ({ name: 'settings', routes: settingsRoutes(ctx) }), (ctx) => surveysFeature(ctx)];

describe('deleting recurring surveys', () => {
  it('a deleted run is not opened again, not even after a restart; the next run opens as usual', async () => {
    bot = await TestBot.start({ features });
    const { ids, fake } = bot;
    const slash = async (subcommand: string, options: Record<string, string | number>) => (await fake.slash({ channelId: ids.general, userId: ids.ownerId, name: 'survey', subcommand, options }).reply(10_000)).content;
    const tick = () => (bot!.app.features.find((f) => f.name === 'surveys') as SurveysFeature).tick();
    const runs = () => bot!.db.selectFrom('surveys').select(['id', 'status', 'run_key']).where('schedule_id', 'is not', null).orderBy('id').execute();
    const cards = () => fake.channelMessages(ids.general).filter((m) => m.embeds[0]?.footer?.text?.startsWith('Survey #'));
    const cardPosts = () => fake.requestsMatching('POST', `/channels/${ids.general}/messages`).length;

    await slash('create', { template: 'nps' });
    await slash('recur', { survey: 1, every: 'day', time: '09:00' });
    bot.clock.set(Date.parse('2026-11-03T09:00:30Z'));
    await tick();
    expect(await runs()).toEqual([{ id: 2, status: 'open', run_key: '2026-11-03T09:00:00.000Z' }]);
    expect(cards()).toHaveLength(1);

    expect(await slash('delete', { survey: 2 })).toBe(
      'Survey #2 and its responses are deleted; this run will not open again. It was a run of survey #1, whose schedule goes on: to stop it, use `/survey recur survey:1 every:stop`.',
    );
    expect(cards()).toEqual([]);
    const posted = cardPosts();
    // A minute later the run is still due, and still deleted: nothing reopens, no card is posted.
    bot.clock.advance(60_000);
    await tick();
    await bot.restart();
    expect(await runs()).toEqual([]);
    expect(cardPosts()).toBe(posted);
    expect(cards()).toEqual([]);

    // The schedule goes on: tomorrow's run opens once, with a new number.
    bot.clock.set(Date.parse('2026-11-04T09:00:30Z'));
    await tick();
    await tick();
    expect(await runs()).toEqual([{ id: 3, status: 'open', run_key: '2026-11-04T09:00:00.000Z' }]);
    expect(cards()).toHaveLength(1);

    // Deleting the survey the schedule copies stops it; the open run stays until it closes.
    expect(await slash('delete', { survey: 1 })).toBe('Survey #1, its responses and its schedule are deleted.');
    bot.clock.set(Date.parse('2026-11-05T09:00:30Z'));
    await tick();
    expect((await runs()).map((r) => r.id)).toEqual([3]);
    // Its run, deleted now, names no schedule: there is none left to stop.
    expect(await slash('delete', { survey: 3 })).toBe('Survey #3 and its responses are deleted.');
    expect(cards()).toEqual([]);
    expect(bot.errors).toEqual([]);
  });
});
