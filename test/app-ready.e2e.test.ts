// Start-up: each slice catches up on its own; one slow slice does not hold up the others.
import { afterEach, expect, it } from 'vitest';
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
