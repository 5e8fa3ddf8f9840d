// Survey answering races through the fake Discord: Submit clicked twice or delivered twice, and
// "Take the survey" clicked twice or delivered twice, never store a second response, and a
// one-response survey is checked again when the response is stored, not only when it was begun.
import type { APIMessage } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import type { FeatureFactory } from '../../src/feature.js';
import { settingsRoutes } from '../../src/settings/discord.js';
import { surveysFeature, type SurveysFeature } from '../../src/surveys/discord.js';
import { SurveyRefusal } from '../../src/surveys/service.js';
import { startDraft } from '../../src/surveys/store.js';
import { TestBot } from '../support/bot.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const features: FeatureFactory[] = [(ctx) => ({ name: 'settings', routes: settingsRoutes(ctx) }), (ctx) => surveysFeature(ctx)];
const feature = (b: TestBot) => b.app.features.find((f) => f.name === 'surveys') as SurveysFeature;

const ANSWERED = 'You have already answered this survey, and its answers cannot be changed.';
const ALREADY = 'Your answers are already submitted.';
const THANKS = /^Thank you! Your answers to \*\*Pulse\*\* are submitted\./;

async function slash(b: TestBot, subcommand: string, options: Record<string, string | number | boolean> = {}) {
  return b.fake.slash({ channelId: b.ids.general, userId: b.ids.ownerId, name: 'survey', subcommand, options }).reply(10_000);
}

function card(b: TestBot, surveyId: number): APIMessage {
  const found = b.fake.channelMessages(b.ids.general).find((m) => m.embeds[0]?.footer?.text === `Survey #${surveyId}`);
  if (!found) throw new Error(`no card for survey ${surveyId}`);
  return found;
}

async function rowsOf(b: TestBot, surveyId: number) {
  return b.db.selectFrom('survey_responses').select(['id', 'respondent', 'status', 'draft']).where('survey_id', '=', surveyId).orderBy('id').execute();
}

/** A one-response CSAT survey #1, open in #general; Alice's answers saved, her paging message returned. */
async function answered(b: TestBot, anonymous: boolean): Promise<APIMessage> {
  await slash(b, 'create', { template: 'csat', anonymous, title: 'Pulse' });
  await slash(b, 'start', { survey: 1 });
  const take = b.fake.click({ userId: b.ids.alice, message: card(b, 1), customId: 'v1:survey-take:1' });
  expect((await take.reply()).modal).toBeDefined();
  const saved = await take.submitModal({ satisfaction: '5', improve: 'x' }).reply();
  return saved.message!;
}

