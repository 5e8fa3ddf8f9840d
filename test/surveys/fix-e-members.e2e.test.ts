// Members' flow around a survey: who /survey remind reaches (only unsubmitted, saved, idle drafts),
// the resume of an edit of a submitted response, the card's "Opens" line once that time has passed
// (also on recurring runs), a survey deleted under a member, the thanks' title as written, and the
// card's count after a member opts out.
import type { APIMessage } from 'discord-api-types/v10';
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

const HOUR = 3_600_000;
const features: FeatureFactory[] = [(ctx) => ({ name: 'settings', routes: settingsRoutes(ctx) }), (ctx) => surveysFeature(ctx)];

const feature = (b: TestBot) => b.app.features.find((f) => f.name === 'surveys') as SurveysFeature;

const twoPages = {
  title: 'Team pulse',
  editable: true,
  questions: [
    { id: 'score', type: 'nps', label: 'How likely are you to recommend us?' },
    { id: 'why', type: 'long', label: 'Why that score?', required: false },
  ],
  pages: [['score'], ['why']],
};

function slash(b: TestBot, subcommand: string, options: Record<string, string | number | boolean> = {}, uploads?: Record<string, string>) {
  return b.fake.slash({ channelId: b.ids.general, userId: b.ids.ownerId, name: 'survey', subcommand, options, ...(uploads ? { uploads } : {}) }).reply(10_000);
}

function card(b: TestBot, surveyId: number): APIMessage {
  const found = b.fake.channelMessages(b.ids.general).find((m) => m.embeds[0]?.footer?.text === `Survey #${surveyId}`);
  if (!found) throw new Error(`no card for survey ${surveyId}`);
  return found;
}

