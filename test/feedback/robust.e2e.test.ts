// Feedback when things go wrong: crashes mid-post, deleted posts and threads, reopened threads, restarts.
import { Locale, MessageType } from 'discord.js';
import type { APIThreadChannel } from 'discord-api-types/v10';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../src/db/open.js';
import { TestBot } from '../support/bot.js';
import { FEEDBACK, feedbackFeatures, startWithFeedbackChannel } from './setup.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const MIN = 60_000;

const setup = async (kind: 'forum' | 'text'): Promise<TestBot> => (bot = await startWithFeedbackChannel(kind));

async function submit(b: TestBot, userId: string, title: string) {
  const opened = b.fake.slash({ channelId: b.ids.general, userId, name: 'feedback', subcommand: 'submit' });
  await opened.reply();
  return opened.submitModal({ title, details: `${title}, please.`, category: ['Idea'] }).reply();
}

const row = (b: TestBot, id: number) => b.db.selectFrom('feedback_items').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

/** Posts of the bot for feedback: forum threads, or embed messages in the text channel. */
function posts(b: TestBot, kind: 'forum' | 'text'): string[] {
  if (kind === 'forum') {
    return b.fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${FEEDBACK}/threads` && r.status < 300).map((r) => r.path);
  }
  return b.fake.channelMessages(FEEDBACK).filter((m) => m.author.id === b.fake.appId).map((m) => m.id);
}

describe.each(['forum', 'text'] as const)('feedback robustness (%s channel)', (kind) => {
  it('a crash after the post reached Discord but before it was recorded: the retry finds it, never posts twice', async () => {
    const b = await setup(kind);
    await submit(b, b.ids.alice, 'Dark mode');
    const posted = await row(b, 1);
    expect(posts(b, kind)).toHaveLength(1);
    // What the database holds when the process dies between Discord's answer and the update.
    await b.restart(async () => {
      const database = openDatabase(b.databasePath);
      await database.db.updateTable('feedback_items').set({ post_state: 'pending', thread_id: null, message_id: null, opened_at: null, post_attempts: 1 }).where('id', '=', 1).execute();
      await database.close();
    });
    const after = await row(b, 1);
    expect(after).toMatchObject({ post_state: 'posted', thread_id: posted.thread_id, message_id: posted.message_id, post_attempts: 2 });
    expect(posts(b, kind)).toHaveLength(1);
    expect(b.logs.some((l) => l.msg === 'feedback.posted' && l['found'] === true)).toBe(true);
  });

  it('a post Discord refused is retried on start, once', async () => {
    const b = await setup(kind);
    const path = kind === 'forum' ? `/channels/${FEEDBACK}/threads` : `/channels/${FEEDBACK}/messages`;
    // discord.js sends a message again after a 5xx (its nonce makes that safe), three times; a
    // forum post, which has no nonce, is sent once per try.
    for (let i = 0; i < (kind === 'forum' ? 1 : 4); i++) b.fake.failNext({ method: 'POST', path }, { status: 500, message: 'Internal Server Error' });
    const reply = await submit(b, b.ids.alice, 'Dark mode');
    expect(reply.content).toBe('Thanks! Your feedback is **#1**; it will be posted in a moment (Discord did not take it yet).');
    expect(await row(b, 1)).toMatchObject({ post_state: 'pending', thread_id: null });
    await b.restart();
    expect(await row(b, 1)).toMatchObject({ post_state: 'posted' });
    expect(posts(b, kind)).toHaveLength(1);
  });

  it('deleted threads and posts mark the item; an archived thread reopened by a member is fine; restarts keep counting', async () => {
    const b = await setup(kind);
    await submit(b, b.ids.alice, 'Dark mode');
    await submit(b, b.ids.bob, 'Calendar');
    const one = await row(b, 1);
    const two = await row(b, 2);

    // Done archives the thread (not locked by default); a member posting there reopens it.
    b.clock.advance(MIN);
    await b.fake.slash({ channelId: b.ids.staffChannel, userId: b.ids.moderator, name: 'feedback', subcommand: 'status', options: { item: 1, status: 'done' } }).reply();
    expect((b.fake.channel(one.thread_id!) as APIThreadChannel).thread_metadata?.archived).toBe(true);
    await b.restart();
    // The notice went out once, and a restart neither repeats it nor the status message.
    expect(b.fake.channelMessages(b.fake.dmChannelId(b.ids.alice)!).map((m) => m.content)).toEqual([expect.stringMatching(/is now \*\*Done\*\*/)]);
    expect(b.fake.channelMessages(one.thread_id!).filter((m) => m.author.id === b.fake.appId && m.content.startsWith('Status:'))).toHaveLength(1);
    b.clock.advance(MIN);
    b.fake.post({ channelId: one.thread_id!, userId: b.ids.carol, content: 'Thanks!' });
    await vi.waitFor(async () => expect(await b.db.selectFrom('feedback_thread_messages').selectAll().where('item_id', '=', 1).execute()).toHaveLength(1));
    expect((b.fake.channel(one.thread_id!) as APIThreadChannel).thread_metadata?.archived).toBe(false);
    expect((await row(b, 1)).status).toBe('done');
    // A moderator pins a message in item 2's thread: Discord's system message names them, but it
    // is no answer (the item still waits for its first staff reply).
    b.fake.post({ channelId: two.thread_id!, userId: b.ids.moderator, type: MessageType.ChannelPinnedMessage });
    b.fake.post({ channelId: two.thread_id!, userId: b.ids.carol, content: 'Same here' });
    await vi.waitFor(async () => expect(await b.db.selectFrom('feedback_thread_messages').selectAll().where('item_id', '=', 2).execute()).toHaveLength(1));
    expect(await b.db.selectFrom('feedback_thread_messages').select(['user_id', 'staff']).where('item_id', '=', 2).execute()).toEqual([{ user_id: b.ids.carol, staff: 0 }]);

    // A moderator deletes item 2's thread: the item is marked, nothing crashes.
    b.fake.deleteChannel(two.thread_id!);
    await vi.waitFor(async () => expect((await row(b, 2)).gone).toBe('thread'));
    const changed = await b.fake.slash({ channelId: b.ids.staffChannel, userId: b.ids.moderator, name: 'feedback', subcommand: 'status', options: { item: 2, status: 'planned' } }).reply();
    expect(changed.content).toBe('Item #2 is now **Planned**. The author has been told.');
    // With their DMs closed too, nobody can tell them, and staff hear so.
    b.fake.setDmsClosed(b.ids.bob);
    b.clock.advance(MIN);
    const unreachable = await b.fake.slash({ channelId: b.ids.staffChannel, userId: b.ids.moderator, name: 'feedback', subcommand: 'status', options: { item: 2, status: 'declined' } }).reply();
    expect(unreachable.content).toBe("Item #2 is now **Declined**. The author could not be told: their DMs are closed and the item's thread is unavailable.");
    const shown = await b.fake.slash({ channelId: b.ids.general, userId: b.ids.bob, name: 'feedback', subcommand: 'show', options: { item: 2 } }).reply();
    expect(shown.embeds[0]?.fields?.find((f) => f.name === 'Note')?.value).toBe("This item's post is gone: its thread was deleted.");

    if (kind === 'text') {
      // Someone deletes item 1's embed message: marked; a vote can no longer be cast there, and edits stop.
      b.fake.deleteMessage(FEEDBACK, one.message_id!);
      await vi.waitFor(async () => expect((await row(b, 1)).gone).toBe('message'));
    }
    expect(b.errors).toEqual([]);
  });
  it('an archived thread (closed by Pulse, or idle for a week) takes a change: reopened, post edited, author told', async () => {
    const b = await setup(kind);
    await submit(b, b.ids.alice, 'Dark mode');
    await submit(b, b.ids.bob, 'Calendar');
    const one = await row(b, 1);
    const two = await row(b, 2);
    const status = (item: number, to: string) =>
      b.fake.slash({ channelId: b.ids.staffChannel, userId: b.ids.moderator, name: 'feedback', subcommand: 'status', options: { item, status: to } }).reply();
    const post = (r: typeof one) => b.fake.message(kind === 'forum' ? r.thread_id! : FEEDBACK, r.message_id!)!;
    const embedStatus = (r: typeof one) => post(r).embeds[0]?.fields?.find((f) => f.name === 'Status')?.value;
    const dms = (userId: string) => b.fake.channelMessages(b.fake.dmChannelId(userId)!).map((m) => m.content);

    // Closed by Pulse (its thread archived), then reopened.
    b.clock.advance(MIN);
    await status(1, 'done');
    expect((b.fake.channel(one.thread_id!) as APIThreadChannel).thread_metadata?.archived).toBe(true);
    b.clock.advance(MIN);
    expect((await status(1, 'planned')).content).toBe('Item #1 is now **Planned**. The author has been told.');
    expect(dms(b.ids.alice)).toEqual([expect.stringMatching(/is now \*\*Done\*\*/), expect.stringMatching(/is now \*\*Planned\*\*/)]);
    expect(embedStatus(one)).toBe('Planned');
    expect((b.fake.channel(one.thread_id!) as APIThreadChannel).thread_metadata?.archived).toBe(false);

    // Archived by Discord after a quiet week (a moderator's archive is the same): the change goes through.
    b.fake.setThreadArchived(two.thread_id!, true);
    await vi.waitFor(() => expect(b.app.client.channels.cache.get(two.thread_id!)?.isThread() && (b.app.client.channels.cache.get(two.thread_id!) as { archived: boolean }).archived).toBe(true));
    b.clock.advance(MIN);
    expect((await status(2, 'planned')).content).toBe('Item #2 is now **Planned**. The author has been told.');
    expect(dms(b.ids.bob)).toEqual([expect.stringMatching(/is now \*\*Planned\*\*/)]);
    expect(embedStatus(two)).toBe('Planned');
    expect(b.fake.channelMessages(two.thread_id!).filter((m) => m.author.id === b.fake.appId && m.content.startsWith('Status:'))).toHaveLength(1);

    // Archived and locked by a moderator, then declined: Pulse (Manage Threads) reopens it to post
    // the status, and archives it again.
    await submit(b, b.ids.carol, 'Emoji');
    const three = await row(b, 3);
    b.fake.setThreadArchived(three.thread_id!, true, true);
    b.clock.advance(MIN);
    expect((await status(3, 'declined')).content).toBe('Item #3 is now **Declined**. The author has been told.');
    expect(b.fake.channelMessages(three.thread_id!).filter((m) => m.author.id === b.fake.appId && m.content.startsWith('Status:'))).toHaveLength(1);
    expect((b.fake.channel(three.thread_id!) as APIThreadChannel).thread_metadata?.archived).toBe(true);
    expect(embedStatus(three)).toBe('Declined');
    expect(b.logs.filter((l) => l.msg === 'feedback.apply-failed')).toEqual([]);
    expect(b.errors).toEqual([]);
  });
});

describe('feedback settings and categories', () => {
  it('checks the bot can manage threads in the channel when it is saved; capture can be staff only; categories are staff-managed', async () => {
    const b = await setup('forum');
    const { ids, fake } = b;
    fake.setBotPermissions(ids.guildId, 0x400n | 0x800n | 0x4000n); // View, Send, Embed only
    await vi.waitFor(() => expect(b.app.client.guilds.cache.get(ids.guildId)?.members.me?.permissions.has(0x8n)).toBe(false));
    const refused = await fake.slash({ channelId: ids.staffChannel, userId: ids.ownerId, name: 'settings', subcommand: 'set', options: { feedback_channel: FEEDBACK } }).reply();
    expect(refused.content).toBe(`I can't post in <#${FEEDBACK}>: I need Manage Threads and Manage Channels there. Ask an admin, or pick another channel.`);
    fake.setBotPermissions(ids.guildId, 0x8n);

    await fake.slash({ channelId: ids.staffChannel, userId: ids.ownerId, name: 'settings', subcommand: 'set', options: { feedback_capture_staff_only: true, feedback_waiting_hours: 24 } }).reply();
    const source = fake.post({ channelId: ids.general, userId: ids.carol, content: 'Idea: a calendar' });
    const refusedCapture = await fake.messageCommand({ channelId: ids.general, userId: ids.bob, name: 'Capture as feedback', message: source }).reply();
    expect(refusedCapture.content).toBe('Only staff can capture messages as feedback here.');
    const captured = await fake.messageCommand({ channelId: ids.general, userId: ids.moderator, name: 'Capture as feedback', message: source }).reply();
    expect(captured.content).toMatch(/^Captured as \*\*#1\*\*/);

    const cat = (userId: string, sub: string, name?: string) =>
      fake.slash({ channelId: ids.staffChannel, userId, name: 'feedback', group: 'categories', subcommand: sub, ...(name ? { options: { name } } : {}) }).reply();
    expect((await cat(ids.bob, 'add', 'Docs')).content).toMatch(/^Only staff can do this/);
    expect((await cat(ids.moderator, 'add', 'Docs')).content).toBe('Category **Docs** added.');
    expect((await cat(ids.moderator, 'add', 'docs')).content).toBe('There is already a category **docs**.');
    expect((await cat(ids.moderator, 'remove', 'Bug')).content).toBe('Category **Bug** removed; items that have it keep it.');
    expect((await cat(ids.moderator, 'list')).content).toBe('Categories: **Idea**, **Other**, **Docs**');
    const opened = fake.slash({ channelId: ids.general, userId: ids.alice, name: 'feedback', subcommand: 'submit' });
    const modal = (await opened.reply()).modal as unknown as { components: Array<{ component: { custom_id: string; options?: Array<{ value: string }> } }> };
    expect(modal.components[2]?.component.options?.map((o) => o.value)).toEqual(['Idea', 'Other', 'Docs']);
    // A stale form with a removed category loses nothing silently: a clear error.
    expect((await cat(ids.moderator, 'remove', 'Docs')).content).toBe('Category **Docs** removed; items that have it keep it.');
    const stale = await opened.submitModal({ title: 'x', details: 'y', category: ['Docs'] }).reply();
    expect(stale.content).toBe('Pick one of the categories in the list (they may have changed: open the form again).');
    expect(stale.ephemeral).toBe(true);
    const again = fake.slash({ channelId: ids.general, userId: ids.alice, name: 'feedback', subcommand: 'submit' });
    await again.reply();
    expect((await again.submitModal({ title: 'x', details: 'y', category: ['Other'] }).reply()).content).toMatch(/^Thanks! Your feedback is \*\*#2\*\*/);
    const choices = await fake.autocomplete({ channelId: ids.general, userId: ids.alice, name: 'feedback', subcommand: 'show', focused: 'item', value: '' }).reply();
    expect(choices.choices?.map((c) => c.value)).toEqual([2, 1]);
    expect(b.errors).toEqual([]);
  });
});

