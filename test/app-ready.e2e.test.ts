// Start-up: each slice catches up on its own; one slow slice does not hold up the others.
import { Events } from 'discord.js';
import { afterEach, expect, it } from 'vitest';
import type { FeatureFactory } from '../src/feature.js';
import { updateSettings } from '../src/settings/store.js';
import { TestBot } from './support/bot.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

it("an overdue poll closes at start while the flags' reconciliation waits on Discord's rate limit", { timeout: 60_000 }, async () => {
  bot = await TestBot.start();
  const b = bot;
  const { ids, fake } = b;
  await updateSettings(b.db, ids.guildId, { modChannelId: ids.modChannel, flagThreshold: 2 }, b.clock.now());
  // An open case, which start-up reconciles by asking Discord for the message's 🚩 reactions.
  const flagged = fake.post({ channelId: ids.general, userId: ids.alice, content: 'something off' });
  fake.react({ channelId: ids.general, messageId: flagged.id, userId: ids.bob, emoji: '🚩' });
  fake.react({ channelId: ids.general, messageId: flagged.id, userId: ids.carol, emoji: '🚩' });
  await fake.waitFor(() => fake.channelMessages(ids.modChannel).some((m) => m.author.id === fake.appId), 10_000);
  // A poll that closes while the bot is down.
  const created = await fake.slash({ channelId: ids.general, userId: ids.alice, name: 'poll', subcommand: 'create', options: { question: 'Lunch?', choices: 'Pizza | Tacos', duration: '1h' } }).reply();
  expect(created.content).toMatch(/^Poll #1 posted/);
  const poll = fake.channelMessages(ids.general).find((m) => m.author.id === fake.appId && m.embeds[0]?.description?.includes('Lunch?'))!;

  const reactions = /^\/channels\/\d+\/messages\/\d+\/reactions\//;
  const limited = fake.rateLimitNext({ method: 'GET', path: reactions }, { retryAfter: 4 });
  await b.restart(() => b.clock.advance(2 * 3_600_000));

  expect(limited.served).toBe(true);
  const requests = fake.requests;
  const closedEdit = requests.findIndex((r) => r.method === 'PATCH' && r.path === `/channels/${ids.general}/messages/${poll.id}`);
  const retried = requests.findIndex((r, i) => i > requests.indexOf(limited.request!) && r.method === 'GET' && reactions.test(r.path));
  expect(closedEdit).toBeGreaterThan(requests.indexOf(limited.request!));
  // The poll was shown closed before the reactions were asked for again, 4 s later.
  expect(retried).toBeGreaterThan(closedEdit);
  expect(fake.message(ids.general, poll.id)?.embeds[0]?.author?.name).toBe('Poll #1 · closed');
  expect(b.errors).toEqual([]);
});

it('a new gateway session after the first runs each slice\'s onReconnect, once; a resume does not', { timeout: 60_000 }, async () => {
  const calls: string[] = [];
  const probe: FeatureFactory = () => ({
    name: 'probe',
    async onReady() {
      calls.push('ready');
    },
    async onReconnect() {
      calls.push('reconnect');
    },
  });
  bot = await TestBot.start({ features: [probe] });
  const b = bot;
  const client = b.app.client;
  expect(calls).toEqual(['ready']);

  // A resume: Discord replays what was missed; nothing to catch up on.
  const resumed = new Promise<void>((resolve) => client.once(Events.ShardResume, () => resolve()));
  b.fake.dropConnection();
  await resumed;
  expect(b.fake.resumeCount).toBe(1);
  // A new session (op 9, not resumable): the gap's events are lost.
  const identified = new Promise<void>((resolve) => client.once(Events.ShardReady, () => resolve()));
  b.fake.invalidateSession(false);
  await identified;
  await b.fake.waitFor(() => calls.length === 2);
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(calls).toEqual(['ready', 'reconnect']);
  expect(b.errors).toEqual([]);
});
