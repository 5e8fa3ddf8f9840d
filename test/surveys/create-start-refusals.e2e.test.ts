// Definitions that are not UTF-8, and close times at or before the definition's `opens`: refused, privately, nothing made.
import { afterEach, describe, expect, it } from 'vitest';
import type { FeatureFactory } from '../../src/feature.js';
import { surveysFeature } from '../../src/surveys/discord.js';
import { TestBot } from '../support/bot.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const features: FeatureFactory[] = [(ctx) => surveysFeature(ctx)];

async function slash(b: TestBot, subcommand: string, options: Record<string, string | number | boolean> = {}, uploads?: Record<string, string | Buffer>, locale?: string) {
  return b.fake.slash({ channelId: b.ids.general, userId: b.ids.ownerId, name: 'survey', subcommand, options, ...(uploads ? { uploads } : {}), ...(locale ? { locale } : {}) }).reply(10_000);
}

const json = (title: string) => `{"title":"${title}","questions":[{"id":"a","type":"short","label":"${title}?"}]}`;

describe('a definition file that is not UTF-8', () => {
  it('is refused with a localized, private answer; a UTF-8 file with a byte order mark is read', async () => {
    bot = await TestBot.start({ features });
    // "Опрос" saved as Windows-1251, one byte a letter.
    const cp1251 = Buffer.concat([Buffer.from('{"title":"'), Buffer.from([0xce, 0xef, 0xf0, 0xee, 0xf1]), Buffer.from('","questions":[{"id":"a","type":"short","label":"x"}]}')]);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json('Опрос'), 'utf16le')]);
    const utf16NoBom = Buffer.from(json('Poll'), 'utf16le');
    for (const [name, bytes] of [
      ['cp1251.json', cp1251],
      ['utf16.json', utf16],
      ['utf16-no-bom.json', utf16NoBom],
    ] as const) {
      const refused = await slash(bot, 'create', { file: name }, { [name]: bytes });
      expect(refused.ephemeral).toBe(true);
      expect(refused.content).toMatch(/^That file is not saved as UTF-8 text/);
      expect(refused.content).not.toContain('\u0000');
    }
    const ru = await slash(bot, 'create', { file: 'utf16.json' }, { 'utf16.json': utf16 }, 'ru');
    expect(ru.content).toMatch(/^Файл сохранён не в кодировке UTF-8/);
    expect(await bot.db.selectFrom('surveys').select('id').execute()).toEqual([]);

    const withBom = await slash(bot, 'create', { file: 'bom.json' }, { 'bom.json': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json('Опрос'), 'utf8')]) });
    expect(withBom.content).toMatch(/^Survey #1 \*\*Опрос\*\* is ready/);
    expect(bot.errors).toEqual([]);
  });
});

describe('a close at or before the definition’s `opens`', () => {
  it('is refused by /survey start and /survey recur; a later one is taken', async () => {
    bot = await TestBot.start({ features }); // 2026-11-02 12:00 UTC, a Monday
    const { ids, fake } = bot;
    const opens = '2026-11-07T12:00:00Z';
    const definition = JSON.stringify({ title: 'Later', opens, questions: [{ id: 'a', type: 'short', label: 'A?' }] });
    await slash(bot, 'create', { file: 'later.json' }, { 'later.json': definition });
    const when = `<t:${Date.parse(opens) / 1000}:F>`;

    for (const closesIn of ['1d', '5d']) {
      const refused = await slash(bot, 'start', { survey: 1, closes_in: closesIn });
      expect(refused).toMatchObject({ ephemeral: true, content: `The survey would close before it opens (${when}, the definition’s \`opens\`), so nobody could answer it. Give a longer \`closes_in\`.` });
    }
    const es = await fake.slash({ channelId: ids.general, userId: ids.ownerId, name: 'survey', subcommand: 'start', options: { survey: 1, closes_in: '1d' }, locale: 'es-ES' }).reply(10_000);
    expect(es.content).toMatch(/^El cuestionario se cerraría antes de abrirse/);
    expect(await bot.db.selectFrom('surveys').select(['status', 'message_id']).execute()).toEqual([{ status: 'draft', message_id: null }]);
    expect(fake.channelMessages(ids.general).filter((m) => m.embeds[0]?.footer?.text === 'Survey #1')).toEqual([]);

    // Daily runs open 23 hours each: the first (tomorrow 09:00) would close before 7 November.
    const recur = await slash(bot, 'recur', { survey: 1, every: 'day', time: '09:00' });
    expect(recur).toMatchObject({ ephemeral: true, content: expect.stringMatching(/^The first run would close before the survey opens \(<t:\d+:F>, the definition’s `opens`\)/) });
    expect(await bot.db.selectFrom('survey_schedules').select('id').execute()).toEqual([]);
    // Weekly runs open 6 days from next Monday 09:00: after `opens`.
    expect((await slash(bot, 'recur', { survey: 1, every: 'week', time: '09:00', open_for: '6d' })).content).toMatch(/A copy of survey #1 will open/);

    const started = await slash(bot, 'start', { survey: 1, closes_in: '6d' });
    expect(started.content).toMatch(/Survey #1 is open in <#\d+>, closing <t:\d+:R>/);
    expect(bot.errors).toEqual([]);
  });
});
