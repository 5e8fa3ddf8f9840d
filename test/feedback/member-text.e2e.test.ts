// Members' text in feedback, through the fake Discord (which refuses half an emoji like Discord):
// limits counted as Discord counts them, cuts that never split an emoji, markdown shown as typed,
// lists of whole lines with the count of the rest.
import { Locale } from 'discord.js';
import type { APIThreadChannel } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import type { TestBot } from '../support/bot.js';
import { FEEDBACK, feedbackService, startWithFeedbackChannel } from './setup.js';
import { isWellFormed } from '../../src/text.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const row = (b: TestBot, id: number) => b.db.selectFrom('feedback_items').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

async function submit(b: TestBot, title: string, details: string) {
  const opened = b.fake.slash({ channelId: b.ids.general, userId: b.ids.alice, name: 'feedback', subcommand: 'submit' });
  await opened.reply();
  return opened.submitModal({ title, details, category: ['Idea'] }).reply();
}

describe('feedback: members’ text', () => {
  it('takes a title of 100 characters with emoji (as the form counts them) and posts it: thread name cut without splitting an emoji', async () => {
    const b = (bot = await startWithFeedbackChannel('forum'));
    // 100 characters for Discord's form, 199 UTF-16 units.
    const title = `a${'🍕'.repeat(99)}`;
    const reply = await submit(b, title, 'Pizza everywhere');
    expect(reply.content).toMatch(/^Thanks! Your feedback is \*\*#1\*\*: <#\d+>\.$/);
    const item = await row(b, 1);
    expect(item).toMatchObject({ title, post_state: 'posted' });
    const thread = b.fake.channel(item.thread_id!) as APIThreadChannel;
    expect(isWellFormed(thread.name)).toBe(true);
    expect(thread.name).toMatch(/^a(🍕)+… · #1$/);
    expect(b.errors).toEqual([]);
  });

  it('shows the details and title as typed: no masked link, heading or small print of the member’s under the bot’s name', async () => {
    const b = (bot = await startWithFeedbackChannel('forum'));
    const details = '[Download the fix](http://evil.example)\n# BIG NEWS\n-# small print\n- first\n- second';
    await submit(b, '[Official] **update**', details);
    const item = await row(b, 1);
    expect(item.details).toBe(details);
    const embed = b.fake.message(item.thread_id!, item.message_id!)!.embeds[0]!;
    expect(embed.title).toBe('\\[Official\\] \\*\\*update\\*\\*');
    expect(embed.description).toBe('\\[Download the fix\\](http://evil.example)\n\\# BIG NEWS\n\\-# small print\n\\- first\n\\- second');
    const shown = await b.fake.slash({ channelId: b.ids.general, userId: b.ids.alice, name: 'feedback', subcommand: 'show', options: { item: 1 } }).reply();
    expect(shown.embeds[0]?.description).toBe(embed.description);
    expect(shown.embeds[0]?.title).toBe('#1 \\[Official\\] \\*\\*update\\*\\*');
  });

  it('a captured message of 4,000 characters with emoji is kept whole, not cut into half an emoji', async () => {
    const b = (bot = await startWithFeedbackChannel('text'));
    const content = `Idea: ${'🍕'.repeat(3994)}`;
    const source = b.fake.post({ channelId: b.ids.general, userId: b.ids.carol, content });
    const captured = await b.fake.messageCommand({ channelId: b.ids.general, userId: b.ids.dave, name: 'Capture as feedback', message: source }).reply();
    expect(captured.content).toMatch(/^Captured as \*\*#1\*\*/);
    const item = await row(b, 1);
    expect(item.details).toBe(content);
    expect(item.post_state).toBe('posted');
    // The title is the first line, cut with an ellipsis and whole emoji.
    expect(isWellFormed(item.title)).toBe(true);
    expect(item.title).toMatch(/^Idea: (🍕)+…$/);
    const post = b.fake.message(FEEDBACK, item.message_id!)!;
    expect(isWellFormed(post.embeds[0]!.description!)).toBe(true);
  });

  it('keeps a status reason of 500 characters with emoji whole, and shows it', async () => {
    const b = (bot = await startWithFeedbackChannel('forum'));
    await submit(b, 'Dark mode', 'Please');
    const reason = `ok ${'🍕'.repeat(497)}`;
    const changed = await b.fake.slash({ channelId: b.ids.staffChannel, userId: b.ids.moderator, name: 'feedback', subcommand: 'status', options: { item: 1, status: 'planned', reason } }).reply();
    expect(changed.content).toBe('Item #1 is now **Planned**. The author has been told.');
    const change = await b.db.selectFrom('feedback_status_changes').select('reason').where('item_id', '=', 1).executeTakeFirstOrThrow();
    expect(change.reason).toBe(reason);
    expect(b.errors).toEqual([]);
  });

  it('/feedback list in Russian: whole lines within the embed, then “и ещё N” for the items left out', async () => {
    const b = (bot = await startWithFeedbackChannel('forum'));
    const service = feedbackService(b);
    // 22 items by one member: past the default daily limit (10), raised by staff for the test.
    await b.fake.slash({ channelId: b.ids.staffChannel, userId: b.ids.ownerId, name: 'settings', subcommand: 'set', options: { feedback_daily_limit: 50 } }).reply();
    for (let i = 1; i <= 22; i++) {
      // Long titles full of markdown: escaped, 20 lines are past the embed's 4,096 characters.
      await service.submit({ guildId: b.ids.guildId, authorId: b.ids.alice, title: `Тёмная_тема_${i}_${'*_'.repeat(40)}`, details: 'Пожалуйста', category: 'Idea', byStaff: false });
    }
    const reply = await b.fake.slash({ channelId: b.ids.general, userId: b.ids.alice, name: 'feedback', subcommand: 'list', options: { sort: 'new' }, locale: Locale.Russian }).reply();
    const description = reply.embeds[0]!.description!;
    expect(description.length).toBeLessThanOrEqual(4096);
    const lines = description.split('\n');
    const listed = lines.slice(0, -1);
    listed.forEach((line, i) => expect(line).toMatch(new RegExp(`^\\*\\*#${22 - i}\\*\\* Тёмная\\\\_тема\\\\_${22 - i}\\\\_.* <#\\d+>$`)));
    expect(lines.at(-1)).toBe(`и ещё ${22 - listed.length}: сузьте список по статусу или категории.`);
    expect(listed.length).toBeLessThan(20);
  });

  it('suggests items whose titles are emoji: whole emoji, the number and the status kept', async () => {
    const b = (bot = await startWithFeedbackChannel('forum'));
    await submit(b, '🍕'.repeat(100), 'Pizza');
    const choices = (await b.fake.autocomplete({ channelId: b.ids.general, userId: b.ids.alice, name: 'feedback', subcommand: 'show', focused: 'item', value: '' }).reply()).choices!;
    expect(choices).toHaveLength(1);
    expect(choices[0]!.value).toBe(1);
    expect(isWellFormed(choices[0]!.name)).toBe(true);
    expect(choices[0]!.name).toMatch(/^#1 (🍕)+… \(Open\)$/);
    expect(choices[0]!.name.length).toBeLessThanOrEqual(100);
  });
});
