// Moving between a survey's pages before submitting: every earlier page reopens, with its saved
// answers, and the server checks each page it is asked to open.
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

const definition = {
  title: 'Three pages',
  questions: [
    { id: 'team', type: 'single', label: 'Your team', options: ['Red', 'Blue'] },
    { id: 'happy', type: 'yesno', label: 'Are you happy here?' },
    { id: 'why', type: 'short', label: 'Anything else?', required: false },
  ],
  pages: [['team'], ['happy'], ['why']],
};

type Button = { custom_id: string; label?: string; disabled?: boolean };
function buttons(message: APIMessage | undefined): Button[] {
  return ((message?.components ?? []) as unknown as Array<{ components: Button[] }>).flatMap((r) => r.components);
}

describe('survey pages', () => {
  it('after page 2 is saved, page 1 reopens with its answers and can be changed', async () => {
    bot = await TestBot.start({ features });
    const { ids, fake } = bot;
    const slash = (subcommand: string, options: Record<string, string | number>, uploads?: Record<string, string>) =>
      fake.slash({ channelId: ids.general, userId: ids.ownerId, name: 'survey', subcommand, options, ...(uploads ? { uploads } : {}) }).reply(10_000);
    await slash('create', { file: 's.json' }, { 's.json': JSON.stringify(definition) });
    await slash('start', { survey: 1 });
    const card = fake.channelMessages(ids.general).find((m) => m.embeds[0]?.footer?.text === 'Survey #1')!;

    const take = fake.click({ userId: ids.alice, message: card, customId: 'v1:survey-take:1' });
    await take.reply();
    const saved1 = await take.submitModal({ team: '0' }).reply();
    // On page 1 there is nothing earlier: reopen it, continue, or submit.
    expect(buttons(saved1.message).map((b) => b.label)).toEqual(['Back to page 1', 'Continue to page 2', 'Submit']);

    const open2 = fake.click({ userId: ids.alice, message: saved1.message!, customId: 'v1:survey-open:1:1' });
    await open2.reply();
    const saved2 = await open2.submitModal({ happy: 'yes' }).reply();
    expect(saved2.content).toContain('Page 2 of 3 saved.');
    expect(buttons(saved2.message).map((b) => [b.label, b.custom_id])).toEqual([
      ['Back to page 1', 'v1:survey-open:1:0'],
      ['Back to page 2', 'v1:survey-open:1:1'],
      ['Continue to page 3', 'v1:survey-open:1:2'],
      ['Submit', 'v1:survey-submit:1'],
    ]);

    // Page 1 opens with Alice's saved choice, and her change is saved.
    const back = fake.click({ userId: ids.alice, message: saved2.message!, customId: 'v1:survey-open:1:0' });
    const modal = (await back.reply()).modal as unknown as { title: string; components: Array<{ component: { custom_id: string; options?: Array<{ value: string; default?: boolean }> } }> };
    expect(modal.title).toBe('Three pages (1/3)');
    expect(modal.components.map((c) => c.component.custom_id)).toEqual(['team']);
    expect(modal.components[0]?.component.options?.find((o) => o.default)?.value).toBe('0');
    const resaved = await back.submitModal({ team: '1' }).reply();
    expect(resaved.content).toContain('Page 1 of 3 saved.');
    const draft = await bot.db.selectFrom('survey_responses').select(['draft', 'status']).where('survey_id', '=', 1).where('respondent', '=', ids.alice).executeTakeFirstOrThrow();
    expect(JSON.parse(draft.draft!)).toEqual({ team: 1, happy: 'yes' });

    // The server still checks what a button asks for: a page the survey does not have, or
    // someone else's click on Alice's message (no response in progress), is refused privately.
    const forged = await fake.click({ userId: ids.alice, message: resaved.message!, customId: 'v1:survey-open:1:7', forged: true }).reply();
    expect(forged).toMatchObject({ ephemeral: true, content: 'That page is not part of the survey any more. Click “Take the survey” again.' });
    const other = await fake.click({ userId: ids.bob, message: saved2.message!, customId: 'v1:survey-open:1:0' }).reply();
    expect(other.ephemeral).toBe(true);
    expect(other.modal).toBeUndefined();

    const done = await fake.click({ userId: ids.alice, message: resaved.message!, customId: 'v1:survey-submit:1' }).reply();
    expect(done.content).toMatch(/Thank you/);
    const row = await bot.db.selectFrom('survey_responses').select(['answers', 'status']).where('survey_id', '=', 1).where('respondent', '=', ids.alice).executeTakeFirstOrThrow();
    expect(row.status).toBe('submitted');
    expect(JSON.parse(row.answers)).toEqual({ team: 1, happy: 'yes' });
    expect(bot.errors).toEqual([]);
  });
});
