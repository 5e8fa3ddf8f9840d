// Duplicates: the author's DM links the original's thread, and an item others are duplicates of
// cannot become a duplicate itself (no chains) (end to end).
import { afterEach, describe, expect, it } from 'vitest';
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
const status = (b: TestBot, options: Record<string, string | number>) => b.fake.slash({ channelId: b.ids.staffChannel, userId: b.ids.moderator, name: 'feedback', subcommand: 'status', options }).reply();
const threadOf = async (b: TestBot, id: number) => (await b.db.selectFrom('feedback_items').select('thread_id').where('id', '=', id).executeTakeFirstOrThrow()).thread_id!;

describe('duplicates', () => {
  it("the author's DM links the original's thread; an original cannot then become a duplicate", async () => {
    const b = (bot = await startWithFeedbackChannel('text'));
    const s = feedbackService(b);
    await s.submit({ guildId: b.ids.guildId, authorId: b.ids.bob, title: 'Dark mode', details: 'Please', category: 'Idea', byStaff: false });
    await s.submit({ guildId: b.ids.guildId, authorId: b.ids.alice, title: 'Night theme', details: 'Please', category: 'Idea', byStaff: false });
    await s.submit({ guildId: b.ids.guildId, authorId: b.ids.carol, title: 'Themes', details: 'Please', category: 'Idea', byStaff: false });
    b.clock.advance(MIN);
    expect((await status(b, { item: 2, status: 'duplicate', duplicate_of: 1 })).content).toMatch(/^Item #2 is now \*\*Duplicate\*\*\./);
    const dm = b.fake.channelMessages(b.fake.dmChannelId(b.ids.alice)!).map((m) => m.content).join('\n');
    expect(dm).toContain('It was merged into **#1**');
    expect(dm).toContain(`https://discord.com/channels/${b.ids.guildId}/${await threadOf(b, 1)}`);
    expect(dm).not.toContain(await threadOf(b, 2));

    // Item 1 is item 2's original: it cannot become a duplicate of item 3.
    b.clock.advance(MIN);
    const refused = await status(b, { item: 1, status: 'duplicate', duplicate_of: 3 });
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toBe('Other items are duplicates of #1: it stays their original and cannot become a duplicate itself.');
    expect(await b.db.selectFrom('feedback_items').select(['id', 'status', 'duplicate_of']).orderBy('id').execute()).toEqual([
      { id: 1, status: 'open', duplicate_of: null },
      { id: 2, status: 'duplicate', duplicate_of: 1 },
      { id: 3, status: 'open', duplicate_of: null },
    ]);
    // Item 2 revised back to open: item 1 is nobody's original any more and may be marked a duplicate.
    b.clock.advance(MIN);
    await status(b, { item: 2, status: 'open' });
    expect((await status(b, { item: 1, status: 'duplicate', duplicate_of: 3 })).content).toMatch(/^Item #1 is now \*\*Duplicate\*\*\./);
  });
});
