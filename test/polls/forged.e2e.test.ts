// Forged and unlucky votes through the fake Discord: a vote counts only from its poll's own message, by members who may see it.
import { PermissionFlagsBits } from 'discord.js';
import { OverwriteType } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import type { FeatureFactory } from '../../src/feature.js';
import { pollsFeature } from '../../src/polls/discord.js';
import { settingsRoutes } from '../../src/settings/discord.js';
import { TestBot } from '../support/bot.js';
import { pollMessage } from './fixtures.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const features: FeatureFactory[] = [(ctx) => ({ name: 'settings', routes: settingsRoutes(ctx) }), (ctx) => pollsFeature(ctx)];


async function votesOf(b: TestBot, pollId: number): Promise<number> {
  const rows = await b.db.selectFrom('poll_votes').select('choice').where('poll_id', '=', pollId).execute();
  return rows.length;
}

describe('forged votes', () => {
  it("a button with another poll's id, clicked on a public poll's message, counts nowhere (that poll is in a channel the voter cannot see)", async () => {
    bot = await TestBot.start({ features });
    const { ids, fake } = bot;
    // The staff channel is hidden from everyone but staff (Manage Server) and the bot.
    fake.setChannelOverwrites(ids.staffChannel, [
      { id: ids.guildId, type: OverwriteType.Role, allow: '0', deny: String(PermissionFlagsBits.ViewChannel) },
      { id: fake.appId, type: OverwriteType.Member, allow: String(PermissionFlagsBits.ViewChannel), deny: '0' },
    ]);
    const pub = await fake.slash({ channelId: ids.general, userId: ids.alice, name: 'poll', subcommand: 'create', options: { question: 'Public?', choices: 'A | B' } }).reply();
    expect(pub.content).toMatch(/Poll #1 posted/);
    const hidden = await fake
      .slash({ channelId: ids.staffChannel, userId: ids.ownerId, name: 'poll', subcommand: 'create', options: { question: 'Staff only?', choices: 'Yes | No', channel: ids.staffChannel } })
      .reply();
    expect(hidden.content).toMatch(/Poll #2 posted/);

    const onPublic = pollMessage(bot, ids.general, 1);
    const forged = await fake.click({ userId: ids.bob, message: onPublic, customId: 'v1:poll-vote:2:0', forged: true }).reply();
    expect(forged.ephemeral).toBe(true);
    expect(forged.content).not.toContain('You voted');
    expect(await votesOf(bot, 2)).toBe(0);

    // Clicked on the hidden poll's own message by a member who cannot see its channel: refused too.
    const onHidden = pollMessage(bot, ids.staffChannel, 2);
    const unseen = await fake.click({ userId: ids.bob, message: onHidden, customId: 'v1:poll-vote:2:0' }).reply();
    expect(unseen.content).not.toContain('You voted');
    expect(await votesOf(bot, 2)).toBe(0);

    // The honest votes still count.
    expect((await fake.click({ userId: ids.bob, message: onPublic, customId: 'v1:poll-vote:1:0' }).reply()).content).toContain('You voted for **A**');
    expect((await fake.click({ userId: ids.ownerId, message: onHidden, customId: 'v1:poll-vote:2:1' }).reply()).content).toContain('You voted for **No**');
    expect(await votesOf(bot, 1)).toBe(1);
    expect(await votesOf(bot, 2)).toBe(1);
  });

  it('an anonymous poll\'s refusals are not logged with their text (it names the member\'s choices)', async () => {
    bot = await TestBot.start({ features });
    const { ids, fake } = bot;
    await fake.slash({ channelId: ids.general, userId: ids.alice, name: 'poll', subcommand: 'create', options: { question: 'Snacks?', choices: 'Pretzels | Olives | Figs', multiple: true, max_choices: 2, anonymous: true } }).reply();
    const message = pollMessage(bot, ids.general, 1);
    await fake.click({ userId: ids.bob, message, customId: 'v1:poll-vote:1:0' }).reply();
    await fake.click({ userId: ids.bob, message, customId: 'v1:poll-vote:1:1' }).reply();
    const refused = await fake.click({ userId: ids.bob, message, customId: 'v1:poll-vote:1:2' }).reply();
    expect(refused.content).toContain('Pretzels, Olives');
    const lines = bot.logs.filter((l) => l.msg === 'interaction.refused');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(JSON.stringify(line)).not.toMatch(/Pretzels|Olives|Figs/);
  });

  it('a vote whose acknowledgement fails (429 past the deadline, or 10062) is not kept, so the retry votes instead of withdrawing', async () => {
    bot = await TestBot.start({ features, interactionDeadlineMs: 400 });
    const { ids, fake } = bot;
    await fake.slash({ channelId: ids.general, userId: ids.alice, name: 'poll', subcommand: 'create', options: { question: 'Lunch?', choices: 'Pizza | Tacos' } }).reply();
    const message = pollMessage(bot, ids.general, 1);
    const callback = { method: 'POST', path: /^\/interactions\/\d+\/[^/]+\/callback/ };

    // Rate-limited: discord.js waits and retries, and by then Discord has let the interaction expire.
    const limited = fake.rateLimitNext(callback, { retryAfter: 0.8 });
    const first = fake.click({ userId: ids.bob, message, customId: 'v1:poll-vote:1:0' });
    await expect(first.response(3000)).rejects.toThrow(/expired/);
    expect(limited.served).toBe(true);
    await expect.poll(() => bot!.logs.some((l) => l.msg === 'polls.vote-taken-back'), { timeout: 3000 }).toBe(true);
    expect(await votesOf(bot, 1)).toBe(0);
    // The router logged the failure as a redacted route: no member, and no request body (it names the choice).
    const failed = bot.logs.filter((l) => l.msg === 'interaction.failed');
    expect(failed.length).toBeGreaterThan(0);
    for (const line of failed) {
      expect(line).not.toHaveProperty('user');
      expect(JSON.stringify(line)).not.toContain('Pizza');
    }
    const retry = await fake.click({ userId: ids.bob, message, customId: 'v1:poll-vote:1:0' }).reply();
    expect(retry.content).toBe('You voted for **Pizza**; click again to withdraw.');
    expect(await votesOf(bot, 1)).toBe(1);

    // Unknown interaction (10062) on the callback: a change of vote is taken back too.
    fake.failNext(callback, { status: 404, code: 10062, message: 'Unknown interaction' });
    fake.click({ userId: ids.bob, message, customId: 'v1:poll-vote:1:1' });
    await expect.poll(() => bot!.logs.filter((l) => l.msg === 'polls.vote-taken-back').length, { timeout: 3000 }).toBe(2);
    const rows = await bot.db.selectFrom('poll_votes').select('choice').where('poll_id', '=', 1).execute();
    expect(rows.map((r) => r.choice)).toEqual([0]);
  });

  it('after a kill -9 inside the coalescing window, start-up brings the stale poll message up to date, and only that one', async () => {
    // A long coalescing window: the edit the votes asked for is still pending when the process dies.
    const slow: FeatureFactory[] = [(ctx) => ({ name: 'settings', routes: settingsRoutes(ctx) }), (ctx) => pollsFeature(ctx, { liveIntervalMs: 60_000 })];
    bot = await TestBot.start({ features: slow });
    const { ids, fake } = bot;
    await fake.slash({ channelId: ids.general, userId: ids.alice, name: 'poll', subcommand: 'create', options: { question: 'Stale?', choices: 'A | B' } }).reply();
    await fake.slash({ channelId: ids.general, userId: ids.alice, name: 'poll', subcommand: 'create', options: { question: 'Quiet?', choices: 'C | D' } }).reply();
    const stale = pollMessage(bot, ids.general, 1);
    const quiet = pollMessage(bot, ids.general, 2);
    for (const userId of [ids.bob, ids.carol, ids.dave]) await fake.click({ userId, message: stale, customId: 'v1:poll-vote:1:0' }).reply();
    expect(pollMessage(bot, ids.general, 1).embeds[0]?.description).not.toContain('3 votes');
    const editsOf = (id: string) => fake.requestsMatching('PATCH', `/channels/${ids.general}/messages/${id}`).length;
    expect(editsOf(stale.id)).toBe(0);

    await bot.crash();
    await expect.poll(() => pollMessage(bot!, ids.general, 1).embeds[0]?.description ?? '', { timeout: 5000 }).toContain('3 votes');
    expect(editsOf(stale.id)).toBe(1);
    expect(editsOf(quiet.id)).toBe(0);

    // Up to date now: the next start edits nothing.
    await bot.restart();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(editsOf(stale.id)).toBe(1);
    expect(editsOf(quiet.id)).toBe(0);
  });

  it('member text cannot make a masked link, and poll ids in custom_ids parse strictly', async () => {
    bot = await TestBot.start({ features });
    const { ids, fake } = bot;
    await fake.slash({ channelId: ids.general, userId: ids.alice, name: 'poll', subcommand: 'create', options: { question: 'Win [a prize](http://evil.example)?', choices: '[Yes](http://evil.example) | No' } }).reply();
    const message = pollMessage(bot, ids.general, 1);
    // Button labels are plain text in Discord; the embed is markdown.
    const shown = [message.embeds[0]?.description ?? '', ...(message.embeds[0]?.fields ?? []).map((f) => f.value)].join('\n');
    expect(shown).not.toMatch(/(^|[^\\])\[[^\]]*\]\(http/);
    expect(message.embeds[0]?.description).toContain('Win \\[a prize\\](http://evil.example)?');
    const receipt = await fake.click({ userId: ids.bob, message, customId: 'v1:poll-vote:1:0' }).reply();
    expect(receipt.content).toContain('You voted for **\\[Yes\\](http://evil.example)**');

    for (const forged of ['v1:poll-vote:0x1:1', 'v1:poll-vote:1e0:1', 'v1:poll-vote:01:1', 'v1:poll-vote:1:01', 'v1:poll-vote:1:0x1']) {
      const reply = await fake.click({ userId: ids.carol, message, customId: forged, forged: true }).reply();
      expect(reply.content, forged).toContain('no longer valid');
    }
    expect(await votesOf(bot, 1)).toBe(1);
  });
});
