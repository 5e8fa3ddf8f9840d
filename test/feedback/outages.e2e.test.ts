// Feedback when Discord fails or refuses: a status line that did not go up, a forum post whose
// answer was lost, a submit during an outage, a channel Pulse cannot post in, a moderator's
// archive and lock, a DM Discord did not take, and a crafted vote.
import { PermissionFlagsBits, type ForumChannel } from 'discord.js';
import { OverwriteType, type APIThreadChannel } from 'discord-api-types/v10';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FeedbackError } from '../../src/feedback/service.js';
import { msg, render, storeText } from '../../src/i18n/index.js';
import { TestBot } from '../support/bot.js';
import { FEEDBACK, feedbackService, startWithFeedbackChannel } from './setup.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const MIN = 60_000;
const service = feedbackService;
const ALL = Object.values(PermissionFlagsBits).reduce((a, p) => a | p, 0n);

async function submit(b: TestBot, userId: string, title: string) {
  const opened = b.fake.slash({ channelId: b.ids.general, userId, name: 'feedback', subcommand: 'submit' });
  await opened.reply();
  return opened.submitModal({ title, details: `${title}, please.`, category: ['Idea'] }).reply();
}
const item = (b: TestBot, id = 1) => b.db.selectFrom('feedback_items').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const items = (b: TestBot) => b.db.selectFrom('feedback_items').selectAll().execute();
const change = (b: TestBot) => b.db.selectFrom('feedback_status_changes').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
const setStatus = (b: TestBot, id: number, status: string) =>
  b.fake.slash({ channelId: b.ids.staffChannel, userId: b.ids.moderator, name: 'feedback', subcommand: 'status', options: { item: id, status } }).reply();
const statusLines = (b: TestBot, threadId: string) => b.fake.channelMessages(threadId).filter((m) => m.author.id === b.fake.appId && m.content.startsWith('Status:'));
const forumPosts = (b: TestBot) => b.fake.channels(b.ids.guildId).filter((c) => (c as APIThreadChannel).parent_id === FEEDBACK);
/** discord.js sends a request up to 4 times on a 5xx: Discord failing "for good" fails all 4. */
const failAll = (b: TestBot, method: string, path: string, error: { status: number; code?: number; message?: string }) => {
  for (let i = 0; i < 4; i++) b.fake.failNext({ method, path }, error);
};
const thread = (b: TestBot, id: string) => b.fake.channel(id) as APIThreadChannel;

describe('a status line Discord did not take', () => {
  it('a 5xx is retried at the next pass, not dropped; a refusal is recorded for staff', async () => {
    const b = (bot = await startWithFeedbackChannel('forum'));
    await submit(b, b.ids.alice, 'Dark mode');
    await submit(b, b.ids.bob, 'Calendar');
    const one = await item(b, 1);
    failAll(b, 'POST', `/channels/${one.thread_id!}/messages`, { status: 500, message: 'Internal Server Error' });
    b.clock.advance(MIN);
    await setStatus(b, 1, 'planned');
    expect(statusLines(b, one.thread_id!)).toHaveLength(0);
    expect(await change(b)).toMatchObject({ applied_at: null, thread_status_posted_at: null, apply_error: null });
    b.clock.advance(5 * MIN);
    await service(b).catchUp(false);
    expect(statusLines(b, one.thread_id!)).toHaveLength(1);
    expect((await change(b)).applied_at).not.toBeNull();

    // Discord's final no (50013) ends the change at once, with the reason staff read.
    const two = await item(b, 2);
    b.fake.failNext({ method: 'POST', path: `/channels/${two.thread_id!}/messages` }, { status: 403, code: 50013, message: 'Missing Permissions' });
    b.clock.advance(MIN);
    const reply = await setStatus(b, 2, 'planned');
    expect(reply.content).toContain('Missing Permissions (50013)');
    expect(await change(b)).toMatchObject({ thread_status_posted_at: null, apply_error: 'Missing Permissions (50013)' });
    expect(b.errors).toEqual([]);
  });
});

