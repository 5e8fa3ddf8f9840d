// Languages end to end through the fake Discord: replies follow the member's client locale,
// posts everyone sees follow the server's language, and localized command names reach the same handlers.
import { Locale } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { DigestsFeature } from '../../src/digests/discord.js';
import { getSettings, updateSettings } from '../../src/settings/store.js';
import { TestBot } from '../support/bot.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const at = (iso: string) => Date.parse(iso);

describe('languages', () => {
  it('a staff member on Russian reads /insights in Russian, typed as /статистика; others keep their own language', async () => {
    bot = await TestBot.start();
    const { ids, fake, clock } = bot;
    fake.post({ channelId: ids.general, userId: ids.alice, content: 'привет', at: new Date(clock.now()) });
    fake.post({ channelId: ids.general, userId: ids.bob, content: 'hola', at: new Date(clock.now()) });
    await fake.slash({ channelId: ids.general, userId: ids.ownerId, name: 'pulse', subcommand: 'about' }).reply();
    await bot.restart(); // flush the activity writes
    clock.set(at('2026-11-09T09:00:00Z'));

    // Typed in Russian: Discord sends the canonical name, so the /insights handler answers.
    const handle = fake.slash({ channelId: ids.general, userId: ids.ownerId, name: 'статистика', options: { 'период': '7d' }, locale: Locale.Russian });
    // What Discord sends: the canonical names, with the member's locale and the server's.
    expect(handle.payload).toMatchObject({ locale: 'ru', guild_locale: 'en-US', data: { name: 'insights', options: [{ name: 'period', value: '7d' }] } });
    const reply = await handle.reply();
    expect(reply.ephemeral).toBe(true);
    const embed = reply.embeds[0]!;
    expect(embed.title).toBe('Статистика: 2–8 нояб. 2026 г.');
    const fields = Object.fromEntries((embed.fields ?? []).map((f) => [f.name, f.value]));
    expect(fields['Активность']).toBe('2 сообщения · 0 реакций · 0 веток · 0 мин в голосе');
    expect(fields['Самые активные']).toContain(`<@${ids.alice}>`);
    expect(embed.footer?.text).toBe('UTC · на 9 нояб. 2026 г., 09:00 UTC · цифры по участникам видит только команда');
    // No English field name leaks into the Russian embed.
    expect(JSON.stringify(embed)).not.toMatch(/Members|Activity|Engagement|Top channels/);

    // The same command in English and Spanish reaches the same handler, each in its language.
    const en = await fake.slash({ channelId: ids.general, userId: ids.ownerId, name: 'insights', locale: Locale.EnglishGB }).reply();
    expect(en.embeds[0]?.title).toBe('Insights: Nov 2 – 8, 2026');
    const es = await fake.slash({ channelId: ids.general, userId: ids.ownerId, name: 'estadisticas', locale: Locale.SpanishLATAM }).reply();
    expect(es.embeds[0]?.title).toBe('Estadísticas: 2–8 nov 2026');
    expect(es.embeds[0]?.footer?.text).toBe('UTC · a 9 nov 2026, 9:00 UTC · las cifras por miembro son solo para el equipo');

    // The router's refusal speaks the member's language too.
    const refused = await fake.slash({ channelId: ids.general, userId: ids.alice, name: 'estadisticas', locale: Locale.SpanishES }).reply();
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toMatch(/^Solo el equipo puede hacer esto/);
    const refusedRu = await fake.slash({ channelId: ids.general, userId: ids.alice, name: 'insights', locale: Locale.Russian }).reply();
    expect(refusedRu.content).toMatch(/^Это доступно только команде сервера/);
    expect(bot.errors).toEqual([]);
  });

  it('/settings set language: chosen by staff, shown by /settings show, and the default follows guild_locale', async () => {
    bot = await TestBot.start({ guildLocale: Locale.SpanishES });
    const { ids, fake } = bot;

    // Nothing chosen: the server's Discord locale (Spanish) is the language, shown as automatic.
    const shown = await fake.slash({ channelId: ids.general, userId: ids.ownerId, name: 'settings', subcommand: 'show', locale: Locale.EnglishUS }).reply();
    const language = (shown.embeds[0]?.fields ?? []).find((f) => f.name === 'Language');
    expect(language?.value).toMatch(/^Español \(automatic/);

    // A Russian-speaking staff member sets it, in Russian names: the reply is in Russian.
    const set = await fake
      .slash({ channelId: ids.general, userId: ids.ownerId, name: 'настройки', subcommand: 'изменить', options: { 'язык': 'ru' }, locale: Locale.Russian })
      .reply();
    expect(set.content).toBe('Настройки сохранены.');
    expect((set.embeds[0]?.fields ?? []).find((f) => f.name === 'Язык')?.value).toBe('Русский');
    expect((await getSettings(bot.db, ids.guildId)).language).toBe('ru');

    // A value that is not a choice is refused with a clear message, and nothing changes.
    await expect(async () => fake.slash({ channelId: ids.general, userId: ids.ownerId, name: 'settings', subcommand: 'set', options: { language: 'de' } })).rejects.toThrow(/not a choice/);

    // Clearing goes back to the automatic language.
    const cleared = await fake
      .slash({ channelId: ids.general, userId: ids.ownerId, name: 'settings', subcommand: 'clear', options: { setting: 'language' }, locale: Locale.SpanishLATAM })
      .reply();
    expect(cleared.content).toBe('Ajuste restablecido a su valor por defecto.');
    expect((cleared.embeds[0]?.fields ?? []).find((f) => f.name === 'Idioma')?.value).toMatch(/^Español \(automático/);
    expect((await getSettings(bot.db, ids.guildId)).language).toBeNull();
    expect(bot.errors).toEqual([]);
  });

  it('the digest speaks the server language; the member who previews it reads the note in theirs', async () => {
    bot = await TestBot.start({ now: at('2026-11-09T09:30:00Z'), guildLocale: Locale.SpanishES });
    const { ids, fake } = bot;
    await updateSettings(bot.db, ids.guildId, { staffChannelId: ids.staffChannel }, bot.clock.now());

    const preview = await fake.slash({ channelId: ids.staffChannel, userId: ids.ownerId, name: 'digest', subcommand: 'preview', locale: Locale.EnglishUS }).reply(20_000);
    expect(preview.content).toBe('Preview of the digest for Nov 2 – 8, 2026 (UTC). Only you can see it.');
    expect(preview.embeds[0]?.title).toBe('Resumen semanal: 2–8 nov 2026');
    expect(preview.embeds[0]?.fields?.[0]?.name).toBe('👥 Miembros');

    // The scheduled digest, posted by the runner with no member involved: the server's language.
    const scheduled = await fake
      .slash({ channelId: ids.staffChannel, userId: ids.ownerId, name: 'resumen', subcommand: 'programar', options: { frecuencia: 'weekly', dia_semana: 1, hora: '09:00' }, locale: Locale.SpanishES })
      .reply();
    // (The server never set its time zone: the answer says how.)
    expect(scheduled.embeds[0]?.description).toBe('Programación guardada.\nLas horas están en UTC; indica tu zona horaria con `/ajustes cambiar zona_horaria`.');
    expect(scheduled.embeds[0]?.fields?.find((f) => f.name === 'Cuándo')?.value).toBe('cada lunes a las 09:00 (UTC)');
    bot.clock.set(at('2026-11-16T09:00:20Z'));
    await (bot.app.features.find((f) => f.name === 'digests') as DigestsFeature).tick();
    const posted = fake.channelMessages(ids.staffChannel).filter((m) => m.author.id === fake.appId);
    expect(posted.map((m) => m.embeds[0]?.title)).toEqual(['Resumen semanal: 9–15 nov 2026']);
    // Its footer gives the days as Spanish writes them, not as ISO dates ("del 2026-11-09 al 2026-11-15").
    expect(posted[0]?.embeds[0]?.footer?.text).toBe('Pulse · 9–15 nov 2026 · UTC · week:2026-11-09');

    await updateSettings(bot.db, ids.guildId, { language: 'ru' }, bot.clock.now());
    const ru = await fake.slash({ channelId: ids.staffChannel, userId: ids.ownerId, name: 'resumen', subcommand: 'vista_previa', locale: Locale.SpanishES }).reply(20_000);
    expect(ru.content).toBe('Vista previa del resumen (9–15 nov 2026, UTC). Solo tú puedes verla.');
    expect(ru.embeds[0]?.title).toBe('Сводка за неделю: 9–15 нояб. 2026 г.');
    expect(bot.errors).toEqual([]);
  });
});
