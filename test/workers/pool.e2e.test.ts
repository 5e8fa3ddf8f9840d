// A worker that dies holding a member's /insights: the member gets an error with an id, not
// silence, and the next /insights is answered by its replacement.
import { afterEach, expect, it, vi } from 'vitest';
import { msg } from '../../src/i18n/index.js';
import { JobError } from '../../src/workers/pool.js';
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

it("a member's /insights waits for a worker 14 minutes at most (the answer lasts 15), then hears Pulse is busy", async () => {
  bot = await TestBot.start();
  const { ids, fake } = bot;
  const insights = () => fake.slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.ownerId, name: 'insights', options: { period: '7d' } }).reply(15_000);
  const run = vi.spyOn(bot.app.pool, 'run');
  const before = Date.now();
  expect((await insights()).embeds[0]?.title).toMatch(/^Insights: /);
  const waitUntil = (run.mock.calls[0]?.[2] as { waitUntil?: number } | undefined)?.waitUntil ?? 0;
  expect(waitUntil).toBeGreaterThanOrEqual(before + 14 * 60_000);
  expect(waitUntil).toBeLessThanOrEqual(Date.now() + 14 * 60_000);
  // The pool dropped the job, still queued at that instant.
  run.mockRejectedValueOnce(new JobError(msg('worker.busy', { id: 'abcd1234' }), 'abcd1234', true));
  const busy = await insights();
  expect(busy.ephemeral).toBe(true);
  expect(busy.content).toBe('Pulse is busy with other requests and could not get to yours in time. Try again in a few minutes (error id `abcd1234`).');
});
