// Feedback and /privacy opt-out end to end (the whole app: the privacy slice runs the opt-out): an
// opted-out member's items stop naming them on their posts, live and across a kill -9, and a
// message of theirs captured as feedback afterwards is credited to nobody.
import { ChannelType } from 'discord.js';
import type { APIMessage, APIThreadChannel } from 'discord-api-types/v10';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TestBot } from '../support/bot.js';
import { mentions, optOut } from '../support/privacy.js';
import { FEEDBACK } from './setup.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const count = (b: TestBot, sql: string, ...params: unknown[]) => b.app.database.sqlite.prepare(sql).pluck().get(...params) as number;


/** The whole app (privacy included) with a forum feedback channel set by staff. */
async function start(): Promise<TestBot> {
  const b = await TestBot.start();
  b.fake.addChannel(b.ids.guildId, { id: FEEDBACK, name: 'feedback', type: ChannelType.GuildForum });
  await b.fake.waitFor(() => b.app.client.channels.cache.has(FEEDBACK));
  const set = await b.fake.slash({ channelId: b.ids.staffChannel, userId: b.ids.ownerId, name: 'settings', subcommand: 'set', options: { staff_role: b.ids.staffRoleId, feedback_channel: FEEDBACK } }).reply();
  expect(set.content).toBe('Settings saved.');
  return b;
}

async function submit(b: TestBot, userId: string, title: string): Promise<void> {
  const opened = b.fake.slash({ channelId: b.ids.general, userId, name: 'feedback', subcommand: 'submit' });
  await opened.reply();
  expect((await opened.submitModal({ title, details: `${title}, please.`, category: ['Idea'] }).reply()).content).toMatch(/^Thanks!/);
}

const status = (b: TestBot, item: number, to: string) => b.fake.slash({ channelId: b.ids.staffChannel, userId: b.ids.moderator, name: 'feedback', subcommand: 'status', options: { item, status: to } }).reply();

function post(b: TestBot, item: number): APIMessage {
  const row = b.app.database.sqlite.prepare(`SELECT thread_id, message_id FROM feedback_items WHERE id = ?`).get(item) as { thread_id: string; message_id: string };
  const message = b.fake.message(row.thread_id, row.message_id);
  if (!message) throw new Error(`no post for item ${item}`);
  return message;
}
const from = (b: TestBot, item: number) => post(b, item).embeds[0]?.fields?.find((f) => f.name === 'From')?.value;
const thread = (b: TestBot, item: number) => b.fake.channel(post(b, item).channel_id) as APIThreadChannel;
const editsOf = (b: TestBot, item: number) => b.fake.requestsMatching('PATCH', `/channels/${post(b, item).channel_id}/messages/${post(b, item).id}`).length;

