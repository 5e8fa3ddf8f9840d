// A kill -9 inside the coalescing window of a survey card's count edits: start-up brings the
// stale card up to date from the stored responses, and leaves the up-to-date ones alone.
import type { APIMessage } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import type { FeatureFactory } from '../../src/feature.js';
import { settingsRoutes } from '../../src/settings/discord.js';
import { surveysFeature } from '../../src/surveys/discord.js';
import { TestBot } from '../support/bot.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

// A long coalescing window: the edit the submissions asked for is still pending when the process dies.
const features: FeatureFactory[] = [(ctx) => ({ name: 'settings', routes: settingsRoutes(ctx) }), (ctx) => surveysFeature(ctx, { cardIntervalMs: 60_000 })];

const definition = (title: string) => ({ title, questions: [{ id: 'ok', type: 'single', label: 'All good?', options: ['Yes', 'No'] }] });

function card(b: TestBot, surveyId: number): APIMessage {
  const found = b.fake.channelMessages(b.ids.general).find((m) => m.embeds[0]?.footer?.text === `Survey #${surveyId}`);
  if (!found) throw new Error(`no card for survey ${surveyId}`);
  return found;
}

describe('survey cards after a crash', () => {
  it('after a kill -9 inside the coalescing window, start-up edits the stale card, and only that one', async () => {
    bot = await TestBot.start({ features });
    const { ids, fake } = bot;
    const slash = (subcommand: string, options: Record<string, string | number>, uploads?: Record<string, string>) =>
      fake.slash({ channelId: ids.general, userId: ids.ownerId, name: 'survey', subcommand, options, ...(uploads ? { uploads } : {}) }).reply(10_000);
    for (const [n, title] of [[1, 'Stale'], [2, 'Quiet']] as const) {
      await slash('create', { file: 's.json' }, { 's.json': JSON.stringify(definition(title)) });
      expect((await slash('start', { survey: n })).content).toMatch(new RegExp(`Survey #${n} is open`));
    }
    const stale = card(bot, 1);
    const quiet = card(bot, 2);
    for (const userId of [ids.alice, ids.bob, ids.carol]) {
      const take = fake.click({ userId, message: stale, customId: 'v1:survey-take:1' });
      await take.reply();
      const saved = await take.submitModal({ ok: '0' }).reply();
      const done = await fake.click({ userId, message: saved.message!, customId: 'v1:survey-submit:1' }).reply();
      expect(done.content).toMatch(/Thank you/);
    }
    expect(card(bot, 1).embeds[0]?.description).toContain('0 responses');
    const editsOf = (m: APIMessage) => fake.requestsMatching('PATCH', `/channels/${m.channel_id}/messages/${m.id}`).length;
    expect(editsOf(stale)).toBe(0);

    await bot.crash();
    await expect.poll(() => card(bot!, 1).embeds[0]?.description ?? '', { timeout: 5000 }).toContain('3 responses');
    expect(editsOf(stale)).toBe(1);
    expect(editsOf(quiet)).toBe(0);

    // Up to date now: the next start edits nothing.
    await bot.restart();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(editsOf(stale)).toBe(1);
    expect(editsOf(quiet)).toBe(0);
    expect(bot.errors).toEqual([]);
  });
});
