// What /survey answers staff, against the fake Discord's limits: the results embed's 6,000
// characters, Discord's 3-second deadline while a definition file downloads, and /survey list's
// 2,000-character message, all in the staff member's language.
import type { APIEmbed } from 'discord-api-types/v10';
import { Locale } from 'discord.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FeatureFactory } from '../../src/feature.js';
import { settingsRoutes } from '../../src/settings/discord.js';
import { surveysFeature } from '../../src/surveys/discord.js';
import { TestBot } from '../support/bot.js';

let bot: TestBot | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await bot?.close();
  bot = undefined;
});

const features: FeatureFactory[] = [(ctx) => ({ name: 'settings', routes: settingsRoutes(ctx) }), (ctx) => surveysFeature(ctx)];

type Options = Record<string, string | number | boolean>;

function slash(b: TestBot, subcommand: string, options: Options = {}, extra: { uploads?: Record<string, string>; locale?: string } = {}) {
  return b.fake.slash({ channelId: b.ids.general, userId: b.ids.ownerId, name: 'survey', subcommand, options, ...extra });
}

/** Discord's count: every title, description, field name and value, footer and author name. */
function embedSize(embeds: APIEmbed[]): number {
  const len = (s: string | undefined) => [...(s ?? '')].length;
  return embeds.reduce((n, e) => n + len(e.title) + len(e.description) + len(e.footer?.text) + len(e.author?.name) + (e.fields ?? []).reduce((m, f) => m + len(f.name) + len(f.value), 0), 0);
}

