// The lists over all of a server's items, however many and however old: /feedback list, the
// top open items of the digest and /insights, item autocomplete and the export. An old, popular
// item behind a thousand newer ones is still found; an export too big says what it left out.
import { afterEach, describe, expect, it } from 'vitest';
import { topOpenItems } from '../../src/feedback/figures-store.js';
import { TestBot } from '../support/bot.js';
import { startWithFeedbackChannel } from './setup.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const DAY = 24 * 60 * 60_000;

async function submit(b: TestBot, userId: string, title: string) {
  const opened = b.fake.slash({ channelId: b.ids.general, userId, name: 'feedback', subcommand: 'submit' });
  await opened.reply();
  return opened.submitModal({ title, details: `${title}, please.`, category: ['Idea'] }).reply();
}

/** `count` newer posted items with `status`, straight into the database (their posts are not needed here). */
function seed(b: TestBot, count: number, status: string, title = (k: number) => `Newer ${k}`): void {
  const { sqlite } = b.app.database;
  const insert = sqlite.prepare(
    `insert into feedback_items (guild_id, channel_id, channel_kind, thread_id, message_id, post_state, post_attempts, author_id, title, details, category, status, created_at, opened_at)
     values (?, 'c', 'forum', ?, ?, 'posted', 1, ?, ?, 'details', 'Idea', ?, ?, ?)`,
  );
  const now = b.clock.now();
  sqlite.transaction(() => {
    for (let k = 1; k <= count; k++) insert.run(b.ids.guildId, `9${k}`, `8${k}`, b.ids.carol, title(k), status, now + k, now + k);
  })();
}

/** `count` upvotes on an item, from members u0, u1, …. */
function upvotes(b: TestBot, itemId: number, count: number): void {
  const vote = b.app.database.sqlite.prepare('insert into feedback_votes (item_id, user_id, value, voted_at) values (?, ?, 1, ?)');
  for (let u = 0; u < count; u++) vote.run(itemId, `10000000000000000${u}`, b.clock.now());
}

describe('feedback lists over all items', () => {
  it('an item open 30 days with 50 upvotes, behind 1,000 newer declined ones, is listed, topped and suggested', async () => {
    const b = (bot = await startWithFeedbackChannel('forum'));
    expect((await submit(b, b.ids.alice, 'Dark mode')).content).toMatch(/^Thanks! Your feedback is \*\*#1\*\*/);
    expect((await submit(b, b.ids.alice, 'Тёмная тема')).content).toMatch(/^Thanks! Your feedback is \*\*#2\*\*/);
    upvotes(b, 1, 50);
    b.clock.advance(30 * DAY);
    seed(b, 1000, 'declined');

    // /feedback list: the open items, best first, counted over all of them.
    const list = await b.fake.slash({ channelId: b.ids.general, userId: b.ids.bob, name: 'feedback', subcommand: 'list', options: { sort: 'top', status: 'open' } }).reply();
    expect(list.embeds[0]?.title).toBe('Feedback (2 items)');
    expect(list.embeds[0]?.description?.split('\n').map((l) => l.split(' · ')[0])).toEqual(['**#1** Dark mode', '**#2** Тёмная тема']);
    expect(list.embeds[0]?.description).toContain(' · +50 · ');
    // Waiting for staff, longest first: the two old ones lead; the declined ones are not waiting.
    const waiting = await b.fake.slash({ channelId: b.ids.general, userId: b.ids.bob, name: 'feedback', subcommand: 'list', options: { sort: 'waiting' } }).reply();
    expect(waiting.embeds[0]?.title).toBe('Feedback (2 items)');
    // Newest first, all 1,002: 20 shown, the rest counted.
    const newest = await b.fake.slash({ channelId: b.ids.general, userId: b.ids.bob, name: 'feedback', subcommand: 'list', options: { sort: 'new', category: 'IDEA' } }).reply();
    expect(newest.embeds[0]?.title).toBe('Feedback (1,002 items)');
    expect(newest.embeds[0]?.description).toMatch(/^\*\*#1002\*\* Newer 1000 /);
    expect(newest.embeds[0]?.description?.split('\n').at(-1)).toBe('and 982 more: narrow the list with status or category.');

    // The digest's and /insights' top open items.
    expect(await topOpenItems(b.db, b.ids.guildId, 3)).toEqual([{ id: 1, title: 'Dark mode', score: 50 }]);

    // Autocomplete finds the old ones by title, in any case (Cyrillic too), and by number.
    const suggest = async (value: string) =>
      (await b.fake.autocomplete({ channelId: b.ids.general, userId: b.ids.bob, name: 'feedback', subcommand: 'show', focused: 'item', value }).reply()).choices?.map((c) => c.value);
    expect(await suggest('DARK')).toEqual([1]);
    expect(await suggest('тЁм')).toEqual([2]);
    expect(await suggest('#100')).toEqual([1002, 1001, 1000, 102, 100]);
    expect((await suggest('')) ?? []).toHaveLength(25);
    expect(b.errors).toEqual([]);
  });

  it('an export of more items than it holds says how many older ones it left out', async () => {
    const b = (bot = await startWithFeedbackChannel('forum'));
    await submit(b, b.ids.alice, 'Dark mode');
    seed(b, 10_002, 'open');
    const exported = await b.fake.slash({ channelId: b.ids.staffChannel, userId: b.ids.moderator, name: 'feedback', subcommand: 'export' }).reply(30_000);
    expect(exported.content).toBe('10,000 feedback items, as CSV. An export holds the newest 10,000 items: 3 older items are not in it.');
    const csv = exported.files[0]!.data.toString('utf8').trim().split('\r\n');
    expect(csv).toHaveLength(10_001);
    // Item #1 and the two oldest seeded ones are the three left out.
    expect(csv[1]).toMatch(/^4,/);
    expect(b.errors).toEqual([]);
  }, 60_000);
});
