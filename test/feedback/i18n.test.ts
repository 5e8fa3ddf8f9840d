// Feedback in other languages: the post and notices in the server's, lists and show in the reader's; member text as written.
import { describe, expect, it } from 'vitest';
import { renderDigest } from '../../src/digests/render.js';
import { postName } from '../../src/feedback/feedback.js';
import type { FeedbackFigures } from '../../src/feedback/figures.js';
import { defaultCategories, isPostMarker, listLine, postEmbed, showEmbed, statusName, text, voteButtons } from '../../src/feedback/render.js';
import type { Item } from '../../src/feedback/store.js';
import { msg, storeText } from '../../src/i18n/index.js';
import { emptyReport } from '../digests/fixtures.js';

const item: Item = {
  id: 7,
  guildId: '900000000000000001',
  channelId: '900000000000000002',
  channelKind: 'forum',
  authorId: '900000000000000003',
  capturedBy: null,
  sourceChannelId: null,
  sourceMessageId: null,
  title: 'Dark *mode*',
  details: 'Please add a dark theme',
  category: 'Idea',
  status: 'planned',
  duplicateOf: null,
  threadId: '900000000000000004',
  messageId: '900000000000000004',
  postState: 'posted',
  postError: null,
  postAttempts: 0,
  createdAt: 0,
  openedAt: 0,
  gone: null,
} as unknown as Item;
const votes = { up: 3, down: 1, score: 2 };

