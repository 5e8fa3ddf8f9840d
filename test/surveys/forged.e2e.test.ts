// Forged survey clicks through the fake Discord: a survey is answered only by members who see its
// channel, "Take the survey" only from its card, and page buttons only from the member's own
// ephemeral paging message, so a forged Submit never rewrites the public card.
import { PermissionFlagsBits } from 'discord.js';
import { OverwriteType, type APIMessage } from 'discord-api-types/v10';
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

const CANT_SEE = 'You cannot answer this survey: it is posted in a channel you cannot see.';
const WRONG_MESSAGE = 'This button is not valid here. Click “Take the survey” on the survey’s own message.';

const definition = (title: string) => ({
  title,
  questions: [
    { id: 'mood', type: 'single', label: 'How is it going?', options: ['Well', 'Badly'] },
    { id: 'more', type: 'short', label: 'Anything else?', required: false },
  ],
  pages: [['mood'], ['more']],
});

function card(b: TestBot, channelId: string, surveyId: number): APIMessage {
  const found = b.fake.channelMessages(channelId).find((m) => m.embeds[0]?.footer?.text === `Survey #${surveyId}`);
  if (!found) throw new Error(`no card for survey ${surveyId}`);
  return found;
}

async function rowsOf(b: TestBot, surveyId: number) {
  return b.db.selectFrom('survey_responses').select(['respondent', 'status', 'draft']).where('survey_id', '=', surveyId).execute();
}

