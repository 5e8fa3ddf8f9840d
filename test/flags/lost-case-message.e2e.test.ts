// An open case whose message is lost (staff deleted it, or the moderation channel is another one
// now) is posted again in the moderation channel, so staff can still act on it; /flags queue links
// to the flagged message until that post lands.
import type { APIMessage } from 'discord-api-types/v10';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { caseEvents, getCaseByMessage, type FlagCase } from '../../src/flags/store.js';
import { updateSettings } from '../../src/settings/store.js';
import { TestBot } from '../support/bot.js';
import { button, field, until } from './helpers.js';


describe('a lost case message', () => {
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

  const own = (channelId: string) => bot.fake.channelMessages(channelId).filter((m) => m.author.id === bot.fake.appId);
  const caseOf = async (messageId: string) => (await getCaseByMessage(bot.db, messageId))!;
  const react = (messageId: string, userId: string) => bot.fake.react({ channelId: bot.ids.general, messageId, userId, emoji: '🚩' });
  const queue = async () => (await bot.fake.slash({ channelId: bot.ids.modChannel, userId: bot.ids.moderator, name: 'flags', subcommand: 'queue' }).reply()).embeds[0]?.description ?? '';

  /** A message by alice, flagged by bob, its case posted in the moderation channel. */
  async function postedCase(): Promise<{ message: APIMessage; c: FlagCase; posted: APIMessage }> {
    const message = bot.fake.post({ channelId: bot.ids.general, userId: bot.ids.alice, content: 'buy followers' });
    react(message.id, bot.ids.bob);
    const c = await until(async () => {
      const found = await getCaseByMessage(bot.db, message.id);
      return found?.reviewMessageId ? found : undefined;
    }, 'the case message');
    return { message, c, posted: own(bot.ids.modChannel)[0]! };
  }

  it('deleted, then the moderation channel replaced: the next flag and the restart leave the case in the new channel, which the queue links to', async () => {
    const { ids, fake } = bot;
    const { message, c, posted } = await postedCase();
    fake.deleteMessage(ids.modChannel, posted.id);
    const newMod = fake.addChannel(ids.guildId, { name: 'new-mod' });
    const set = await fake.slash({ guildId: ids.guildId, channelId: ids.staffChannel, userId: ids.ownerId, name: 'settings', subcommand: 'set', options: { mod_channel: newMod.id } }).reply();
    expect(set.content).toBe('Settings saved.');
    react(message.id, ids.carol);
    await bot.restart();

    const moved = await until(() => own(newMod.id)[0], 'the case in the new moderation channel');
    expect(own(newMod.id)).toHaveLength(1);
    expect(field(moved.embeds[0], 'Flaggers (2)')).toContain(`<@${ids.carol}>`);
    expect(own(ids.modChannel)).toEqual([]);
    const now = await caseOf(message.id);
    expect([now.reviewChannelId, now.reviewMessageId]).toEqual([newMod.id, moved.id]);
    expect((await caseEvents(bot.db, c.id)).filter((e) => e.kind === 'message_lost').map((e) => e.detail)).toEqual(['moved']);

    const listed = await queue();
    expect(listed).toContain(`/${newMod.id}/${moved.id})`);
    expect(listed).not.toContain(posted.id);

    // Staff act on it from the new message.
    const claim = await fake.click({ userId: ids.moderator, message: moved, customId: button(moved, 'Claim') }).reply();
    expect(claim.content).toContain('You claimed case');
    expect(fake.message(newMod.id, moved.id)!.content).toContain(`Claimed by <@${ids.moderator}>`);
  });

  it('deleted: the next flag posts the case again in the moderation channel; until that lands, the queue links to the flagged message', async () => {
    const { ids, fake } = bot;
    const { message, c, posted } = await postedCase();
    fake.deleteMessage(ids.modChannel, posted.id);
    // The edit finds the message gone; the new post is refused this once.
    const refused = fake.failNext({ method: 'POST', path: `/channels/${ids.modChannel}/messages` }, { status: 403, code: 50001, message: 'Missing Access' });
    react(message.id, ids.carol);
    await until(() => refused.served, 'the refused post');
    await until(async () => (await caseOf(message.id)).postRetryAt !== null, 'the retry scheduled');
    const lost = await caseOf(message.id);
    expect([lost.reviewChannelId, lost.reviewMessageId]).toEqual([null, null]);
    const listed = await queue();
    expect(listed).toContain(`(https://discord.com/channels/${ids.guildId}/${ids.general}/${message.id})`);
    expect(listed).not.toContain(posted.id);

    // The next change posts it (as would the retry, or the next start).
    react(message.id, ids.dave);
    const again = await until(() => own(ids.modChannel)[0], 'the case posted again');
    expect(own(ids.modChannel)).toHaveLength(1);
    expect(again.id).not.toBe(posted.id);
    expect(field(again.embeds[0], 'Flaggers (3)')).toContain(`<@${ids.dave}>`);
    // A nonce of its own: Discord must not hand back the deleted message.
    const posts = fake.requestsMatching('POST', `/channels/${ids.modChannel}/messages`).map((r) => (r.body as { nonce?: string }).nonce);
    expect(posts).toHaveLength(3);
    expect(posts[1]).toBe(posts[2]);
    expect(posts[1]).not.toBe(posts[0]);
    await until(async () => (await caseOf(message.id)).reviewMessageId === again.id, 'the new message saved on the case');
    expect((await caseEvents(bot.db, c.id)).filter((e) => e.kind === 'message_lost').map((e) => e.detail)).toEqual(['deleted']);
  });

  it('the moderation channel replaced while Pulse was down: start-up moves the open case, not a closed one', async () => {
    const { ids, fake } = bot;
    const open = await postedCase();
    const other = fake.post({ channelId: ids.general, userId: ids.alice, content: 'another one' });
    react(other.id, ids.bob);
    const closedCase = await until(async () => {
      const found = await getCaseByMessage(bot.db, other.id);
      return found?.reviewMessageId ? found : undefined;
    }, 'the second case message');
    const second = fake.message(ids.modChannel, closedCase.reviewMessageId!)!;
    const dismissed = await fake.click({ userId: ids.moderator, message: second, customId: button(second, 'Dismiss') }).reply();
    expect(dismissed.ephemeral).toBe(true);

    // Set while nothing changes on the case: only the start notices.
    const newMod = fake.addChannel(ids.guildId, { name: 'new-mod' });
    await updateSettings(bot.db, ids.guildId, { modChannelId: newMod.id }, bot.clock.now());
    await bot.restart();

    const moved = await until(() => own(newMod.id)[0], 'the open case in the new channel');
    expect(own(newMod.id)).toHaveLength(1);
    expect((await caseOf(open.message.id)).reviewMessageId).toBe(moved.id);
    // The closed case stays where it was; the old message of the open one is left as it is.
    expect((await caseOf(other.id)).reviewChannelId).toBe(ids.modChannel);
    expect(own(ids.modChannel).map((m) => m.id).sort()).toEqual([open.posted.id, closedCase.reviewMessageId].sort());
  });
});
