// Feedback work that must happen once across retries, refusals and restarts: a status change's
// "Status:" line in the thread, the thread update Discord keeps refusing, and the replies staff
// posted in a thread while Pulse was down.
import { PermissionFlagsBits } from 'discord.js';
import type { APIThreadChannel } from 'discord-api-types/v10';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../src/db/open.js';
import { MAX_APPLY_ATTEMPTS } from '../../src/feedback/service.js';
import { TestBot } from '../support/bot.js';
import { feedbackService, startWithFeedbackChannel } from './setup.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const MIN = 60_000;

async function setup(kind: 'forum' | 'text'): Promise<TestBot> {
  const b = (bot = await startWithFeedbackChannel(kind));
  const opened = b.fake.slash({ channelId: b.ids.general, userId: b.ids.alice, name: 'feedback', subcommand: 'submit' });
  await opened.reply();
  await opened.submitModal({ title: 'Dark mode', details: 'Dark mode, please.', category: ['Idea'] }).reply();
  return b;
}

const item = (b: TestBot) => b.db.selectFrom('feedback_items').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
const change = (b: TestBot) => b.db.selectFrom('feedback_status_changes').selectAll().where('item_id', '=', 1).orderBy('id', 'desc').executeTakeFirstOrThrow();
const service = feedbackService;
const statusLines = (b: TestBot, threadId: string) => b.fake.channelMessages(threadId).filter((m) => m.author.id === b.fake.appId && m.content.startsWith('Status:'));
const threadPatches = (b: TestBot, threadId: string) => b.fake.requestsMatching('PATCH', `/channels/${threadId}`);
const setStatus = (b: TestBot, status: string) =>
  b.fake.slash({ channelId: b.ids.staffChannel, userId: b.ids.moderator, name: 'feedback', subcommand: 'status', options: { item: 1, status } }).reply();
const show = (b: TestBot, userId: string) => b.fake.slash({ channelId: b.ids.staffChannel, userId, name: 'feedback', subcommand: 'show', options: { item: 1 } }).reply();
const notes = async (b: TestBot, userId: string) => ((await show(b, userId)).embeds[0]?.fields ?? []).filter((f) => f.name === 'Note').map((f) => f.value);

describe('a status change Discord will not finish', () => {
  it('a thread update refused pass after pass: the "Status:" line is posted once, the update tried a bounded number of times, then staff see why', async () => {
    const b = await setup('forum');
    const { thread_id: threadId } = await item(b);
    // Discord answers every archive of the thread with a 500 (discord.js itself retries each).
    for (let i = 0; i < 4 * (MAX_APPLY_ATTEMPTS + 5); i++) b.fake.failNext({ method: 'PATCH', path: `/channels/${threadId!}` }, { status: 500, message: 'Internal Server Error' });
    b.clock.advance(MIN);
    expect((await setStatus(b, 'done')).content).toBe('Item #1 is now **Done**. The author has been told.');
    const perTry = threadPatches(b, threadId!).length;
    expect(perTry).toBeGreaterThan(0);
    expect((await change(b)).applied_at).toBeNull();
    // The retry passes (every five minutes), and a restart among them.
    for (let pass = 0; pass < MAX_APPLY_ATTEMPTS + 3; pass++) {
      b.clock.advance(5 * MIN);
      if (pass === 2) await b.restart();
      else await service(b).catchUp(false);
    }
    expect(statusLines(b, threadId!)).toHaveLength(1);
    expect(threadPatches(b, threadId!)).toHaveLength(perTry * MAX_APPLY_ATTEMPTS);
    const done = await change(b);
    expect(done).toMatchObject({ apply_attempts: MAX_APPLY_ATTEMPTS, apply_error: 'Internal Server Error' });
    expect(done.applied_at).not.toBeNull();
    expect(b.logs.filter((l) => l.msg === 'feedback.apply-gave-up')).toHaveLength(1);
    expect(await notes(b, b.ids.moderator)).toEqual([
      "The change to **Done** could not be finished in the item's thread, and Pulse stopped trying: Internal Server Error. Check that Pulse has Manage Threads in the feedback channel.",
    ]);
    expect(await notes(b, b.ids.bob)).toEqual([]);
    expect(b.errors).toEqual([]);
  });

  it('locking without Manage Threads (50013) is final: no retry, the staff member is told at once and /feedback show keeps it', async () => {
    const b = await setup('text');
    const { thread_id: threadId } = await item(b);
    await b.fake.slash({ channelId: b.ids.staffChannel, userId: b.ids.ownerId, name: 'settings', subcommand: 'set', options: { feedback_lock_on_close: true } }).reply();
    // Someone took Manage Threads (and Administrator) from Pulse after the channel was set up.
    const all = Object.values(PermissionFlagsBits).reduce((a, p) => a | p, 0n);
    b.fake.setBotPermissions(b.ids.guildId, all & ~PermissionFlagsBits.Administrator & ~PermissionFlagsBits.ManageThreads);
    await vi.waitFor(() => expect(b.app.client.guilds.cache.get(b.ids.guildId)?.members.me?.permissions.has(PermissionFlagsBits.ManageThreads)).toBe(false));
    b.clock.advance(MIN);
    const reply = await setStatus(b, 'declined');
    expect(reply.content).toBe(
      "Item #1 is now **Declined**. The author has been told. Discord refused to update the item's thread: Missing Permissions (50013). Check that Pulse has Manage Threads in the feedback channel; `/feedback show` keeps this note.",
    );
    expect(threadPatches(b, threadId!)).toHaveLength(1);
    for (let pass = 0; pass < 3; pass++) {
      b.clock.advance(5 * MIN);
      await service(b).catchUp(false);
    }
    await b.restart();
    expect(threadPatches(b, threadId!)).toHaveLength(1);
    expect(statusLines(b, threadId!)).toHaveLength(1);
    expect(await change(b)).toMatchObject({ apply_attempts: 1, apply_error: 'Missing Permissions (50013)' });
    expect(b.logs.filter((l) => l.msg === 'feedback.apply-refused')).toHaveLength(1);
    expect(await notes(b, b.ids.moderator)).toEqual([
      "The change to **Declined** could not be finished in the item's thread, and Pulse stopped trying: Missing Permissions (50013). Check that Pulse has Manage Threads in the feedback channel.",
    ]);
    expect(b.errors).toEqual([]);
  });
});

