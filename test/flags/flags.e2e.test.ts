// End to end through the fake Discord: members flag, one case reaches the moderators, one click acts.
import type { APIActionRowComponent, APIButtonComponent, APIMessage } from 'discord-api-types/v10';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { caseEvents, getCaseByMessage } from '../../src/flags/store.js';
import { updateSettings } from '../../src/settings/store.js';
import { TestBot } from '../support/bot.js';
import { field, until } from './helpers.js';

const MIN = 60_000;

function buttons(message: APIMessage): APIButtonComponent[] {
  return (message.components ?? []).flatMap((row) => (row as APIActionRowComponent<APIButtonComponent>).components);
}

function button(message: APIMessage, label: string): APIButtonComponent & { custom_id: string } {
  const found = buttons(message).find((b) => 'label' in b && b.label === label);
  if (!found || !('custom_id' in found)) throw new Error(`no button ${label}`);
  return found as APIButtonComponent & { custom_id: string };
}

describe('flags through Discord', () => {
  let bot: TestBot;

  beforeEach(async () => {
    bot = await TestBot.start();
    await updateSettings(bot.db, bot.ids.guildId, { modChannelId: bot.ids.modChannel, staffRoleId: bot.ids.staffRoleId }, bot.clock.now());
  });
  afterEach(async () => {
    const errors = bot.errors;
    await bot.close();
    expect(errors).toEqual([]);
  });

  const caseMessages = () => bot.fake.channelMessages(bot.ids.modChannel).filter((m) => m.author.id === bot.fake.appId);
  const caseMessage = () => caseMessages()[0];
  const react = (messageId: string, userId: string) => bot.fake.react({ channelId: bot.ids.general, messageId, userId, emoji: '🚩' });
  const click = (userId: string, label: string) => {
    const message = caseMessage()!;
    return bot.fake.click({ userId, message, customId: button(message, label).custom_id });
  };

  it('three flags open one case, a fourth joins it, a moderator claims and deletes, stats count it', async () => {
    const { ids } = bot;
    const spam = bot.fake.post({ channelId: ids.general, userId: ids.alice, content: 'Cheap followers at spam.example, DM me!' });

    // None of these count: the author's own flag, a bot's, and one withdrawn.
    react(spam.id, ids.alice);
    react(spam.id, ids.otherBot);
    react(spam.id, ids.bob);
    bot.fake.unreact({ channelId: ids.general, messageId: spam.id, userId: ids.bob, emoji: '🚩' });
    react(spam.id, ids.carol);
    react(spam.id, ids.dave);
    react(spam.id, ids.moderator);

    const posted = await until(() => caseMessage(), 'the case message');
    expect(caseMessages()).toHaveLength(1);
    const flaggers = field(posted.embeds[0], 'Flaggers (3)');
    expect(flaggers).toBeDefined();
    for (const id of [ids.carol, ids.dave, ids.moderator]) expect(flaggers).toContain(`<@${id}>`);
    for (const id of [ids.alice, ids.otherBot, ids.bob]) expect(flaggers).not.toContain(`<@${id}>`);
    expect(field(posted.embeds[0], 'Author')).toBe(`<@${ids.alice}>`);
    expect(field(posted.embeds[0], 'Channel')).toBe(`<#${ids.general}>`);
    expect(posted.content).toContain('Open');

    // A fourth flag, from the context menu with a reason, joins the same case and brings the excerpt.
    const menu = bot.fake.messageCommand({ channelId: ids.general, userId: ids.bob, name: 'Flag for moderators', message: spam });
    await menu.reply();
    expect(menu.modal).toBeDefined();
    const submitted = menu.submitModal({ reason: 'Spam', details: 'link farm' });
    const thanks = await submitted.reply();
    expect(thanks.ephemeral).toBe(true);
    expect(thanks.content).toContain('moderators will take a look');
    const joined = await until(() => (field(caseMessage()?.embeds[0], 'Flaggers (4)') ? caseMessage() : undefined), 'the fourth flag');
    expect(caseMessages()).toHaveLength(1);
    expect(field(joined.embeds[0], 'Flaggers (4)')).toContain(`<@${ids.bob}> — spam: link farm`);
    expect(joined.embeds[0]?.description).toContain('Cheap followers at spam.example');

    const claim = await click(ids.moderator, 'Claim').reply();
    expect(claim.ephemeral).toBe(true);
    expect(claim.content).toContain('You claimed case');
    expect(caseMessage()!.content).toContain(`Claimed by <@${ids.moderator}>`);

    bot.clock.advance(12 * MIN);
    const deleted = await click(ids.moderator, 'Delete message').reply();
    expect(deleted.ephemeral).toBe(true);
    expect(deleted.content).toContain('Message deleted');
    expect(bot.fake.requestsMatching('DELETE', `/channels/${ids.general}/messages/${spam.id}`)).toHaveLength(1);
    expect(bot.fake.channelMessages(ids.general).map((m) => m.id)).not.toContain(spam.id);
    const closed = caseMessage()!;
    expect(closed.content).toContain(`Resolved by <@${ids.moderator}> after 12 min: message deleted`);
    expect(buttons(closed).every((b) => b.disabled)).toBe(true);

    const c = (await getCaseByMessage(bot.db, spam.id))!;
    expect((await caseEvents(bot.db, c.id)).map((e) => e.kind)).toEqual(['opened', 'flag_joined', 'claimed', 'deleted']);

    const stats = await bot.fake.slash({ channelId: ids.modChannel, userId: ids.moderator, name: 'flags', subcommand: 'stats' }).reply();
    expect(stats.ephemeral).toBe(true);
    const embed = stats.embeds[0];
    expect(field(embed, 'Flag reactions')).toBe('4'); // carol, dave, moderator, and bob's withdrawn one
    expect(field(embed, 'Context-menu flags')).toBe('1');
    expect(field(embed, 'Reached threshold')).toBe('1');
    expect(field(embed, 'Reviews resolved')).toBe('1');
    expect(field(embed, 'Actioned')).toBe('1');
    expect(field(embed, 'Dismissed')).toBe('0');
    expect(field(embed, 'Median time to resolution')).toBe('12 min');
  });

  it('refuses non-staff, and two simultaneous Resolve clicks give one resolution', async () => {
    const { ids } = bot;
    await updateSettings(bot.db, ids.guildId, { flagThreshold: 1 }, bot.clock.now());
    const msg = bot.fake.post({ channelId: ids.general, userId: ids.alice, content: 'rude words' });
    react(msg.id, ids.bob);
    await until(() => caseMessage(), 'the case message');

    const refused = await click(ids.dave, 'Resolve').reply();
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toContain('Only staff');
    expect(caseMessage()!.content).toContain('Open');

    const first = click(ids.moderator, 'Resolve');
    const second = click(ids.ownerId, 'Resolve');
    const replies = await Promise.all([first.reply(), second.reply()]);
    const texts = replies.map((r) => r.content ?? '').sort();
    expect(replies.every((r) => r.ephemeral)).toBe(true);
    expect(texts.filter((t) => t.includes('resolved without action'))).toHaveLength(1);
    expect(texts.filter((t) => t.includes('already resolved by'))).toHaveLength(1);

    const c = (await getCaseByMessage(bot.db, msg.id))!;
    expect(c.status).toBe('closed');
    expect((await caseEvents(bot.db, c.id)).filter((e) => e.kind === 'resolved')).toHaveLength(1);
    expect(caseMessage()!.content).toContain('resolved, no action');
  });

  it('keeps cases across a restart and reconciles flags changed while the bot was down', async () => {
    const { ids } = bot;
    await updateSettings(bot.db, ids.guildId, { flagThreshold: 2 }, bot.clock.now());
    const msg = bot.fake.post({ channelId: ids.general, userId: ids.alice, content: 'something off' });
    react(msg.id, ids.bob);
    react(msg.id, ids.carol);
    await until(() => field(caseMessage()?.embeds[0], 'Flaggers (2)'), 'the case message');
    await click(ids.moderator, 'Claim').reply();

    await bot.restart(() => {
      react(msg.id, ids.dave);
      bot.fake.unreact({ channelId: ids.general, messageId: msg.id, userId: ids.bob, emoji: '🚩' });
    });

    const reconciled = await until(() => field(caseMessage()?.embeds[0], 'Flaggers (2)')?.includes(`<@${ids.dave}>`) && caseMessage(), 'reconciliation');
    const flaggers = field(reconciled.embeds[0], 'Flaggers (2)')!;
    expect(flaggers).toContain(`<@${ids.carol}>`);
    expect(flaggers).not.toContain(`<@${ids.bob}>`);
    expect(reconciled.content).toContain(`Claimed by <@${ids.moderator}>`);
    expect(caseMessages()).toHaveLength(1);

    const queue = await bot.fake.slash({ channelId: ids.modChannel, userId: ids.moderator, name: 'flags', subcommand: 'queue' }).reply();
    expect(queue.embeds[0]?.title).toBe('Review queue (1 open)');
    expect(queue.embeds[0]?.description).toContain(`claimed by <@${ids.moderator}>`);
  });
  it('a staff flag from the context menu opens a case at once; a warning falls back to the channel when DMs are closed', async () => {
    const { ids } = bot;
    const msg = bot.fake.post({ channelId: ids.general, userId: ids.alice, content: 'you are all idiots' });

    const own = await bot.fake.messageCommand({ channelId: ids.general, userId: ids.alice, name: 'Flag for moderators', message: msg }).reply();
    expect(own.ephemeral).toBe(true);
    expect(own.content).toContain("can't flag your own message");

    const menu = bot.fake.messageCommand({ channelId: ids.general, userId: ids.moderator, name: 'Flag for moderators', message: msg });
    await menu.reply();
    const opened = await menu.submitModal({ reason: 'harassment', details: '' }).reply();
    expect(opened.content).toMatch(/Case #\d+ is open in <#/);
    const posted = caseMessage()!;
    expect(field(posted.embeds[0], 'Flaggers (1)')).toContain(`<@${ids.moderator}> — harassment`);
    expect(field(posted.embeds[0], 'Opened')).toContain(`by staff <@${ids.moderator}>`);
    expect(posted.embeds[0]?.description).toContain('you are all idiots');

    bot.fake.setDmsClosed(ids.alice);
    // Neither the DM nor the post in the channel goes through: nobody was warned, the case stays open.
    bot.fake.failNext({ method: 'POST', path: `/channels/${ids.general}/messages` }, { status: 403, code: 50013, message: 'Missing Permissions' });
    const lost = click(ids.moderator, 'Warn author');
    await lost.reply();
    const unwarned = await lost.submitModal({ warning: 'Keep it civil, please.' }).reply();
    expect(unwarned.ephemeral).toBe(true);
    expect(unwarned.content).toBe('The DM failed and the warning could not be posted either, so the case stays open: tell the member yourself, or try again.');
    expect(caseMessage()!.content).not.toContain('author warned');
    expect(bot.fake.channelMessages(ids.general).filter((m) => m.author.id === bot.fake.appId)).toEqual([]);
    const warnClick = click(ids.moderator, 'Warn author');
    await warnClick.reply();
    expect(warnClick.modal).toBeDefined();
    const warned = await warnClick.submitModal({ warning: 'Keep it civil, please.' }).reply();
    expect(warned.ephemeral).toBe(true);
    expect(warned.content).toContain('Author warned');
    expect(warned.content).toContain('DM failed');
    const fallback = bot.fake.channelMessages(ids.general).find((m) => m.author.id === bot.fake.appId);
    expect(fallback?.content).toContain(`<@${ids.alice}>`);
    expect(fallback?.content).toContain('Keep it civil, please.');
    expect(caseMessage()!.content).toContain('author warned');
    expect(field(caseMessage()!.embeds[0], 'Note')).toContain('DM failed');
  });

  it('a DM Discord did not take (a 5xx, DMs open) is not posted in the channel: the case stays open and the moderator hears why', async () => {
    const { ids } = bot;
    const msg = bot.fake.post({ channelId: ids.general, userId: ids.alice, content: 'you are all idiots' });
    const menu = bot.fake.messageCommand({ channelId: ids.general, userId: ids.moderator, name: 'Flag for moderators', message: msg });
    await menu.reply();
    await menu.submitModal({ reason: 'harassment', details: '' }).reply();
    await until(() => caseMessage(), 'the case message');

    // Discord is down for the DM channel: the first try and discord.js's 3 retries all get a 503.
    for (let i = 0; i < 4; i++) bot.fake.failNext({ method: 'POST', path: '/users/@me/channels' }, { status: 503, message: 'Service Unavailable' });
    const warnClick = click(ids.moderator, 'Warn author');
    await warnClick.reply();
    const reply = await warnClick.submitModal({ warning: 'Keep it civil, please.' }).reply();
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toBe('Discord did not take the DM (it may be having trouble), so the warning was not posted in the channel either and the case stays open: try again in a moment.');
    // Nothing public: no post pinging the author in the flagged channel.
    expect(bot.fake.channelMessages(ids.general).filter((m) => m.author.id === bot.fake.appId)).toEqual([]);
    const c = (await getCaseByMessage(bot.db, msg.id))!;
    expect(c.status).toBe('open');
    expect(caseMessage()!.content).not.toContain('author warned');

    // Discord is back: the same warning reaches the author by DM.
    const again = click(ids.moderator, 'Warn author');
    await again.reply();
    const warned = await again.submitModal({ warning: 'Keep it civil, please.' }).reply();
    expect(warned.content).toContain('Warning sent by DM');
    expect(bot.fake.channelMessages(ids.general).filter((m) => m.author.id === bot.fake.appId)).toEqual([]);
  });

  it('times the author out only when a moderator presses the button', async () => {
    const { ids } = bot;
    await updateSettings(bot.db, ids.guildId, { flagThreshold: 1 }, bot.clock.now());
    const msg = bot.fake.post({ channelId: ids.general, userId: ids.alice, content: 'spam spam spam' });
    react(msg.id, ids.bob);
    await until(() => caseMessage(), 'the case message');
    expect(bot.fake.requestsMatching('PATCH', `/guilds/${ids.guildId}/members/${ids.alice}`)).toHaveLength(0);
    expect(bot.fake.requestsMatching('DELETE', `/channels/${ids.general}/messages/${msg.id}`)).toHaveLength(0);

    const reply = await click(ids.moderator, 'Timeout 1 h').reply();
    expect(reply.content).toContain('timed out for 1 hour');
    const [patch] = bot.fake.requestsMatching('PATCH', `/guilds/${ids.guildId}/members/${ids.alice}`);
    // One hour from the bot's clock (the fake's own clock is the real one, so read the request).
    expect(patch?.body).toEqual({ communication_disabled_until: new Date(bot.clock.now() + 60 * MIN).toISOString() });
    expect(decodeURIComponent(patch?.headers['x-audit-log-reason'] ?? '')).toContain('Pulse flag case');
    expect(caseMessage()!.content).toContain('author timed out');
  });
  it('keeps the case open and says why when the action fails', async () => {
    const { ids } = bot;
    await updateSettings(bot.db, ids.guildId, { flagThreshold: 1 }, bot.clock.now());
    const msg = bot.fake.post({ channelId: ids.general, userId: ids.alice, content: 'bad' });
    react(msg.id, ids.bob);
    await until(() => caseMessage(), 'the case message');
    bot.fake.failNext({ method: 'DELETE', path: `/channels/${ids.general}/messages/${msg.id}` }, { status: 403, code: 50013, message: 'Missing Permissions' });

    const failed = await click(ids.moderator, 'Delete message').reply();
    expect(failed.ephemeral).toBe(true);
    expect(failed.content).toContain("I don't have the permissions");
    const c = (await getCaseByMessage(bot.db, msg.id))!;
    expect(c.status).toBe('open');
    expect((await caseEvents(bot.db, c.id)).map((e) => e.kind)).toEqual(['opened', 'deleted', 'action_failed']);
    expect(caseMessage()!.content).toContain('Open');
    expect(bot.fake.channelMessages(ids.general).map((m) => m.id)).toContain(msg.id);
    // The router logs the Discord error; nothing else went wrong.
    expect(bot.errors.map((l) => l.msg)).toEqual(['interaction.failed']);
    bot.logs.length = 0;

    const retried = await click(ids.moderator, 'Delete message').reply();
    expect(retried.content).toContain('Message deleted');
  });
});
