// A closed survey's card shows it closed, even when the closing edit did not happen: a kill -9
// right after the close committed, or an edit Discord refused. Start-up and the minute tick make
// the edit later (with back-off, a few times at most), and stop once it landed.
import type { APIMessage } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import type { FeatureFactory } from '../../src/feature.js';
import { settingsRoutes } from '../../src/settings/discord.js';
import { surveysFeature, type SurveysFeature } from '../../src/surveys/discord.js';
import { closeSurvey } from '../../src/surveys/store.js';
import { TestBot } from '../support/bot.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const features: FeatureFactory[] = [(ctx) => ({ name: 'settings', routes: settingsRoutes(ctx) }), (ctx) => surveysFeature(ctx)];

function card(b: TestBot, surveyId: number): APIMessage {
  const found = b.fake.channelMessages(b.ids.general).find((m) => m.embeds[0]?.footer?.text === `Survey #${surveyId}`);
  if (!found) throw new Error(`no card for survey ${surveyId}`);
  return found;
}

/** The card's "Take the survey" button: disabled once the card shows the survey closed. */
function take(b: TestBot, surveyId: number): { custom_id: string; disabled?: boolean } | undefined {
  const rows = (card(b, surveyId).components ?? []) as unknown as Array<{ components: Array<{ custom_id: string; disabled?: boolean }> }>;
  return rows.flatMap((r) => r.components).find((c) => c.custom_id === `v1:survey-take:${surveyId}`);
}

const showsClosed = (b: TestBot, surveyId: number) => take(b, surveyId)?.disabled === true && (card(b, surveyId).embeds[0]?.description ?? '').includes('Closed');

async function startSurveys(b: TestBot, count: number): Promise<void> {
  const slash = (subcommand: string, options: Record<string, string | number>) =>
    b.fake.slash({ channelId: b.ids.general, userId: b.ids.ownerId, name: 'survey', subcommand, options }).reply(10_000);
  for (let n = 1; n <= count; n++) {
    await slash('create', { template: 'csat' });
    expect((await slash('start', { survey: n })).content).toMatch(new RegExp(`^Survey #${n} is open`));
    expect(take(b, n)?.disabled).toBeFalsy();
  }
}

describe('closed survey cards', () => {
  it('after a kill -9 right after a close committed, start-up shows the card closed, once', async () => {
    bot = await TestBot.start({ features });
    await startSurveys(bot, 2);
    // What a kill -9 right after /survey close committed leaves: closed in the database, the card untouched.
    expect(await closeSurvey(bot.db, 1, bot.clock.now(), bot.ids.ownerId, null)).toBe(true);
    expect(showsClosed(bot, 1)).toBe(false);

    await bot.crash();
    await expect.poll(() => showsClosed(bot!, 1), { timeout: 5000 }).toBe(true);
    // The survey that stayed open keeps its card as it was.
    expect(take(bot, 2)?.disabled).toBeFalsy();
    const edits = (id: number) => bot!.fake.requestsMatching('PATCH', `/channels/${bot!.ids.general}/messages/${card(bot!, id).id}`).length;
    expect(edits(1)).toBe(1);

    // Shown now: neither the next start nor the tick edits it again.
    await bot.restart();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await (bot.app.features.find((f) => f.name === 'surveys') as SurveysFeature).tick();
    expect(edits(1)).toBe(1);
    expect(edits(2)).toBe(0);
    expect(bot.errors).toEqual([]);
  });

  it('a closing edit Discord refuses is tried again later, with back-off, and a few times at most', async () => {
    bot = await TestBot.start({ features });
    const { fake, ids } = bot;
    const tick = () => (bot!.app.features.find((f) => f.name === 'surveys') as SurveysFeature).tick();
    await startSurveys(bot, 2);
    const edits = (id: number) => fake.requestsMatching('PATCH', `/channels/${ids.general}/messages/${card(bot!, id).id}`).length;
    const close = (id: number) => fake.slash({ channelId: ids.general, userId: ids.ownerId, name: 'survey', subcommand: 'close', options: { survey: id } }).reply(10_000);
    // Discord's cap on edits of older messages: refused this time, not for good.
    const capped = { status: 400, code: 30046, message: 'Maximum number of edits to messages older than 1 hour reached. Try again later' };

    // Survey 1: the closing edit is refused once; the close itself goes through.
    fake.failNext({ method: 'PATCH', path: `/channels/${ids.general}/messages/${card(bot, 1).id}` }, capped);
    expect((await close(1)).content).toMatch(/^Survey #1 is closed/);
    expect(showsClosed(bot, 1)).toBe(false);
    await tick(); // not yet: a minute's back-off
    expect(edits(1)).toBe(1);
    bot.clock.advance(61_000);
    await tick();
    expect(showsClosed(bot, 1)).toBe(true);
    expect(edits(1)).toBe(2);

    // Survey 2: refused every time. Five tries (1, 5, 15 and 60 minutes apart), then no more, not even after a restart.
    for (let i = 0; i < 5; i++) fake.failNext({ method: 'PATCH', path: `/channels/${ids.general}/messages/${card(bot, 2).id}` }, capped);
    expect((await close(2)).content).toMatch(/^Survey #2 is closed/);
    for (const minutes of [1, 5, 15, 60, 60, 180]) {
      bot.clock.advance(minutes * 60_000 + 1_000);
      await tick();
    }
    expect(edits(2)).toBe(5);
    await bot.restart();
    await new Promise((resolve) => setTimeout(resolve, 200));
    bot.clock.advance(24 * 3_600_000);
    await tick();
    expect(edits(2)).toBe(5);
    expect(edits(1)).toBe(2);
    expect(bot.errors).toEqual([]);
  });
});
