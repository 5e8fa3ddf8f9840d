// What the feedback e2e tests start from: the bot with settings and feedback, and a feedback
// channel (forum or text) set by staff with /settings set.
import { ChannelType } from 'discord.js';
import { expect, vi } from 'vitest';
import type { FeatureFactory } from '../../src/feature.js';
import { feedbackFeature, type FeedbackFeature } from '../../src/feedback/discord.js';
import { settingsRoutes } from '../../src/settings/discord.js';
import { TestBot, type TestBotOptions } from '../support/bot.js';

export const FEEDBACK = '900000000000000150';

/** Settings and feedback, the feedback posts' edits coalesced over `liveIntervalMs`. */
export function feedbackFeatures(liveIntervalMs = 50): FeatureFactory[] {
  return [(ctx) => ({ name: 'settings', routes: settingsRoutes(ctx) }), (ctx) => feedbackFeature(ctx, { liveIntervalMs })];
}

export const feedbackService = (b: TestBot) => (b.app.features.find((f) => f.name === 'feedback') as FeedbackFeature).service;

/** Starts the bot with feedback posted in a forum or text channel (FEEDBACK), as staff set it up. */
export async function startWithFeedbackChannel(kind: 'forum' | 'text', options: Omit<TestBotOptions, 'features'> = {}): Promise<TestBot> {
  const b = await TestBot.start({ ...options, features: feedbackFeatures() });
  b.fake.addChannel(b.ids.guildId, { id: FEEDBACK, name: 'feedback', type: kind === 'forum' ? ChannelType.GuildForum : ChannelType.GuildText });
  await vi.waitFor(() => expect(b.app.client.channels.cache.has(FEEDBACK)).toBe(true));
  const set = await b.fake.slash({ channelId: b.ids.staffChannel, userId: b.ids.ownerId, name: 'settings', subcommand: 'set', options: { staff_role: b.ids.staffRoleId, feedback_channel: FEEDBACK } }).reply();
  // (On a server whose language differs from the owner's, a second line says which language posts are in.)
  expect(set.content?.split('\n')[0]).toBe('Settings saved.');
  return b;
}
