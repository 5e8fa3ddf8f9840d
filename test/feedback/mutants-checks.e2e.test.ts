// Feedback rules no other test pinned down, through the fake Discord: who is told of a status
// change, which items wait for an answer, duplicates, and items of another server.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { recordOptOut } from '../../src/activity/privacy-store.js';
import { claimItem, markPosted } from '../../src/feedback/store.js';
import type { TestBot } from '../support/bot.js';
import { FEEDBACK, feedbackService, startWithFeedbackChannel } from './setup.js';

let bot: TestBot | undefined;
afterEach(async () => {
  const errors = bot?.errors ?? [];
  await bot?.close();
  bot = undefined;
  expect(errors).toEqual([]);
});

async function setup(items: Array<[author: 'alice' | 'bob' | 'moderator', title: string]>): Promise<TestBot> {
  const b = (bot = await startWithFeedbackChannel('text'));
  for (const [author, title] of items) await feedbackService(b).submit({ guildId: b.ids.guildId, authorId: b.ids[author], title, details: 'Please', category: 'Idea', byStaff: author === 'moderator' });
  await vi.waitFor(async () => expect((await b.db.selectFrom('feedback_items').select('post_state').execute()).every((r) => r.post_state === 'posted')).toBe(true));
  return b;
}

const NOT_POSTED = (id: number) => `Item #${id} is not posted yet; try again in a minute.`;

const status = (b: TestBot, userId: string, options: Record<string, string | number>) =>
  b.fake.slash({ channelId: b.ids.staffChannel, userId, name: 'feedback', subcommand: 'status', options }).reply();

