// Flags on a case after it closed: enough new ones, a staff member's or a member's report open it
// again (the case is posted again at the foot of the moderation channel, saying so); a close that deleted the message stays closed; and members who
// flagged only after a dismissal are not counted as dismissed.
import type { APIActionRowComponent, APIButtonComponent, APIMessage } from 'discord-api-types/v10';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FlagsFeature } from '../../src/flags/discord.js';
import { caseEvents, getCaseByMessage } from '../../src/flags/store.js';
import { updateSettings } from '../../src/settings/store.js';
import { TestBot } from '../support/bot.js';
import { button, field, until } from './helpers.js';

const MIN = 60_000;

function buttons(message: APIMessage): APIButtonComponent[] {
  return (message.components ?? []).flatMap((row) => (row as APIActionRowComponent<APIButtonComponent>).components);
}

describe('flags on a closed case', () => {
  let bot: TestBot;
  const erin = '900000000000000291';

  beforeEach(async () => {
    bot = await TestBot.start();
    bot.fake.addMember(bot.ids.guildId, { id: erin, username: 'erin' });
    await updateSettings(bot.db, bot.ids.guildId, { modChannelId: bot.ids.modChannel, staffRoleId: bot.ids.staffRoleId, flagThreshold: 2 }, bot.clock.now());
  });
  afterEach(async () => {
    const errors = bot.errors;
    await bot.close();
    expect(errors).toEqual([]);
  });

  const service = () => (bot.app.features.find((f) => f.name === 'flags') as FlagsFeature).service;
  const caseMessages = () => bot.fake.channelMessages(bot.ids.modChannel).filter((m) => m.author.id === bot.fake.appId);
  /** The case messages about this flagged message, oldest first. */
  const caseMessagesOf = (messageId: string) => caseMessages().filter((m) => (m.embeds[0]?.description ?? '').includes(messageId));
  /** The case message about this flagged message: the newest (a reopened case is posted again). */
  const caseMessageOf = (messageId: string) => caseMessagesOf(messageId).at(-1);
  const react = (messageId: string, userId: string) => bot.fake.react({ channelId: bot.ids.general, messageId, userId, emoji: '🚩' });
  const unreact = (messageId: string, userId: string) => bot.fake.unreact({ channelId: bot.ids.general, messageId, userId, emoji: '🚩' });
  const click = (messageId: string, userId: string, label: string) => {
    const message = caseMessageOf(messageId)!;
    return bot.fake.click({ userId, message, customId: button(message, label) });
  };
  const report = async (userId: string, message: ReturnType<TestBot['fake']['post']>, reason = 'spam') => {
    const menu = bot.fake.messageCommand({ channelId: bot.ids.general, userId, name: 'Flag for moderators', message });
    await menu.reply();
    return menu.submitModal({ reason, details: '' }).reply();
  };
  /** Waits until the member's flag on the message is recorded (and revived) and its handling is over. */
  const recorded = async (messageId: string, userId: string) => {
    await until(
      async () =>
        (await bot.db.selectFrom('flags').select('user_id').where('message_id', '=', messageId).where('user_id', '=', userId).where('withdrawn_at', 'is', null).executeTakeFirst()) !==
        undefined,
      'the flag',
    );
    await service().lock.idle();
  };
  const stats = async () => (await bot.fake.slash({ channelId: bot.ids.modChannel, userId: bot.ids.moderator, name: 'flags', subcommand: 'stats' }).reply()).embeds[0];
  const queueTitle = async () => {
    const reply = await bot.fake.slash({ channelId: bot.ids.modChannel, userId: bot.ids.moderator, name: 'flags', subcommand: 'queue' }).reply();
    return reply.embeds[0]?.title ?? reply.content;
  };

  /** Two 🚩 open a case on a new message of alice's; the moderator dismisses it; a minute passes. */
  async function dismissedCase(content: string) {
    const { ids } = bot;
    const msg = bot.fake.post({ channelId: ids.general, userId: ids.alice, content });
    react(msg.id, ids.bob);
    react(msg.id, ids.carol);
    await until(() => caseMessageOf(msg.id), 'the case message');
    expect((await click(msg.id, ids.moderator, 'Dismiss').reply()).content).toContain('dismissed');
    expect(caseMessageOf(msg.id)!.content).toContain('dismissed');
    bot.clock.advance(MIN);
    return msg;
  }

  it('flag_threshold members new to a dismissed case open it again; old flaggers coming back do not', async () => {
    const { ids } = bot;
    const msg = await dismissedCase('buy followers');
    const caseId = (await getCaseByMessage(bot.db, msg.id))!.id;

    // One new flagger (dave), and bob coming back after withdrawing: not enough.
    react(msg.id, ids.dave);
    await recorded(msg.id, ids.dave);
    unreact(msg.id, ids.bob);
    react(msg.id, ids.bob);
    await recorded(msg.id, ids.bob);
    expect((await getCaseByMessage(bot.db, msg.id))!.status).toBe('closed');
    expect(await queueTitle()).toBe('No open cases. 🎉');

    // A second member new to the case: flag_threshold (2) new flaggers, the case is open again.
    react(msg.id, erin);
    const reopened = await until(() => (caseMessageOf(msg.id)?.content.includes('Open') ? caseMessageOf(msg.id) : undefined), 'the reopened case message');
    // Posted anew at the foot of the channel, where staff look; the old message still shows the dismissal.
    const [old] = caseMessagesOf(msg.id);
    expect(caseMessages()).toHaveLength(2);
    expect(caseMessages().at(-1)!.id).toBe(reopened.id);
    expect(old!.id).not.toBe(reopened.id);
    expect(old!.content).toContain('dismissed');
    expect(buttons(old!).every((b) => b.disabled)).toBe(true);
    expect(buttons(reopened).every((b) => !b.disabled)).toBe(true);
    await until(async () => (await getCaseByMessage(bot.db, msg.id))!.reviewMessageId === reopened.id, 'the new message saved as the case message');
    expect(field(reopened.embeds[0], 'Note')).toMatch(/^Reopened <t:\d+:R>: 2 members new to the case flagged the message after it was closed \(dismissed\)\.$/);
    expect(field(reopened.embeds[0], 'Flaggers (4)')).toContain(`<@${erin}>`);
    const c = (await getCaseByMessage(bot.db, msg.id))!;
    expect(c).toMatchObject({ status: 'open', outcome: null, closedBy: null, closedAt: null });
    const events = await caseEvents(bot.db, caseId);
    expect(events.map((e) => e.kind)).toEqual(['opened', 'dismissed', 'flag_joined', 'flag_withdrawn', 'flag_joined', 'flag_joined', 'reopened', 'message_lost']);
    expect(events.at(-2)).toMatchObject({ actorId: null, detail: '2 new flaggers' });
    expect(events.at(-1)).toMatchObject({ detail: 'reopened' });
    expect(await queueTitle()).toBe('Review queue (1 open)');

    // Open again, it is no resolved review until it closes again.
    expect(field(await stats(), 'Reviews resolved')).toBe('0');
    bot.clock.advance(MIN);
    expect((await click(msg.id, ids.moderator, 'Resolve').reply()).content).toContain('resolved without action');
    const closed = caseMessageOf(msg.id)!;
    expect(closed.content).toContain('resolved, no action');
    expect(field(closed.embeds[0], 'Note')).toBeUndefined();
    const after = await stats();
    expect(field(after, 'Reviews resolved')).toBe('1');
    expect(field(after, 'Dismissed')).toBe('0');
    // The first response was the dismissal, as the case opened: not the Resolve two minutes later.
    expect(field(after, 'Median time to claim')).toBe('0 min');
    expect(field(after, 'Median time to resolution')).toBe('2 min');
  });

  it("a staff member's flag or a member's report opens a dismissed case again; the staff member hears so", async () => {
    const { ids } = bot;
    const first = await dismissedCase('first');
    const staffReply = await report(ids.moderator, first, 'harassment');
    expect(staffReply.content).toBe(`Thanks, the moderators will take a look. Only they can see who flagged. Case #1 was closed; it is open again in <#${ids.modChannel}>.`);
    const reopened = caseMessageOf(first.id)!;
    expect(reopened.content).toContain('Open');
    expect(field(reopened.embeds[0], 'Note')).toMatch(new RegExp(`^Reopened <t:\\d+:R> by <@${ids.moderator}>, who flagged the message again after the case was closed \\(dismissed\\)\\.$`));
    expect((await caseEvents(bot.db, 1)).at(-2)).toMatchObject({ kind: 'reopened', actorId: ids.moderator });

    const second = await dismissedCase('second');
    const memberReply = await report(ids.dave, second);
    expect(memberReply.content).toBe('Thanks, the moderators will take a look. Only they can see who flagged.');
    const again = caseMessageOf(second.id)!;
    expect(again.content).toContain('Open');
    expect(field(again.embeds[0], 'Note')).toMatch(/^Reopened <t:\d+:R>: a member reported the message from its menu after the case was closed \(dismissed\)\.$/);
    // No member's id on the step: the report is theirs.
    expect((await caseEvents(bot.db, 2)).at(-2)).toMatchObject({ kind: 'reopened', actorId: null, detail: 'menu report' });
    expect(await queueTitle()).toBe('Review queue (2 open)');

    // The same member reporting again after the next dismissal changes only their reason.
    expect((await click(second.id, ids.moderator, 'Dismiss').reply()).content).toContain('dismissed');
    bot.clock.advance(MIN);
    expect((await report(ids.dave, second, 'harassment')).content).toContain('your reason is updated');
    expect((await getCaseByMessage(bot.db, second.id))!.status).toBe('closed');
  });

  it('a case closed by deleting the message stays closed; a staff flag on it is not told "already open"', async () => {
    const { ids } = bot;
    const msg = bot.fake.post({ channelId: ids.general, userId: ids.alice, content: 'scam link' });
    react(msg.id, ids.bob);
    react(msg.id, ids.carol);
    await until(() => caseMessageOf(msg.id), 'the case message');
    // The moderator opens the report form, another one deletes the message meanwhile.
    const menu = bot.fake.messageCommand({ channelId: ids.general, userId: ids.moderator, name: 'Flag for moderators', message: msg });
    await menu.reply();
    expect((await click(msg.id, ids.ownerId, 'Delete message').reply()).content).toContain('Message deleted');
    bot.clock.advance(MIN);
    const reply = await menu.submitModal({ reason: 'spam', details: '' }).reply();
    expect(reply.content).toBe(`Thanks, the moderators will take a look. Only they can see who flagged. Case #1 was closed by <@${ids.ownerId}> (message deleted) and stays closed.`);
    expect((await getCaseByMessage(bot.db, msg.id))!).toMatchObject({ status: 'closed', outcome: 'deleted' });
    expect(caseMessageOf(msg.id)!.content).toContain('message deleted');
    expect((await caseEvents(bot.db, 1)).map((e) => e.kind)).not.toContain('reopened');
  });

  it('/flags stats counts as dismissed only the flags made before the dismissal', async () => {
    const { ids } = bot;
    // Three cases flagged by bob and carol, each dismissed; dave agrees with each only afterwards
    // (one new flagger is below the threshold: the cases stay closed).
    for (const text of ['one', 'two', 'three']) {
      const msg = await dismissedCase(text);
      react(msg.id, ids.dave);
      await recorded(msg.id, ids.dave);
      expect((await getCaseByMessage(bot.db, msg.id))!.status).toBe('closed');
    }
    const doubtful = field(await stats(), 'Flaggers mostly dismissed');
    expect(doubtful).toContain(`<@${ids.bob}>: 3 of 3 dismissed`);
    expect(doubtful).toContain(`<@${ids.carol}>: 3 of 3 dismissed`);
    expect(doubtful).not.toContain(`<@${ids.dave}>`);
  });
});
