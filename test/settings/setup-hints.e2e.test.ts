// Setup hints for a staff member's first hour: while a setting is still at its default, the
// replies of the commands it affects say so in one line, in the reader's language, naming the
// command as their client shows it (/ajustes cambiar idioma, /настройки изменить язык).
import { Locale } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { getSettings } from '../../src/settings/store.js';
import { TestBot } from '../support/bot.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

type Options = Record<string, string | number | boolean>;

/** A command by its canonical names, as the owner in `locale` runs it (the reply it gets). */
function run(b: TestBot, name: string, subcommand: string, options: Options = {}, locale: Locale = Locale.EnglishUS, channelId = b.ids.general) {
  return b.fake.slash({ channelId, userId: b.ids.ownerId, name, subcommand, options, locale }).reply(15_000);
}

const lines = (text: string | null | undefined) => (text ?? '').split('\n');

const LANGUAGE_ES = 'Lo que ven todos se publica en inglés, el idioma del servidor para Pulse; cámbialo con `/ajustes cambiar idioma`.';
const LANGUAGE_RU = 'Язык публикаций, которые видят все: английский (язык сервера для Pulse). Сменить: `/настройки изменить язык`.';
const NO_MOD_EN = '⚠️ No moderation channel is set: new flag cases wait unseen in `/flags queue`. Set one with `/settings set mod_channel`.';
const NO_MOD_ES = '⚠️ No hay canal de moderación: los casos de reporte nuevos esperan sin que nadie los vea en `/reportes cola`. Elige uno con `/ajustes cambiar canal_moderacion`.';
const NO_MOD_RU = '⚠️ Канал модерации не задан: новые случаи по жалобам никто не видит, они ждут в `/жалобы очередь`. Задайте канал: `/настройки изменить канал_модерации`.';
const ZONE_EN = 'Times are in UTC; set your time zone with `/settings set timezone`.';
const ZONE_ES = 'Las horas están en UTC; indica tu zona horaria con `/ajustes cambiar zona_horaria`.';
const ZONE_RU = 'Время указано по UTC; задайте свой часовой пояс: `/настройки изменить часовой_пояс`.';

