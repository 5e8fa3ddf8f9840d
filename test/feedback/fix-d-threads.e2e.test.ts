// Items' threads after a change of feedback_lock_on_close, and after their post message alone
// was deleted: Pulse unlocks what it locked, and keeps using a thread that is still there (end to end).
import type { APIThreadChannel } from 'discord-api-types/v10';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { topOpenItems } from '../../src/feedback/figures-store.js';
import type { TestBot } from '../support/bot.js';
import { FEEDBACK, feedbackService, startWithFeedbackChannel } from './setup.js';

let bot: TestBot | undefined;
afterEach(async () => {
  const errors = bot?.errors ?? [];
  await bot?.close();
  bot = undefined;
  expect(errors).toEqual([]);
});

const MIN = 60_000;

async function submit(b: TestBot, userId: string, title: string) {
  const opened = b.fake.slash({ channelId: b.ids.general, userId, name: 'feedback', subcommand: 'submit' });
  await opened.reply();
  return opened.submitModal({ title, details: `${title}, please.`, category: ['Idea'] }).reply();
}
const status = (b: TestBot, options: Record<string, string | number>) => b.fake.slash({ channelId: b.ids.staffChannel, userId: b.ids.moderator, name: 'feedback', subcommand: 'status', options }).reply();
const setLock = (b: TestBot, on: boolean) => b.fake.slash({ channelId: b.ids.staffChannel, userId: b.ids.ownerId, name: 'settings', subcommand: 'set', options: { feedback_lock_on_close: on } }).reply();
const row = (b: TestBot, id: number) => b.db.selectFrom('feedback_items').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const meta = (b: TestBot, threadId: string) => (b.fake.channel(threadId) as APIThreadChannel).thread_metadata;

describe('reopening an item after feedback_lock_on_close was turned off', () => {
  it('unlocks the thread Pulse locked; a lock a moderator put on stays', async () => {
    const b = (bot = await startWithFeedbackChannel('text'));
    expect((await setLock(b, true)).content?.split('\n')[0]).toBe('Settings saved.');
    await submit(b, b.ids.alice, 'Dark mode');
    const one = await row(b, 1);
    b.clock.advance(MIN);
    await status(b, { item: 1, status: 'declined' });
    expect(meta(b, one.thread_id!)).toMatchObject({ archived: true, locked: true });
    // Staff turn the setting off, then reopen the item: Pulse's lock goes with the archive.
    b.clock.advance(MIN);
    await setLock(b, false);
    b.clock.advance(MIN);
    expect((await status(b, { item: 1, status: 'open' })).content).toBe('Item #1 is now **Open**. The author has been told.');
    expect(meta(b, one.thread_id!)).toMatchObject({ archived: false, locked: false });

    // With the setting off all along, a moderator's own lock stays through a close and a reopening.
    await submit(b, b.ids.bob, 'Calendar');
    const two = await row(b, 2);
    await b.app.client.rest.patch(`/channels/${two.thread_id!}`, { body: { locked: true } });
    b.clock.advance(MIN);
    await status(b, { item: 2, status: 'done' });
    b.clock.advance(MIN);
    await status(b, { item: 2, status: 'planned' });
    expect(meta(b, two.thread_id!)).toMatchObject({ archived: false, locked: true });
  });
});

describe.each(['forum', 'text'] as const)('an item whose post message was deleted, its thread still there (%s channel)', (kind) => {
  it('after a restart its thread is still counted and follows status changes; an author with closed DMs is told there; deleting the thread then marks it', async () => {
    const b = (bot = await startWithFeedbackChannel(kind));
    await submit(b, b.ids.alice, 'Dark mode');
    const one = await row(b, 1);
    await feedbackService(b).vote(b.ids.guildId, 1, b.ids.bob, 1);
    // Someone deletes the post's message (a forum post's first message lives in its thread).
    b.fake.deleteMessage(kind === 'forum' ? one.thread_id! : FEEDBACK, one.message_id!);
    await vi.waitFor(async () => expect((await row(b, 1)).gone).toBe('message'));
    // A gone item is no top open item.
    expect(await topOpenItems(b.db, b.ids.guildId)).toEqual([]);
    await b.restart();

    // A staff answer in the surviving thread counts.
    b.clock.advance(MIN);
    b.fake.post({ channelId: one.thread_id!, userId: b.ids.moderator, content: 'Looking into it' });
    await vi.waitFor(async () => expect(await b.db.selectFrom('feedback_thread_messages').select(['user_id', 'staff']).where('item_id', '=', 1).execute()).toEqual([{ user_id: b.ids.moderator, staff: 1 }]));

    // A decision: the Status: line, the name, the archive; the author, DMs closed, is told in the thread.
    b.fake.setDmsClosed(b.ids.alice);
    b.clock.advance(MIN);
    expect((await status(b, { item: 1, status: 'declined', reason: 'Out of scope' })).content).toBe('Item #1 is now **Declined**. The author has been told.');
    const lines = b.fake.channelMessages(one.thread_id!).filter((m) => m.author.id === b.fake.appId).map((m) => m.content);
    expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(/^Status: \*\*Declined\*\*/), expect.stringMatching(new RegExp(`^<@${b.ids.alice}> this item is now \\*\\*Declined\\*\\*`))]));
    expect(b.fake.channel(one.thread_id!)).toMatchObject({ name: '[Declined] Dark mode · #1' });
    expect(meta(b, one.thread_id!)).toMatchObject({ archived: true });
    expect(await b.db.selectFrom('feedback_status_changes').select(['notified', 'apply_error']).execute()).toEqual([{ notified: 'thread', apply_error: null }]);

    // The thread is deleted later: the mark says so now.
    b.fake.deleteChannel(one.thread_id!);
    await vi.waitFor(async () => expect((await row(b, 1)).gone).toBe('thread'));
  });
});
