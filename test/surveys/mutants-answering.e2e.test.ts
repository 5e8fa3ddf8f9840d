// Answering at the edges: the exact opening and closing times, locked answers, a cleared optional
// answer, pages hidden by a condition, reminders for a survey that is not open, and the stored
// count of members who could answer.
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

const features: FeatureFactory[] = [(ctx) => ({ name: 'settings', routes: settingsRoutes(ctx) }), (ctx) => surveysFeature(ctx)];

const NOW = Date.parse('2026-11-02T12:00:00Z');
const HOUR = 3_600_000;

async function slash(b: TestBot, subcommand: string, options: Record<string, string | number | boolean> = {}, uploads?: Record<string, string>) {
  return b.fake.slash({ channelId: b.ids.general, userId: b.ids.ownerId, name: 'survey', subcommand, options, ...(uploads ? { uploads } : {}) }).reply(10_000);
}

async function createFrom(b: TestBot, definition: object): Promise<void> {
  const created = await slash(b, 'create', { file: 's.json' }, { 's.json': JSON.stringify(definition) });
  expect(created.content).toMatch(/^Survey #1 /);
}

function card(b: TestBot, surveyId: number): APIMessage {
  const found = b.fake.channelMessages(b.ids.general).find((m) => m.embeds[0]?.footer?.text === `Survey #${surveyId}`);
  if (!found) throw new Error(`no card for survey ${surveyId}`);
  return found;
}

async function submittedAnswers(b: TestBot): Promise<unknown[]> {
  const rows = await b.db.selectFrom('survey_responses').select('answers').where('status', '=', 'submitted').orderBy('id').execute();
  return rows.map((r) => JSON.parse(r.answers) as unknown);
}

const onePage = {
  title: 'Quick',
  questions: [
    { id: 'score', type: 'nps', label: 'How likely are you to recommend us?' },
    { id: 'why', type: 'short', label: 'Why?', required: false },
  ],
};

describe('answering at the edges', () => {
  it('takes answers from the exact `opens` time and refuses them from the exact closing time', async () => {
    bot = await TestBot.start({ features, now: NOW });
    const { ids, fake } = bot;
    await createFrom(bot, { ...onePage, opens: '2026-11-02T13:00:00Z' });
    expect((await slash(bot, 'start', { survey: 1, closes_in: '2h' })).content).toMatch(/Survey #1 is open/);
    const take = (userId: string) => fake.click({ userId, message: card(bot!, 1), customId: 'v1:survey-take:1' }).reply();

    const early = await take(ids.alice);
    expect(early).toMatchObject({ ephemeral: true, content: `This survey opens <t:${(NOW + HOUR) / 1000}:f>. Come back then!` });
    bot.clock.set(NOW + HOUR);
    expect((await take(ids.alice)).modal?.title).toBe('Quick');

    bot.clock.set(NOW + 2 * HOUR);
    const late = await take(ids.bob);
    expect(late).toMatchObject({ ephemeral: true, content: 'This survey is closed, so it no longer takes answers.' });
    expect(late.modal).toBeUndefined();
    expect(await bot.db.selectFrom('survey_responses').select('respondent').where('respondent', '=', ids.bob).execute()).toEqual([]);
  });

  it('a survey with `editable: false` refuses a second take once answered', async () => {
    bot = await TestBot.start({ features });
    const { ids, fake } = bot;
    await createFrom(bot, { ...onePage, editable: false });
    await slash(bot, 'start', { survey: 1 });
    const take = fake.click({ userId: ids.alice, message: card(bot, 1), customId: 'v1:survey-take:1' });
    await take.reply();
    const saved = await take.submitModal({ score: ['9'], why: 'fine' }).reply();
    const done = await fake.click({ userId: ids.alice, message: saved.message!, customId: 'v1:survey-submit:1' }).reply();
    expect(done.content).toMatch(/^Thank you!/);
    const again = await fake.click({ userId: ids.alice, message: card(bot, 1), customId: 'v1:survey-take:1' }).reply();
    expect(again).toMatchObject({ ephemeral: true, content: 'You have already answered this survey, and its answers cannot be changed.' });
    expect(again.modal).toBeUndefined();
    expect((await bot.db.selectFrom('survey_responses').select(['status', 'draft']).execute())).toEqual([{ status: 'submitted', draft: null }]);
  });

  it('an optional answer cleared when a page is saved again is gone from the response', async () => {
    bot = await TestBot.start({ features });
    const { ids, fake } = bot;
    await createFrom(bot, onePage);
    await slash(bot, 'start', { survey: 1 });
    const take = fake.click({ userId: ids.alice, message: card(bot, 1), customId: 'v1:survey-take:1' });
    await take.reply();
    const first = await take.submitModal({ score: ['9'], why: 'first thoughts' }).reply();
    // The page again, from the paging message: the text field emptied.
    const reopen = fake.click({ userId: ids.alice, message: first.message!, customId: 'v1:survey-open:1:0' });
    expect((await reopen.reply()).modal).toBeDefined();
    const second = await reopen.submitModal({ score: ['7'], why: '' }).reply();
    expect(second.content).toContain('saved');
    expect((await fake.click({ userId: ids.alice, message: second.message!, customId: 'v1:survey-submit:1' }).reply()).content).toMatch(/^Thank you!/);
    expect(await submittedAnswers(bot)).toEqual([{ score: 7 }]);
    const csv = (await slash(bot, 'export', { survey: 1 })).files[0]?.data.toString('utf8') ?? '';
    expect(csv.split('\r\n')[1]).toMatch(/,7,$/);
  });

  it('a page hidden by an earlier answer cannot be opened', async () => {
    bot = await TestBot.start({ features });
    const { ids, fake } = bot;
    await createFrom(bot, {
      title: 'Branches',
      questions: [
        { id: 'member', type: 'yesno', label: 'Are you a member?' },
        { id: 'since', type: 'short', label: 'Since when?', showIf: { question: 'member', in: ['yes'] } },
      ],
      pages: [['member'], ['since']],
    });
    await slash(bot, 'start', { survey: 1 });
    const take = fake.click({ userId: ids.alice, message: card(bot, 1), customId: 'v1:survey-take:1' });
    await take.reply();
    const saved = await take.submitModal({ member: 'no' }).reply();
    const hidden = await fake.click({ userId: ids.alice, message: saved.message!, customId: 'v1:survey-open:1:1', forged: true }).reply();
    expect(hidden).toMatchObject({ ephemeral: true, content: 'That page is not part of the survey any more. Click “Take the survey” again.' });
    expect(hidden.modal).toBeUndefined();
  });

  it('/survey remind refuses a survey that is closed or not started, and sends nothing', async () => {
    bot = await TestBot.start({ features });
    const { ids, fake } = bot;
    await slash(bot, 'create', { template: 'nps' });
    expect((await slash(bot, 'remind', { survey: 1 })).content).toBe('This survey is not open yet.');
    await slash(bot, 'start', { survey: 1 });
    const take = fake.click({ userId: ids.alice, message: card(bot, 1), customId: 'v1:survey-take:1' });
    await take.reply();
    await take.submitModal({ score: ['3'] }).reply(); // a draft, never submitted
    await slash(bot, 'close', { survey: 1 });
    expect((await slash(bot, 'remind', { survey: 1 })).content).toBe('This survey is closed, so it no longer takes answers.');
    expect(fake.dmChannelId(ids.alice)).toBeUndefined();
  });

  it('results of a closed survey keep the members who could answer at its close', async () => {
    bot = await TestBot.start({ features });
    const { ids, fake } = bot;
    await slash(bot, 'create', { template: 'nps' });
    await slash(bot, 'start', { survey: 1 });
    await slash(bot, 'close', { survey: 1 });
    // The server grows after the close (and the member list is asked for afresh).
    for (let i = 0; i < 4; i++) fake.addMember(ids.guildId, { username: `late${i}` });
    bot.clock.advance(5 * 60_000);
    const results = await slash(bot, 'results', { survey: 1 });
    expect(results.embeds[0]?.description).toMatch(/\*\*0\*\* responses of 6 members who could answer/);
  });
});
