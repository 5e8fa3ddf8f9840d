// Review actions through the fake Discord, where the author is not an ordinary member below the
// moderator: already timed out for longer, ranked at or above the moderator, the moderator
// themself, or a webhook (PluralKit, a bridge).
import type { APIMessage } from 'discord-api-types/v10';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyCaseAction, caseEvents, getCaseByMessage, type FlagCase } from '../../src/flags/store.js';
import { updateSettings } from '../../src/settings/store.js';
import { TestBot } from '../support/bot.js';
import { button, field, until } from './helpers.js';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

describe('review actions and who the author is', () => {
  let bot: TestBot;

  beforeEach(async () => {
    bot = await TestBot.start();
    // One flag opens a case: each test flags one message.
    await updateSettings(bot.db, bot.ids.guildId, { modChannelId: bot.ids.modChannel, staffRoleId: bot.ids.staffRoleId, flagThreshold: 1 }, bot.clock.now());
  });
  afterEach(async () => {
    const errors = bot.errors;
    await bot.close();
    expect(errors).toEqual([]);
  });

  const caseOf = async (messageId: string) => (await getCaseByMessage(bot.db, messageId))!;
  const shown = (c: FlagCase) => (c.reviewMessageId ? bot.fake.message(bot.ids.modChannel, c.reviewMessageId) : undefined);

  /** A message (by a member, or a webhook), flagged by bob, its case posted. */
  async function flaggedCase(post: { userId: string; webhookId?: string }, content = 'something rude'): Promise<{ message: APIMessage; c: FlagCase }> {
    const message = bot.fake.post({ channelId: bot.ids.general, content, ...post, ...(post.webhookId ? { webhookName: 'PluralKit' } : {}) });
    bot.fake.react({ channelId: bot.ids.general, messageId: message.id, userId: bot.ids.bob, emoji: '🚩' });
    const c = await until(async () => {
      const found = await getCaseByMessage(bot.db, message.id);
      return found?.reviewMessageId ? found : undefined;
    }, 'the case message');
    return { message, c };
  }

  /** A click on the case message's button, by `userId`. */
  const click = (c: FlagCase, userId: string, label: string) => {
    const message = shown(c)!;
    return bot.fake.click({ userId, message, customId: button(message, label) });
  };

  const patches = (userId: string) => bot.fake.requestsMatching('PATCH', `/guilds/${bot.ids.guildId}/members/${userId}`);

  describe('a longer timeout already on the author', () => {
    it('"Timeout 10 min" leaves a 1-day timeout as it is, closes the case as timed out and says so', async () => {
      const { ids, fake } = bot;
      // Another moderator (in Discord, or another bot) timed alice out for a day.
      const longer = new Date(bot.clock.now() + DAY);
      fake.setMemberTimeout(ids.guildId, ids.alice, longer);
      const { message, c } = await flaggedCase({ userId: ids.alice });

      const reply = await click(c, ids.moderator, 'Timeout 10 min').reply();
      expect(reply.ephemeral).toBe(true);
      const at = Math.floor(longer.getTime() / 1000);
      expect(reply.content).toBe(`The author was already timed out until <t:${at}:f> (longer than this), so their timeout was left as it was; case #${c.id} closed.`);
      expect(patches(ids.alice)).toEqual([]);
      expect(fake.member(ids.guildId, ids.alice)?.communication_disabled_until).toBe(longer.toISOString());

      const closed = await caseOf(message.id);
      expect(closed).toMatchObject({ status: 'closed', outcome: 'timed_out', closedBy: ids.moderator, pendingAction: null });
      expect(closed.note).toBe(`The author was already timed out until <t:${at}:f>, longer than this timeout, so it was left as it was.`);
      await until(() => field(shown(closed)?.embeds[0], 'Note')?.includes('already timed out'), 'the note on the case message');
    });

    it('a shorter timeout, or one already over, is replaced by the longer one chosen', async () => {
      const { ids, fake } = bot;
      fake.setMemberTimeout(ids.guildId, ids.alice, new Date(bot.clock.now() + 5 * MIN));
      const { c } = await flaggedCase({ userId: ids.alice });

      const reply = await click(c, ids.moderator, 'Timeout 1 h').reply();
      expect(reply.content).toBe(`Author timed out for 1 hour; case #${c.id} closed.`);
      expect(patches(ids.alice).map((p) => p.body)).toEqual([{ communication_disabled_until: new Date(bot.clock.now() + 60 * MIN).toISOString() }]);
      expect((await caseOf(c.messageId)).note).toBeNull();
    });

    it('on start, a pending timeout does not shorten a longer one given meanwhile: the case closes with the note', async () => {
      const { ids, fake } = bot;
      const { message, c } = await flaggedCase({ userId: ids.alice });
      // The moderator pressed "Timeout 1 hour"; the process dies before the PATCH.
      expect(await applyCaseAction(bot.db, c.id, 't1h', 'timed_out', ids.moderator, bot.clock.now())).toBe(true);
      // Meanwhile another moderator times alice out for a day, in Discord.
      const longer = new Date(bot.clock.now() + DAY);
      fake.setMemberTimeout(ids.guildId, ids.alice, longer);
      bot.clock.advance(MIN);
      await bot.crash();

      const closed = await until(async () => {
        const now = await caseOf(message.id);
        return now.status === 'closed' ? now : undefined;
      }, 'the pending timeout settled');
      expect(closed).toMatchObject({ outcome: 'timed_out', pendingAction: null });
      expect(closed.note).toContain(`already timed out until <t:${Math.floor(longer.getTime() / 1000)}:f>`);
      expect(patches(ids.alice)).toEqual([]);
      expect(fake.member(ids.guildId, ids.alice)?.communication_disabled_until).toBe(longer.toISOString());
      expect((await caseEvents(bot.db, c.id)).map((e) => e.kind)).toEqual(['opened', 'timed_out', 'action_resumed', 'note']);
    });
  });

  describe("the moderator's place relative to the author", () => {
    it('an author ranked above the moderator can be neither deleted, warned nor timed out by them; the owner can', async () => {
      const { ids, fake } = bot;
      // Senior sits above Staff (below Pulse's own role): alice outranks the moderator.
      const senior = fake.addRole(ids.guildId, { name: 'Senior', position: 2 });
      fake.setMemberRoles(ids.guildId, ids.alice, [senior.id]);
      const { message, c } = await flaggedCase({ userId: ids.alice });
      await until(() => bot.app.client.guilds.cache.get(ids.guildId)?.roles.cache.has(senior.id), 'the role seen');

      for (const label of ['Timeout 10 min', 'Delete message']) {
        const refused = await click(c, ids.moderator, label).reply();
        expect(refused.ephemeral).toBe(true);
        expect(refused.content).toBe("The author's highest role is at or above yours, so you can't delete, warn or time out for them: ask a moderator ranked above them (or the server owner).");
      }
      // Warn is refused before the form: nobody writes a warning that can't be sent.
      const warn = click(c, ids.moderator, 'Warn author');
      expect((await warn.reply()).content).toContain('at or above yours');
      expect(warn.modal).toBeUndefined();

      expect(patches(ids.alice)).toEqual([]);
      expect(fake.requestsMatching('DELETE', `/channels/${ids.general}/messages/${message.id}`)).toEqual([]);
      expect(await caseOf(message.id)).toMatchObject({ status: 'open', outcome: null });

      // Same highest role: not above either.
      fake.setMemberRoles(ids.guildId, ids.alice, [ids.staffRoleId]);
      await until(() => bot.app.client.guilds.cache.get(ids.guildId)?.members.cache.get(ids.alice)?.roles.cache.has(ids.staffRoleId), 'the roles seen');
      expect((await click(c, ids.moderator, 'Timeout 10 min').reply()).content).toContain('at or above yours');
      expect(patches(ids.alice)).toEqual([]);

      // The server owner outranks everyone.
      const done = await click(c, ids.ownerId, 'Timeout 10 min').reply();
      expect(done.content).toBe(`Author timed out for 10 minutes; case #${c.id} closed.`);
      expect(patches(ids.alice)).toHaveLength(1);
    });

    it("the author of the flagged message can't claim, dismiss or act on their own case", async () => {
      const { ids, fake } = bot;
      const { message, c } = await flaggedCase({ userId: ids.moderator });

      for (const label of ['Claim', 'Dismiss', 'Resolve', 'Delete message', 'Timeout 1 day']) {
        const refused = await click(c, ids.moderator, label).reply();
        expect(refused.ephemeral).toBe(true);
        expect(refused.content).toBe('This case is about your own message: another moderator has to handle it.');
      }
      const warn = click(c, ids.moderator, 'Warn author');
      expect((await warn.reply()).content).toContain('your own message');
      expect(warn.modal).toBeUndefined();
      expect(await caseOf(message.id)).toMatchObject({ status: 'open', outcome: null, claimedBy: null });
      expect(fake.channelMessages(ids.general).map((m) => m.id)).toContain(message.id);
      expect(patches(ids.moderator)).toEqual([]);

      // Another member of staff (here the owner) can.
      expect((await click(c, ids.ownerId, 'Dismiss').reply()).content).toBe(`Case #${c.id} dismissed.`);
    });

    it('a warning form opened before the author became the moderator’s equal is refused on sending', async () => {
      const { ids, fake } = bot;
      const { message, c } = await flaggedCase({ userId: ids.alice });
      const warn = click(c, ids.moderator, 'Warn author');
      await warn.reply();
      expect(warn.modal).toBeDefined();
      fake.setMemberRoles(ids.guildId, ids.alice, [ids.staffRoleId]);
      await until(() => bot.app.client.guilds.cache.get(ids.guildId)?.members.cache.get(ids.alice)?.roles.cache.has(ids.staffRoleId), 'the roles seen');

      const sent = await warn.submitModal({ warning: 'Keep it civil, please.' }).reply();
      expect(sent.ephemeral).toBe(true);
      expect(sent.content).toContain('at or above yours');
      expect(fake.dmChannelId(ids.alice)).toBeUndefined();
      expect(await caseOf(message.id)).toMatchObject({ status: 'open', outcome: null });
    });
  });

  describe('a message sent by a webhook', () => {
    const webhookId = '900000000000000777';

    it('Warn and Timeout say the author is a webhook, not a member; Delete still works', async () => {
      const { ids, fake } = bot;
      const { message, c } = await flaggedCase({ userId: ids.alice, webhookId });
      expect(c.authorId).toBe(webhookId);
      const webhook = "This message was sent by a webhook or an app, not by a member: it can't be warned or timed out. Delete the message or dismiss the case instead.";

      const timeout = await click(c, ids.moderator, 'Timeout 10 min').reply();
      expect(timeout.ephemeral).toBe(true);
      expect(timeout.content).toBe(webhook);
      const warn = click(c, ids.moderator, 'Warn author');
      expect((await warn.reply()).content).toBe(webhook);
      expect(warn.modal).toBeUndefined();
      expect(fake.requestsMatching('PATCH', `/guilds/${ids.guildId}/members/${webhookId}`)).toEqual([]);
      expect(fake.requestsMatching('POST', '/users/@me/channels')).toEqual([]);
      expect(await caseOf(message.id)).toMatchObject({ status: 'open', outcome: null });

      const deleted = await click(c, ids.moderator, 'Delete message').reply();
      expect(deleted.content).toBe(`Message deleted; case #${c.id} closed.`);
      expect(fake.channelMessages(ids.general).map((m) => m.id)).not.toContain(message.id);
    });

    it('once the webhook message is gone, Timeout still says so (Discord knows no user by that id)', async () => {
      const { ids, fake } = bot;
      const { message, c } = await flaggedCase({ userId: ids.alice, webhookId });
      fake.deleteMessage(ids.general, message.id);
      expect((await click(c, ids.moderator, 'Timeout 1 h').reply()).content).toContain('sent by a webhook or an app');
      expect(await caseOf(message.id)).toMatchObject({ status: 'open', outcome: null });
    });

    it('a DM Discord refuses for want of a user (10013, or 50035 on opening the DM) is final, not "try again"', async () => {
      const { ids, fake } = bot;
      const { message, c } = await flaggedCase({ userId: ids.alice });
      const cannot = "Discord has no user to DM by this author's id (the message likely came from a webhook or an app), so nobody was warned and the case stays open: trying again won't help. Delete the message or dismiss the case instead.";
      for (const error of [
        { status: 404, code: 10013, message: 'Unknown User' },
        { status: 400, code: 50035, message: 'Invalid Form Body' },
      ]) {
        fake.failNext({ method: 'POST', path: '/users/@me/channels' }, error);
        const warn = click(c, ids.moderator, 'Warn author');
        await warn.reply();
        const sent = await warn.submitModal({ warning: 'Keep it civil, please.' }).reply();
        expect(sent.ephemeral).toBe(true);
        expect(sent.content).toBe(cannot);
        // Nothing was posted in the channel instead, and the case stays open.
        expect(fake.channelMessages(ids.general).filter((m) => m.author.id === fake.appId)).toEqual([]);
        expect(await caseOf(message.id)).toMatchObject({ status: 'open', outcome: null });
      }
    });
  });
});
