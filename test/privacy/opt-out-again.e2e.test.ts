// An opt-out asked again while the member's job runs (they voted on a feedback item between the
// two requests; or an admin ran `pulse privacy-opt-out`): the job goes over the rows once more
// before it deletes its row, so the vote goes too, and every request is told "Done".
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChannelType } from 'discord-api-types/v10';
import { runCli } from '../../src/cli.js';
import { TestBot } from '../support/bot.js';

let bot: TestBot | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await bot?.close();
  bot = undefined;
});

const count = (b: TestBot, sql: string, ...params: unknown[]) => b.app.database.sqlite.prepare(sql).pluck().get(...params) as number;
const FEEDBACK = '900000000000000150';

/** A feedback forum with Bob's item #1; Alice's message in general. */
async function setUp(b: TestBot) {
  const { ids, fake } = b;
  fake.addChannel(ids.guildId, { id: FEEDBACK, name: 'feedback', type: ChannelType.GuildForum });
  await fake.waitFor(() => b.app.client.channels.cache.has(FEEDBACK));
  const set = await fake.slash({ channelId: ids.staffChannel, userId: ids.ownerId, name: 'settings', subcommand: 'set', options: { staff_role: ids.staffRoleId, feedback_channel: FEEDBACK } }).reply();
  expect(set.content).toBe('Settings saved.');
  const opened = fake.slash({ channelId: ids.general, userId: ids.bob, name: 'feedback', subcommand: 'submit' });
  await opened.reply();
  expect((await opened.submitModal({ title: 'Calendar', details: 'Calendar, please.', category: ['Idea'] }).reply()).content).toMatch(/#1/);
  fake.post({ channelId: ids.general, userId: ids.alice, content: 'hello' });
  await fake.waitFor(() => count(b, 'SELECT count(*) FROM activity_messages WHERE user_id = ?', ids.alice) === 1);
  const row = b.app.database.sqlite.prepare(`SELECT thread_id, message_id FROM feedback_items WHERE id = 1`).get() as { thread_id: string; message_id: string };
  return fake.message(row.thread_id, row.message_id)!;
}

/** Holds the opt-out job's first scan of `entry` until released (the entries before it are done). */
function holdAt(b: TestBot, entry: string) {
  const pool = b.app.pool;
  const run = pool.run.bind(pool);
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let reached = false;
  vi.spyOn(pool, 'run').mockImplementation(async (kind, input, options) => {
    if (kind === 'privacy-scan' && (input as { entry: string }).entry === entry && !reached) {
      reached = true;
      await gate;
    }
    return run(kind, input, options);
  });
  return { release, reached: () => reached };
}

describe('/privacy opt-out asked again while the job runs', () => {
  it('goes over the rows again: the vote made between the two requests goes, and both answers say "Done"', async () => {
    bot = await TestBot.start();
    const b = bot;
    const { ids, fake } = b;
    const post = await setUp(b);
    const hold = holdAt(b, 'feedback_items');
    const first = fake.slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.alice, name: 'privacy', subcommand: 'opt-out' });
    expect((await first.reply(15_000)).content).toMatch(/stopped recording you/);
    await fake.waitFor(() => hold.reached(), 15_000);
    // Her votes were scanned already; she votes now, then opts out again.
    expect((await fake.click({ userId: ids.alice, message: post, customId: 'v1:fb-vote:1:up' }).reply()).content).toMatch(/upvoted/);
    expect(count(b, 'SELECT count(*) FROM feedback_votes WHERE user_id = ?', ids.alice)).toBe(1);
    const second = fake.slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.alice, name: 'privacy', subcommand: 'opt-out' });
    expect((await second.reply(15_000)).content).toMatch(/stopped recording you/);
    hold.release();
    await fake.waitFor(() => first.original?.content?.startsWith('Done:') && second.original?.content?.startsWith('Done:'), 20_000);
    expect(count(b, 'SELECT count(*) FROM feedback_votes WHERE user_id = ?', ids.alice)).toBe(0);
    expect(count(b, 'SELECT count(*) FROM activity_messages WHERE user_id = ?', ids.alice)).toBe(0);
    expect(count(b, 'SELECT count(*) FROM privacy_opt_out_jobs')).toBe(0);
    expect(count(b, 'SELECT count(*) FROM activity_opt_outs WHERE user_id = ?', ids.alice)).toBe(1);
    expect(b.logs.filter((l) => l.msg === 'privacy.opted-out')).toHaveLength(1);
    expect(b.errors).toEqual([]);
  }, 60_000);

  it("an admin's `pulse privacy-opt-out` while the member's job runs makes it go over the rows again; the member's answer and a DM say it is done", async () => {
    // The command tells a running bot by its heartbeat, on the real clock.
    bot = await TestBot.start({ now: Date.now() });
    const b = bot;
    const { ids, fake } = b;
    const post = await setUp(b);
    const hold = holdAt(b, 'feedback_items');
    const first = fake.slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.alice, name: 'privacy', subcommand: 'opt-out' });
    expect((await first.reply(15_000)).content).toMatch(/stopped recording you/);
    await fake.waitFor(() => hold.reached(), 15_000);
    expect((await fake.click({ userId: ids.alice, message: post, customId: 'v1:fb-vote:1:up' }).reply()).content).toMatch(/upvoted/);
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
    expect(await runCli(['privacy-opt-out', '--guild', ids.guildId, '--user', ids.alice, '--wait', '0'], { DATABASE_URL: `sqlite:${b.databasePath}` })).toBe(0);
    expect(printed).toEqual([expect.stringMatching(/The running bot is at it/)]);
    hold.release();
    await fake.waitFor(() => count(b, 'SELECT count(*) FROM privacy_opt_out_jobs') === 0, 20_000);
    await fake.waitFor(() => first.original?.content?.startsWith('Done:'), 5000);
    await fake.waitFor(() => (fake.channelMessages(fake.dmChannelId(ids.alice) ?? '').at(-1)?.content ?? '').includes('Done:'), 5000);
    expect(count(b, 'SELECT count(*) FROM feedback_votes WHERE user_id = ?', ids.alice)).toBe(0);
    expect(b.errors).toEqual([]);
  }, 60_000);
});