describe('feedback not set up', () => {
  it('/feedback submit says so before the form, so nothing typed is lost', async () => {
    bot = await TestBot.start({ features: feedbackFeatures() });
    const b = bot;
    const opened = await b.fake.slash({ channelId: b.ids.general, userId: b.ids.alice, name: 'feedback', subcommand: 'submit' }).reply();
    expect(opened.modal).toBeUndefined();
    expect(opened.ephemeral).toBe(true);
    expect(opened.content).toBe('Feedback is not set up here yet: staff can choose a channel with `/settings set feedback_channel`.');
    expect(b.errors).toEqual([]);
  });
});

describe('forum tags', () => {
  it('a category longer than a tag name (20 characters) still gets its tag, and the status tags keep coming', async () => {
    const b = await setup('forum');
    const { ids, fake } = b;
    const long = 'Accessibility and screen readers';
    await fake.slash({ channelId: ids.staffChannel, userId: ids.moderator, name: 'feedback', group: 'categories', subcommand: 'add', options: { name: long } }).reply();
    const opened = fake.slash({ channelId: ids.general, userId: ids.alice, name: 'feedback', subcommand: 'submit' });
    await opened.reply();
    await opened.submitModal({ title: 'Alt text', details: 'Please.', category: [long] }).reply();
    const tagsOf = async () => {
      const thread = fake.channel((await row(b, 1)).thread_id!) as APIThreadChannel;
      const forum = fake.channel(FEEDBACK) as unknown as { available_tags: Array<{ id: string; name: string }> };
      return thread.applied_tags?.map((id) => forum.available_tags.find((t) => t.id === id)?.name).sort();
    };
    expect(await tagsOf()).toEqual(['Accessibility and sc', 'Open']);
    // A status whose tag the forum does not have yet: created, next to the category's.
    await fake.slash({ channelId: ids.staffChannel, userId: ids.moderator, name: 'feedback', subcommand: 'status', options: { item: 1, status: 'planned' } }).reply();
    expect(await tagsOf()).toEqual(['Accessibility and sc', 'Planned']);
    const forum = fake.channel(FEEDBACK) as unknown as { available_tags: Array<{ name: string }> };
    expect(forum.available_tags.map((t) => t.name).filter((n) => n.startsWith('Accessibility'))).toHaveLength(1);
    expect(b.errors).toEqual([]);
  });
});

