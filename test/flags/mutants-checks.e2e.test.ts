// Checks no other test pinned down, through the fake Discord: who may act on a case, what may be
// flagged, and custom_ids that name another server's case or message.
import type { APIMessage } from 'discord-api-types/v10';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blockFlagger, getCaseByMessage, openCase } from '../../src/flags/store.js';
import { updateSettings } from '../../src/settings/store.js';
import { TestBot } from '../support/bot.js';
import { button, until } from './helpers.js';


describe('flag checks', () => {
  let bot: TestBot;

  beforeEach(async () => {
    bot = await TestBot.start();
    await updateSettings(bot.db, bot.ids.guildId, { modChannelId: bot.ids.modChannel, staffRoleId: bot.ids.staffRoleId, flagThreshold: 1 }, bot.clock.now());
  });
  afterEach(async () => {
    const errors = bot.errors;
    await bot.close();
    expect(errors).toEqual([]);
  });

  const caseMessage = () => bot.fake.channelMessages(bot.ids.modChannel).find((m) => m.author.id === bot.fake.appId);
  const flagRows = (messageId: string) => bot.db.selectFrom('flags').selectAll().where('message_id', '=', messageId).execute();

  /** A case opened by one reaction (threshold 1) on a message by alice; its case message. */
  async function openedCase(): Promise<{ msg: APIMessage; posted: APIMessage }> {
    const msg = bot.fake.post({ channelId: bot.ids.general, userId: bot.ids.alice, content: 'rude words' });
    bot.fake.react({ channelId: bot.ids.general, messageId: msg.id, userId: bot.ids.bob, emoji: '🚩' });
    const posted = await until(() => caseMessage(), 'the case message');
    return { msg, posted };
  }

  it('a member who submits the warning form by hand is refused: nothing reaches the author, the case stays open', async () => {
    const { ids } = bot;
    const { msg, posted } = await openedCase();
    const c = (await getCaseByMessage(bot.db, msg.id))!;
    const reply = await bot.fake.submitModal({ userId: ids.dave, channelId: ids.modChannel, customId: `v1:flag-warn:${c.id}`, fields: { warning: 'You are warned.' }, message: posted }).reply();
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toContain('Only staff');
    expect(bot.fake.requestsMatching('POST', '/users/@me/channels')).toHaveLength(0);
    expect(bot.fake.channelMessages(ids.general).filter((m) => m.author.id === bot.fake.appId)).toEqual([]);
    expect((await getCaseByMessage(bot.db, msg.id))!.status).toBe('open');
  });

  it('Warn author on a case already resolved is refused at once, with who resolved it: no form opens', async () => {
    const { ids } = bot;
    const { msg, posted } = await openedCase();
    expect((await bot.fake.click({ userId: ids.moderator, message: posted, customId: button(posted, 'Resolve') }).reply()).content).toContain('resolved without action');
    // The old message's Warn button, pressed after the resolve (a stale client still shows it enabled).
    const late = bot.fake.click({ userId: ids.ownerId, message: posted, customId: button(posted, 'Warn author'), forged: true });
    const reply = await late.reply();
    expect(late.modal).toBeUndefined();
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toContain('already resolved by');
    expect((await getCaseByMessage(bot.db, msg.id))!.outcome).toBe('resolved');
  });

  it("a staff member of another server cannot act on this server's case by naming it in a custom_id", async () => {
    const { ids, fake } = bot;
    const { msg } = await openedCase();
    const c = (await getCaseByMessage(bot.db, msg.id))!;
    // The moderator owns a second server where Pulse is too: staff there, by ownership.
    const other = fake.addGuild({ name: 'Elsewhere', ownerId: ids.moderator });
    const chat = fake.addChannel(other.id, { name: 'chat' });
    fake.addMember(other.id, { id: ids.moderator, username: 'moderator' });
    await until(() => bot.app.client.channels.cache.has(chat.id), 'the other server');
    const there = fake.post({ channelId: chat.id, userId: ids.moderator, content: 'hello' });
    const reply = await fake.click({ userId: ids.moderator, message: there, customId: `v1:flag-case:${c.id}:delete`, forged: true }).reply();
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toContain('no longer exists');
    expect(fake.requestsMatching('DELETE', `/channels/${ids.general}/messages/${msg.id}`)).toHaveLength(0);
    expect((await getCaseByMessage(bot.db, msg.id))!.status).toBe('open');
  });

  it('Warn author on a case whose author is unknown is refused at once: no form opens', async () => {
    const { ids, fake } = bot;
    const msg = fake.post({ channelId: ids.general, userId: ids.alice, content: 'hello' });
    // A case opened when Discord did not say who wrote the message.
    const c = (await openCase(bot.db, { guildId: ids.guildId, channelId: ids.general, messageId: msg.id, authorId: null, excerpt: 'hello', openedBy: null }, bot.clock.now()))!;
    const click = fake.click({ userId: ids.moderator, message: msg, customId: `v1:flag-case:${c.id}:warn`, forged: true });
    const reply = await click.reply();
    expect(click.modal).toBeUndefined();
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toBe('The author of this message is unknown, so I cannot warn them.');
    expect(fake.requestsMatching('POST', '/users/@me/channels')).toHaveLength(0);
  });

  it('/flags queue, stats and block are staff only', async () => {
    const { ids } = bot;
    await openedCase();
    for (const subcommand of ['queue', 'stats'] as const) {
      const reply = await bot.fake.slash({ channelId: ids.general, userId: ids.dave, name: 'flags', subcommand }).reply();
      expect(reply.ephemeral).toBe(true);
      expect(reply.content).toContain('Only staff');
      expect(reply.embeds ?? []).toEqual([]);
    }
    const block = await bot.fake.slash({ channelId: ids.general, userId: ids.dave, name: 'flags', subcommand: 'block', options: { member: ids.bob } }).reply();
    expect(block.content).toContain('Only staff');
    expect(await bot.db.selectFrom('flag_blocks').selectAll().execute()).toEqual([]);
  });

  it("a moderator's /flags block and /flags queue answers are private; no bot can be blocked", async () => {
    const { ids } = bot;
    await openedCase();
    const block = await bot.fake.slash({ channelId: ids.modChannel, userId: ids.moderator, name: 'flags', subcommand: 'block', options: { member: ids.dave } }).reply();
    expect(block.content).toContain(`<@${ids.dave}>`);
    expect(block.ephemeral).toBe(true);
    const queue = await bot.fake.slash({ channelId: ids.modChannel, userId: ids.moderator, name: 'flags', subcommand: 'queue' }).reply();
    expect(queue.embeds[0]?.title).toBe('Review queue (1 open)');
    expect(queue.ephemeral).toBe(true);
    // Another bot (not Pulse) cannot be blocked either: bots' flags never count anyway.
    const bot2 = await bot.fake.slash({ channelId: ids.modChannel, userId: ids.moderator, name: 'flags', subcommand: 'block', options: { member: ids.otherBot } }).reply();
    expect(bot2.content).toContain('Bots never count');
    expect((await bot.db.selectFrom('flag_blocks').select('user_id').execute()).map((r) => r.user_id)).toEqual([ids.dave]);
  });

  it('a blocked member is refused at the context menu, before the form', async () => {
    const { ids } = bot;
    await blockFlagger(bot.db, ids.guildId, ids.dave, ids.moderator, bot.clock.now());
    const msg = bot.fake.post({ channelId: ids.general, userId: ids.alice, content: 'hello' });
    const menu = bot.fake.messageCommand({ channelId: ids.general, userId: ids.dave, name: 'Flag for moderators', message: msg });
    const reply = await menu.reply();
    expect(menu.modal).toBeUndefined();
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toContain('Staff have stopped your flags from counting');
  });

  it("Pulse's own messages are never flagged: not by reaction, the context menu or a submit by hand", async () => {
    const { ids, fake } = bot;
    const own = fake.post({ channelId: ids.general, userId: fake.appId, content: 'Pulse says hi' });
    // Reactions (threshold 1): no flag kept, no case.
    fake.react({ channelId: ids.general, messageId: own.id, userId: ids.bob, emoji: '🚩' });
    fake.react({ channelId: ids.general, messageId: own.id, userId: ids.carol, emoji: '🚩' });
    const control = fake.post({ channelId: ids.general, userId: ids.alice, content: 'control' });
    fake.react({ channelId: ids.general, messageId: control.id, userId: ids.bob, emoji: '🚩' });
    await until(() => getCaseByMessage(bot.db, control.id), 'the control case');
    expect(await getCaseByMessage(bot.db, own.id)).toBeUndefined();
    expect(await flagRows(own.id)).toEqual([]);

    const menu = fake.messageCommand({ channelId: ids.general, userId: ids.bob, name: 'Flag for moderators', message: own });
    const refused = await menu.reply();
    expect(menu.modal).toBeUndefined();
    expect(refused.content).toContain('That is a Pulse message');

    const byHand = await fake.submitModal({ userId: ids.moderator, channelId: ids.general, customId: `v1:flag-report:${ids.general}:${own.id}`, fields: { reason: 'spam', details: 'by hand' } }).reply();
    expect(byHand.content).toBe(refused.content);
    expect(await flagRows(own.id)).toEqual([]);
    expect(await getCaseByMessage(bot.db, own.id)).toBeUndefined();
  });

  it('a member whose flag opens the case hears only the thanks, privately: no case number, no moderation channel', async () => {
    const { ids, fake } = bot;
    await updateSettings(bot.db, ids.guildId, { flagThreshold: 2 }, bot.clock.now());
    const msg = fake.post({ channelId: ids.general, userId: ids.alice, content: 'rude words' });
    const flagIt = async (userId: string) => {
      const menu = fake.messageCommand({ channelId: ids.general, userId, name: 'Flag for moderators', message: msg });
      await menu.reply();
      return menu.submitModal({ reason: 'harassment', details: 'rude' }).reply();
    };
    const first = await flagIt(ids.bob);
    const opening = await flagIt(ids.dave);
    for (const reply of [first, opening]) {
      expect(reply.ephemeral).toBe(true);
      expect(reply.content).toBe('Thanks, the moderators will take a look. Only they can see who flagged.');
    }
    expect(await getCaseByMessage(bot.db, msg.id)).toBeDefined();
    // Flagging again: the member is told their reason is updated, nothing more.
    expect((await flagIt(ids.dave)).content).toBe('You had already flagged this message; your reason is updated.');
  });

  it("a reporter in both servers cannot flag the other server's message from this one", async () => {
    const { ids, fake } = bot;
    const other = fake.addGuild({ name: 'Elsewhere', ownerId: ids.carol });
    const chat = fake.addChannel(other.id, { name: 'chat' });
    for (const [id, username] of [[ids.alice, 'alice'], [ids.bob, 'bob'], [ids.carol, 'carol']] as const) fake.addMember(other.id, { id, username });
    await until(() => bot.app.client.channels.cache.has(chat.id), 'the other server');
    const theirs = fake.post({ channelId: chat.id, userId: ids.alice, content: 'elsewhere' });
    // Submitted in this server (general), naming the other server's channel and message.
    const reply = await fake.submitModal({ userId: ids.bob, channelId: ids.general, customId: `v1:flag-report:${chat.id}:${theirs.id}`, fields: { reason: 'spam', details: 'by hand' } }).reply();
    expect(reply.content).toContain('could not find that message');
    expect(await flagRows(theirs.id)).toEqual([]);
  });
});
