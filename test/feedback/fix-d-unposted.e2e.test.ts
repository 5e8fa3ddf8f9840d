// Staff deciding an item Discord has not taken (refused, or still pending): the change is
// recorded and the author told; a closed item is never posted, on start or after the settings
// are saved again; reopened, it is posted at once (end to end).
import { afterEach, describe, expect, it } from 'vitest';
import { claimItem } from '../../src/feedback/store.js';
import { msg, storeText } from '../../src/i18n/index.js';
import type { TestBot } from '../support/bot.js';
import { FEEDBACK, feedbackService, startWithFeedbackChannel } from './setup.js';

let bot: TestBot | undefined;
afterEach(async () => {
  const errors = bot?.errors ?? [];
  await bot?.close();
  bot = undefined;
  expect(errors).toEqual([]);
});

const MIN = 60_000;
const REFUSED = 'Missing Permissions (50013)';

const status = (b: TestBot, options: Record<string, string | number>) => b.fake.slash({ channelId: b.ids.staffChannel, userId: b.ids.moderator, name: 'feedback', subcommand: 'status', options }).reply();
const row = (b: TestBot, id: number) => b.db.selectFrom('feedback_items').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
/** The bot's messages in the text feedback channel: one per posted item. */
const posts = (b: TestBot) => b.fake.channelMessages(FEEDBACK).filter((m) => m.author.id === b.fake.appId);
const dms = (b: TestBot, userId: string) => b.fake.channelMessages(b.fake.dmChannelId(userId) ?? '').map((m) => m.content);

/** Item #1 as Pulse leaves an item after Discord refused its post for good. */
async function refusedItem(b: TestBot): Promise<void> {
  await b.db
    .insertInto('feedback_items')
    .values({ guild_id: b.ids.guildId, channel_id: FEEDBACK, channel_kind: 'text', thread_id: null, message_id: null, post_state: 'failed', post_error: REFUSED, post_attempts: 5, author_id: b.ids.alice, captured_by: null, source_channel_id: null, source_message_id: null, title: 'Buy my coins', details: 'Spam.', category: 'Idea', status: 'open', duplicate_of: null, created_at: b.clock.now(), opened_at: null, gone: null, gone_at: null })
    .execute();
}

