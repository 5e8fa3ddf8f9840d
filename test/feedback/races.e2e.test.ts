// Feedback work racing itself: a vote against a status change to duplicate, and two status
// changes of one item applied at once (the older one slowed down by Discord).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FeedbackError } from '../../src/feedback/service.js';
import { render } from '../../src/i18n/index.js';
import { TestBot } from '../support/bot.js';
import { feedbackService, startWithFeedbackChannel } from './setup.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const service = feedbackService;

async function setup(kind: 'forum' | 'text', items: Array<[author: keyof TestBot['ids'], title: string]>): Promise<TestBot> {
  const b = (bot = await startWithFeedbackChannel(kind));
  for (const [author, title] of items) await service(b).submit({ guildId: b.ids.guildId, authorId: b.ids[author], title, details: 'Please', category: 'Idea', byStaff: false });
  return b;
}

const votes = (b: TestBot) => b.db.selectFrom('feedback_votes').select(['item_id', 'user_id', 'value']).orderBy('item_id').orderBy('user_id').execute();

describe('a vote racing a status change to duplicate', () => {
  it('never lands on the duplicate: it moves to the original with the others, or is refused and the member is told', async () => {
    // Item 1 is the original; items 2–7 are made duplicates of it, each raced by a vote started
    // a little later than the last (so the two meet at different points of the status change).
    const delays = [0, 1, 2, 3, 5, 8];
    const b = await setup('text', [
      ['alice', 'Dark mode'],
      ...delays.map((_, i) => ['bob', `Night theme ${i}`] as ['bob', string]),
    ]);
    const s = service(b);
    for (const [i, delay] of delays.entries()) {
      const dup = i + 2;
      const voter = `90000000000000100${i}`;
      await s.vote(b.ids.guildId, dup, b.ids.dave, 1); // an earlier vote, moved with the duplicate
      const [status, receipt] = await Promise.allSettled([
        s.setStatus({ guildId: b.ids.guildId, itemId: dup, to: 'duplicate', by: b.ids.moderator, reason: null, duplicateOf: 1 }),
        (async () => {
          for (let turn = 0; turn < delay; turn++) await new Promise((resolve) => setImmediate(resolve));
          return s.vote(b.ids.guildId, dup, voter, 1);
        })(),
      ]);
      if (status.status === 'rejected') throw status.reason;
      const stored = await votes(b);
      expect(stored.filter((v) => v.item_id === dup)).toEqual([]);
      const mine = stored.filter((v) => v.user_id === voter);
      if (receipt.status === 'fulfilled') {
        // The vote came first: it was on the duplicate when the votes moved, and counts on the original.
        expect(render('en', receipt.value)).toMatch(/^You upvoted this item/);
        expect(status.value.movedVotes).toBe(i === 0 ? 2 : 1); // dave's vote moves once
        expect(mine).toEqual([{ item_id: 1, user_id: voter, value: 1 }]);
      } else {
        // The duplicate came first: the member is told the vote was not taken, and nothing is stored.
        expect(receipt.reason).toBeInstanceOf(FeedbackError);
        expect((receipt.reason as FeedbackError).message).toBe('This item is closed: votes are no longer taken.');
        expect(status.value.movedVotes).toBe(i === 0 ? 1 : 0);
        expect(mine).toEqual([]);
      }
    }
    expect(b.errors).toEqual([]);
  });

  it('a vote on an item already closed is refused and stores nothing', async () => {
    const b = await setup('text', [['alice', 'Dark mode']]);
    const s = service(b);
    await s.setStatus({ guildId: b.ids.guildId, itemId: 1, to: 'done', by: b.ids.moderator, reason: null, duplicateOf: null });
    await expect(s.vote(b.ids.guildId, 1, b.ids.carol, 1)).rejects.toThrow('This item is closed: votes are no longer taken.');
    expect(await votes(b)).toEqual([]);
  });
});

describe('two status changes of one item applied at once', () => {
  it("the older change's thread update never lands after the newer one's: the thread ends archived and named for the last status", async () => {
    // The moderator filed the item: their own change needs no notice; the owner's change DMs them.
    const b = await setup('forum', [['moderator', 'Dark mode']]);
    const s = service(b);
    // Discord answers the first DM-channel request with a 429 (1 s): the owner's change is slow.
    const slowDm = b.fake.rateLimitNext({ method: 'POST', path: '/users/@me/channels' }, { retryAfter: 1 });
    const planned = s.setStatus({ guildId: b.ids.guildId, itemId: 1, to: 'planned', by: b.ids.ownerId, reason: null, duplicateOf: null });
    await vi.waitFor(() => expect(slowDm.served).toBe(true), { timeout: 3000 });
    const done = s.setStatus({ guildId: b.ids.guildId, itemId: 1, to: 'done', by: b.ids.moderator, reason: null, duplicateOf: null });
    await Promise.all([planned, done]);

    const item = await b.db.selectFrom('feedback_items').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
    expect(item.status).toBe('done');
    const changes = await b.db.selectFrom('feedback_status_changes').select(['to_status', 'notified', 'apply_error']).where('item_id', '=', 1).orderBy('id').execute();
    expect(changes).toEqual([
      { to_status: 'planned', notified: 'dm', apply_error: null },
      { to_status: 'done', notified: 'skipped', apply_error: null },
    ]);
    const thread = () => b.fake.channel(item.thread_id!) as { name?: string; thread_metadata?: { archived?: boolean } };
    expect(thread().thread_metadata?.archived).toBe(true);
    expect(thread().name).toMatch(/^\[Done\]/);
    // The periodic retry finds nothing left to do, and the thread stays as it is.
    const patches = b.fake.requestsMatching('PATCH', `/channels/${item.thread_id!}`).length;
    await s.catchUp(false);
    expect(b.fake.requestsMatching('PATCH', `/channels/${item.thread_id!}`)).toHaveLength(patches);
    expect(thread().thread_metadata?.archived).toBe(true);
    expect(thread().name).toMatch(/^\[Done\]/);
    expect(b.errors).toEqual([]);
  });
});
