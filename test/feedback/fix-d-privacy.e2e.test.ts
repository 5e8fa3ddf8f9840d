// A staff member's opt-out keeps the answers they gave in feedback threads (naming nobody): the
// items they answered stay answered, and an answer given after the opt-out counts too (end to end).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { recordOptOut } from '../../src/activity/privacy-store.js';
import { feedbackPrivacy } from '../../src/feedback/privacy-store.js';
import { threadFigures } from '../../src/feedback/store.js';
import type { TestBot } from '../support/bot.js';
import { feedbackService, startWithFeedbackChannel } from './setup.js';

let bot: TestBot | undefined;
afterEach(async () => {
  const errors = bot?.errors ?? [];
  await bot?.close();
  bot = undefined;
  expect(errors).toEqual([]);
});

const MIN = 60_000;
const entry = feedbackPrivacy.find((e) => e.name === 'feedback_thread_messages')!;

/** The opt-out's two steps of the thread-message entry, as the privacy runner does them. */
function optOut(b: TestBot, userId: string): void {
  const sqlite = b.app.database.sqlite;
  const keys = [...entry.scan!(sqlite, b.ids.guildId, userId)];
  sqlite.transaction(() => entry.apply!(sqlite, b.ids.guildId, userId, keys))();
}

const rows = (b: TestBot, item: number) => b.db.selectFrom('feedback_thread_messages').select(['user_id', 'staff', 'at']).where('item_id', '=', item).orderBy('at').execute();
const waiting = async (b: TestBot) => (await b.fake.slash({ channelId: b.ids.general, userId: b.ids.carol, name: 'feedback', subcommand: 'list', options: { sort: 'waiting' } }).reply()).embeds[0]?.description ?? '';

describe("a staff member's opt-out and their answers in feedback threads", () => {
  it('their replies as staff stay under the placeholder, the answer times unchanged; other members\' records go; a later staff reply counts under the placeholder', async () => {
    const b = (bot = await startWithFeedbackChannel('text'));
    const s = feedbackService(b);
    for (const title of ['Dark mode', 'Calendar']) await s.submit({ guildId: b.ids.guildId, authorId: b.ids.alice, title, details: 'Please', category: 'Idea', byStaff: false });
    const threadOf = async (id: number) => (await b.db.selectFrom('feedback_items').select('thread_id').where('id', '=', id).executeTakeFirstOrThrow()).thread_id!;

    b.clock.advance(MIN);
    b.fake.post({ channelId: await threadOf(1), userId: b.ids.carol, content: 'Me too' });
    b.clock.advance(MIN);
    const answeredAt = b.clock.now();
    b.fake.post({ channelId: await threadOf(1), userId: b.ids.moderator, content: 'On our list' });
    await vi.waitFor(async () => expect(await rows(b, 1)).toHaveLength(2));
    const item = { id: 1, authorId: b.ids.alice };
    expect((await threadFigures(b.db, item)).firstStaffReplyAt).toBe(answeredAt);

    // The moderator and Carol opt out.
    optOut(b, b.ids.moderator);
    optOut(b, b.ids.carol);
    expect(await rows(b, 1)).toEqual([{ user_id: '~', staff: 1, at: answeredAt }]);
    expect((await threadFigures(b.db, item)).firstStaffReplyAt).toBe(answeredAt);
    expect(await waiting(b)).not.toContain('**#1**');
    // Nothing names them any more.
    expect(entry.count(b.app.database.sqlite, b.ids.guildId, b.ids.moderator)).toBe(0);

    // Opted out, the moderator answers item 2: it counts, under the placeholder; Carol's reply is not recorded.
    await recordOptOut(b.db, b.ids.guildId, b.ids.moderator, b.clock.now());
    await recordOptOut(b.db, b.ids.guildId, b.ids.carol, b.clock.now());
    b.clock.advance(MIN);
    b.fake.post({ channelId: await threadOf(2), userId: b.ids.carol, content: 'Please!' });
    b.clock.advance(MIN);
    const laterAt = b.clock.now();
    b.fake.post({ channelId: await threadOf(2), userId: b.ids.moderator, content: 'Planned' });
    await vi.waitFor(async () => expect(await rows(b, 2)).toEqual([{ user_id: '~', staff: 1, at: laterAt }]));
    expect(await waiting(b)).not.toContain('**#2**');

    // The author opts out too: her items' author is the placeholder as well, and the staff answer still counts.
    await b.db.updateTable('feedback_items').set({ author_id: '~' }).where('author_id', '=', b.ids.alice).execute();
    expect((await threadFigures(b.db, { id: 1, authorId: '~' })).firstStaffReplyAt).toBe(answeredAt);
    expect(await waiting(b)).not.toContain('**#1**');
    expect(await waiting(b)).not.toContain('**#2**');
  });
});