/** Creates and starts a survey (by the owner, staff) in a channel. */
async function startSurvey(b: TestBot, title: string, channelId: string): Promise<void> {
  const slash = (subcommand: string, options: Record<string, string | number>, uploads?: Record<string, string>) =>
    b.fake.slash({ channelId: b.ids.general, userId: b.ids.ownerId, name: 'survey', subcommand, options, ...(uploads ? { uploads } : {}) }).reply(10_000);
  const created = await slash('create', { file: 's.json' }, { 's.json': JSON.stringify(definition(title)) });
  const id = Number(/^Survey #(\d+)/.exec(created.content ?? '')?.[1]);
  expect((await slash('start', { survey: id, channel: channelId })).content).toMatch(new RegExp(`^Survey #${id} is open`));
}

/** Hides a channel from @everyone; the bot keeps its access. */
function hide(b: TestBot, channelId: string): void {
  b.fake.setChannelOverwrites(channelId, [
    { id: b.ids.guildId, type: OverwriteType.Role, allow: '0', deny: String(PermissionFlagsBits.ViewChannel) },
    { id: b.fake.appId, type: OverwriteType.Member, allow: String(PermissionFlagsBits.ViewChannel), deny: '0' },
  ]);
}

describe('forged survey clicks', () => {
  it('a survey in a channel a member cannot see: forged take, page, open and submit are refused privately, with no modal and no response', async () => {
    bot = await TestBot.start({ features });
    const { ids, fake } = bot;
    hide(bot, ids.staffChannel);
    await startSurvey(bot, 'Public pulse', ids.general);
    await startSurvey(bot, 'Staff only', ids.staffChannel);
    const publicCard = card(bot, ids.general, 1);
    const hiddenCard = card(bot, ids.staffChannel, 2);

    // "Take the survey" with the hidden survey's id, forged on the public card.
    const forgedTake = await fake.click({ userId: ids.bob, message: publicCard, customId: 'v1:survey-take:2', forged: true }).reply();
    expect(forgedTake).toMatchObject({ ephemeral: true, content: CANT_SEE });
    expect(forgedTake.modal).toBeUndefined();
    // On the hidden card itself, by a member who cannot see its channel.
    const unseenTake = await fake.click({ userId: ids.bob, message: hiddenCard, customId: 'v1:survey-take:2' }).reply();
    expect(unseenTake).toMatchObject({ ephemeral: true, content: CANT_SEE });
    expect(unseenTake.modal).toBeUndefined();
    // A page modal, a page button and Submit, all hand-made.
    const page = await fake.submitModal({ userId: ids.bob, channelId: ids.general, customId: 'v1:survey-page:2:0', fields: { mood: '0' }, message: publicCard }).reply();
    expect(page).toMatchObject({ ephemeral: true, content: CANT_SEE });
    const open = await fake.click({ userId: ids.bob, message: publicCard, customId: 'v1:survey-open:2:0', forged: true }).reply();
    expect(open).toMatchObject({ ephemeral: true, content: CANT_SEE });
    expect(open.modal).toBeUndefined();
    const submit = await fake.click({ userId: ids.bob, message: publicCard, customId: 'v1:survey-submit:2', forged: true }).reply();
    expect(submit).toMatchObject({ ephemeral: true, content: CANT_SEE });
    expect(await rowsOf(bot, 2)).toEqual([]);
    // The public card is as it was.
    expect(card(bot, ids.general, 1)).toEqual(publicCard);

    // Staff still answer the hidden survey, and members the public one.
    const staffTake = fake.click({ userId: ids.ownerId, message: hiddenCard, customId: 'v1:survey-take:2' });
    expect((await staffTake.reply()).modal?.title).toBe('Staff only (1/2)');
    const staffSaved = await staffTake.submitModal({ mood: '0' }).reply();
    expect((await fake.click({ userId: ids.ownerId, message: staffSaved.message!, customId: 'v1:survey-submit:2' }).reply()).content).toMatch(/^Thank you/);
    const bobTake = fake.click({ userId: ids.bob, message: publicCard, customId: 'v1:survey-take:1' });
    expect((await bobTake.reply()).modal?.title).toBe('Public pulse (1/2)');
    expect((await bobTake.submitModal({ mood: '1' }).reply()).content).toContain('Page 1 of 2 saved.');
    expect((await rowsOf(bot, 2)).map((r) => [r.respondent, r.status])).toEqual([[ids.ownerId, 'submitted']]);
    expect(bot.errors).toEqual([]);
  });

  it('a member who loses sight of the channel mid-response can no longer save, open or submit a page', async () => {
    bot = await TestBot.start({ features });
    const { ids, fake } = bot;
    await startSurvey(bot, 'Team pulse', ids.staffChannel);
    const hiddenCard = card(bot, ids.staffChannel, 1);
    const take = fake.click({ userId: ids.bob, message: hiddenCard, customId: 'v1:survey-take:1' });
    await take.reply();
    const saved = await take.submitModal({ mood: '0' }).reply();
    expect(saved.content).toContain('Page 1 of 2 saved.');
    const open2 = fake.click({ userId: ids.bob, message: saved.message!, customId: 'v1:survey-open:1:1' });
    await open2.reply();

    hide(bot, ids.staffChannel);
    const page = await open2.submitModal({ more: 'a secret' }).reply();
    expect(page).toMatchObject({ ephemeral: true, content: CANT_SEE });
    const open = await fake.click({ userId: ids.bob, message: saved.message!, customId: 'v1:survey-open:1:0' }).reply();
    expect(open).toMatchObject({ ephemeral: true, content: CANT_SEE });
    expect(open.modal).toBeUndefined();
    const submit = await fake.click({ userId: ids.bob, message: saved.message!, customId: 'v1:survey-submit:1' }).reply();
    expect(submit).toMatchObject({ ephemeral: true, content: CANT_SEE });
    const rows = await rowsOf(bot, 1);
    expect(rows.map((r) => [r.respondent, r.status, JSON.parse(r.draft ?? 'null')])).toEqual([[ids.bob, 'draft', { mood: 0 }]]);
    expect(bot.errors).toEqual([]);
  });

  it('a forged Submit or page button on the public card is answered privately and leaves the card as it is', async () => {
    bot = await TestBot.start({ features });
    const { ids, fake } = bot;
    await startSurvey(bot, 'Team pulse', ids.general);
    await startSurvey(bot, 'Second', ids.general);
    const publicCard = card(bot, ids.general, 1);

    // Alice saves a complete draft (page 2 is optional), then forges Submit on the public card.
    const take = fake.click({ userId: ids.alice, message: publicCard, customId: 'v1:survey-take:1' });
    await take.reply();
    const saved = await take.submitModal({ mood: '0' }).reply();
    expect(saved.content).toContain('Everything required is answered');
    const forgedSubmit = fake.click({ userId: ids.alice, message: publicCard, customId: 'v1:survey-submit:1', forged: true });
    expect(await forgedSubmit.reply()).toMatchObject({ ephemeral: true, content: WRONG_MESSAGE });
    expect(forgedSubmit.callbacks.map((c) => c.type)).toEqual([4]);
    const forgedOpen = await fake.click({ userId: ids.alice, message: publicCard, customId: 'v1:survey-open:1:0', forged: true }).reply();
    expect(forgedOpen).toMatchObject({ ephemeral: true, content: WRONG_MESSAGE });
    expect(forgedOpen.modal).toBeUndefined();
    // "Take the survey" with another survey's id, forged on this card.
    const forgedTake = await fake.click({ userId: ids.bob, message: publicCard, customId: 'v1:survey-take:2', forged: true }).reply();
    expect(forgedTake).toMatchObject({ ephemeral: true, content: WRONG_MESSAGE });
    expect(forgedTake.modal).toBeUndefined();
    await (bot.app.features.find((f) => f.name === 'surveys') as SurveysFeature).service.flushCards();
    expect(card(bot, ids.general, 1)).toEqual(publicCard);
    expect(fake.requestsMatching('PATCH', `/channels/${ids.general}/messages/${publicCard.id}`)).toEqual([]);
    expect((await rowsOf(bot, 1)).map((r) => r.status)).toEqual(['draft']);
    expect(await rowsOf(bot, 2)).toEqual([]);

    // Her honest Submit on her paging message still replaces that message with the thanks.
    const done = await fake.click({ userId: ids.alice, message: saved.message!, customId: 'v1:survey-submit:1' }).reply();
    expect(done.content).toMatch(/^Thank you/);
    expect(done.message?.id).toBe(saved.message!.id);
    expect((await rowsOf(bot, 1)).map((r) => r.status)).toEqual(['submitted']);
    expect(bot.errors).toEqual([]);
  });
});
