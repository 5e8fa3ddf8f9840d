// /feedback list with an item Discord refused to post: staff see it, marked as not posted with
// Discord's reason, in their own language; its author sees it marked without the reason; other
// members do not see it (end to end).
import { Locale } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { TestBot } from '../support/bot.js';
import { FEEDBACK, startWithFeedbackChannel } from './setup.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

// As Discord's refusal was kept before Pulse kept its reasons as Texts: read in the reader's language all the same.
const REFUSED = 'Missing Permissions (50013)';

describe('/feedback list and items that are not on Discord', () => {
  it('staff see a refused item with the reason, in their language; its author without it; others not at all', async () => {
    const b = (bot = await startWithFeedbackChannel('forum'));
    const { ids, fake } = b;
    // Item #1, as Pulse leaves an item after Discord refused its post for good.
    const createdAt = b.clock.now();
    await b.db
      .insertInto('feedback_items')
      .values({ guild_id: ids.guildId, channel_id: FEEDBACK, channel_kind: 'forum', thread_id: null, message_id: null, post_state: 'failed', post_error: REFUSED, post_attempts: 5, author_id: ids.alice, captured_by: null, source_channel_id: null, source_message_id: null, title: 'Secret roadmap idea', details: 'Please.', category: 'Idea', status: 'open', duplicate_of: null, created_at: createdAt, opened_at: null, gone: null, gone_at: null })
      .execute();
    // Item #2, posted.
    const opened = fake.slash({ channelId: ids.general, userId: ids.bob, name: 'feedback', subcommand: 'submit' });
    await opened.reply();
    expect((await opened.submitModal({ title: 'Dark mode', details: 'Please.', category: ['Idea'] }).reply()).content).toMatch(/^Thanks! Your feedback is \*\*#2\*\*: <#\d+>\.$/);

    const list = async (userId: string, locale?: Locale, options: Record<string, string> = {}) => {
      const reply = await fake.slash({ channelId: ids.general, userId, name: 'feedback', subcommand: 'list', options: { sort: 'new', ...options }, locale }).reply();
      expect(reply.ephemeral).toBe(true);
      return { title: reply.embeds[0]?.title, lines: reply.embeds[0]?.description?.split('\n') };
    };
    const since = `<t:${Math.floor(createdAt / 1000)}:R>`;
    const posted = expect.stringMatching(/^\*\*#2\*\* Dark mode · Idea · /);

    // Staff: both items, the refused one with Discord's reason.
    expect(await list(ids.moderator)).toEqual({
      title: 'Feedback (2 items)',
      lines: [posted, `**#1** Secret roadmap idea · Idea · Open · +0 · not posted: Discord refused it: a permission is missing in the feedback channel (error 50013) · waiting since ${since}`],
    });
    expect((await list(ids.moderator, Locale.SpanishES)).lines?.[1]).toBe(
      `**#1** Secret roadmap idea · Idea · Abierta · +0 · no publicada: Discord la rechazó: falta un permiso en el canal de sugerencias (error 50013) · en espera desde ${since}`,
    );
    expect((await list(ids.moderator, Locale.Russian)).lines?.[1]).toBe(
      `**#1** Secret roadmap idea · Idea · Открыт · +0 · не опубликован: Discord отклонил публикацию: не хватает прав в канале отзывов (ошибка 50013) · ждёт ответа с ${since}`,
    );
    // With a filter too, and in the waiting list (nobody answered it).
    expect((await list(ids.moderator, undefined, { status: 'open', sort: 'waiting' })).lines?.[0]).toMatch(/^\*\*#1\*\* Secret roadmap idea · .* · not posted: /);

    // Its author: marked, without Discord's error.
    const own = await list(ids.alice);
    expect(own.lines?.[1]).toBe(`**#1** Secret roadmap idea · Idea · Open · +0 · not posted; staff can see why · waiting since ${since}`);
    expect(JSON.stringify(own)).not.toMatch(/50013|Discord refused/);

    // Another member: only the posted item.
    expect(await list(ids.carol)).toEqual({ title: 'Feedback (1 item)', lines: [posted] });
    expect(b.errors).toEqual([]);
  });
});