describe('feedback checks', () => {
  it('a staff member changing the status of their own item is not sent a notice about it', async () => {
    const b = await setup([['moderator', 'Dark mode']]);
    const reply = await status(b, b.ids.moderator, { item: 1, status: 'planned' });
    expect(reply.content).toBe('Item #1 is now **Planned**.');
    const change = await b.db.selectFrom('feedback_status_changes').select('notified').executeTakeFirstOrThrow();
    expect(change.notified).toBe('skipped');
    expect(b.fake.dmChannelId(b.ids.moderator)).toBeUndefined();
  });

  it('/feedback list sort:waiting leaves out an item staff have answered', async () => {
    const b = await setup([
      ['alice', 'Dark mode'],
      ['bob', 'Calendar'],
    ]);
    await status(b, b.ids.moderator, { item: 1, status: 'under_review' });
    const list = await b.fake.slash({ channelId: b.ids.general, userId: b.ids.alice, name: 'feedback', subcommand: 'list', options: { sort: 'waiting' } }).reply();
    const description = list.embeds[0]?.description ?? '';
    expect(description).toContain('**#2** Calendar');
    expect(description).not.toContain('**#1**');
    expect(list.embeds[0]?.title).toContain('1');
  });

  it('marking a duplicate as the duplicate of another original records the change, and only new votes are said to move', async () => {
    const b = await setup([
      ['alice', 'Dark mode'],
      ['bob', 'Night theme'],
      ['alice', 'Dark theme'],
    ]);
    const s = feedbackService(b);
    // Dave voted on the original already; carol only on the duplicate.
    await s.vote(b.ids.guildId, 1, b.ids.dave, 1);
    await s.vote(b.ids.guildId, 3, b.ids.dave, 1);
    await s.vote(b.ids.guildId, 3, b.ids.carol, 1);
    const first = await status(b, b.ids.moderator, { item: 3, status: 'duplicate', duplicate_of: 1 });
    expect(first.content).toContain('1 vote moved to #1.');
    const again = await status(b, b.ids.moderator, { item: 3, status: 'duplicate', duplicate_of: 2 });
    expect(again.content).toContain('Item #3 is now **Duplicate**.');
    const item = await b.db.selectFrom('feedback_items').select(['status', 'duplicate_of']).where('id', '=', 3).executeTakeFirstOrThrow();
    expect(item).toEqual({ status: 'duplicate', duplicate_of: 2 });
    expect((await b.db.selectFrom('feedback_status_changes').select('duplicate_of').where('item_id', '=', 3).orderBy('id').execute()).map((c) => c.duplicate_of)).toEqual([1, 2]);
  });

  it('a status change of an item not on Discord yet (not being posted right now) is recorded; the item stays to be posted', async () => {
    const b = await setup([['alice', 'Dark mode']]);
    const { item } = await claimItem(b.db, { guildId: b.ids.guildId, channelId: FEEDBACK, channelKind: 'text', authorId: b.ids.bob, title: 'Calendar', details: 'Please', category: 'Idea' }, b.clock.now());
    const reply = await status(b, b.ids.moderator, { item: item.id, status: 'planned' });
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).not.toBe(NOT_POSTED(item.id));
    expect(reply.content).toBe(`Item #${item.id} is now **Planned**. The author has been told. It is not posted yet: Pulse posts it as soon as Discord takes it.`);
    expect(await b.db.selectFrom('feedback_status_changes').select(['item_id', 'to_status']).execute()).toEqual([{ item_id: item.id, to_status: 'planned' }]);
    expect(await b.db.selectFrom('feedback_items').select(['status', 'post_state']).where('id', '=', item.id).executeTakeFirstOrThrow()).toEqual({ status: 'planned', post_state: 'pending' });
    expect(b.fake.dmChannelId(b.ids.bob)).toBeDefined();
  });

  it('after staff lower the daily limit, the refusal names when enough items have left the 24 hours', async () => {
    const b = (bot = await startWithFeedbackChannel('text'));
    const setLimit = (limit: number) => b.fake.slash({ channelId: b.ids.staffChannel, userId: b.ids.ownerId, name: 'settings', subcommand: 'set', options: { feedback_daily_limit: limit } }).reply();
    expect((await setLimit(3)).content).toBe('Settings saved.');
    const t0 = b.clock.now();
    for (const title of ['One', 'Two', 'Three']) {
      await feedbackService(b).submit({ guildId: b.ids.guildId, authorId: b.ids.alice, title, details: 'Please', category: 'Idea', byStaff: false });
      b.clock.advance(10 * 60_000);
    }
    expect((await setLimit(2)).content).toBe('Settings saved.');
    const opened = await b.fake.slash({ channelId: b.ids.general, userId: b.ids.alice, name: 'feedback', subcommand: 'submit' }).reply();
    // Three counted, two allowed: the second item must leave the window (10 minutes after the first).
    const next = (t0 + 10 * 60_000 + 24 * 3_600_000) / 1000;
    expect(opened.content).toBe(`You've reached the limit of 2 feedback items in 24 hours. You can add the next one <t:${next}:R>.`);
  });

  it("thread replies: the owner's counts as a staff answer; a pin or an opted-out member's reply is not recorded", async () => {
    const b = await setup([
      ['alice', 'Dark mode'],
      ['bob', 'Calendar'],
    ]);
    const threadOf = async (id: number) => (await b.db.selectFrom('feedback_items').select('thread_id').where('id', '=', id).executeTakeFirstOrThrow()).thread_id!;
    await recordOptOut(b.db, b.ids.guildId, b.ids.carol, b.clock.now());
    b.fake.post({ channelId: await threadOf(1), userId: b.ids.carol, content: 'me too' });
    // A system message (a pin) carries the staff member who made it: not an answer.
    b.fake.post({ channelId: await threadOf(1), userId: b.ids.moderator, content: '', type: 6 });
    // The owner has neither the staff role nor a role with Manage Server: owning the server is enough.
    b.fake.post({ channelId: await threadOf(2), userId: b.ids.ownerId, content: 'On it' });
    const rows = () => b.db.selectFrom('feedback_thread_messages').select(['item_id', 'user_id', 'staff']).orderBy('item_id').execute();
    await vi.waitFor(async () => expect(await rows()).toHaveLength(1));
    // Give the opted-out reply its chance to land too (it must not).
    b.fake.post({ channelId: await threadOf(1), userId: b.ids.dave, content: 'later' });
    await vi.waitFor(async () => expect((await rows()).some((r) => r.user_id === b.ids.dave)).toBe(true));
    expect(await rows()).toEqual([
      { item_id: 1, user_id: b.ids.dave, staff: 0 },
      { item_id: 2, user_id: b.ids.ownerId, staff: 1 },
    ]);
    const waiting = await b.fake.slash({ channelId: b.ids.general, userId: b.ids.alice, name: 'feedback', subcommand: 'list', options: { sort: 'waiting' } }).reply();
    expect(waiting.embeds[0]?.description).toContain('**#1**');
    expect(waiting.embeds[0]?.description).not.toContain('**#2**');
  });

  it("\"Capture as feedback\" refuses a bot's message: no item", async () => {
    const b = await setup([]);
    const message = b.fake.post({ channelId: b.ids.general, userId: b.ids.otherBot, content: 'Automated: build passed' });
    const reply = await b.fake.messageCommand({ channelId: b.ids.general, userId: b.ids.moderator, name: 'Capture as feedback', message }).reply();
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toBe("Only members' messages can be captured as feedback.");
    expect(await b.db.selectFrom('feedback_items').selectAll().execute()).toEqual([]);
  });

  it("/feedback show naming another server's posted item answers as a missing item", async () => {
    const b = await setup([['alice', 'Dark mode']]);
    const { item } = await claimItem(b.db, { guildId: '910000000000000001', channelId: '910000000000000150', channelKind: 'text', authorId: '910000000000000201', title: 'Secret roadmap', details: 'elsewhere', category: 'Idea' }, b.clock.now());
    await markPosted(b.db, item.id, { threadId: '910000000000000300', messageId: '910000000000000300' }, b.clock.now());
    for (const userId of [b.ids.alice, b.ids.moderator]) {
      const reply = await b.fake.slash({ channelId: b.ids.general, userId, name: 'feedback', subcommand: 'show', options: { item: item.id } }).reply();
      expect(reply.content).toBe(`There is no feedback item #${item.id} in this server.`);
      expect(reply.embeds ?? []).toEqual([]);
    }
  });

  it('a vote and an empty list are answered privately, to the member alone', async () => {
    const b = await setup([['alice', 'Dark mode']]);
    const post = b.fake.channelMessages(FEEDBACK).find((m) => m.author.id === b.fake.appId)!;
    const receipt = await b.fake.click({ userId: b.ids.bob, message: post, customId: 'v1:fb-vote:1:up' }).reply();
    expect(receipt.content).toMatch(/You upvoted/);
    expect(receipt.ephemeral).toBe(true);
    const empty = await b.fake.slash({ channelId: b.ids.general, userId: b.ids.bob, name: 'feedback', subcommand: 'list', options: { status: 'done' } }).reply();
    expect(empty.content).toBe('No feedback items match.');
    expect(empty.ephemeral).toBe(true);
  });
});
