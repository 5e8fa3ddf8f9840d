// Who may see and manage a poll through /poll: members, its author, staff; and polls open to @everyone.
import { PermissionFlagsBits } from 'discord.js';
import { OverwriteType, type APIEmbed } from 'discord-api-types/v10';
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


/** The "N vote(s)" figure of each choice, as an embed shows it. */
function shownCounts(embed: APIEmbed | undefined): number[] {
  return [...(embed?.description ?? '').matchAll(/· (\d+) votes?/g)].map((m) => Number(m[1]));
}

async function setStaffRole(b: TestBot): Promise<void> {
  const reply = await b.fake.slash({ channelId: b.ids.staffChannel, userId: b.ids.ownerId, name: 'settings', subcommand: 'set', options: { staff_role: b.ids.staffRoleId } }).reply();
  expect(reply.content).toBe('Settings saved.');
}

function poll(b: TestBot, userId: string, subcommand: string, options: Record<string, string | number | boolean> = {}) {
  return b.fake.slash({ channelId: b.ids.general, userId, name: 'poll', subcommand, options }).reply();
}

describe('/poll results, close and autocomplete: who sees and manages what', () => {
  it('members see the counts of a poll that does not hide them; its author sees hidden counts; other members do not', async () => {
    bot = await TestBot.start({ features });
    const { ids, fake } = bot;
    await poll(bot, ids.alice, 'create', { question: 'Open counts?', choices: 'A | B' });
    await poll(bot, ids.alice, 'create', { question: 'Hidden counts?', choices: 'A | B', hide_results: true });
    await fake.click({ userId: ids.carol, message: pollMessage(bot, ids.general, 1), customId: 'v1:poll-vote:1:1' }).reply();
    await fake.click({ userId: ids.carol, message: pollMessage(bot, ids.general, 2), customId: 'v1:poll-vote:2:0' }).reply();

    const open = await poll(bot, ids.bob, 'results', { poll: 1 });
    expect(open.ephemeral).toBe(true);
    expect(shownCounts(open.embeds[0])).toEqual([0, 1]);

    const byAuthor = await poll(bot, ids.alice, 'results', { poll: 2 });
    expect(byAuthor.ephemeral).toBe(true);
    expect(shownCounts(byAuthor.embeds[0])).toEqual([1, 0]);
    expect(byAuthor.embeds[0]?.fields?.map((f) => f.value)).toContain('Results are hidden from members until the poll closes; you see them as staff or as its author.');

    const byMember = await poll(bot, ids.bob, 'results', { poll: 2 });
    expect(shownCounts(byMember.embeds[0])).toEqual([]);
    expect(byMember.embeds[0]?.description).toMatch(/hidden/);
    expect(bot.errors).toEqual([]);
  });

  it("staff close and delete a member's poll; the author still manages a poll whose channel they can no longer see", async () => {
    bot = await TestBot.start({ features });
    const { ids, fake } = bot;
    await setStaffRole(bot);
    await poll(bot, ids.alice, 'create', { question: 'By alice', choices: 'A | B' });
    await poll(bot, ids.alice, 'create', { question: 'Also by alice', choices: 'A | B' });
    await fake.slash({ channelId: ids.general, userId: ids.bob, name: 'poll', subcommand: 'create', options: { question: 'In mod', choices: 'A | B', channel: ids.modChannel } }).reply();

    // The moderator (staff role) closes and deletes alice's polls.
    const closed = await poll(bot, ids.moderator, 'close', { poll: 1 });
    expect(closed).toMatchObject({ ephemeral: true, content: 'Poll #1 is closed.' });
    expect((await bot.db.selectFrom('polls').select(['status', 'closed_by']).where('id', '=', 1).executeTakeFirstOrThrow())).toEqual({ status: 'closed', closed_by: ids.moderator });
    const deleted = await poll(bot, ids.moderator, 'delete', { poll: 2 });
    expect(deleted.content).toBe('Poll #2 and its votes are deleted.');
    expect(await bot.db.selectFrom('polls').select('id').where('id', '=', 2).executeTakeFirst()).toBeUndefined();

    // Bob loses sight of the mod channel his poll is in: he still sees its results and closes it.
    fake.setChannelOverwrites(ids.modChannel, [{ id: ids.bob, type: OverwriteType.Member, allow: '0', deny: String(PermissionFlagsBits.ViewChannel) }]);
    await fake.waitFor(() => {
      const guild = bot!.app.client.guilds.cache.get(ids.guildId);
      const member = guild?.members.cache.get(ids.bob);
      const channel = guild?.channels.cache.get(ids.modChannel);
      return member && channel && !channel.permissionsFor(member).has(PermissionFlagsBits.ViewChannel);
    });
    const results = await poll(bot, ids.bob, 'results', { poll: 3 });
    expect(results.embeds[0]?.author?.name).toMatch(/#3/);
    expect((await poll(bot, ids.bob, 'close', { poll: 3 })).content).toBe('Poll #3 is closed.');
    expect(bot.errors).toEqual([]);
  });

  it('autocomplete: close offers open polls only; export offers nothing to members, every poll to staff', async () => {
    bot = await TestBot.start({ features });
    const { ids, fake } = bot;
    await setStaffRole(bot);
    await poll(bot, ids.alice, 'create', { question: 'First', choices: 'A | B' });
    await poll(bot, ids.alice, 'create', { question: 'Second', choices: 'A | B' });
    await poll(bot, ids.alice, 'close', { poll: 1 });
    const ac = (userId: string, subcommand: string) => fake.autocomplete({ channelId: ids.general, userId, name: 'poll', subcommand, options: { poll: 0 }, focused: 'poll', value: '' }).reply();
    expect((await ac(ids.alice, 'close')).choices?.map((c) => c.value)).toEqual([2]);
    expect((await ac(ids.alice, 'results')).choices?.map((c) => c.value)).toEqual([2, 1]);
    expect((await ac(ids.alice, 'export')).choices).toEqual([]);
    expect((await ac(ids.moderator, 'export')).choices?.map((c) => c.value)).toEqual([2, 1]);
  });

  it('a poll limited to @everyone is open to every member', async () => {
    bot = await TestBot.start({ features });
    const { ids, fake } = bot;
    const created = await poll(bot, ids.alice, 'create', { question: 'Everyone?', choices: 'A | B', role: ids.guildId });
    expect(created.content).toMatch(/Poll #1 posted/);
    expect((await bot.db.selectFrom('polls').select('role_id').executeTakeFirstOrThrow()).role_id).toBeNull();
    const vote = await fake.click({ userId: ids.bob, message: pollMessage(bot, ids.general, 1), customId: 'v1:poll-vote:1:0' }).reply();
    expect(vote.content).toBe('You voted for **A**; click again to withdraw.');
  });

  it("a vote for one public poll clicked on another poll's message is refused, though the voter sees both", async () => {
    bot = await TestBot.start({ features });
    const { ids, fake } = bot;
    await poll(bot, ids.alice, 'create', { question: 'One', choices: 'A | B' });
    await poll(bot, ids.alice, 'create', { question: 'Two', choices: 'A | B' });
    const forged = await fake.click({ userId: ids.bob, message: pollMessage(bot, ids.general, 1), customId: 'v1:poll-vote:2:0', forged: true }).reply();
    expect(forged).toMatchObject({ ephemeral: true, content: 'This control is no longer valid. Vote on the poll’s own message.' });
    expect(await bot.db.selectFrom('poll_votes').selectAll().execute()).toEqual([]);
  });
});
