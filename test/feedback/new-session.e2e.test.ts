// A reconnect Discord would not resume (a new session): replies posted in items' threads during
// the gap were never delivered, so they are read from the threads, as on start.
import { Events } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { TestBot } from '../support/bot.js';
import { startWithFeedbackChannel } from './setup.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

describe('a new gateway session', () => {
  it("reads the staff reply posted in an item's thread while the session was lost", { timeout: 60_000 }, async () => {
    const b = (bot = await startWithFeedbackChannel('forum'));
    const opened = b.fake.slash({ channelId: b.ids.general, userId: b.ids.alice, name: 'feedback', subcommand: 'submit' });
    await opened.reply();
    await opened.submitModal({ title: 'Dark mode', details: 'Please.', category: ['Idea'] }).reply();
    const item = await b.db.selectFrom('feedback_items').select(['id', 'thread_id']).executeTakeFirstOrThrow();

    const identified = new Promise<void>((resolve) => b.app.client.once(Events.ShardReady, () => resolve()));
    b.fake.invalidateSession(false);
    // The session is gone at once: this never reaches the bot as an event.
    const reply = b.fake.post({ channelId: item.thread_id!, userId: b.ids.moderator, content: 'On the roadmap.' });
    await identified;

    await expect
      .poll(() => b.db.selectFrom('feedback_thread_messages').select(['message_id', 'staff']).where('item_id', '=', item.id).execute(), { timeout: 20_000 })
      .toEqual([{ message_id: reply.id, staff: 1 }]);
    expect(b.fake.resumeCount).toBe(0);
    expect(b.errors).toEqual([]);
  });
});