describe('feedback languages', () => {
  it("the post, its thread and the author's DM in the server language; replies in each member's", async () => {
    const b = await setup('text');
    const lang = await b.fake.slash({ channelId: b.ids.staffChannel, userId: b.ids.ownerId, name: 'settings', subcommand: 'set', options: { language: 'es' } }).reply();
    expect(lang.content).toBe('Settings saved.');
    // A member on Russian submits: the form and the reply in Russian, the post in Spanish.
    const opened = b.fake.slash({ channelId: b.ids.general, userId: b.ids.alice, name: 'feedback', subcommand: 'submit', locale: Locale.Russian });
    const modal = await opened.reply();
    expect(JSON.stringify(modal)).toContain('"Отправить отзыв"');
    expect(modal.components?.[0]).toMatchObject({ label: 'Заголовок' });
    const reply = await opened.submitModal({ title: 'Modo oscuro', details: 'Por favor.', category: ['Idea'] }).reply();
    const item = await row(b, 1);
    expect(reply.content).toBe(`Спасибо! Ваш отзыв — **#1**: <#${item.thread_id}>.`);
    const post = b.fake.channelMessages(FEEDBACK).find((m) => m.author.id === b.fake.appId)!;
    expect(post.embeds[0]?.title).toBe('Modo oscuro');
    expect(post.embeds[0]?.fields?.map((f) => f.name)).toEqual(['De', 'Categoría', 'Estado', 'Votos']);
    expect(post.embeds[0]?.fields?.[2]?.value).toBe('Abierta');
    // Staff on English triage: their reply in English, the thread and the DM in Spanish.
    const set = await b.fake.slash({ channelId: b.ids.staffChannel, userId: b.ids.ownerId, name: 'feedback', subcommand: 'status', options: { item: 1, status: 'planned', reason: 'Next sprint' } }).reply();
    expect(set.content).toBe('Item #1 is now **Planned**. The author has been told.');
    await vi.waitFor(() => expect(b.fake.channelMessages(b.fake.dmChannelId(b.ids.alice) ?? '').at(-1)?.content).toMatch(/^Tu sugerencia \*\*#1 Modo oscuro\*\* ahora está \*\*Planificada\*\*\.\nMotivo: Next sprint/));
    expect(b.fake.channelMessages(item.thread_id!).map((m) => m.content)).toContain(`Estado: **Planificada** (por <@${b.ids.ownerId}>)\nMotivo: Next sprint`);
  });
});
