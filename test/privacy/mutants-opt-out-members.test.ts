// /privacy between members while one member's opt-out is still deleting: what /privacy show
// says (opted out, still in progress or not; the entries with no record yet), who /privacy opt-in
// refuses, that a member is dropped at the door from the instant of opt-out and recorded again
// after opt-in, and that one member's job finishing leaves another member's job in the database.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TestBot } from '../support/bot.js';

let bot: TestBot | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await bot?.close();
  bot = undefined;
});

const count = (b: TestBot, sql: string, ...params: unknown[]) => b.app.database.sqlite.prepare(sql).pluck().get(...params) as number;

const OPTED_OUT = '**You opted out**: Pulse does not record your activity here.';
const PENDING = 'Deleting what it kept is still in progress.';
const RECORDING = 'Pulse records when you are active here, not what you write.';

/** Holds the opt-out scans of `userId` (their job stays pending) until `release()`. */
function holdScansOf(b: TestBot, userId: string): { release: () => void } {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const pool = b.app.pool;
  const original = pool.run.bind(pool);
  vi.spyOn(pool, 'run').mockImplementation(((kind: string, input: { userId?: string }, options?: unknown) =>
    kind === 'privacy-scan' && input.userId === userId
      ? gate.then(() => (original as (...a: unknown[]) => Promise<unknown>)(kind, input, options))
      : (original as (...a: unknown[]) => Promise<unknown>)(kind, input, options)) as typeof pool.run);
  return { release };
}

describe('/privacy show', () => {
  it('lists every entry the opt-out deletes or anonymises, at 0 too, and a kept one only when it names the member', async () => {
    bot = await TestBot.start();
    const b = bot;
    const { ids, fake } = b;
    fake.post({ channelId: ids.general, userId: ids.bob, content: 'hi' });
    await fake.waitFor(() => count(b, 'SELECT count(*) FROM activity_messages WHERE user_id = ?', ids.bob) === 1);
    const shown = await fake.slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.bob, name: 'privacy', subcommand: 'show' }).reply(15_000);
    expect(shown.ephemeral).toBe(true);
    const text = shown.embeds[0]?.description ?? '';
    expect(text.startsWith(RECORDING)).toBe(true);
    expect(text).toContain('Messages you sent (id, channel, time, reply-to, has attachment; never the text): **1** record (opt-out: deleted)');
    // Nothing of his in polls yet: listed all the same, with what opt-out would do.
    expect(text).toContain('Your votes in Pulse polls (poll, choice, time; anonymous polls store a keyed hash, not your id): **0** records (opt-out: deleted)');
    // Cases are kept on opt-out: with none about him, no line.
    expect(text).not.toContain('Moderation cases');
    // The hourly records summarise the others: named, never counted.
    expect(text).toContain('Hourly activity records (per channel: active quarters, messages per quarter, first and last message): summaries of the records above (opt-out: ');
    expect(text).not.toMatch(/Hourly activity records[^\n]*\*\*\d+\*\*/);
  });
});