describe('the server language, on a server whose Discord language is English (not a Community server)', () => {
  it('Spanish and Russian staff are told, on every reply that posts for everyone, until a language is chosen', async () => {
    bot = await TestBot.start();
    const es = Locale.SpanishES;

    // /settings show and /settings set (any setting): the line follows what the reply says.
    const shown = await run(bot, 'settings', 'show', {}, es);
    expect(lines(shown.content)).toContain(LANGUAGE_ES);
    const saved = await run(bot, 'settings', 'set', { feedback_channel: bot.ids.general }, es);
    expect(lines(saved.content)).toEqual(['Ajustes guardados.', LANGUAGE_ES]);
    const savedRu = await run(bot, 'settings', 'set', { staff_channel: bot.ids.staffChannel }, Locale.Russian);
    expect(lines(savedRu.content)).toEqual(['Настройки сохранены.', LANGUAGE_RU]);

    // /poll create: the card everyone sees is English.
    const poll = await run(bot, 'poll', 'create', { question: '¿Pizza?', choices: 'Sí | No' }, es);
    expect(lines(poll.content)).toHaveLength(2);
    expect(lines(poll.content)[1]).toBe(LANGUAGE_ES);

    // /survey start: its card too.
    await run(bot, 'survey', 'create', { template: 'csat' }, es);
    const started = await run(bot, 'survey', 'start', { survey: 1 }, Locale.Russian);
    expect(lines(started.content)).toHaveLength(2);
    expect(lines(started.content)[1]).toBe(LANGUAGE_RU);

    // /digest schedule: the digest too (with the zone's line, its own finding).
    const scheduled = await run(bot, 'digest', 'schedule', { frequency: 'weekly' }, es);
    expect(lines(scheduled.embeds[0]?.description)).toContain(LANGUAGE_ES);

    // A member who is not staff cannot change it: not told.
    const member = await bot.fake.slash({ channelId: bot.ids.general, userId: bot.ids.alice, name: 'poll', subcommand: 'create', options: { question: '¿Tacos?', choices: 'Sí | No' }, locale: es }).reply(15_000);
    expect(member.content).toMatch(/^Encuesta n\.º \d+ publicada/);
    expect(lines(member.content)).toHaveLength(1);

    // An English-speaking staff member reads the posts' language already: no line.
    expect(lines((await run(bot, 'settings', 'show')).content)).not.toContainEqual(expect.stringMatching(/server’s language/));
    const englishPoll = await run(bot, 'poll', 'create', { question: 'Pizza?', choices: 'Yes | No' });
    expect(lines(englishPoll.content)).toHaveLength(1);

    // Once staff choose a language (even English), nobody is told again.
    const chosen = await run(bot, 'settings', 'set', { language: 'en' }, es);
    expect(chosen.content).toBe('Ajustes guardados.');
    expect(lines((await run(bot, 'poll', 'create', { question: '¿Otra?', choices: 'Sí | No' }, es)).content)).toHaveLength(1);
    await run(bot, 'survey', 'create', { template: 'csat' }, es);
    const second = await run(bot, 'survey', 'start', { survey: 2 }, es);
    expect(second.content).toMatch(/^El cuestionario n\.º 2 /);
    expect(lines(second.content)).toHaveLength(1);
  });

  it('staff who read the server’s own Discord language are not told', async () => {
    bot = await TestBot.start({ guildLocale: Locale.SpanishES });
    expect((await run(bot, 'settings', 'set', { feedback_channel: bot.ids.general }, Locale.SpanishES)).content).toBe('Ajustes guardados.');
    // A Russian reader on that Spanish server is told the posts are in Spanish.
    const ru = await run(bot, 'settings', 'set', { feedback_channel: bot.ids.general }, Locale.Russian);
    expect(lines(ru.content)).toEqual(['Настройки сохранены.', 'Язык публикаций, которые видят все: испанский (язык сервера для Pulse). Сменить: `/настройки изменить язык`.']);
  });
});

describe('flag settings without a moderation channel', () => {
  it('saving one warns that cases go unseen, in the reader’s language; /settings show too; not once a channel is set', async () => {
    bot = await TestBot.start();
    const threshold = await run(bot, 'settings', 'set', { flag_threshold: 2 });
    expect(lines(threshold.content)).toEqual(['Settings saved.', NO_MOD_EN]);
    // Spanish server, Spanish staff: the only line is the warning.
    await run(bot, 'settings', 'set', { language: 'es' });
    expect(lines((await run(bot, 'settings', 'set', { flag_emoji: '⚠️' }, Locale.SpanishES)).content)).toEqual(['Ajustes guardados.', NO_MOD_ES]);
    expect(lines((await run(bot, 'settings', 'show', {}, Locale.SpanishES)).content)).toEqual([NO_MOD_ES]);
    await run(bot, 'settings', 'set', { language: 'ru' });
    expect(lines((await run(bot, 'settings', 'set', { flag_daily_limit: 5, flag_max_age_hours: 24 }, Locale.Russian)).content)).toEqual(['Настройки сохранены.', NO_MOD_RU]);
    expect(lines((await run(bot, 'settings', 'clear', { setting: 'flag_threshold' }, Locale.Russian)).content)).toEqual(['Настройка сброшена к значению по умолчанию.', NO_MOD_RU]);

    // Other settings say nothing of it.
    await run(bot, 'settings', 'set', { language: 'en' });
    expect((await run(bot, 'settings', 'set', { staff_channel: bot.ids.staffChannel })).content).toBe('Settings saved.');

    // With a moderation channel: nothing to warn of, until it is cleared again.
    expect((await run(bot, 'settings', 'set', { mod_channel: bot.ids.modChannel, flag_threshold: 4 })).content).toBe('Settings saved.');
    expect((await run(bot, 'settings', 'show')).content).toBeFalsy();
    expect(lines((await run(bot, 'settings', 'clear', { setting: 'mod_channel' })).content)).toEqual(['Setting reset to its default.', NO_MOD_EN]);
  });
});

