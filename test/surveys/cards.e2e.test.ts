// A survey's card is posted once: not twice when the minute tick runs while /survey start is
// posting it, once after a crash between opening a survey and posting its card, and once after a
// crash between its POST and saving its id.
import { afterEach, describe, expect, it } from 'vitest';
import type { FeatureFactory } from '../../src/feature.js';
import { settingsRoutes } from '../../src/settings/discord.js';
import { surveysFeature, type SurveysFeature } from '../../src/surveys/discord.js';
import { openSurvey } from '../../src/surveys/store.js';
import { TestBot } from '../support/bot.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const features: FeatureFactory[] = [(ctx) => ({ name: 'settings', routes: settingsRoutes(ctx) }), (ctx) => surveysFeature(ctx)];

function cards(b: TestBot, surveyId: number) {
  return b.fake.channelMessages(b.ids.general).filter((m) => m.embeds[0]?.footer?.text === `Survey #${surveyId}`);
}

describe('survey cards are posted once', () => {
  it('a tick while /survey start is posting the card does not post a second one', async () => {
    bot = await TestBot.start({ features });
    const { ids, fake } = bot;
    const tick = () => (bot!.app.features.find((f) => f.name === 'surveys') as SurveysFeature).tick();
    await fake.slash({ channelId: ids.general, userId: ids.ownerId, name: 'survey', subcommand: 'create', options: { template: 'csat' } }).reply(10_000);
    // The card's POST is held up (a 429, retried after 300 ms): the survey is open, its card not yet stored.
    const held = fake.rateLimitNext({ method: 'POST', path: `/channels/${ids.general}/messages` }, { retryAfter: 0.3 });
    const start = fake.slash({ channelId: ids.general, userId: ids.ownerId, name: 'survey', subcommand: 'start', options: { survey: 1 } });
    await expect.poll(() => held.served, { timeout: 5000 }).toBe(true);
    expect((await bot.db.selectFrom('surveys').select(['status', 'message_id']).executeTakeFirstOrThrow())).toEqual({ status: 'open', message_id: null });
    await tick();
    expect((await start.reply(10_000)).content).toMatch(/^Survey #1 is open/);
    await tick();
    expect(cards(bot, 1)).toHaveLength(1);
    const stored = await bot.db.selectFrom('surveys').select('message_id').executeTakeFirstOrThrow();
    expect(stored.message_id).toBe(cards(bot, 1)[0]?.id);
    expect(bot.errors).toEqual([]);
  });

  it('a survey opened but never posted (a crash in between) gets its card on start, once', async () => {
    bot = await TestBot.start({ features });
    const { ids, fake } = bot;
    await fake.slash({ channelId: ids.general, userId: ids.ownerId, name: 'survey', subcommand: 'create', options: { template: 'csat' } }).reply(10_000);
    // What a crash right after /survey start opened the survey leaves: open in the database, no card.
    expect(await openSurvey(bot.db, 1, { channelId: ids.general, roleId: null, closesAt: null, now: bot.clock.now() })).toBe(true);
    await bot.crash();
    await expect.poll(() => cards(bot!, 1).length, { timeout: 5000 }).toBe(1);
    await bot.restart();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(cards(bot, 1)).toHaveLength(1);
    expect(bot.errors).toEqual([]);
  });

  it('a kill -9 between the card\'s POST and saving its id: after the restart there is still one card, and it is the stored one', async () => {
    bot = await TestBot.start({ features });
    const { ids, fake } = bot;
    await fake.slash({ channelId: ids.general, userId: ids.ownerId, name: 'survey', subcommand: 'create', options: { template: 'csat' } }).reply(10_000);
    expect((await fake.slash({ channelId: ids.general, userId: ids.ownerId, name: 'survey', subcommand: 'start', options: { survey: 1 } }).reply(10_000)).content).toMatch(/^Survey #1 is open/);
    const posted = cards(bot, 1)[0]!;
    // What a kill -9 after Discord took the card's POST but before its id was stored leaves: the
    // card in the channel, the survey open without it. The bot stays down past Discord's nonce window.
    await bot.db.updateTable('surveys').set({ message_id: null }).where('id', '=', 1).execute();
    bot.clock.advance(10 * 60_000);
    await bot.crash();
    await expect.poll(async () => (await bot!.db.selectFrom('surveys').select('message_id').executeTakeFirstOrThrow()).message_id, { timeout: 5000 }).toBe(posted.id);
    expect(cards(bot, 1).map((m) => m.id)).toEqual([posted.id]);
    // Every post of a card carries the nonce of its opening, so Discord itself drops a quick second one.
    const bodies = fake.requestsMatching('POST', `/channels/${ids.general}/messages`).map((r) => r.body as { nonce?: string; enforce_nonce?: boolean });
    expect(bodies.length).toBeGreaterThan(0);
    for (const body of bodies) expect(body).toMatchObject({ nonce: expect.stringMatching(/^survey-1-/), enforce_nonce: true });
    await bot.restart();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(cards(bot, 1)).toHaveLength(1);
    expect(bot.errors).toEqual([]);
  });
});