describe('a status change of an item that is not on Discord', () => {
  it('a refused item declined as spam is recorded, its author told, and it is never posted on start or after the settings are saved', async () => {
    const b = (bot = await startWithFeedbackChannel('text'));
    await refusedItem(b);
    b.clock.advance(MIN);
    const reply = await status(b, { item: 1, status: 'declined', reason: 'spam' });
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toBe('Item #1 is now **Declined**. The author has been told. It was never posted in the feedback channel, and now it will not be.');
    expect(await b.db.selectFrom('feedback_status_changes').select(['from_status', 'to_status', 'reason', 'by_user', 'notified']).where('item_id', '=', 1).execute()).toEqual([
      { from_status: 'open', to_status: 'declined', reason: 'spam', by_user: b.ids.moderator, notified: 'dm' },
    ]);
    expect(dms(b, b.ids.alice)).toEqual([expect.stringMatching(/is now \*\*Declined\*\*/)]);
    // It keeps Discord's reason (staff see why it never went up).
    expect(await row(b, 1)).toMatchObject({ status: 'declined', post_state: 'failed', post_error: REFUSED });

    // Staff save the feedback channel again (a fix), the next pass runs, the bot restarts: still not posted.
    const saved = await b.fake.slash({ channelId: b.ids.staffChannel, userId: b.ids.ownerId, name: 'settings', subcommand: 'set', options: { feedback_channel: FEEDBACK } }).reply();
    expect(saved.content?.split('\n')[0]).toBe('Settings saved.');
    await feedbackService(b).catchUp(false);
    await b.restart();
    expect(await row(b, 1)).toMatchObject({ status: 'declined', post_state: 'failed', post_error: REFUSED, thread_id: null });
    expect(posts(b)).toEqual([]);

    // Staff change their mind: reopened, it is posted now (the channel takes posts again).
    b.clock.advance(MIN);
    expect((await status(b, { item: 1, status: 'open' })).content).toBe('Item #1 is now **Open**. The author has been told. It is not posted yet: Pulse posts it as soon as Discord takes it.');
    expect(await row(b, 1)).toMatchObject({ status: 'open', post_state: 'posted', post_error: null });
    expect(posts(b)).toHaveLength(1);
  });

  it('a pending item closed is marked never to be posted; reopened, it is posted at once with its status', async () => {
    const b = (bot = await startWithFeedbackChannel('text'));
    // Claimed while Discord did not answer: pending, not being posted right now.
    const { item } = await claimItem(b.db, { guildId: b.ids.guildId, channelId: FEEDBACK, channelKind: 'text', authorId: b.ids.alice, title: 'Calendar', details: 'Please', category: 'Idea' }, b.clock.now());
    b.clock.advance(MIN);
    expect((await status(b, { item: item.id, status: 'duplicate', duplicate_of: item.id })).content).toBe('An item cannot be a duplicate of itself.');
    expect((await status(b, { item: item.id, status: 'done' })).content).toBe(`Item #${item.id} is now **Done**. The author has been told. It was never posted in the feedback channel, and now it will not be.`);
    expect(await row(b, item.id)).toMatchObject({ status: 'done', post_state: 'failed', post_error: storeText(msg('feedback.unposted.closed')) });
    // Staff read why in /feedback show and list, in their language.
    const shown = async (locale?: string) => {
      const reply = await b.fake.slash({ channelId: b.ids.staffChannel, userId: b.ids.moderator, name: 'feedback', subcommand: 'show', options: { item: item.id }, locale }).reply();
      return reply.embeds[0]?.fields?.at(-1)?.value;
    };
    const listed = async (locale: string) => (await b.fake.slash({ channelId: b.ids.staffChannel, userId: b.ids.moderator, name: 'feedback', subcommand: 'list', options: { status: 'done' }, locale }).reply()).embeds[0]?.description;
    expect(await shown()).toBe('Could not be posted: closed by staff before it was posted: Pulse will not post it unless it is reopened');
    expect(await shown('es-ES')).toBe('No se pudo publicar: el equipo la cerró antes de que se publicara: Pulse no la publicará salvo que se reabra');
    expect(await shown('ru')).toBe('Не удалось опубликовать: закрыт командой до публикации: Pulse не опубликует его, пока его не откроют снова');
    expect(await listed('es-ES')).toContain(' · no publicada: el equipo la cerró antes de que se publicara: Pulse no la publicará salvo que se reabra');
    expect(await listed('ru')).toContain(' · не опубликован: закрыт командой до публикации: Pulse не опубликует его, пока его не откроют снова');
    await b.restart();
    expect(posts(b)).toEqual([]);

    // Reopened: posted now, showing its status.
    b.clock.advance(MIN);
    expect((await status(b, { item: item.id, status: 'planned' })).content).toBe(`Item #${item.id} is now **Planned**. The author has been told. It is not posted yet: Pulse posts it as soon as Discord takes it.`);
    const posted = await row(b, item.id);
    expect(posted).toMatchObject({ status: 'planned', post_state: 'posted', post_error: null });
    expect(posts(b)).toHaveLength(1);
    expect(posts(b)[0]?.embeds[0]?.fields?.find((f) => f.name === 'Status')?.value).toBe('Planned');
    expect(b.fake.channel(posted.thread_id!)).toMatchObject({ name: `[Planned] Calendar · #${item.id}` });
    expect(dms(b, b.ids.alice)).toEqual([expect.stringMatching(/is now \*\*Done\*\*/), expect.stringMatching(/is now \*\*Planned\*\*/)]);
  });

  it('is refused only while Pulse is posting the item at that moment', async () => {
    const b = (bot = await startWithFeedbackChannel('text'));
    const s = feedbackService(b);
    // Discord holds the post for a second (rate limit): the item is being posted.
    const held = b.fake.rateLimitNext({ method: 'POST', path: `/channels/${FEEDBACK}/messages` }, { retryAfter: 1 });
    const submitted = s.submit({ guildId: b.ids.guildId, authorId: b.ids.alice, title: 'Calendar', details: 'Please', category: 'Idea', byStaff: false });
    await b.fake.waitFor(() => held.served);
    await expect(s.setStatus({ guildId: b.ids.guildId, itemId: 1, to: 'declined', by: b.ids.moderator, reason: null, duplicateOf: null })).rejects.toThrow('Item #1 is not posted yet; try again in a minute.');
    await submitted;
    expect(await row(b, 1)).toMatchObject({ status: 'open', post_state: 'posted' });
    expect(await b.db.selectFrom('feedback_status_changes').selectAll().execute()).toEqual([]);
  });
});