describe('schedules while the time zone is the default (UTC)', () => {
  it('/digest schedule, /digest show and /survey recur say the times are UTC and how to set the zone; not once one is set, UTC too', async () => {
    bot = await TestBot.start();
    await run(bot, 'settings', 'set', { staff_channel: bot.ids.staffChannel, language: 'en' });

    const scheduled = await run(bot, 'digest', 'schedule', { frequency: 'weekly' }, Locale.SpanishES);
    expect(lines(scheduled.embeds[0]?.description)).toContain(ZONE_ES);
    expect(lines((await run(bot, 'digest', 'show', {}, Locale.Russian)).embeds[0]?.description)).toEqual([ZONE_RU]);
    expect(lines((await run(bot, 'digest', 'show')).embeds[0]?.description)).toEqual([ZONE_EN]);

    await run(bot, 'survey', 'create', { template: 'nps' });
    const recur = await run(bot, 'survey', 'recur', { survey: 1, every: 'week' }, Locale.SpanishES);
    expect(lines(recur.content)).toHaveLength(2);
    expect(lines(recur.content)[1]).toBe(ZONE_ES);

    // A zone set: the times are the server's own, nothing to say.
    await run(bot, 'settings', 'set', { timezone: 'Europe/Madrid' });
    const again = await run(bot, 'digest', 'schedule', { frequency: 'weekly' }, Locale.SpanishES);
    expect(again.embeds[0]?.description).toBe('Programación guardada.');
    expect((await run(bot, 'digest', 'show', {}, Locale.SpanishES)).embeds[0]?.description).toBeFalsy();
    expect(lines((await run(bot, 'survey', 'recur', { survey: 1, every: 'week' }, Locale.SpanishES)).content)).toHaveLength(1);

    // UTC chosen on purpose: nothing to say either; cleared back to the default: said again.
    await run(bot, 'settings', 'set', { timezone: 'Etc/UTC' });
    expect((await getSettings(bot.db, bot.ids.guildId)).timezone).toBe('UTC');
    expect((await run(bot, 'digest', 'show')).embeds[0]?.description).toBeFalsy();
    expect(lines((await run(bot, 'survey', 'recur', { survey: 1, every: 'week' })).content)).toHaveLength(1);
    await run(bot, 'settings', 'clear', { setting: 'timezone' });
    expect(lines((await run(bot, 'digest', 'show')).embeds[0]?.description)).toEqual([ZONE_EN]);
  });
});

describe('a number out of range from a crafted request', () => {
  it('names the option as the reader’s client shows it, and saves nothing', async () => {
    bot = await TestBot.start();
    // Discord's client enforces min/max, so only a crafted request gets here.
    const es = await run(bot, 'settings', 'set', { flag_threshold: 99 }, Locale.SpanishES);
    expect(es.ephemeral).toBe(true);
    expect(es.content).toBe('`umbral_reportes` debe ser un número entero de 1 a 50.');
    const ru = await run(bot, 'settings', 'set', { feedback_daily_limit: 0 }, Locale.Russian);
    expect(ru.content).toMatch(/^`лимит_отзывов_в_день` должно быть целым числом от 1 до /);
    const en = await run(bot, 'settings', 'set', { flag_max_age_hours: 9000 });
    expect(en.content).toBe('`flag_max_age_hours` must be a whole number from 1 to 8,760.');
    expect(await getSettings(bot.db, bot.ids.guildId)).toMatchObject({ flagThreshold: 3, feedbackDailyLimit: 10, flagMaxAgeHours: 168 });
  });
});
