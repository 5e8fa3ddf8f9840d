// A response submitted while its survey closes: the close commits after Submit's checks and before
// the response is stored. The response is refused as closed (never stored after the close, never
// thanked for answers that were thrown away), whether the survey is anonymous or not.
import type { APIMessage } from 'discord-api-types/v10';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FeatureFactory } from '../../src/feature.js';
import { settingsRoutes } from '../../src/settings/discord.js';
import { surveysFeature, type SurveysFeature } from '../../src/surveys/discord.js';
import { TestBot } from '../support/bot.js';

/** Runs once, right after the service has read the member's response in progress. */
const hook = vi.hoisted(() => ({ afterRead: null as null | (() => Promise<unknown>) }));

vi.mock('../../src/surveys/store.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/surveys/store.js')>();
  return {
    ...real,
    memberResponses: async (...args: Parameters<typeof real.memberResponses>) => {
      const rows = await real.memberResponses(...args);
      const run = hook.afterRead;
      hook.afterRead = null;
      if (run) await run();
      return rows;
    },
  };
});

let bot: TestBot | undefined;
afterEach(async () => {
  hook.afterRead = null;
  await bot?.close();
  bot = undefined;
});

const features: FeatureFactory[] = [(ctx) => ({ name: 'settings', routes: settingsRoutes(ctx) }), (ctx) => surveysFeature(ctx)];
const feature = (b: TestBot) => b.app.features.find((f) => f.name === 'surveys') as SurveysFeature;
const CLOSED = 'This survey is closed, so it no longer takes answers.';

async function slash(b: TestBot, subcommand: string, options: Record<string, string | number | boolean> = {}) {
  return b.fake.slash({ channelId: b.ids.general, userId: b.ids.ownerId, name: 'survey', subcommand, options }).reply(10_000);
}

function card(b: TestBot, surveyId: number): APIMessage {
  const found = b.fake.channelMessages(b.ids.general).find((m) => m.embeds[0]?.footer?.text === `Survey #${surveyId}`);
  if (!found) throw new Error(`no card for survey ${surveyId}`);
  return found;
}

describe.each([true, false])('survey closing during a submit (anonymous=%s)', (anonymous) => {
  it('the submit is refused as closed: nothing stored after the close, no thanks', async () => {
    bot = await TestBot.start({ features });
    const { ids, fake } = bot;
    await slash(bot, 'create', { template: 'csat', anonymous, title: 'Pulse' });
    await slash(bot, 'start', { survey: 1 });
    const take = fake.click({ userId: ids.alice, message: card(bot, 1), customId: 'v1:survey-take:1' });
    await take.reply();
    const saved = await take.submitModal({ satisfaction: '5', improve: 'x' }).reply();

    // Submit passes its checks, reads the draft; then /survey close commits.
    hook.afterRead = () => feature(bot!).service.close(1, ids.ownerId);
    const reply = await fake.click({ userId: ids.alice, message: saved.message!, customId: 'v1:survey-submit:1' }).reply(10_000);
    expect(hook.afterRead).toBeNull();
    expect(reply.content).toBe(CLOSED);

    const survey = await bot.db.selectFrom('surveys').select(['status', 'closed_at']).where('id', '=', 1).executeTakeFirstOrThrow();
    expect(survey.status).toBe('closed');
    const rows = await bot.db.selectFrom('survey_responses').selectAll().where('survey_id', '=', 1).execute();
    expect(rows).toEqual([]);
    expect(await bot.db.selectFrom('survey_submitters').selectAll().execute()).toEqual([]);
    expect(bot.logs.filter((l) => l.msg === 'surveys.submitted')).toEqual([]);
    await feature(bot).service.flushCards();
    expect(card(bot, 1).embeds[0]?.description).toContain('0 responses');
  });
});
