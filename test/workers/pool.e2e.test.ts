// A worker that dies holding a member's /insights: the member gets an error with an id, not
// silence, and the next /insights is answered by its replacement.
import { afterEach, expect, it } from 'vitest';
import { TestBot } from '../support/bot.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

it('a crashed worker is replaced and the member is told', async () => {
  bot = await TestBot.start();
  const { ids, fake } = bot;
  const insights = () => fake.slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.ownerId, name: 'insights', options: { period: '7d' } }).reply(15_000);
  bot.app.pool.once('started', (_kind, worker) => void worker.terminate());
  const failed = await insights();
  expect(failed.ephemeral).toBe(true);
  expect(failed.content).toMatch(/could not be computed \(error id `[0-9a-f]{8}`\)/);
  const id = /`([0-9a-f]{8})`/.exec(failed.content ?? '')![1];
  expect(bot.logs.some((l) => l.msg === 'pool.job-lost-its-worker' && l['errorId'] === id)).toBe(true);
  const answered = await insights();
  expect(answered.embeds[0]?.title).toMatch(/^Insights: /);
  expect(bot.app.pool.stats.restarts).toBe(1);
});
