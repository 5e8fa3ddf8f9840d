// /insights never names a member who opted out: not while their opt-out's job is still deleting
// their rows (held here mid-way, as a long or failing job would be), not after.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ActivityStore } from '../../src/activity/store.js';
import { TestBot } from '../support/bot.js';

let bot: TestBot | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await bot?.close();
  bot = undefined;
});

const DAY = 86_400_000;

/** Holds every opt-out job's scan of `entry` until released (the entries before it are done). */
function holdAt(b: TestBot, entry: string) {
  const pool = b.app.pool;
  const run = pool.run.bind(pool);
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let reached = 0;
  vi.spyOn(pool, 'run').mockImplementation(async (kind, input, options) => {
    if (kind === 'privacy-scan' && (input as { entry: string }).entry === entry) {
      reached++;
      await gate;
    }
    return run(kind, input, options);
  });
  return { release, reached: () => reached };
}

describe('/insights and opted-out members', () => {
  it('leaves a member whose opt-out is still running out of the top members and the at-risk list', async () => {
    bot = await TestBot.start(); // Monday 2026-11-02 12:00 UTC: /insights 7d is 2026-10-26 to 2026-11-01
    const b = bot;
    const { ids, fake } = b;
    let n = 0n;
    const message = (userId: string, at: number) => ({
      kind: 'message' as const, guildId: ids.guildId, at, messageId: String(820000000000000000n + n++), channelId: ids.general, userId, replyToId: null, hasAttachment: false,
    });
    const at = (day: string) => Date.parse(`${day}T10:00:00Z`);
    new ActivityStore(b.app.database.sqlite).applyBatch([
      // Alice, the top member of the week; Bob, the second.
      ...[0, 1, 2].map((i) => message(ids.alice, at('2026-10-28') + i * 60_000)),
      message(ids.bob, at('2026-10-30')),
      // Carol, a regular of September and October who went quiet: at risk.
      ...[0, 1, 2, 3, 4].map((i) => message(ids.carol, at('2026-10-01') + i * DAY)),
    ]);
    const insights = async () => {
      const reply = await fake.slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.ownerId, name: 'insights', options: { period: '7d' } }).reply(15_000);
      return Object.fromEntries((reply.embeds[0]?.fields ?? []).map((f) => [f.name, f.value]));
    };
    const before = await insights();
    expect(before['Top members']).toBe(`1. <@${ids.alice}> 3\n2. <@${ids.bob}> 1`);
    expect(before['At-risk regulars']).toBe(`1: <@${ids.carol}>`);

    // Alice and Carol opt out; their jobs are held before their hourly records are deleted.
    const hold = holdAt(b, 'activity_hours');
    for (const userId of [ids.alice, ids.carol]) {
      const out = await fake.slash({ guildId: ids.guildId, channelId: ids.general, userId, name: 'privacy', subcommand: 'opt-out' }).reply(15_000);
      expect(out.content).toMatch(/stopped recording you/);
    }
    await fake.waitFor(() => hold.reached() === 2, 15_000);
    const sqlite = b.app.database.sqlite;
    expect(sqlite.prepare('SELECT count(*) FROM activity_hours WHERE guild_id = ?').pluck().get(ids.guildId)).toBeGreaterThan(0);
    const during = await insights();
    expect(during['Top members']).toBe(`1. <@${ids.bob}> 1`);
    expect(during['At-risk regulars']).toBe('none');
    expect(JSON.stringify(during)).not.toMatch(new RegExp(`${ids.alice}|${ids.carol}`));

    hold.release();
    await fake.waitFor(() => sqlite.prepare('SELECT count(*) FROM privacy_opt_out_jobs').pluck().get() === 0, 20_000);
    const after = await insights();
    expect(after['Top members']).toBe(`1. <@${ids.bob}> 1`);
    expect(after['At-risk regulars']).toBe('none');
    expect(b.errors).toEqual([]);
  }, 60_000);
});
