// A member's private report from the message menu reaches the moderators on its own, and a member
// over the daily limit is refused before the report's form, not after typing it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FlagsFeature } from '../../src/flags/discord.js';
import { caseEvents, getCaseByMessage } from '../../src/flags/store.js';
import { updateSettings } from '../../src/settings/store.js';
import { TestBot } from '../support/bot.js';
import { field, until } from './helpers.js';

describe('reports from the message menu', () => {
  let bot: TestBot;

  beforeEach(async () => {
    bot = await TestBot.start();
    // The default flag_threshold (3) stays: a report must not wait for two more members.
    await updateSettings(bot.db, bot.ids.guildId, { modChannelId: bot.ids.modChannel, staffRoleId: bot.ids.staffRoleId }, bot.clock.now());
  });
  afterEach(async () => {
    const errors = bot.errors;
    await bot.close();
    expect(errors).toEqual([]);
  });

  const caseMessages = () => bot.fake.channelMessages(bot.ids.modChannel).filter((m) => m.author.id === bot.fake.appId);
  const service = () => (bot.app.features.find((f) => f.name === 'flags') as FlagsFeature).service;
  /** Waits until the member's flag on the message is recorded and its handling is over. */
  const recorded = async (messageId: string, userId: string) => {
    await until(async () => (await bot.db.selectFrom('flags').select('user_id').where('message_id', '=', messageId).where('user_id', '=', userId).executeTakeFirst()) !== undefined, 'the flag');
    await service().lock.idle();
  };
  const react = (messageId: string, userId: string) => bot.fake.react({ channelId: bot.ids.general, messageId, userId, emoji: '🚩' });
  const openMenu = (userId: string, message: ReturnType<TestBot['fake']['post']>) =>
    bot.fake.messageCommand({ channelId: bot.ids.general, userId, name: 'Flag for moderators', message });

  it("one member's report opens a case at once; one 🚩 still waits for the threshold", async () => {
    const { ids } = bot;
    const dm = bot.fake.post({ channelId: ids.general, userId: ids.alice, content: 'nobody will believe you' });
    const menu = openMenu(ids.bob, dm);
    await menu.reply();
    const thanks = await menu.submitModal({ reason: 'harassment', details: 'threatening me' }).reply();
    expect(thanks.ephemeral).toBe(true);
    expect(thanks.content).toBe('Thanks, the moderators will take a look. Only they can see who flagged.');

    const posted = await until(() => caseMessages()[0], 'the case message');
    expect(field(posted.embeds[0], 'Flaggers (1)')).toContain(`<@${ids.bob}> — harassment: threatening me`);
    expect(posted.content).toContain('Open');
    // Not a staff flag: the case does not say a staff member opened it.
    expect(field(posted.embeds[0], 'Opened')).not.toContain('by staff');
    const c = (await getCaseByMessage(bot.db, dm.id))!;
    expect(c.status).toBe('open');
    expect(c.openedBy).toBeNull();
    expect((await caseEvents(bot.db, c.id)).map((e) => e.kind)).toEqual(['opened']);

    const queue = await bot.fake.slash({ channelId: ids.modChannel, userId: ids.moderator, name: 'flags', subcommand: 'queue' }).reply();
    expect(queue.embeds[0]?.title).toBe('Review queue (1 open)');

    // A 🚩 reaction alone opens nothing: reactions need flag_threshold members.
    const other = bot.fake.post({ channelId: ids.general, userId: ids.alice, content: 'meh' });
    react(other.id, ids.carol);
    await recorded(other.id, ids.carol);
    expect(await getCaseByMessage(bot.db, other.id)).toBeUndefined();
    expect(caseMessages()).toHaveLength(1);
  });

  it('a blocked member\'s report opens nothing', async () => {
    const { ids } = bot;
    const msg = bot.fake.post({ channelId: ids.general, userId: ids.alice, content: 'hello' });
    await bot.fake.slash({ channelId: ids.modChannel, userId: ids.moderator, name: 'flags', subcommand: 'block', options: { member: ids.bob } }).reply();
    const refused = await openMenu(ids.bob, msg).reply();
    expect(refused.content).toContain('Staff have stopped your flags');
    expect(await getCaseByMessage(bot.db, msg.id)).toBeUndefined();
    expect(caseMessages()).toEqual([]);
  });

  it('over the daily limit, the menu refuses before the form; a message already reported this way still opens it', async () => {
    const { ids } = bot;
    await updateSettings(bot.db, ids.guildId, { flagDailyLimit: 2 }, bot.clock.now());
    const a = bot.fake.post({ channelId: ids.general, userId: ids.alice, content: 'a' });
    const b = bot.fake.post({ channelId: ids.general, userId: ids.alice, content: 'b' });
    const c = bot.fake.post({ channelId: ids.general, userId: ids.alice, content: 'c' });

    // Two flags in the day: a report on a, a 🚩 on b.
    const first = openMenu(ids.bob, a);
    await first.reply();
    await first.submitModal({ reason: 'spam', details: '' }).reply();
    react(b.id, ids.bob);
    await recorded(b.id, ids.bob);

    // A new message: refused at once, no form to type into.
    const refusedNew = openMenu(ids.bob, c);
    const refusal = await refusedNew.reply();
    expect(refusal.ephemeral).toBe(true);
    expect(refusal.content).toBe("You've reached the limit of 2 flags in 24 hours. Try again later, or contact a moderator directly.");
    expect(refusedNew.modal).toBeUndefined();
    // b has a 🚩 from bob, but a report on it would be a new flag: refused too.
    const refusedB = openMenu(ids.bob, b);
    expect((await refusedB.reply()).content).toContain('limit of 2 flags');
    expect(refusedB.modal).toBeUndefined();

    // a was already reported from the menu: the form opens (a new reason is no new flag).
    const again = openMenu(ids.bob, a);
    await again.reply();
    expect(again.modal).toBeDefined();
    expect((await again.submitModal({ reason: 'harassment', details: '' }).reply()).content).toContain('your reason is updated');

    // Nothing of c was recorded; another member is not limited by bob's count.
    expect(await bot.db.selectFrom('flags').select('user_id').where('message_id', '=', c.id).execute()).toEqual([]);
    const carol = openMenu(ids.carol, c);
    await carol.reply();
    expect(carol.modal).toBeDefined();
  });
});