describe('survey answering races', () => {
  it.each([true, false])('Submit clicked twice at once stores one response (anonymous=%s)', async (anonymous) => {
    bot = await TestBot.start({ features });
    const { ids, fake } = bot;
    const paging = await answered(bot, anonymous);
    const a = fake.click({ userId: ids.alice, message: paging, customId: 'v1:survey-submit:1' });
    const b = fake.click({ userId: ids.alice, message: paging, customId: 'v1:survey-submit:1' });
    const replies = await Promise.all([a.reply(), b.reply()]);
    const rows = await rowsOf(bot, 1);
    expect(rows.filter((r) => r.status === 'submitted')).toHaveLength(1);
    expect(rows.filter((r) => r.draft !== null)).toHaveLength(0);
    // One click is thanked; the other is told the survey is answered (never thanked a second time).
    expect(replies.filter((r) => THANKS.test(r.content ?? ''))).toHaveLength(1);
    expect(replies.map((r) => r.content).filter((c) => !THANKS.test(c ?? ''))).toEqual([ALREADY]);
    if (anonymous) {
      expect(rows[0]?.respondent).toBeNull();
      expect(await bot.db.selectFrom('survey_submitters').selectAll().where('survey_id', '=', 1).execute()).toEqual([{ survey_id: 1, member_id: ids.alice }]);
    }
    await feature(bot).service.flushCards();
    expect(card(bot, 1).embeds[0]?.description).toContain('1 response');
  });

  it('an anonymous Submit delivered twice by Discord stores one response', async () => {
    bot = await TestBot.start({ features });
    const { ids, fake } = bot;
    const paging = await answered(bot, true);
    const submit = fake.click({ userId: ids.alice, message: paging, customId: 'v1:survey-submit:1' });
    fake.dispatch('INTERACTION_CREATE', submit.payload);
    expect((await submit.reply()).content).toMatch(THANKS);
    await expect.poll(() => bot!.logs.filter((l) => l.msg === 'surveys.submitted').length).toBe(1);
    await new Promise((r) => setTimeout(r, 300));
    const rows = await rowsOf(bot, 1);
    expect(rows).toEqual([expect.objectContaining({ respondent: null, status: 'submitted', draft: null })]);
    expect(bot.logs.filter((l) => l.msg === 'surveys.submitted')).toHaveLength(1);
  });

  it.each([true, false])('"Take the survey" delivered twice makes one draft, and the member answers a one-response survey once (anonymous=%s)', async (anonymous) => {
    bot = await TestBot.start({ features });
    const { ids, fake } = bot;
    await slash(bot, 'create', { template: 'csat', anonymous, title: 'Pulse' });
    await slash(bot, 'start', { survey: 1 });
    const take = fake.click({ userId: ids.alice, message: card(bot, 1), customId: 'v1:survey-take:1' });
    fake.dispatch('INTERACTION_CREATE', take.payload);
    expect((await take.reply()).modal).toBeDefined();
    await new Promise((r) => setTimeout(r, 300));
    expect((await rowsOf(bot, 1)).map((r) => [r.respondent, r.status])).toEqual([[ids.alice, 'draft']]);

    const saved = await take.submitModal({ satisfaction: '5', improve: 'a' }).reply();
    expect((await fake.click({ userId: ids.alice, message: saved.message!, customId: 'v1:survey-submit:1' }).reply()).content).toMatch(THANKS);
    // Taking it again finds no second draft left over to answer: an anonymous answer is locked,
    // a named one (editable) is changed in place.
    const again = await fake.click({ userId: ids.alice, message: card(bot, 1), customId: 'v1:survey-take:1' }).reply();
    expect(again.modal).toBeUndefined();
    if (anonymous) expect(again.content).toBe(ANSWERED);
    else expect(again.content).toMatch(/You are changing your submitted answers/);
    expect((await rowsOf(bot, 1)).map((r) => [r.respondent, r.status])).toEqual([[anonymous ? null : ids.alice, 'submitted']]);
  });

  it('"Take the survey" clicked twice at once makes one draft', async () => {
    bot = await TestBot.start({ features });
    const { ids, fake } = bot;
    await slash(bot, 'create', { template: 'csat', title: 'Pulse' });
    await slash(bot, 'start', { survey: 1 });
    const takes = [0, 1].map(() => fake.click({ userId: ids.alice, message: card(bot!, 1), customId: 'v1:survey-take:1' }));
    const replies = await Promise.all(takes.map((t) => t.reply()));
    expect(replies.every((r) => r.modal !== undefined)).toBe(true);
    expect((await rowsOf(bot, 1)).map((r) => [r.respondent, r.status])).toEqual([[ids.alice, 'draft']]);
  });

  it.each([true, false])('a draft begun before the member submitted cannot add a second response to a one-response survey (anonymous=%s)', async (anonymous) => {
    bot = await TestBot.start({ features });
    const { ids, fake } = bot;
    const paging = await answered(bot, anonymous);
    // A second "Take the survey" passed its checks before this submit, and makes its draft after it.
    expect((await fake.click({ userId: ids.alice, message: paging, customId: 'v1:survey-submit:1' }).reply()).content).toMatch(THANKS);
    await startDraft(bot.db, 1, ids.alice, Date.now());
    const service = feature(bot).service;
    const member = { id: ids.alice, roles: [] as string[], sees: () => true };
    await service.savePage(1, ids.guildId, member, 0, new Map<string, string>([['satisfaction', '1'], ['improve', 'b']]));
    const refused = await service.submit(1, ids.guildId, member, { messageId: null, ephemeral: true }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(SurveyRefusal);
    expect((refused as SurveyRefusal).in('en')).toBe(ANSWERED);
    const rows = await rowsOf(bot, 1);
    expect(rows.filter((r) => r.status === 'submitted')).toHaveLength(1);
    // The stray draft is gone: the member is not left with answers that can never be sent.
    expect(rows.filter((r) => r.draft !== null)).toHaveLength(0);
    if (anonymous) expect(rows[0]?.respondent).toBeNull();
  });
});
