// Forged and unlucky votes through the fake Discord: a vote counts only from its poll's own message, by members who may see it.
import { PermissionFlagsBits } from 'discord.js';
import { OverwriteType, type APIMessage } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import type { FeatureFactory } from '../../src/feature.js';
import { pollsFeature } from '../../src/polls/discord.js';
import { settingsRoutes } from '../../src/settings/discord.js';
import { TestBot } from '../support/bot.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const features: FeatureFactory[] = [(ctx) => ({ name: 'settings', routes: settingsRoutes(ctx) }), (ctx) => pollsFeature(ctx)];

function pollMessage(b: TestBot, channelId: string, pollId: number): APIMessage {
  const found = b.fake.channelMessages(channelId).find((m) => m.author.id === b.fake.appId && m.embeds.some((e) => e.author?.name?.startsWith(`Poll #${pollId}`)));
  if (!found) throw new Error(`no message for poll #${pollId}`);
  return found;
}

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
});
