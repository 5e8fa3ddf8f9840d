// Polls and surveys in three languages through the fake Discord: a Spanish member runs a poll by
// its Spanish name and hears Spanish, the poll card follows the server; a Russian member answers
// a survey whose card follows the server's Spanish.
import type { APIMessage } from 'discord-api-types/v10';
import { Locale } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { PollsFeature } from '../../src/polls/discord.js';
import { updateSettings } from '../../src/settings/store.js';
import { TestBot } from '../support/bot.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

function buttons(message: APIMessage | undefined): Array<{ custom_id: string; label?: string; disabled?: boolean }> {
  const rows = (message?.components ?? []) as unknown as Array<{ components: Array<{ custom_id: string; label?: string; disabled?: boolean }> }>;
  return rows.flatMap((r) => r.components);
}

describe('polls and surveys in the member’s and the server’s language', () => {
  it('a member on es-ES creates a poll with /encuesta and votes: Spanish replies, the card in the server’s language', async () => {
    bot = await TestBot.start();
    const { ids, fake } = bot;
    const created = await fake
      .slash({ channelId: ids.general, userId: ids.alice, name: 'encuesta', subcommand: 'crear', options: { pregunta: '¿Comida?', opciones: 'Pizza | Tacos', duracion: '2h' }, locale: Locale.SpanishES })
      .reply();
    expect(created.ephemeral).toBe(true);
    expect(created.content).toMatch(/^Encuesta n\.º 1 publicada en <#\d+>: https:\/\/discord\.com\/channels\/\S+ Se cierra el <t:(\d+):f> \(<t:\1:R>\)\.$/);

    // The card everyone sees is in the server's language (English here), the question as typed.
    const card = fake.channelMessages(ids.general).find((m) => m.author.id === fake.appId && m.embeds[0]?.author?.name === 'Poll #1');
    if (!card) throw new Error('no poll card');
    expect(card.embeds[0]?.description).toContain('¿Comida?');
    expect(card.embeds[0]?.fields?.map((f) => f.name)).toEqual(['Who may vote', 'How', 'Closes']);
    expect(buttons(card).map((b) => b.label)).toEqual(['Pizza', 'Tacos']);

    const vote = await fake.click({ userId: ids.bob, message: card, customId: 'v1:poll-vote:1:0', locale: Locale.SpanishLATAM }).reply();
    expect(vote).toMatchObject({ ephemeral: true, content: 'Votaste por **Pizza**; vuelve a pulsar para retirarlo.' });
    const ru = await fake.click({ userId: ids.carol, message: card, customId: 'v1:poll-vote:1:1', locale: Locale.Russian }).reply();
    expect(ru.content).toBe('Вы проголосовали за **Tacos**; нажмите ещё раз, чтобы отозвать.');

    // A refusal from the router is in the member's language too.
    const refused = await fake.slash({ channelId: ids.general, userId: ids.bob, name: 'encuesta', subcommand: 'cerrar', options: { encuesta: 1 }, locale: Locale.SpanishES }).reply();
    expect(refused).toMatchObject({ ephemeral: true, content: 'Solo el autor de la encuesta y el equipo (Gestionar servidor o el rol de equipo) pueden hacer eso.' });

    // Staff switch the server to Russian: the next edit of the card speaks Russian, with Russian plurals.
    await updateSettings(bot.db, ids.guildId, { language: 'ru' }, bot.clock.now());
    const polls = bot.app.features.find((f) => f.name === 'polls') as PollsFeature;
    await fake.click({ userId: ids.dave, message: card, customId: 'v1:poll-vote:1:0', locale: Locale.SpanishES }).reply();
    await polls.service.live.flush();
    const edited = fake.message(ids.general, card.id)!.embeds[0]!;
    expect(edited.author?.name).toBe('Опрос №1');
    expect(edited.fields?.map((f) => f.name)).toEqual(['Кто может голосовать', 'Как голосовать', 'Закрывается']);
    expect(edited.footer?.text).toBe('3 проголосовали');
    expect(edited.description).toMatch(/\*\*Pizza\*\* 🏆\n`[▓░]+` 67\s% · 2 голоса/);

    // Closing: the Spanish author hears Spanish; the final card follows the server (Russian).
    const closed = await fake.slash({ channelId: ids.general, userId: ids.alice, name: 'encuesta', subcommand: 'cerrar', options: { encuesta: 1 }, locale: Locale.SpanishES }).reply();
    expect(closed.content).toBe('La encuesta n.º 1 está cerrada.');
    expect(closed.embeds[0]?.author?.name).toBe('Encuesta n.º 1 · resultados finales');
    await polls.service.live.flush();
    const final = fake.message(ids.general, card.id)!.embeds[0]!;
    expect(final.author?.name).toBe('Опрос №1 · закрыт');
    expect(final.fields?.find((f) => f.name === 'Итог')?.value).toBe('**Pizza** побеждает: 2 из 3 проголосовавших.');
    expect(bot.errors).toEqual([]);
  });

  it('a member on ru answers a survey: Russian modal labels and page buttons, the card in the server’s Spanish', async () => {
    bot = await TestBot.start({ guildLocale: Locale.SpanishES });
    const { ids, fake } = bot;
    const definition = {
      title: 'Team pulse',
      questions: [
        { id: 'score', type: 'nps', label: 'How likely are you to recommend us?' },
        { id: 'ok', type: 'yesno', label: 'Did you find what you needed?' },
        { id: 'why', type: 'long', label: 'Why?', required: false },
      ],
      pages: [['score', 'ok'], ['why']],
    };
    const staff = (subcommand: string, options: Record<string, string | number | boolean>, uploads?: Record<string, string>) =>
      fake.slash({ channelId: ids.general, userId: ids.ownerId, name: 'survey', subcommand, options, locale: Locale.Russian, ...(uploads ? { uploads } : {}) }).reply(10_000);
    const created = await staff('create', { file: 'pulse.json' }, { 'pulse.json': JSON.stringify(definition) });
    expect(created.content).toBe('Анкета №1 **Team pulse** готова (3 вопроса). Опубликуйте её командой `/анкета запустить анкета:1`.');
    // (The server's language for Pulse is Spanish, from Discord, and was never set: the Russian staff member hears that posts are in Spanish.)
    expect((await staff('start', { survey: 1 })).content).toMatch(
      /^Анкета №1 открыта в <#\d+>, пока вы не выполните `\/анкета закрыть`\.\nЯзык публикаций, которые видят все: испанский \(язык сервера для Pulse\)\. Сменить: `\/настройки изменить язык`\.$/,
    );

    const card = fake.channelMessages(ids.general).find((m) => m.embeds[0]?.footer?.text === 'Cuestionario n.º 1');
    if (!card) throw new Error('no survey card in Spanish');
    expect(card.embeds[0]?.title).toBe('Team pulse');
    expect(card.embeds[0]?.description).toContain('0 respuestas');
    expect(buttons(card).map((b) => b.label)).toEqual(['Responder el cuestionario']);

    const take = fake.click({ userId: ids.alice, message: card, customId: 'v1:survey-take:1', locale: Locale.Russian });
    const modal = (await take.reply()).modal as unknown as { title: string; components: Array<{ label: string; component: { options?: Array<{ label: string }> } }> };
    expect(modal.title).toBe('Team pulse (1/2)');
    expect(modal.components.map((c) => c.label)).toEqual(['How likely are you to recommend us?', 'Did you find what you needed?']);
    const nps = modal.components[0]!.component.options!.map((o) => o.label);
    expect([nps[0], nps[10]]).toEqual(['0 · Точно не порекомендую', '10 · Обязательно порекомендую']);
    expect(modal.components[1]!.component.options!.map((o) => o.label)).toEqual(['Да', 'Нет']);

    const saved = await take.submitModal({ score: ['9'], ok: 'yes' }).reply();
    expect(saved.ephemeral).toBe(true);
    expect(saved.content).toContain('Страница 1 из 2 сохранена.');
    expect(buttons(saved.message).map((b) => b.label)).toEqual(['Назад, к странице 1', 'Дальше, к странице 2', 'Отправить']);

    const done = await fake.click({ userId: ids.alice, message: saved.message!, customId: 'v1:survey-submit:1', locale: Locale.Russian }).reply();
    expect(done.content).toMatch(/^Спасибо! Ваши ответы на \*\*Team pulse\*\* отправлены\./);

    // Closing: the Russian staff member hears Russian; the card, edited for everyone, stays Spanish.
    const closedRu = await staff('close', { survey: 1 });
    expect(closedRu.content).toBe('Анкета №1 закрыта. Итоги: `/анкета итоги анкета:1`.');
    await expect.poll(() => fake.message(ids.general, card.id)?.embeds[0]?.description ?? '').toMatch(/1 respuesta · Cerrado/);
    expect(bot.errors).toEqual([]);
  });
});