describe('a forum post Discord made but whose answer was lost', () => {
  it('is not sent again by discord.js: the next try finds it, one post in all', async () => {
    const b = (bot = await startWithFeedbackChannel('forum'));
    b.fake.failAfterNext({ method: 'POST', path: `/channels/${FEEDBACK}/threads` }, { status: 502, message: '502: Bad Gateway' });
    const reply = await submit(b, b.ids.alice, 'Dark mode');
    expect(reply.content).toBe('Thanks! Your feedback is **#1**; it will be posted in a moment (Discord did not take it yet).');
    expect(forumPosts(b)).toHaveLength(1);
    await service(b).catchUp(false);
    const posted = await item(b);
    expect(posted).toMatchObject({ post_state: 'posted', thread_id: forumPosts(b)[0]!.id });
    expect(forumPosts(b)).toHaveLength(1);
    expect(b.errors).toEqual([]);
  });

  it("the author's DM carries a nonce Discord enforces: a lost answer does not send it twice", async () => {
    const b = (bot = await startWithFeedbackChannel('text'));
    await submit(b, b.ids.alice, 'Dark mode');
    const dm = await b.app.client.users.createDM(b.ids.alice, { cache: false });
    b.fake.failAfterNext({ method: 'POST', path: `/channels/${dm.id}/messages` }, { status: 502, message: '502: Bad Gateway' });
    b.clock.advance(MIN);
    expect((await setStatus(b, 1, 'planned')).content).toBe('Item #1 is now **Planned**. The author has been told.');
    const sent = b.fake.requestsMatching('POST', `/channels/${dm.id}/messages`);
    expect(sent.length).toBeGreaterThan(1);
    expect(sent.every((r) => (r.body as { nonce?: string; enforce_nonce?: boolean }).enforce_nonce === true)).toBe(true);
    expect(b.fake.channelMessages(dm.id)).toHaveLength(1);
    expect(b.errors).toEqual([]);
  });
});