describe.each(['forum', 'text'] as const)('a crash after the "Status:" line was posted (%s channel)', (kind) => {
  it('the next start finds the line in the thread (an hour later, past the nonce window) and finishes the change without posting it again', async () => {
    const b = await setup(kind);
    const { thread_id: threadId } = await item(b);
    b.clock.advance(MIN);
    await setStatus(b, 'done');
    expect(statusLines(b, threadId!)).toHaveLength(1);
    // What the database and Discord hold when the process dies right after the post: the try
    // counted, the line in the thread, nothing recorded after it, the thread not archived yet.
    await b.restart(async () => {
      const database = openDatabase(b.databasePath);
      await database.db.updateTable('feedback_status_changes').set({ applied_at: null, thread_status_posted_at: null, apply_attempts: 1 }).where('item_id', '=', 1).execute();
      await database.close();
      b.fake.setThreadArchived(threadId!, false);
      b.clock.advance(60 * MIN);
    });
    await vi.waitFor(async () => expect((await change(b)).applied_at).not.toBeNull());
    expect(statusLines(b, threadId!)).toHaveLength(1);
    expect((b.fake.channel(threadId!) as APIThreadChannel).thread_metadata?.archived).toBe(true);
    expect(await change(b)).toMatchObject({ apply_attempts: 2, apply_error: null });
    expect((await change(b)).thread_status_posted_at).not.toBeNull();
    expect(b.errors).toEqual([]);
  });
});

describe('replies posted while Pulse was down', () => {
  it('are read on start and counted once, each at its own time: the first staff answer is set', async () => {
    const b = await setup('forum');
    const { thread_id: threadId } = await item(b);
    let answeredAt = 0;
    await b.restart(() => {
      b.clock.advance(10 * MIN);
      answeredAt = b.clock.now();
      b.fake.post({ channelId: threadId!, userId: b.ids.moderator, content: 'On it.' });
      b.clock.advance(MIN);
      b.fake.post({ channelId: threadId!, userId: b.ids.carol, content: 'Me too' });
      // Pulse comes back half an hour later.
      b.clock.advance(30 * MIN);
    });
    const rows = () => b.db.selectFrom('feedback_thread_messages').select(['user_id', 'staff', 'at']).where('item_id', '=', 1).orderBy('at').execute();
    await vi.waitFor(async () => expect(await rows()).toHaveLength(2));
    expect(await rows()).toEqual([
      { user_id: b.ids.moderator, staff: 1, at: answeredAt },
      { user_id: b.ids.carol, staff: 0, at: answeredAt + MIN },
    ]);
    const shown = (await show(b, b.ids.bob)).embeds[0]?.fields ?? [];
    expect(shown.find((f) => f.name === 'First staff answer')?.value).toBe(`<t:${Math.floor(answeredAt / 1000)}:R>`);
    expect(shown.find((f) => f.name === 'Thread')?.value).toBe(`2 messages · 2 participants · <#${threadId!}>`);

    // A live reply, then another restart: read on from the newest message seen, nothing twice.
    b.fake.post({ channelId: threadId!, userId: b.ids.dave, content: 'Yes' });
    await vi.waitFor(async () => expect(await rows()).toHaveLength(3));
    const lastSeen = b.fake.channelMessages(threadId!).at(-1)!.id;
    await b.restart();
    await vi.waitFor(() => expect(b.fake.requestsMatching('GET', `/channels/${threadId!}/messages`).at(-1)?.query['after']).toBe(lastSeen));
    expect(await rows()).toHaveLength(3);
    expect(b.errors).toEqual([]);
  });
});
