// /privacy opt-out and the running bot's pick-up of recorded jobs (every 5 s) run a job once: a
// pick-up tick while the command's answer is on its way (here held by a rate limit) finds the job
// running already, and the member is told "Done" once, after "stopped recording you".
import { afterEach, describe, expect, it } from 'vitest';
import { TestBot } from '../support/bot.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const count = (b: TestBot, sql: string, ...params: unknown[]) => b.app.database.sqlite.prepare(sql).pluck().get(...params) as number;

describe('/privacy opt-out and the job pick-up', () => {
  it('a pick-up tick during the answer does not run the job a second time', async () => {
    bot = await TestBot.start();
    const b = bot;
    const { ids, fake } = b;
    fake.post({ channelId: ids.general, userId: ids.alice, content: 'hello' });
    await fake.waitFor(() => count(b, 'SELECT count(*) FROM activity_messages WHERE user_id = ?', ids.alice) === 1);
    // The answer ("stopped recording you") waits 7 s for Discord: at least one pick-up tick runs meanwhile.
    const original = new RegExp(`^/webhooks/${fake.appId}/[^/]+/messages/(@|%40)original$`);
    const held = fake.rateLimitNext({ method: 'PATCH', path: original }, { retryAfter: 7 });
    const out = fake.slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.alice, name: 'privacy', subcommand: 'opt-out' });
    await fake.waitFor(() => held.served, 10_000);
    await fake.waitFor(() => out.original?.content?.startsWith('Done:'), 20_000);
    // Give a second run (and its "Done") the time to show up, were there one.
    await new Promise((r) => setTimeout(r, 1500));
    const logs = b.logs.map((l) => l.msg);
    expect(logs.filter((m) => m === 'privacy.opted-out')).toHaveLength(1);
    expect(logs).not.toContain('privacy.opt-out-picked-up');
    // What the member's answer showed, in order: the rate-limited try, then the answer, then "Done" once.
    const edits = fake.requestsMatching('PATCH', original).filter((r) => r.status === 200).map((r) => String((r.body as { content?: string }).content));
    expect(edits).toEqual([expect.stringMatching(/stopped recording you/), expect.stringMatching(/^Done:/)]);
    expect(out.original?.content).toMatch(/^Done:/);
    expect(count(b, 'SELECT count(*) FROM activity_messages WHERE user_id = ?', ids.alice)).toBe(0);
    expect(b.errors).toEqual([]);
  }, 40_000);
});
