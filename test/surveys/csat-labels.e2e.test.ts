// The CSAT midpoint says "neither satisfied nor dissatisfied" (not the Likert agreement words, not "don't know"),
// in the modal, the results and the chart; the Russian Likert midpoint is a true midpoint too.
import type { APIMessage } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import type { FeatureFactory } from '../../src/feature.js';
import { settingsRoutes } from '../../src/settings/discord.js';
import { chartOption } from '../../src/surveys/charts.js';
import { scoreQuestion } from '../../src/surveys/scoring.js';
import type { Definition, Question } from '../../src/surveys/questions.js';
import { surveysFeature } from '../../src/surveys/discord.js';
import { TestBot } from '../support/bot.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const features: FeatureFactory[] = [(ctx) => ({ name: 'settings', routes: settingsRoutes(ctx) }), (ctx) => surveysFeature(ctx)];

const definition = {
  title: 'Pulse',
  questions: [
    { id: 'sat', type: 'csat', label: 'Satisfaction' },
    { id: 'agree', type: 'likert5', label: 'Agreement' },
  ],
};

const csatMid = { es: '3 · Ni satisfecho ni insatisfecho', ru: '3 · Ни доволен, ни недоволен' } as const;

function card(b: TestBot): APIMessage {
  const found = b.fake.channelMessages(b.ids.general).find((m) => m.embeds[0]?.footer?.text === 'Survey #1');
  if (!found) throw new Error('no card');
  return found;
}

type ModalOptions = { components: Array<{ component: { options?: Array<{ value: string; label: string }> } }> };

describe('CSAT and Likert midpoints', () => {
  it.each(['es', 'ru'] as const)('%s: the modal and the results say the CSAT midpoint in satisfaction words', async (locale) => {
    bot = await TestBot.start({ features });
    const { ids, fake } = bot;
    const slash = (subcommand: string, options: Record<string, string | number> = {}, uploads?: Record<string, string>) =>
      fake.slash({ channelId: ids.general, userId: ids.ownerId, name: 'survey', subcommand, options, locale, ...(uploads ? { uploads } : {}) }).reply(10_000);
    await slash('create', { file: 'p.json' }, { 'p.json': JSON.stringify(definition) });
    await slash('start', { survey: 1, closes_in: '3d' });

    const take = fake.click({ userId: ids.alice, message: card(bot), customId: 'v1:survey-take:1', locale });
    const modal = (await take.reply()).modal as unknown as ModalOptions;
    const sat = modal.components[0]!.component.options!;
    expect(sat.find((o) => o.value === '3')?.label).toBe(csatMid[locale]);
    // The Likert question keeps agreement words; in Russian a true midpoint, not "don't know".
    const agree = modal.components[1]!.component.options!;
    expect(agree.find((o) => o.value === '3')?.label).toBe(locale === 'es' ? '3 · Ni de acuerdo ni en desacuerdo' : '3 · Ни согласен, ни не согласен');
    const saved = await take.submitModal({ sat: '3', agree: '3' }).reply();
    expect(saved.content).toBeTruthy();
    await fake.click({ userId: ids.alice, message: saved.message!, customId: 'v1:survey-submit:1', locale }).reply();

    const results = await slash('results', { survey: 1 });
    const field = results.embeds[0]?.fields?.find((f) => f.name === 'Satisfaction');
    expect(field?.value).toContain(`${csatMid[locale]}: **1**`);
    expect(field?.value).not.toMatch(/acuerdo|Затрудняюсь|согласен/);
    expect(bot.errors).toEqual([]);
  });

  it.each(['es', 'ru'] as const)('%s: the chart labels the CSAT midpoint in satisfaction words', (lang) => {
    const q: Question = { id: 'sat', type: 'csat', label: 'Q', required: true };
    const def: Definition = { title: 'T', anonymous: false, responses: 'one', editable: true, questions: [q] };
    const r = scoreQuestion(def, q, [{ sat: 3 }], lang);
    const option = chartOption(r, lang) as unknown as { yAxis: { data: string[] } };
    expect(option.yAxis.data[2]).toBe(csatMid[lang]);
  });
});