describe('/survey replies within Discord’s limits', () => {
  it('results of 20 seven-point questions fit one embed in Spanish, with a note for the questions left out', async () => {
    bot = await TestBot.start({ features });
    // The fake refuses what Discord refuses: more than 6,000 characters across a message's embeds.
    const tooBig = bot.app.client.rest.post(`/channels/${bot.ids.general}/messages`, { body: { embeds: [{ title: 'x', description: 'y'.repeat(4000), fields: [{ name: 'z', value: 'w'.repeat(1024) }, { name: 'z', value: 'w'.repeat(1024) }] }] } });
    await expect(tooBig).rejects.toMatchObject({ code: 50035 });

    // Labels at Discord's 45-character limit, seven points each: ~6,700 characters uncut in Spanish.
    const questions = Array.from({ length: 20 }, (_, i) => ({ id: `q${i + 1}`, type: 'likert7', label: `Pregunta ${String(i + 1).padStart(2, '0')}: ${'x'.repeat(32)}` }));
    const created = await slash(bot, 'create', { file: 'big.json' }, { uploads: { 'big.json': JSON.stringify({ title: 'Encuesta larga', questions }) } }).reply(10_000);
    expect(created.content).toMatch(/^Survey #1 /);
    await slash(bot, 'start', { survey: 1 }).reply(10_000);
    // Two submitted responses, so every question shows its counts, mean and median.
    for (const [i, member] of [bot.ids.alice, bot.ids.bob].entries()) {
      const answers = Object.fromEntries(questions.map((q, n) => [q.id, ((n + i) % 7) + 1]));
      await bot.db.insertInto('survey_responses').values({ survey_id: 1, respondent: member, status: 'submitted', answers: JSON.stringify(answers), draft: null, page: 0, roles: '[]', submitted_at: bot.clock.now() }).execute();
    }

    const results = await slash(bot, 'results', { survey: 1 }, { locale: Locale.SpanishES }).reply(30_000);
    expect(results.ephemeral).toBe(true);
    expect(results.embeds).toHaveLength(1);
    const embed = results.embeds[0]!;
    expect(embedSize(results.embeds)).toBeLessThanOrEqual(6000);
    const shown = embed.fields ?? [];
    expect(shown.length).toBeGreaterThan(10);
    expect(shown.length).toBeLessThan(20);
    // Questions in order, none cut short, and the rest named in Spanish.
    expect(shown.map((f) => f.name)).toEqual(questions.slice(0, shown.length).map((q) => q.label));
    expect(shown[0]?.value).toMatch(/^2 respondieron · media /);
    const left = 20 - shown.length;
    expect(embed.description?.split('\n').at(-1)).toBe(`+${left} ${left === 1 ? 'pregunta' : 'preguntas'} más: consulta la exportación CSV (\`/cuestionario exportar\`).`);
    expect(bot.errors).toEqual([]);
  }, 40_000);

  it('a definition file that downloads slowly: the reply is deferred at once, then says what happened, privately', async () => {
    bot = await TestBot.start({ features, interactionDeadlineMs: 1000 });
    // The attachment takes longer than Discord's deadline to download (the REST calls are not fetch()).
    const realFetch = globalThis.fetch;
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      if (String(input instanceof Request ? input.url : input).includes('/attachments/')) await new Promise((resolve) => setTimeout(resolve, 1500));
      return realFetch(input, init);
    });
    const definition = { title: 'Slow file', questions: [{ id: 'ok', type: 'yesno', label: 'All good?' }] };
    const created = await slash(bot, 'create', { file: 'slow.json' }, { uploads: { 'slow.json': JSON.stringify(definition) } }).reply(10_000);
    expect(created).toMatchObject({ ephemeral: true, content: expect.stringMatching(/^Survey #1 \*\*Slow file\*\* is ready \(1 question\)/) });
    expect(await bot.db.selectFrom('surveys').select('title').execute()).toEqual([{ title: 'Slow file' }]);

    // A file with problems: the same deferred, private answer names them.
    const bad = await slash(bot, 'create', { file: 'bad.json' }, { uploads: { 'bad.json': '{ "title": ' } }).reply(10_000);
    expect(bad).toMatchObject({ ephemeral: true, content: expect.stringMatching(/^That file is not valid JSON/) });
    const invalid = await slash(bot, 'create', { file: 'q.json' }, { uploads: { 'q.json': JSON.stringify({ title: 'x', questions: [{ id: 'q1', type: 'single', label: 'Pick', options: ['one'] }] }) } }).reply(10_000);
    expect(invalid).toMatchObject({ ephemeral: true, content: expect.stringContaining('question "q1": a single choice question needs at least 2 options') });
    expect(await bot.db.selectFrom('surveys').select('id').execute()).toHaveLength(1);
    expect(bot.errors).toEqual([]);
  });

  it('/survey list keeps whole lines within 2,000 characters and says how many more there are, in the member’s language', async () => {
    bot = await TestBot.start({ features });
    // 30 surveys with 100-character titles: far more than one message holds.
    for (let i = 1; i <= 30; i++) {
      const title = `Survey ${String(i).padStart(2, '0')} ${'t'.repeat(90)}`;
      await slash(bot, 'create', { template: 'csat', title }).reply(10_000);
    }
    for (const [locale, header, more] of [
      [Locale.EnglishUS, '**Surveys**', /^…and (\d+) more\.$/],
      [Locale.SpanishES, '**Cuestionarios**', /^…y (\d+) más\.$/],
      [Locale.Russian, '**Анкеты**', /^…и ещё (\d+)\.$/],
    ] as const) {
      const listed = await slash(bot, 'list', {}, { locale }).reply(10_000);
      expect(listed.ephemeral).toBe(true);
      const content = listed.content ?? '';
      expect(content.length).toBeLessThanOrEqual(2000);
      const lines = content.split('\n');
      expect(lines[0]).toBe(header);
      const surveys = lines.slice(1, -1);
      // Newest first, each line whole (it ends with the response count).
      expect(surveys.length).toBeGreaterThan(5);
      surveys.forEach((line, i) => expect(line).toMatch(new RegExp(`^\\*\\*#${30 - i}\\*\\* Survey ${String(30 - i).padStart(2, '0')} t+… · .+ · 0 .+$`)));
      // The remainder counts every survey not shown, beyond the latest 25 too.
      expect(Number(more.exec(lines.at(-1)!)?.[1])).toBe(30 - surveys.length);
    }
  }, 30_000);

  it('autocomplete marks closed and not-started surveys in the member’s language', async () => {
    bot = await TestBot.start({ features });
    await slash(bot, 'create', { template: 'csat', title: 'Alpha' }).reply(10_000);
    await slash(bot, 'create', { template: 'csat', title: 'Beta' }).reply(10_000);
    await slash(bot, 'start', { survey: 2 }).reply(10_000);
    await slash(bot, 'close', { survey: 2 }).reply(10_000);
    const ac = (locale: string) => bot!.fake.autocomplete({ channelId: bot!.ids.general, userId: bot!.ids.ownerId, name: 'survey', subcommand: 'results', focused: 'survey', value: '', locale }).reply();
    expect((await ac(Locale.SpanishES)).choices?.map((c) => c.name)).toEqual(['#2 · (cerrado) Beta', '#1 · (sin iniciar) Alpha']);
    expect((await ac(Locale.Russian)).choices?.map((c) => c.name)).toEqual(['#2 · (закрыта) Beta', '#1 · (не запущена) Alpha']);
    expect((await ac(Locale.EnglishUS)).choices?.map((c) => c.name)).toEqual(['#2 · (closed) Beta', '#1 · (not started) Alpha']);
  });
});