describe('feedback in Spanish and Russian', () => {
  it('the post: fields, status and buttons in the server language; title, details and category as written', () => {
    const es = postEmbed({ item, votes, lastReason: 'Próximo sprint' }, 'es');
    // As written: its markdown escaped, so Discord shows the asterisks (feedback posts render no member markdown).
    expect(es.title).toBe('Dark \\*mode\\*');
    expect(es.description).toBe('Please add a dark theme');
    expect(es.fields?.map((f) => f.name)).toEqual(['De', 'Categoría', 'Estado', 'Votos', 'Motivo']);
    expect(es.fields?.[1]?.value).toBe('Idea');
    expect(es.fields?.[2]?.value).toBe('Planificada');
    expect(es.fields?.[3]?.value).toBe('▲ 3 · ▼ 1 · puntuación +2');
    const ru = voteButtons(item, votes, 'ru')[0]!.components.map((b) => ('label' in b ? b.label : ''));
    expect(ru).toEqual(['За (3)', 'Против (1)']);
    expect(postName(7, 'planned', 'Dark mode', statusName('ru', 'planned'))).toBe('[Запланирован] Dark mode · #7');
  });

  it('the footer and the starting categories in the server language; a footer in any language (or the old English one) marks the post', () => {
    expect(postEmbed({ item, votes, lastReason: null }, 'es').footer?.text).toBe('Sugerencia #7');
    expect(postEmbed({ item, votes, lastReason: null }, 'ru').footer?.text).toBe('Отзыв #7');
    expect(postEmbed({ item, votes, lastReason: null }, 'en').footer?.text).toBe('Feedback #7');
    expect(defaultCategories('es')).toEqual(['Idea', 'Error', 'Otro']);
    expect(defaultCategories('ru')).toEqual(['Идея', 'Ошибка', 'Другое']);
    expect(['Feedback #7', 'Sugerencia #7', 'Отзыв #7'].map((f) => isPostMarker(f, 7))).toEqual([true, true, true]);
    expect(['Feedback #71', 'Sugerencia #8', undefined].map((f) => isPostMarker(f, 7))).toEqual([false, false, false]);
  });

  it('the DM and the thread fallback in the server language, the title escaped, not translated', () => {
    expect(text.notice('ru', item, 'duplicate', 'то же самое', null, 2)).toBe(
      'Ваш отзыв **#7 Dark \\*mode\\*** теперь имеет статус **Дубликат**.\nОн объединён с **#2**: ваши голоса и обсуждение продолжаются там.\nПричина: то же самое',
    );
    expect(text.threadNotice('es', item.authorId, 'done', null, null)).toBe(
      `<@${item.authorId}> esta sugerencia ahora está **Hecha** (tus mensajes directos están cerrados, así que te lo digo aquí).`,
    );
  });

  it('show and list in the reader language, with Russian plural forms', () => {
    const show = (messages: number, participants: number) =>
      showEmbed(item, votes, [], { messages, participants, firstStaffReplyAt: null }, null, 'ru').fields?.find((f) => f.name === 'Ветка')?.value;
    expect(show(1, 1)).toBe(`1 сообщение · 1 участник · <#${item.threadId}>`);
    expect(show(3, 2)).toBe(`3 сообщения · 2 участника · <#${item.threadId}>`);
    expect(show(5, 11)).toBe(`5 сообщений · 11 участников · <#${item.threadId}>`);
    expect(showEmbed(item, votes, [], { messages: 0, participants: 0, firstStaffReplyAt: null }, null, 'es').fields?.find((f) => f.name === 'Primera respuesta del equipo')?.value).toBe('todavía no');
    expect(listLine({ ...item, votes, firstResponseAt: 1 } as never, 'es')).toBe(`**#7** Dark \\*mode\\* · Idea · Planificada · +2 <#${item.threadId}>`);
  });

  it('a list line of an item not on Discord says so in the reader language; Discord\'s reason for staff only', () => {
    const unposted = (postState: string, postError: string | null) => ({ ...item, threadId: null, postState, postError, votes, firstResponseAt: 1 }) as never;
    // Why, as Pulse keeps it (a Text): in the reader's language.
    const failed = unposted('failed', storeText(msg('feedback.unposted.missing', { missing: [msg('perm.viewChannel'), msg('perm.sendMessages')], code: '50013' })));
    expect(listLine(failed, 'en', true)).toBe('**#7** Dark \\*mode\\* · Idea · Planned · +2 · not posted: Pulse needs View Channel and Send Messages in the feedback channel (error 50013)');
    expect(listLine(failed, 'es', true)).toBe('**#7** Dark \\*mode\\* · Idea · Planificada · +2 · no publicada: Pulse necesita Ver canal y Enviar mensajes en el canal de sugerencias (error 50013)');
    expect(listLine(failed, 'ru', true)).toBe('**#7** Dark \\*mode\\* · Idea · Запланирован · +2 · не опубликован: Pulse нужны права «Просматривать канал» и «Отправлять сообщения» в канале отзывов (ошибка 50013)');
    // Reasons kept in English before: the ones Pulse wrote read in the reader's language too.
    expect(listLine(unposted('failed', 'Missing Permissions (50013): View Channel, Send Messages'), 'es', true)).toBe(listLine(failed, 'es', true));
    expect(listLine(unposted('failed', 'closed by staff before it was posted: Pulse will not post it unless it is reopened'), 'ru', true)).toBe(
      '**#7** Dark \\*mode\\* · Idea · Запланирован · +2 · не опубликован: закрыт командой до публикации: Pulse не опубликует его, пока его не откроют снова',
    );
    expect(listLine(unposted('failed', 'Missing Permissions (50013)'), 'es', true)).toBe('**#7** Dark \\*mode\\* · Idea · Planificada · +2 · no publicada: Discord la rechazó: falta un permiso en el canal de sugerencias (error 50013)');
    // An error Pulse does not know stays in Discord's words.
    expect(listLine(unposted('failed', 'Cannot send messages in a voice channel (50008)'), 'es', true)).toBe('**#7** Dark \\*mode\\* · Idea · Planificada · +2 · no publicada: Cannot send messages in a voice channel (50008)');
    expect(listLine(failed, 'es')).toBe('**#7** Dark \\*mode\\* · Idea · Planificada · +2 · no publicada; el equipo puede ver por qué');
    expect(listLine(failed, 'ru')).toBe('**#7** Dark \\*mode\\* · Idea · Запланирован · +2 · не опубликован; модераторы видят причину');
    expect(listLine(unposted('failed', null), 'en', true)).toBe('**#7** Dark \\*mode\\* · Idea · Planned · +2 · not posted: unknown error');
    expect(listLine(unposted('pending', null), 'ru')).toBe('**#7** Dark \\*mode\\* · Idea · Запланирован · +2 · ещё не опубликован');
  });

  it('the digest field in the server language', () => {
    const figures = {
      opened: 2,
      by_category: {},
      by_status: {},
      responded: 1,
      median_minutes_to_first_response: 40,
      p90_minutes_to_first_response: 40,
      answered_within_30m: 0,
      answered_within_24h: 0.5,
      median_hours_to_decision: null,
      waiting: { count: 1, item_ids: ['3'] },
    } as unknown as FeedbackFigures;
    const embed = renderDigest({ kind: 'week', report: emptyReport('2026-11-02', '2026-11-08'), previous: null, feedback: { figures, topOpen: [{ id: 3, title: 'Тёмная тема', score: 4 }] }, language: 'ru' } as never);
    const field = embed.fields?.find((f) => f.name === '💡 Отзывы');
    expect(field?.value).toContain('Открыто отзывов **2** · с ответом **1**');
    expect(field?.value).toContain('Ждут ответа команды: **1** (#3)');
    expect(field?.value).toContain('Лучшие открытые: #3 Тёмная тема (+4)');
  });
});
