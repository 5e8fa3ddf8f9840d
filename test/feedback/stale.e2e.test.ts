// A kill -9 inside the coalescing window of a feedback post's vote edits: start-up brings the
// stale post up to date from the stored votes, and leaves the up-to-date ones alone.
import { ChannelType } from 'discord.js';
import type { APIMessage } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import type { FeatureFactory } from '../../src/feature.js';
import { feedbackFeature } from '../../src/feedback/discord.js';
import { settingsRoutes } from '../../src/settings/discord.js';
import { TestBot } from '../support/bot.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const FEEDBACK = '900000000000000150';
// A long coalescing window: the edit the votes asked for is still pending when the process dies.
const features: FeatureFactory[] = [(ctx) => ({ name: 'settings', routes: settingsRoutes(ctx) }), (ctx) => feedbackFeature(ctx, { liveIntervalMs: 60_000 })];

function post(b: TestBot, item: number): APIMessage {
  const row = b.app.database.sqlite.prepare(`SELECT thread_id, message_id FROM feedback_items WHERE id = ?`).get(item) as { thread_id: string; message_id: string };
  const message = b.fake.message(row.thread_id, row.message_id);
  if (!message) throw new Error(`no post for item ${item}`);
  return message;
}

const labels = (m: APIMessage) => ((m.components ?? []) as unknown as Array<{ components: Array<{ label?: string }> }>).flatMap((r) => r.components).map((c) => c.label);

describe('feedback posts after a crash', () => {
  it('after a kill -9 inside the coalescing window, start-up edits the stale post, and only that one', async () => {
    bot = await TestBot.start({ features });
    const { ids, fake } = bot;
    fake.addChannel(ids.guildId, { id: FEEDBACK, name: 'feedback', type: ChannelType.GuildForum });
    await fake.waitFor(() => bot!.app.client.channels.cache.has(FEEDBACK));
    await fake.slash({ channelId: ids.staffChannel, userId: ids.ownerId, name: 'settings', subcommand: 'set', options: { staff_role: ids.staffRoleId, feedback_channel: FEEDBACK } }).reply();
    for (const title of ['Dark mode', 'Calendar']) {
      const opened = fake.slash({ channelId: ids.general, userId: ids.alice, name: 'feedback', subcommand: 'submit' });
      await opened.reply();
      await opened.submitModal({ title, details: `${title}, please.`, category: ['Idea'] }).reply();
    }
    const stale = post(bot, 1);
    const quiet = post(bot, 2);
    for (const userId of [ids.bob, ids.carol]) await fake.click({ userId, message: stale, customId: 'v1:fb-vote:1:up' }).reply();
    await fake.click({ userId: ids.dave, message: stale, customId: 'v1:fb-vote:1:down' }).reply();
    expect(labels(post(bot, 1))).toEqual(['Upvote (0)', 'Downvote (0)']);
    const editsOf = (m: APIMessage) => fake.requestsMatching('PATCH', `/channels/${m.channel_id}/messages/${m.id}`).length;
    expect(editsOf(stale)).toBe(0);

    await bot.crash();
    await expect.poll(() => labels(post(bot!, 1)), { timeout: 5000 }).toEqual(['Upvote (2)', 'Downvote (1)']);
    expect(post(bot, 1).embeds[0]?.fields?.find((f) => f.name === 'Votes')?.value).toBe('▲ 2 · ▼ 1 · score +1');
    expect(editsOf(stale)).toBe(1);
    expect(editsOf(quiet)).toBe(0);

    // Up to date now: the next start edits nothing.
    await bot.restart();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(editsOf(stale)).toBe(1);
    expect(editsOf(quiet)).toBe(0);
    expect(bot.errors).toEqual([]);
  });
});
