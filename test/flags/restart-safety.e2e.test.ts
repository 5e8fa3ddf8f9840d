// Flag cases across kill -9s, refusals and rate limits: a moderator's action decided before a crash is
// carried out on start (or the case reopens, saying why), a case whose post failed still reaches the
// moderation channel once, a report modal is answered whatever Discord's pace, and a case post cut
// short by a crash leaves one case message.
import type { APIActionRowComponent, APIButtonComponent, APIMessage } from 'discord-api-types/v10';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FlagsFeature } from '../../src/flags/discord.js';
import { applyCaseAction, caseEvents, getCaseByMessage, recordFlag, type FlagCase } from '../../src/flags/store.js';
import { updateSettings } from '../../src/settings/store.js';
import { TestBot } from '../support/bot.js';
import { field, until } from './helpers.js';

const MIN = 60_000;

const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

function buttons(message: APIMessage | undefined): APIButtonComponent[] {
  return (message?.components ?? []).flatMap((row) => (row as APIActionRowComponent<APIButtonComponent>).components);
}

describe('flag cases across crashes, refusals and rate limits', () => {
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

  const service = () => (bot.app.features.find((f) => f.name === 'flags') as FlagsFeature).service;
  const caseMessages = () => bot.fake.channelMessages(bot.ids.modChannel).filter((m) => m.author.id === bot.fake.appId);
  /** The case message of a case, as the mod channel shows it now. */
  const shown = (c: FlagCase) => (c.reviewMessageId ? bot.fake.message(bot.ids.modChannel, c.reviewMessageId) : undefined);
  const caseOf = async (messageId: string) => (await getCaseByMessage(bot.db, messageId))!;

  /** A message by alice, flagged by bob, its case posted. */
  async function flaggedCase(content: string): Promise<{ message: APIMessage; c: FlagCase }> {
    const message = bot.fake.post({ channelId: bot.ids.general, userId: bot.ids.alice, content });
    bot.fake.react({ channelId: bot.ids.general, messageId: message.id, userId: bot.ids.bob, emoji: '🚩' });
    const c = await until(async () => {
      const found = await getCaseByMessage(bot.db, message.id);
      return found?.reviewMessageId ? found : undefined;
    }, 'the case message');
    return { message, c };
  }

  it('a delete decided just before a kill -9 is carried out on start, and the case message shows it done', async () => {
    const { ids, fake } = bot;
    const { message, c } = await flaggedCase('buy followers now');
    bot.clock.advance(5 * MIN);
    // The moderator pressed Delete: the decision commits, the process dies before the DELETE.
    expect(await applyCaseAction(bot.db, c.id, 'delete', 'deleted', ids.moderator, bot.clock.now())).toBe(true);
    expect(fake.channelMessages(ids.general).map((m) => m.id)).toContain(message.id);
    bot.clock.advance(MIN);
    await bot.crash();

    await until(() => !fake.channelMessages(ids.general).some((m) => m.id === message.id), 'the delete');
    expect(fake.requestsMatching('DELETE', `/channels/${ids.general}/messages/${message.id}`)).toHaveLength(1);
    const after = await until(async () => {
      const now = await caseOf(message.id);
      return now.status === 'closed' && shown(now)?.content.includes('message deleted') ? now : undefined;
    }, 'the case closed and shown');
    expect(after).toMatchObject({ status: 'closed', outcome: 'deleted', closedBy: ids.moderator, pendingAction: null });
    const posted = shown(after)!;
    expect(posted.content).toContain(`Resolved by <@${ids.moderator}> after 5 min: message deleted`);
    expect(buttons(posted).every((b) => b.disabled)).toBe(true);
    expect(caseMessages()).toHaveLength(1);
    expect((await caseEvents(bot.db, c.id)).map((e) => e.kind)).toEqual(['opened', 'deleted', 'action_resumed']);

    // Done: the next start does nothing again.
    await bot.restart();
    await settle();
    expect(fake.requestsMatching('DELETE', `/channels/${ids.general}/messages/${message.id}`)).toHaveLength(1);
  });

  it('on start, a pending timeout gets the end the moderator chose (none once it has passed); a refused delete and a warning cut short reopen the case with a note', async () => {
    const { ids, fake } = bot;
    const day = await flaggedCase('one');
    const short = await flaggedCase('two');
    const refused = await flaggedCase('three');
    const warned = await flaggedCase('four');
    const decidedAt = bot.clock.now();
    for (const [c, action, outcome] of [
      [day.c, 't1d', 'timed_out'],
      [short.c, 't10m', 'timed_out'],
      [refused.c, 'delete', 'deleted'],
      [warned.c, 'warn', 'warned'],
    ] as const) {
      expect(await applyCaseAction(bot.db, c.id, action, outcome, ids.moderator, decidedAt)).toBe(true);
    }
    // Down for half an hour: the 10-minute timeout is over by then.
    bot.clock.advance(30 * MIN);
    fake.failNext({ method: 'DELETE', path: `/channels/${ids.general}/messages/${refused.message.id}` }, { status: 403, code: 50013, message: 'Missing Permissions' });
    await bot.crash();

    await until(async () => (await Promise.all([day, short, refused, warned].map((x) => caseOf(x.message.id)))).every((c) => c.status !== 'closing'), 'every pending case settled');
    const patches = fake.requestsMatching('PATCH', `/guilds/${ids.guildId}/members/${ids.alice}`);
    expect(patches.map((p) => p.body)).toEqual([{ communication_disabled_until: new Date(decidedAt + 24 * 60 * MIN).toISOString() }]);
    expect(await caseOf(day.message.id)).toMatchObject({ status: 'closed', outcome: 'timed_out' });
    expect(await caseOf(short.message.id)).toMatchObject({ status: 'closed', outcome: 'timed_out' });

    const reopened = await caseOf(refused.message.id);
    expect(reopened).toMatchObject({ status: 'open', outcome: null, closedBy: null, pendingAction: null });
    expect(reopened.note).toContain('could not redo it');
    expect(fake.channelMessages(ids.general).map((m) => m.id)).toContain(refused.message.id);
    const unwarned = await caseOf(warned.message.id);
    expect(unwarned).toMatchObject({ status: 'open', outcome: null });
    expect(unwarned.note).toContain('may not have reached the author');
    expect(fake.channelMessages(fake.dmChannelId(ids.alice) ?? '')).toEqual([]);

    // The case messages say so, and take clicks again.
    await until(() => field(shown(reopened)?.embeds[0], 'Note')?.includes('could not redo it'), 'the reopened case message');
    await until(() => field(shown(unwarned)?.embeds[0], 'Note')?.includes('may not have reached'), 'the reopened warn case message');
    expect(buttons(shown(reopened)).find((b) => 'label' in b && b.label === 'Delete message')?.disabled).toBeFalsy();
    await until(() => shown(short.c)?.content.includes('author timed out'), 'the expired timeout case shown closed');
    expect(caseMessages()).toHaveLength(4);
    expect(bot.logs.filter((l) => l.msg === 'flags.resume-reopened')).toHaveLength(2);
  });

  it('a case whose post was refused (50001) is posted on start even though its message was deleted meanwhile, and the staff reply says it was not posted', async () => {
    const { ids, fake } = bot;
    const msg = fake.post({ channelId: ids.general, userId: ids.alice, content: 'you are all idiots' });
    fake.failNext({ method: 'POST', path: `/channels/${ids.modChannel}/messages` }, { status: 403, code: 50001, message: 'Missing Access' });
    const menu = fake.messageCommand({ channelId: ids.general, userId: ids.moderator, name: 'Flag for moderators', message: msg });
    await menu.reply();
    const reply = await menu.submitModal({ reason: 'harassment', details: '' }).reply();
    expect(reply.content).toMatch(/Case #\d+ is open, but I could not post it in <#\d+> yet/);
    expect(caseMessages()).toEqual([]);
    expect((await caseOf(msg.id)).postRetryAt).toBe(bot.clock.now() + MIN);

    fake.deleteMessage(ids.general, msg.id);
    await bot.restart();

    const posted = await until(() => caseMessages()[0], 'the case message');
    expect(posted.embeds[0]?.description).toContain('you are all idiots');
    await settle();
    expect(caseMessages()).toHaveLength(1);
    expect((await caseOf(msg.id)).reviewMessageId).toBe(posted.id);
  });

  it('a refused case post is tried again after a wait, a bounded number of times', async () => {
    const { ids, fake } = bot;
    const msg = fake.post({ channelId: ids.general, userId: ids.alice, content: 'spam' });
    fake.failNext({ method: 'POST', path: `/channels/${ids.modChannel}/messages` }, { status: 403, code: 50001, message: 'Missing Access' });
    fake.react({ channelId: ids.general, messageId: msg.id, userId: ids.bob, emoji: '🚩' });
    await until(async () => (await getCaseByMessage(bot.db, msg.id))?.postRetryAt, 'the failed post');

    await service().retryPosts(); // not due yet
    expect(caseMessages()).toEqual([]);
    bot.clock.advance(MIN);
    await service().retryPosts();
    expect(caseMessages()).toHaveLength(1);
    expect(await caseOf(msg.id)).toMatchObject({ reviewMessageId: caseMessages()[0]!.id, postRetryAt: null });

    // Bounded: the tenth refused post is the last.
    const other = fake.post({ channelId: ids.general, userId: ids.alice, content: 'more spam' });
    fake.failNext({ method: 'POST', path: `/channels/${ids.modChannel}/messages` }, { status: 403, code: 50001, message: 'Missing Access' });
    fake.react({ channelId: ids.general, messageId: other.id, userId: ids.bob, emoji: '🚩' });
    const failed = await until(async () => {
      const found = await getCaseByMessage(bot.db, other.id);
      return found?.postRetryAt ? found : undefined;
    }, 'the failed post');
    await bot.db.updateTable('flag_cases').set({ post_attempts: 9 }).where('id', '=', failed.id).execute();
    bot.clock.advance(60 * MIN);
    fake.failNext({ method: 'POST', path: `/channels/${ids.modChannel}/messages` }, { status: 403, code: 50001, message: 'Missing Access' });
    await service().retryPosts();
    expect(await caseOf(other.id)).toMatchObject({ reviewMessageId: null, postRetryAt: null, postAttempts: 10 });
    expect(bot.logs.some((l) => l.msg === 'flags.post-given-up')).toBe(true);
    bot.clock.advance(24 * 60 * MIN);
    await service().retryPosts();
    expect(caseMessages()).toHaveLength(1);
  });

  it('a report modal is acknowledged at once: with the message read held back by a 429 for 3.5 s, the member is answered and the flag counts', { timeout: 30_000 }, async () => {
    const { ids, fake } = bot;
    await updateSettings(bot.db, ids.guildId, { flagThreshold: 3 }, bot.clock.now());
    const msg = fake.post({ channelId: ids.general, userId: ids.alice, content: 'hello' });
    // Submitted after a restart (nothing remembered or cached): the author is read from Discord.
    await bot.restart();
    const limited = fake.rateLimitNext({ method: 'GET', path: `/channels/${ids.general}/messages/${msg.id}` }, { retryAfter: 3.5 });
    const reply = await fake.submitModal({ userId: ids.bob, channelId: ids.general, customId: `v1:flag-report:${ids.general}:${msg.id}`, fields: { reason: 'spam', details: 'a link farm' } }).reply(15_000);
    expect(limited.served).toBe(true);
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toContain('the moderators will take a look');
    const flags = await bot.db.selectFrom('flags').select(['user_id', 'author_id', 'reason']).where('message_id', '=', msg.id).execute();
    expect(flags).toEqual([{ user_id: ids.bob, author_id: ids.alice, reason: 'spam' }]);
  });

  it("a kill -9 after the case post reached Discord but before its id was saved: start-up adopts that message, so there is one", async () => {
    const { ids, fake } = bot;
    const { message, c } = await flaggedCase('scam link');
    const [posted] = caseMessages();
    const post = fake.requestsMatching('POST', `/channels/${ids.modChannel}/messages`).at(-1);
    expect(post?.body).toMatchObject({ nonce: expect.stringMatching(/^fcase-\d+-/), enforce_nonce: true });
    // What the database holds when the process dies between Discord's answer and saving the id.
    await bot.db.updateTable('flag_cases').set({ review_channel_id: null, review_message_id: null }).where('id', '=', c.id).execute();
    // Down long enough for Discord to have forgotten the nonce: the look-back finds it.
    bot.clock.advance(10 * MIN);
    await bot.crash();

    await until(async () => (await caseOf(message.id)).reviewMessageId, 'the case message adopted');
    await settle();
    expect(caseMessages()).toHaveLength(1);
    expect((await caseOf(message.id)).reviewMessageId).toBe(posted!.id);
    expect(bot.logs.some((l) => l.msg === 'flags.post-found')).toBe(true);
    const click = await fake.click({ userId: ids.moderator, message: fake.message(ids.modChannel, posted!.id)!, customId: `v1:flag-case:${c.id}:claim` }).reply();
    expect(click.content).toContain('You claimed case');
    expect(fake.message(ids.modChannel, posted!.id)?.content).toContain(`Claimed by <@${ids.moderator}>`);
  });

  it('a dismiss or a new flagger recorded just before a kill -9 shows on the case message after start; messages already up to date are not edited', async () => {
    const { ids, fake } = bot;
    const dismissed = await flaggedCase('first');
    const flagged = await flaggedCase('second');
    const untouched = await flaggedCase('third');
    // The dismiss commits, and a report by carol is recorded; the process dies before either edit.
    expect(await applyCaseAction(bot.db, dismissed.c.id, 'dismiss', 'dismissed', ids.moderator, bot.clock.now())).toBe(true);
    const report = { guildId: ids.guildId, channelId: ids.general, messageId: flagged.message.id, userId: ids.carol, source: 'command', authorId: ids.alice, flaggerIsBot: false, reason: 'spam', details: null } as const;
    expect(await bot.db.transaction().execute((trx) => recordFlag(trx, report, { dailyLimit: 10, maxAgeHours: 24 }, bot.clock.now()))).toEqual({ kind: 'new' });
    expect(buttons(shown(dismissed.c)).some((b) => !b.disabled)).toBe(true);
    const edits = () => fake.requests.filter((r) => r.method === 'PATCH' && r.path.startsWith(`/channels/${ids.modChannel}/messages/`)).length;
    const before = edits();
    await bot.crash();

    await until(() => buttons(shown(dismissed.c)).every((b) => b.disabled), 'the dismissed case shown closed');
    expect(shown(dismissed.c)?.content).toContain(`Resolved by <@${ids.moderator}>`);
    await until(() => field(shown(flagged.c)?.embeds[0], 'Flaggers (2)')?.includes(`<@${ids.carol}>`), 'the new flagger shown');
    await settle();
    expect(edits() - before).toBe(2);
    expect(shown(untouched.c)?.edited_timestamp ?? null).toBeNull();
    expect(caseMessages()).toHaveLength(3);

    // Shown now: the next start edits nothing.
    await bot.restart();
    await settle();
    expect(edits() - before).toBe(2);
  });

  it('a case message staff deleted is not edited again at every start', async () => {
    const { ids, fake } = bot;
    const { c } = await flaggedCase('gone');
    fake.deleteMessage(ids.modChannel, c.reviewMessageId!);
    expect(await applyCaseAction(bot.db, c.id, 'dismiss', 'dismissed', ids.moderator, bot.clock.now())).toBe(true);
    await bot.crash();
    const edit = `/channels/${ids.modChannel}/messages/${c.reviewMessageId}`;
    await until(() => fake.requestsMatching('PATCH', edit).length === 1, 'the edit tried');
    await until(async () => (await caseOf(c.messageId)).shownChanges === (await caseOf(c.messageId)).changes, 'the case taken as shown');
    await bot.restart();
    await settle();
    expect(fake.requestsMatching('PATCH', edit)).toHaveLength(1);
    expect(bot.logs.filter((l) => l.msg === 'flags.case-message-gone')).toHaveLength(1);
  });
});