async function open(b: TestBot, definition: unknown, start: Record<string, string | number> = {}) {
  expect((await slash(b, 'create', { file: 's.json' }, { 's.json': JSON.stringify(definition) })).content).toMatch(/^Survey #1 /);
  expect((await slash(b, 'start', { survey: 1, ...start })).content).toMatch(/Survey #1 is open/);
}

/** Takes survey 1, saves its first page; submits it unless told not to. Returns the paging message. */
async function answer(b: TestBot, userId: string, score: string, submit = true): Promise<APIMessage> {
  const take = b.fake.click({ userId, message: card(b, 1), customId: 'v1:survey-take:1' });
  await take.reply();
  const saved = await take.submitModal({ score: [score] }).reply();
  if (submit) expect((await b.fake.click({ userId, message: saved.message!, customId: 'v1:survey-submit:1' }).reply()).content).toMatch(/submitted/);
  return saved.message!;
}

const dms = (b: TestBot, userId: string) => {
  const dm = b.fake.dmChannelId(userId);
  return dm ? b.fake.channelMessages(dm).map((m) => m.content) : [];
};

describe('surveys: members’ flow (fixer E)', () => {
  it('/survey remind reaches only unsubmitted drafts with saved answers left for an hour, and says who waits', async () => {
    bot = await TestBot.start({ features });
    const b = bot;
    const { ids } = b;
    await open(b, twoPages);
    // Alice submitted, then clicked "Take the survey" again to look: a draft on her submitted row.
    await answer(b, ids.alice, '9');
    expect((await b.fake.click({ userId: ids.alice, message: card(b, 1), customId: 'v1:survey-take:1' }).reply()).content).toContain('You are changing your submitted answers');
    // Bob clicked "Take the survey" and closed the form: nothing saved.
    await b.fake.click({ userId: ids.bob, message: card(b, 1), customId: 'v1:survey-take:1' }).reply();
    // Carol saved a page and left it.
    await answer(b, ids.carol, '5', false);
    b.clock.advance(2 * HOUR);
    // Dave saved a page a minute ago: still answering.
    await answer(b, ids.dave, '7', false);
    b.clock.advance(60_000);

    const reminded = await slash(b, 'remind', { survey: 1 });
    expect(reminded.content).toBe(
      'Reminders sent to 1 member. Each member is reminded only once. 1 member saved answers in the last hour and was not reminded yet (most likely still answering): run `/survey remind` again later to reach them.',
    );
    expect(dms(b, ids.carol)).toEqual([expect.stringContaining('You started the survey **Team pulse** but did not submit it')]);
    expect(dms(b, ids.alice)).toEqual([]);
    expect(dms(b, ids.bob)).toEqual([]);
    expect(dms(b, ids.dave)).toEqual([]);

    // An hour later Dave is reached too, and Carol is not reminded again.
    b.clock.advance(HOUR);
    expect((await slash(b, 'remind', { survey: 1 })).content).toBe('Reminders sent to 1 member. Each member is reminded only once.');
    expect(dms(b, ids.dave)).toHaveLength(1);
    expect(dms(b, ids.carol)).toHaveLength(1);
    expect(b.errors).toEqual([]);
  });

  it('an edit of a submitted response resumes with its own wording: the submitted answers count until the changes are submitted', async () => {
    bot = await TestBot.start({ features });
    const b = bot;
    await open(b, twoPages);
    await answer(b, b.ids.alice, '9');
    const resumed = await b.fake.click({ userId: b.ids.alice, message: card(b, 1), customId: 'v1:survey-take:1' }).reply();
    expect(resumed.ephemeral).toBe(true);
    expect(resumed.content).toBe(
      '**Team pulse**\nYou are changing your submitted answers (last saved: page 1 of 2). Your submitted answers still count until you submit the changes. Everything required is answered: submit to replace your submitted answers with these.',
    );
    expect(resumed.content).not.toContain('Nothing is sent until you do');
    // The member's own language.
    const es = await b.fake.click({ userId: b.ids.alice, message: card(b, 1), customId: 'v1:survey-take:1', locale: 'es-ES' }).reply();
    expect(es.content).toContain('Estás cambiando tus respuestas enviadas');
    // A first response still says nothing is sent until they submit.
    const bob = await answer(b, b.ids.bob, '3', false);
    expect(bob.content).toContain('Nothing is sent until you do.');
  });

  it('the card says “Opens” only while that time is ahead, and a recurring run does not copy a past `opens`', async () => {
    bot = await TestBot.start({ features, now: Date.parse('2026-11-02T12:00:00Z') });
    const b = bot;
    await open(b, { ...twoPages, opens: '2026-11-02T13:00:00Z' });
    expect(card(b, 1).embeds[0]?.description).toContain('Opens <t:');
    // Past the opening time, the next edit of the card (a submit) no longer says it opens.
    b.clock.advance(2 * HOUR);
    await answer(b, b.ids.alice, '9');
    await feature(b).service.flushCards();
    const description = card(b, 1).embeds[0]?.description ?? '';
    expect(description).toContain('1 response');
    expect(description).not.toContain('Opens');

    // A daily schedule made now: its runs' definition has no `opens` (it is past).
    expect((await slash(b, 'recur', { survey: 1, every: 'day', time: '09:00' })).content).toMatch(/^A copy of survey #1 will open/);
    const stored = b.app.database.sqlite.prepare(`SELECT definition FROM survey_schedules WHERE source_survey_id = 1`).pluck().get() as string;
    expect(JSON.parse(stored)).not.toHaveProperty('opens');
    expect(JSON.parse(stored)).toMatchObject({ title: 'Team pulse' });
  });

  it('a member whose survey was deleted is told so on Continue, a page’s form and Submit (not the staff’s “pick one”)', async () => {
    bot = await TestBot.start({ features });
    const b = bot;
    await open(b, twoPages);
    const paging = await answer(b, b.ids.alice, '9', false);
    // Page 2's form is open on the member's screen when staff delete the survey (and its card).
    const page2 = b.fake.click({ userId: b.ids.alice, message: paging, customId: 'v1:survey-open:1:1' });
    expect((await page2.reply()).modal).toBeDefined();
    expect((await slash(b, 'delete', { survey: 1 })).content).toMatch(/deleted/);
    const deleted = 'This survey was deleted, so it no longer takes answers; any answers you had not submitted are gone.';
    expect(await page2.submitModal({ why: 'late' }).reply()).toMatchObject({ ephemeral: true, content: deleted });
    for (const customId of ['v1:survey-open:1:1', 'v1:survey-submit:1']) {
      expect(await b.fake.click({ userId: b.ids.alice, message: paging, customId }).reply()).toMatchObject({ ephemeral: true, content: deleted });
    }
    const ru = await b.fake.click({ userId: b.ids.alice, message: paging, customId: 'v1:survey-submit:1', locale: 'ru' }).reply();
    expect(ru.content).toBe('Эта анкета удалена и больше не принимает ответы; неотправленные ответы пропали.');
    expect(b.errors).toEqual([]);
  });

  it('thanks the member with the survey’s title as written: its markdown escaped inside the bold', async () => {
    bot = await TestBot.start({ features });
    const b = bot;
    await open(b, { ...twoPages, title: 'Ideas **box**' });
    const paging = await answer(b, b.ids.alice, '9', false);
    const thanks = await b.fake.click({ userId: b.ids.alice, message: paging, customId: 'v1:survey-submit:1' }).reply();
    expect(thanks.content).toMatch(/^Thank you! Your answers to \*\*Ideas \\\*\\\*box\\\*\\\*\*\* are submitted\./);
  });

  it('after a member opts out, the open survey’s card stops counting their deleted response at the next tick', async () => {
    // The whole app: the privacy slice runs the opt-out.
    bot = await TestBot.start();
    const b = bot;
    await open(b, twoPages);
    await answer(b, b.ids.alice, '9');
    await answer(b, b.ids.bob, '6');
    await feature(b).service.flushCards();
    expect(card(b, 1).embeds[0]?.description).toContain('2 responses');

    const out = b.fake.slash({ guildId: b.ids.guildId, channelId: b.ids.general, userId: b.ids.alice, name: 'privacy', subcommand: 'opt-out' });
    expect((await out.reply(15_000)).content).toMatch(/stopped recording you/);
    await b.fake.waitFor(() => out.original?.content?.startsWith('Done:'), 20_000);
    expect(b.app.database.sqlite.prepare(`SELECT count(*) FROM survey_responses WHERE survey_id = 1 AND status = 'submitted'`).pluck().get()).toBe(1);

    await feature(b).tick();
    await feature(b).service.flushCards();
    expect(card(b, 1).embeds[0]?.description).toContain('1 response');
    expect(card(b, 1).embeds[0]?.description).not.toContain('2 responses');
  });
});