describe('/feedback submit while Discord does not answer', () => {
  it("keeps the member's text and posts it later; the channel is not blamed", async () => {
    const b = (bot = await startWithFeedbackChannel('forum'));
    // Discord answers nothing about the channel, nor takes the post, for a while.
    failAll(b, 'GET', `/channels/${FEEDBACK}`, { status: 503, message: 'Service Unavailable' });
    // (A forum post is sent once per try: discord.js does not repeat it.)
    b.fake.failNext({ method: 'POST', path: `/channels/${FEEDBACK}/threads` }, { status: 503, message: 'Service Unavailable' });
    const reply = await submit(b, b.ids.alice, 'Dark mode');
    expect(reply.content).toBe('Thanks! Your feedback is **#1**; it will be posted in a moment (Discord did not take it yet).');
    expect(await item(b)).toMatchObject({ post_state: 'pending', title: 'Dark mode' });
    // The retry passes (every five minutes) post it once Discord answers again.
    for (let pass = 0; pass < 3 && (await item(b)).post_state === 'pending'; pass++) await service(b).catchUp(false);
    expect(await item(b)).toMatchObject({ post_state: 'posted', channel_kind: 'forum' });
    expect(forumPosts(b)).toHaveLength(1);
  });

  it('a channel Pulse has not cached and Discord does not describe: claimed, its kind learnt before it is posted', async () => {
    const b = (bot = await startWithFeedbackChannel('forum'));
    b.app.client.channels.cache.delete(FEEDBACK);
    failAll(b, 'GET', `/channels/${FEEDBACK}`, { status: 503, message: 'Service Unavailable' });
    const reply = await submit(b, b.ids.alice, 'Dark mode');
    expect(reply.content).toMatch(/^Thanks! Your feedback is \*\*#1\*\*/);
    await vi.waitFor(async () => expect(await item(b)).toMatchObject({ post_state: 'posted', channel_kind: 'forum' }));
    expect(forumPosts(b)).toHaveLength(1);
  });

  it('a channel Discord says is gone is the setting to fix', async () => {
    const b = (bot = await startWithFeedbackChannel('text'));
    b.app.client.channels.cache.delete(FEEDBACK);
    b.fake.failNext({ method: 'GET', path: `/channels/${FEEDBACK}` }, { status: 404, code: 10003, message: 'Unknown Channel' });
    // Said when /feedback submit is used, before the form (fix C: the form's text was lost after it).
    const opened = b.fake.slash({ channelId: b.ids.general, userId: b.ids.alice, name: 'feedback', subcommand: 'submit' });
    const reply = await opened.reply();
    expect(opened.modal).toBeUndefined();
    expect(reply.content).toBe('The feedback channel is gone or is not a text or forum channel: staff can choose another with `/settings set feedback_channel`.');
    expect(await items(b)).toEqual([]);
  });
});

describe('a feedback channel Pulse cannot post in', () => {
  it('refuses the submit with what to fix, and keeps nothing', async () => {
    const b = (bot = await startWithFeedbackChannel('forum'));
    // Someone took Create Posts (Send Messages) from Pulse in the forum after it was set up.
    b.fake.setBotPermissions(b.ids.guildId, ALL & ~PermissionFlagsBits.Administrator);
    b.fake.setChannelOverwrites(FEEDBACK, [{ id: b.fake.appId, type: OverwriteType.Member, allow: '0', deny: String(PermissionFlagsBits.SendMessages) }]);
    await vi.waitFor(() => {
      const forum = b.app.client.channels.cache.get(FEEDBACK) as ForumChannel;
      expect(forum.permissionsFor(b.fake.appId)?.has(PermissionFlagsBits.SendMessages)).toBe(false);
    });
    // Said when /feedback submit is used, before the form (fix C: the form's text was lost after it).
    const opened = b.fake.slash({ channelId: b.ids.general, userId: b.ids.alice, name: 'feedback', subcommand: 'submit' });
    const reply = await opened.reply();
    expect(opened.modal).toBeUndefined();
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toBe(`I can't post in <#${FEEDBACK}>: I need Send Messages there. Ask an admin, or pick another channel.`);
    expect(await items(b)).toEqual([]);
  });

  it('a refusal at post time fails the item at once, tells the member, and it is posted once staff save the channel again (or on start)', async () => {
    const b = (bot = await startWithFeedbackChannel('forum'));
    b.fake.failNext({ method: 'POST', path: `/channels/${FEEDBACK}/threads` }, { status: 403, code: 50013, message: 'Missing Permissions' });
    const reply = await submit(b, b.ids.alice, 'Dark mode');
    expect(reply.content).toBe(
      `Discord refused to post feedback **#1** in <#${FEEDBACK}>. It is saved: staff can see why with \`/feedback show\`, and it is posted once they fix the channel and save it again with \`/settings set feedback_channel\`.`,
    );
    // Why is kept to be read in the reader's language (Discord's answer is in the log).
    expect(await item(b)).toMatchObject({ post_state: 'failed', post_error: storeText(msg('feedback.unposted.refused', { code: '50013' })), post_attempts: 1 });
    // Later passes leave it: nothing changed.
    for (let i = 0; i < 3; i++) await service(b).catchUp(false);
    expect(await item(b)).toMatchObject({ post_state: 'failed', post_attempts: 1 });
    b.clock.advance(MIN);
    expect((await b.fake.slash({ channelId: b.ids.staffChannel, userId: b.ids.ownerId, name: 'settings', subcommand: 'set', options: { feedback_channel: FEEDBACK } }).reply()).content).toBe('Settings saved.');
    await service(b).catchUp(false);
    expect(await item(b)).toMatchObject({ post_state: 'posted', post_error: null });
    expect(forumPosts(b)).toHaveLength(1);

    // Refused again, then a restart: one more try.
    b.fake.failNext({ method: 'POST', path: `/channels/${FEEDBACK}/threads` }, { status: 403, code: 50013, message: 'Missing Permissions' });
    await submit(b, b.ids.bob, 'Calendar');
    expect(await item(b, 2)).toMatchObject({ post_state: 'failed' });
    await b.restart();
    expect(await item(b, 2)).toMatchObject({ post_state: 'posted' });
    expect(forumPosts(b)).toHaveLength(2);
  });

  it('a permission taken while an item waited fails it; given back in Discord, the next pass posts it, with no settings saved', async () => {
    const b = (bot = await startWithFeedbackChannel('forum'));
    // Discord does not take the post at first: the item waits for the next pass.
    b.fake.failNext({ method: 'POST', path: `/channels/${FEEDBACK}/threads` }, { status: 503, message: 'Service Unavailable' });
    await submit(b, b.ids.alice, 'Dark mode');
    expect(await item(b)).toMatchObject({ post_state: 'pending' });
    // Meanwhile someone takes Create Posts (Send Messages) from Pulse in the forum.
    b.fake.setBotPermissions(b.ids.guildId, ALL & ~PermissionFlagsBits.Administrator);
    b.fake.setChannelOverwrites(FEEDBACK, [{ id: b.fake.appId, type: OverwriteType.Member, allow: '0', deny: String(PermissionFlagsBits.SendMessages) }]);
    const canPost = (can: boolean) =>
      vi.waitFor(() => expect((b.app.client.channels.cache.get(FEEDBACK) as ForumChannel).permissionsFor(b.fake.appId)?.has(PermissionFlagsBits.SendMessages)).toBe(can));
    await canPost(false);
    await service(b).catchUp(false);
    expect(await item(b)).toMatchObject({ post_state: 'failed', post_error: storeText(msg('feedback.unposted.missing', { missing: [msg('perm.sendMessages')], code: '50013' })) });
    // Staff read why in their language, in /feedback list and /feedback show.
    const why = async (locale: string) => {
      const list = await b.fake.slash({ channelId: b.ids.staffChannel, userId: b.ids.moderator, name: 'feedback', subcommand: 'list', options: { sort: 'new' }, locale }).reply();
      const show = await b.fake.slash({ channelId: b.ids.staffChannel, userId: b.ids.moderator, name: 'feedback', subcommand: 'show', options: { item: 1 }, locale }).reply();
      return [list.embeds[0]?.description, show.embeds[0]?.fields?.at(-1)?.value];
    };
    expect(await why('es-ES')).toEqual([expect.stringContaining(' · no publicada: Pulse necesita Enviar mensajes en el canal de sugerencias (error 50013)'), 'No se pudo publicar: Pulse necesita Enviar mensajes en el canal de sugerencias (error 50013)']);
    expect(await why('ru')).toEqual([expect.stringContaining(' · не опубликован: Pulse нужны права «Отправлять сообщения» в канале отзывов (ошибка 50013)'), 'Не удалось опубликовать: Pulse нужны права «Отправлять сообщения» в канале отзывов (ошибка 50013)']);
    // Passes while it still lacks the permission leave it.
    await service(b).catchUp(false);
    expect(await item(b)).toMatchObject({ post_state: 'failed' });
    // An admin gives the permission back in Discord; nobody touches /settings.
    b.fake.setChannelOverwrites(FEEDBACK, []);
    await canPost(true);
    await service(b).catchUp(false);
    expect(await item(b)).toMatchObject({ post_state: 'posted', post_error: null });
    expect(forumPosts(b)).toHaveLength(1);
  });
});

describe("a moderator's archive and lock", () => {
  it('a vote edits the post of an archived, locked forum thread and leaves it archived and locked; an open status keeps the lock', async () => {
    const b = (bot = await startWithFeedbackChannel('forum'));
    await submit(b, b.ids.alice, 'Dark mode');
    const one = await item(b);
    b.fake.setThreadArchived(one.thread_id!, true, true);
    await vi.waitFor(() => expect((b.app.client.channels.cache.get(one.thread_id!) as { archived?: boolean } | undefined)?.archived).toBe(true));
    const post = b.fake.message(one.thread_id!, one.message_id!)!;
    expect((await b.fake.click({ userId: b.ids.bob, message: post, customId: 'v1:fb-vote:1:up' }).reply()).content).toMatch(/You upvoted/);
    await service(b).live.flush();
    expect(b.fake.message(one.thread_id!, one.message_id!)!.components?.[0]).toMatchObject({ components: [{ label: 'Upvote (1)' }, { label: 'Downvote (0)' }] });
    expect(thread(b, one.thread_id!).thread_metadata).toMatchObject({ archived: true, locked: true });

    // Staff move it along the pipeline: the line goes up, the thread stays as the moderator left it.
    b.clock.advance(MIN);
    await setStatus(b, 1, 'planned');
    expect(statusLines(b, one.thread_id!)).toHaveLength(1);
    expect(thread(b, one.thread_id!).name).toBe('[Planned] Dark mode · #1');
    expect(thread(b, one.thread_id!).thread_metadata).toMatchObject({ archived: true, locked: true });
    expect(b.errors).toEqual([]);
  });

  it('a lock on an open thread stays through a status change', async () => {
    const b = (bot = await startWithFeedbackChannel('text'));
    await submit(b, b.ids.alice, 'Dark mode');
    const one = await item(b);
    await b.app.client.rest.patch(`/channels/${one.thread_id!}`, { body: { locked: true } });
    b.clock.advance(MIN);
    await setStatus(b, 1, 'in_progress');
    expect(thread(b, one.thread_id!).thread_metadata).toMatchObject({ archived: false, locked: true });
  });
});

describe("the author's notice when Discord fails the DM", () => {
  it('is tried again at the next pass, never turned into a public mention', async () => {
    const b = (bot = await startWithFeedbackChannel('text'));
    await submit(b, b.ids.alice, 'Dark mode');
    const one = await item(b);
    const dm = await b.app.client.users.createDM(b.ids.alice, { cache: false });
    failAll(b, 'POST', `/channels/${dm.id}/messages`, { status: 500, message: 'Internal Server Error' });
    b.clock.advance(MIN);
    const reply = await setStatus(b, 1, 'planned');
    expect(reply.content).not.toContain('The author has been told');
    expect((await change(b)).notified).toBeNull();
    expect(b.fake.channelMessages(one.thread_id!).filter((m) => m.content.includes(`<@${b.ids.alice}>`))).toEqual([]);
    b.clock.advance(5 * MIN);
    await service(b).catchUp(false);
    expect((await change(b)).notified).toBe('dm');
    expect(b.fake.channelMessages(dm.id).map((m) => m.content)).toEqual([expect.stringMatching(/is now \*\*Planned\*\*/)]);
    expect(b.fake.channelMessages(one.thread_id!).filter((m) => m.content.includes(`<@${b.ids.alice}>`))).toEqual([]);
  });
});

describe('a crafted vote', () => {
  it("naming another member's unposted item counts nowhere and tells nothing", async () => {
    const b = (bot = await startWithFeedbackChannel('text'));
    await submit(b, b.ids.alice, 'Dark mode');
    failAll(b, 'POST', `/channels/${FEEDBACK}/messages`, { status: 500, message: 'Internal Server Error' });
    await submit(b, b.ids.bob, 'Calendar');
    expect((await item(b, 2)).post_state).toBe('pending');
    const post1 = b.fake.message(FEEDBACK, (await item(b, 1)).message_id!)!;
    const forged = await b.fake.click({ userId: b.ids.carol, message: post1, customId: 'v1:fb-vote:2:up', forged: true }).reply();
    expect(forged.content).toBe('There is no feedback item #2 in this server.');
    expect(await b.db.selectFrom('feedback_votes').selectAll().execute()).toEqual([]);
  });

  it('on a posted item, counts only from its own post (the message the click came on)', async () => {
    const b = (bot = await startWithFeedbackChannel('text'));
    await submit(b, b.ids.alice, 'Dark mode');
    await submit(b, b.ids.bob, 'Calendar');
    const [one, two] = [await item(b, 1), await item(b, 2)];
    const refused = await service(b).vote(b.ids.guildId, 2, b.ids.carol, 1, one.message_id!).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(FeedbackError);
    expect(render('en', (refused as FeedbackError).text)).toBe('There is no feedback item #2 in this server.');
    expect(render('en', await service(b).vote(b.ids.guildId, 2, b.ids.carol, 1, two.message_id!))).toMatch(/You upvoted/);
    expect(await b.db.selectFrom('feedback_votes').select(['item_id', 'user_id']).execute()).toEqual([{ item_id: 2, user_id: b.ids.carol }]);
  });

  it('naming another posted item, clicked on this one\'s post, counts nowhere', async () => {
    const b = (bot = await startWithFeedbackChannel('text'));
    await submit(b, b.ids.alice, 'Dark mode');
    await submit(b, b.ids.bob, 'Calendar');
    const post1 = b.fake.message(FEEDBACK, (await item(b, 1)).message_id!)!;
    const forged = await b.fake.click({ userId: b.ids.carol, message: post1, customId: 'v1:fb-vote:2:up', forged: true }).reply();
    expect(forged.content).toBe('There is no feedback item #2 in this server.');
    expect(await b.db.selectFrom('feedback_votes').selectAll().execute()).toEqual([]);
    const real = await b.fake.click({ userId: b.ids.carol, message: post1, customId: 'v1:fb-vote:1:up' }).reply();
    expect(real.content).toMatch(/You upvoted/);
  });
});
