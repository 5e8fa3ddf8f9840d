// Feedback on Spanish and Russian servers: the post's footer and the starting categories in the
// server's language; posts are found again after a crash by their footer in any language,
// including the English one posts carried before footers were translated.
import { Locale } from 'discord.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../src/db/open.js';
import { TestBot } from '../support/bot.js';
import { FEEDBACK, startWithFeedbackChannel } from './setup.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});


async function setup(guildLocale: Locale, kind: 'forum' | 'text' = 'text'): Promise<TestBot> {
  return (bot = await startWithFeedbackChannel(kind, { guildLocale }));
}

type Modal = { components: Array<{ component: { custom_id: string; options?: Array<{ value: string; label: string }> } }> };

/** A member (on English) opens the form: the categories offered, then submits with the first. */
async function submit(b: TestBot, title: string): Promise<string[]> {
  const opened = b.fake.slash({ channelId: b.ids.general, userId: b.ids.alice, name: 'feedback', subcommand: 'submit' });
  const modal = (await opened.reply()).modal as unknown as Modal;
  const offered = modal.components.find((c) => c.component.custom_id === 'category')?.component.options?.map((o) => o.label) ?? [];
  await opened.submitModal({ title, details: `${title}, please.`, category: [offered[0]!] }).reply();
  return offered;
}

const post = (b: TestBot) => b.fake.channelMessages(FEEDBACK).find((m) => m.author.id === b.fake.appId)!;
const item = (b: TestBot) => b.db.selectFrom('feedback_items').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();

describe.each([
  { locale: Locale.SpanishES, footer: 'Sugerencia #1', categories: ['Idea', 'Error', 'Otro'] },
  { locale: Locale.Russian, footer: 'Отзыв #1', categories: ['Идея', 'Ошибка', 'Другое'] },
])('a server on $locale', ({ locale, footer, categories }) => {
  it('sees the footer and the starting categories in its language, in the form, the list and the post', async () => {
    const b = await setup(locale);
    expect(await submit(b, 'Dark mode')).toEqual(categories);
    expect(post(b).embeds[0]?.footer?.text).toBe(footer);
    expect(post(b).embeds[0]?.fields?.[1]?.value).toBe(categories[0]);
    // Staff read the list in their own language (English here); the names are the server's.
    const list = await b.fake.slash({ channelId: b.ids.staffChannel, userId: b.ids.moderator, name: 'feedback', group: 'categories', subcommand: 'list' }).reply();
    expect(list.content).toBe(`Categories: ${categories.map((c) => `**${c}**`).join(', ')}`);
    // Stored once: a later change of language leaves the server's categories as they are.
    await b.fake.slash({ channelId: b.ids.staffChannel, userId: b.ids.ownerId, name: 'settings', subcommand: 'set', options: { language: 'en' } }).reply();
    expect(await submit(b, 'Calendar')).toEqual(categories);
    expect(b.errors).toEqual([]);
  });

  it('a crash between the post and its record: the post is found by its translated footer, not posted again', async () => {
    const b = await setup(locale);
    await submit(b, 'Dark mode');
    const posted = await item(b);
    await b.restart(async () => {
      const database = openDatabase(b.databasePath);
      await database.db.updateTable('feedback_items').set({ post_state: 'pending', thread_id: null, message_id: null, opened_at: null, post_attempts: 1 }).where('id', '=', 1).execute();
      await database.close();
      // Back after ten minutes: past the window in which Discord drops a repeat by its nonce.
      b.clock.advance(10 * 60_000);
    });
    expect(await item(b)).toMatchObject({ post_state: 'posted', message_id: posted.message_id, thread_id: posted.thread_id, post_attempts: 2 });
    expect(b.fake.channelMessages(FEEDBACK).filter((m) => m.author.id === b.fake.appId)).toHaveLength(1);
    expect(b.logs.some((l) => l.msg === 'feedback.posted' && l['found'] === true)).toBe(true);
    expect(b.errors).toEqual([]);
  });
});

describe('a crash between the text channel message and its thread', () => {
  it('the message is found, and its thread is named in the server\'s language', async () => {
    const b = await setup(Locale.SpanishES);
    await submit(b, 'Modo oscuro');
    const posted = await item(b);
    // Staff had set its status; the process died after the message, before its thread.
    await b.restart(async () => {
      const database = openDatabase(b.databasePath);
      await database.db.updateTable('feedback_items').set({ status: 'planned', post_state: 'pending', thread_id: null, message_id: null, opened_at: null, post_attempts: 1 }).where('id', '=', 1).execute();
      await database.close();
      b.fake.deleteChannel(posted.thread_id!);
      b.clock.advance(10 * 60_000);
    });
    expect(await item(b)).toMatchObject({ post_state: 'posted', message_id: posted.message_id, thread_id: posted.message_id });
    expect(b.fake.channel(posted.message_id!)?.name).toBe('[Planificada] Modo oscuro · #1');
    expect(b.fake.channelMessages(FEEDBACK).filter((m) => m.author.id === b.fake.appId)).toHaveLength(1);
    expect(b.errors).toEqual([]);
  });
});

describe('posts made before footers were translated', () => {
  it('a Spanish server\'s post with the old English "Feedback #1" footer is still found after a crash', async () => {
    const b = await setup(Locale.SpanishES);
    await submit(b, 'Modo oscuro');
    const posted = await item(b);
    await b.restart(async () => {
      const database = openDatabase(b.databasePath);
      await database.db.updateTable('feedback_items').set({ post_state: 'pending', thread_id: null, message_id: null, opened_at: null, post_attempts: 1 }).where('id', '=', 1).execute();
      await database.close();
      // The post as an older Pulse made it.
      const old = post(b).embeds[0]!;
      b.fake.editMessage(FEEDBACK, posted.message_id!, { embeds: [{ ...old, footer: { text: 'Feedback #1' } }] });
      b.clock.advance(10 * 60_000);
    });
    expect(b.logs.some((l) => l.msg === 'feedback.posted' && l['found'] === true)).toBe(true);
    expect(await item(b)).toMatchObject({ post_state: 'posted', message_id: posted.message_id, thread_id: posted.thread_id });
    expect(b.fake.channelMessages(FEEDBACK).filter((m) => m.author.id === b.fake.appId)).toHaveLength(1);
    // Its next edit writes the footer in the server's language.
    await b.fake.click({ userId: b.ids.bob, message: post(b), customId: 'v1:fb-vote:1:up' }).reply();
    await vi.waitFor(() => expect(post(b).embeds[0]?.footer?.text).toBe('Sugerencia #1'));
    expect(b.errors).toEqual([]);
  });
});