describe('feedback and /privacy opt-out', () => {
  it("the posts of an opted-out member's items, open or closed, stop naming them; a closed one's thread is archived again", async () => {
    bot = await start();
    const b = bot;
    const { ids } = b;
    await submit(b, ids.alice, 'Dark mode');
    await submit(b, ids.alice, 'Calendar');
    expect((await status(b, 2, 'declined')).content).toContain('is now **Declined**');
    expect(thread(b, 2).thread_metadata?.archived).toBe(true);
    const locked = thread(b, 2).thread_metadata?.locked;
    expect(from(b, 1)).toBe(`<@${ids.alice}>`);
    expect(from(b, 2)).toBe(`<@${ids.alice}>`);

    await optOut(b, ids.alice);
    await b.fake.waitFor(() => from(b, 1) === 'anonymous' && from(b, 2) === 'anonymous', 10_000);
    await b.fake.waitFor(() => thread(b, 2).thread_metadata?.archived === true, 5000);
    expect(thread(b, 2).thread_metadata?.locked).toBe(locked);
    expect(thread(b, 1).thread_metadata?.archived).toBe(false);
    // (The edit archives the thread again before Pulse records what the post shows.)
    await vi.waitFor(() =>
      expect(b.app.database.sqlite.prepare(`SELECT id, author_id, shown_score FROM feedback_items ORDER BY id`).all()).toEqual([
        { id: 1, author_id: '~', shown_score: '0:0:~' },
        { id: 2, author_id: '~', shown_score: '0:0:~' },
      ]),
    );
    // Up to date: a start edits neither again.
    const edits = [editsOf(b, 1), editsOf(b, 2)];
    await b.restart();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect([editsOf(b, 1), editsOf(b, 2)]).toEqual(edits);
    expect(b.errors).toEqual([]);
  });

  it('a kill -9 between the opt-out step and the edits of the posts: the next start makes them, open or closed', async () => {
    bot = await start();
    const b = bot;
    const { ids } = b;
    await submit(b, ids.alice, 'Dark mode');
    await submit(b, ids.alice, 'Calendar');
    await b.fake.click({ userId: ids.bob, message: post(b, 1), customId: 'v1:fb-vote:1:up' }).reply();
    await b.fake.waitFor(() => editsOf(b, 1) === 1, 10_000); // the vote's edit (the app's 3 s window)
    expect((await status(b, 2, 'done')).content).toContain('is now **Done**');
    const edits2 = editsOf(b, 2);
    await optOut(b, ids.alice);
    // The rows are anonymised; the posts' edits wait in the coalescing window when the process dies.
    expect(count(b, `SELECT count(*) FROM feedback_items WHERE author_id = '~'`)).toBe(2);
    expect([editsOf(b, 1), editsOf(b, 2)]).toEqual([1, edits2]);
    expect(from(b, 1)).toBe(`<@${ids.alice}>`);
    await b.crash();
    await b.fake.waitFor(() => from(b, 1) === 'anonymous' && from(b, 2) === 'anonymous', 10_000);
    expect(post(b, 1).embeds[0]?.fields?.find((f) => f.name === 'Votes')?.value).toBe('▲ 1 · ▼ 0 · score +1');
    expect(editsOf(b, 1)).toBe(2);
    expect(editsOf(b, 2)).toBeGreaterThan(edits2); // (a refused try in the archived thread, then the edit)
    await b.fake.waitFor(() => thread(b, 2).thread_metadata?.archived === true, 5000);
    expect(b.errors).toEqual([]);
  });

  it("\"Capture as feedback\" on an opted-out member's message credits the anonymous author, says so, and never tells them", async () => {
    bot = await start();
    const b = bot;
    const { ids, fake } = b;
    await optOut(b, ids.alice);
    const source = fake.post({ channelId: ids.general, userId: ids.alice, content: 'We need a calendar integration' });
    const captured = await fake.messageCommand({ channelId: ids.general, userId: ids.bob, name: 'Capture as feedback', message: source }).reply();
    expect(captured.ephemeral).toBe(true);
    const threadId = b.app.database.sqlite.prepare(`SELECT thread_id FROM feedback_items WHERE id = 1`).pluck().get() as string;
    expect(captured.content).toBe(
      `Captured as **#1**, credited to an anonymous member: <#${threadId}>. Its author opted out of Pulse's records: the item does not name them, and Pulse will not tell them about its status.`,
    );
    // The text the capturer chose to keep is the item's; the member is named nowhere.
    expect(b.app.database.sqlite.prepare(`SELECT author_id, captured_by, title, details FROM feedback_items WHERE id = 1`).get()).toEqual({
      author_id: '~',
      captured_by: ids.bob,
      title: 'We need a calendar integration',
      details: 'We need a calendar integration',
    });
    expect(from(b, 1)).toBe('anonymous');
    // A message with no text: its fallback title does not carry the member's name either.
    const image = fake.post({ channelId: ids.general, userId: ids.alice, content: '' });
    expect((await fake.messageCommand({ channelId: ids.general, userId: ids.bob, name: 'Capture as feedback', message: image }).reply()).content).toMatch(/^Captured as \*\*#2\*\*, credited to an anonymous member/);
    expect(b.app.database.sqlite.prepare(`SELECT title FROM feedback_items WHERE id = 2`).pluck().get()).toBe('Feedback from a member');
    // A status change tells nobody.
    expect((await status(b, 1, 'planned')).content).toContain('is now **Planned**');
    expect(b.app.database.sqlite.prepare(`SELECT notified FROM feedback_status_changes WHERE item_id = 1`).pluck().get()).toBe('skipped');
    expect(fake.dmChannelId(ids.alice) ? fake.channelMessages(fake.dmChannelId(ids.alice)!).filter((m) => m.author.id === fake.appId && !m.content.includes('Done:')) : []).toEqual([]);
    expect(mentions(b, ids.alice)).toEqual(['activity_opt_outs.user_id']);
    expect(b.errors).toEqual([]);
  });
});