describe('/privacy while a member’s opt-out is still deleting', () => {
  it('show, opt-in and the door tell members apart; one job finishing leaves the other’s', async () => {
    bot = await TestBot.start();
    const b = bot;
    const { ids, fake } = b;
    const ask = (userId: string, subcommand: string) => fake.slash({ guildId: ids.guildId, channelId: ids.general, userId, name: 'privacy', subcommand });
    fake.post({ channelId: ids.general, userId: ids.alice, content: 'hello' });
    fake.post({ channelId: ids.general, userId: ids.bob, content: 'hi' });
    await fake.waitFor(() => count(b, 'SELECT count(*) FROM activity_messages') === 2);
    const alicesIdx = b.app.database.sqlite.prepare(`SELECT idx FROM activity_ids WHERE guild_id = ? AND id = ?`).pluck().get(ids.guildId, ids.alice) as number;
    expect(alicesIdx).toEqual(expect.any(Number));
    const held = holdScansOf(b, ids.alice);

    // Alice opts out; her job waits on its scan.
    const alices = ask(ids.alice, 'opt-out');
    const started = await alices.reply(15_000);
    expect(started.ephemeral).toBe(true);
    expect(started.content).toMatch(/stopped recording you/);
    const pendingShow = await ask(ids.alice, 'show').reply(15_000);
    expect(pendingShow.ephemeral).toBe(true);
    expect((pendingShow.embeds[0]?.description ?? '').split('\n')[0]).toBe(`${OPTED_OUT} ${PENDING}`);

    // Dropped at the door from the instant she asked, before anything is deleted.
    fake.post({ channelId: ids.general, userId: ids.alice, content: 'still here' });
    const bobs = fake.post({ channelId: ids.general, userId: ids.bob, content: 'me too' });
    await fake.waitFor(() => count(b, 'SELECT count(*) FROM activity_messages WHERE message_id = ?', bobs.id) === 1);
    expect(count(b, 'SELECT count(*) FROM activity_messages WHERE user_id = ?', ids.alice)).toBe(1);

    // Bob opts out and his job finishes: Alice's job is still recorded (a restart would resume it).
    const bobsOut = ask(ids.bob, 'opt-out');
    await bobsOut.reply(15_000);
    await fake.waitFor(() => bobsOut.original?.content?.startsWith('Done:'), 20_000);
    expect(b.app.database.sqlite.prepare('SELECT user_id FROM privacy_opt_out_jobs').pluck().all()).toEqual([ids.alice]);
    // Bob's own show: opted out, nothing in progress (Alice's job is not his).
    expect((await ask(ids.bob, 'show').reply(15_000)).embeds[0]?.description?.split('\n')[0]).toBe(OPTED_OUT);

    // Carol never opted out: told so, not refused because of Alice's job.
    const carol = await ask(ids.carol, 'opt-in').reply(15_000);
    expect(carol.ephemeral).toBe(true);
    expect(carol.content).toBe('You had not opted out: Pulse records your activity here.');
    // Alice is refused while her own job runs.
    expect((await ask(ids.alice, 'opt-in').reply(15_000)).content).toMatch(/still deleting/);

    // Bob opts in: recorded again from then on.
    const back = await ask(ids.bob, 'opt-in').reply(15_000);
    expect(back.ephemeral).toBe(true);
    expect(back.content).toBe('Pulse records your activity in this server again, from now on.');
    const again = fake.post({ channelId: ids.general, userId: ids.bob, content: 'back' });
    await fake.waitFor(() => count(b, 'SELECT count(*) FROM activity_messages WHERE message_id = ?', again.id) === 1);
    expect((await ask(ids.bob, 'show').reply(15_000)).embeds[0]?.description?.startsWith(RECORDING)).toBe(true);

    // Alice's job goes on once its scan does, and finishes.
    held.release();
    await fake.waitFor(() => alices.original?.content?.startsWith('Done:'), 20_000);
    expect(count(b, 'SELECT count(*) FROM privacy_opt_out_jobs')).toBe(0);
    expect(count(b, 'SELECT count(*) FROM activity_messages WHERE user_id = ?', ids.alice)).toBe(0);
    expect((await ask(ids.alice, 'show').reply(15_000)).embeds[0]?.description?.split('\n')[0]).toBe(OPTED_OUT);

    // Back in: her new activity gets a rollup number of its own, never the one her anonymised
    // past keeps under its placeholder (that would tie the two together again).
    const idOf = (idx: number) => b.app.database.sqlite.prepare(`SELECT id FROM activity_ids WHERE guild_id = ? AND idx = ?`).pluck().get(ids.guildId, idx) as string;
    expect(idOf(alicesIdx)).toMatch(/^~/);
    expect((await ask(ids.alice, 'opt-in').reply(15_000)).content).toBe('Pulse records your activity in this server again, from now on.');
    const returned = fake.post({ channelId: ids.general, userId: ids.alice, content: 'back again' });
    await fake.waitFor(() => count(b, 'SELECT count(*) FROM activity_messages WHERE message_id = ?', returned.id) === 1);
    const mine = b.app.database.sqlite.prepare(`SELECT idx FROM activity_ids WHERE guild_id = ? AND id = ?`).pluck().all(ids.guildId, ids.alice) as number[];
    expect(mine).toHaveLength(1);
    expect(mine[0]).not.toBe(alicesIdx);
    expect(idOf(alicesIdx)).toMatch(/^~/);
    expect(b.errors).toEqual([]);
  }, 60_000);

  it('asked again while the job runs, the newer answer is the one the job tells, after a restart too', async () => {
    bot = await TestBot.start();
    const b = bot;
    const { ids, fake } = b;
    const ask = (subcommand: string) => fake.slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.alice, name: 'privacy', subcommand });
    fake.post({ channelId: ids.general, userId: ids.alice, content: 'hello' });
    await fake.waitFor(() => count(b, 'SELECT count(*) FROM activity_messages WHERE user_id = ?', ids.alice) === 1);
    const held = holdScansOf(b, ids.alice);
    const first = ask('opt-out');
    await first.reply(15_000);
    const second = ask('opt-out');
    expect((await second.reply(15_000)).content).toMatch(/stopped recording you/);
    expect(b.app.database.sqlite.prepare('SELECT notify_token FROM privacy_opt_out_jobs WHERE user_id = ?').pluck().all(ids.alice)).toEqual([second.token]);
    // Stopped before the job could go on: the next start resumes it and tells the newer answer.
    await b.restart(() => held.release());
    await fake.waitFor(() => second.original?.content?.startsWith('Done:'), 20_000);
    expect(first.original?.content).toMatch(/stopped recording you/);
    expect(count(b, 'SELECT count(*) FROM activity_messages WHERE user_id = ?', ids.alice)).toBe(0);
  }, 60_000);

  it('a "Done" edit Discord refuses for another reason than an expired answer is logged, not sent by DM', async () => {
    bot = await TestBot.start();
    const b = bot;
    const { ids, fake } = b;
    fake.post({ channelId: ids.general, userId: ids.alice, content: 'hello' });
    await fake.waitFor(() => count(b, 'SELECT count(*) FROM activity_messages WHERE user_id = ?', ids.alice) === 1);
    const held = holdScansOf(b, ids.alice);
    const out = fake.slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.alice, name: 'privacy', subcommand: 'opt-out' });
    await out.reply(15_000);
    fake.failNext({ method: 'PATCH', path: /\/webhooks\/.*\/messages\// }, { status: 400, code: 50035, message: 'Invalid Form Body' });
    held.release();
    await fake.waitFor(() => b.logs.some((l) => l.msg === 'privacy.notify-failed'), 20_000);
    expect(count(b, 'SELECT count(*) FROM privacy_opt_out_jobs')).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.dmChannelId(ids.alice)).toBeUndefined();
  }, 30_000);
});
