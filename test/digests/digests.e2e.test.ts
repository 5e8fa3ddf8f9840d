// End to end through the fake Discord: a week of activity, a weekly schedule, the clock passes
// the scheduled time -> exactly one digest with its PNG in the staff channel; restarts never repost.
import { Locale, type APIMessage } from 'discord-api-types/v10';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DigestsFeature } from '../../src/digests/discord.js';
import { renderDigest } from '../../src/digests/render.js';
import { insightsReports } from '../../src/digests/reports.js';
import { recentRuns } from '../../src/digests/store.js';
import { updateSettings } from '../../src/settings/store.js';
import { TestBot } from '../support/bot.js';

const at = (s: string) => Date.parse(s);
const DAY = 86_400_000;

describe('digests through Discord', () => {
  let bot: TestBot;

  beforeEach(async () => {
    bot = await TestBot.start({ now: at('2026-11-02T09:30:00Z') }); // Monday, after this week's run time
    await updateSettings(bot.db, bot.ids.guildId, { staffChannelId: bot.ids.staffChannel, staffRoleId: bot.ids.staffRoleId, timezone: 'UTC' }, bot.clock.now());
  });
  afterEach(() => bot.close());

  const digests = (): APIMessage[] => bot.fake.channelMessages(bot.ids.staffChannel).filter((m) => m.author.id === bot.fake.appId);
  const feature = () => bot.app.features.find((f) => f.name === 'digests') as DigestsFeature;

  /** Waits until the bot has handled everything sent before: an interaction's answer comes after them. */
  async function barrier(): Promise<void> {
    await bot.fake.slash({ channelId: bot.ids.staffChannel, userId: bot.ids.ownerId, name: 'digest', subcommand: 'show' }).reply();
  }

  async function weekOfActivity(): Promise<void> {
    const members = [bot.ids.alice, bot.ids.bob, bot.ids.carol, bot.ids.dave];
    for (let day = 0; day < 7; day++) {
      for (const [i, userId] of members.entries()) {
        if ((day + i) % 3 === 0) continue;
        bot.clock.set(at('2026-11-02T10:00:00Z') + day * DAY + i * 3_600_000);
        bot.fake.post({ channelId: bot.ids.general, userId, content: `hello ${day}`, at: new Date(bot.clock.now()) });
      }
    }
    bot.clock.set(at('2026-11-08T20:00:00Z'));
    await barrier();
  }

  async function schedule(): Promise<void> {
    const reply = await bot.fake
      .slash({ channelId: bot.ids.staffChannel, userId: bot.ids.moderator, name: 'digest', subcommand: 'schedule', options: { frequency: 'weekly', weekday: 1, time: '09:00' } })
      .reply();
    expect(reply.ephemeral).toBe(true);
    expect(reply.embeds[0]?.description).toContain('Schedule saved.');
    expect(JSON.stringify(reply.embeds[0])).toContain('<t:1794214800:F>'); // Mon Nov 9 09:00 UTC
  }

  it('posts one digest with its chart when the time comes, and never again after a restart', async () => {
    await schedule();
    await weekOfActivity();
    // Writes are flushed on stop: restart so the week is on disk, like a bot that ran for days.
    await bot.restart();

    bot.clock.set(at('2026-11-09T08:59:00Z'));
    await feature().tick();
    expect(digests()).toHaveLength(0);

    bot.clock.set(at('2026-11-09T09:00:20Z'));
    await Promise.all([feature().tick(), feature().tick()]);
    expect(digests()).toHaveLength(1);
    const [message] = digests();
    expect(message!.embeds[0]?.title).toBe('Weekly digest: Nov 2 – 8, 2026');
    expect(message!.embeds[0]?.image?.url).toBe('attachment://digest.png');
    expect(message!.attachments.map((a) => a.filename)).toEqual(['digest.png']);
    const upload = bot.fake.requestsMatching('POST', `/channels/${bot.ids.staffChannel}/messages`).at(-1)!;
    expect(upload.multipart).toBe(true);
    const png = upload.files[0]!.data;
    expect([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');

    // The figures are buildReport's for that week and the one before, as of the post.
    const asOf = bot.clock.now();
    const q = { guildId: bot.ids.guildId, timezone: 'UTC', asOf };
    const reports = insightsReports(bot.app.database);
    const report = await reports({ ...q, from: '2026-11-02', to: '2026-11-08' });
    const previous = await reports({ ...q, from: '2026-10-26', to: '2026-11-01' });
    expect(report.activity.messages).toBe(4 * 7 - 10);
    const expected = renderDigest({ kind: 'week', report, previous, imageName: 'digest.png', footerNote: 'week:2026-11-02', polls: [] });
    expect(message!.embeds[0]?.fields?.map((f) => [f.name, f.value])).toEqual(expected.fields?.map((f) => [f.name, f.value]));
    expect(message!.embeds[0]?.description).toBe(expected.description);

    // A restart right after posting does not post again, nor do later ticks in the same week.
    await bot.restart();
    await feature().tick();
    bot.clock.set(at('2026-11-12T09:00:00Z'));
    await feature().tick();
    expect(digests()).toHaveLength(1);
    expect(bot.errors).toEqual([]);
  });

  it('a digest that fell due while the bot was down is posted once on start, marked late', async () => {
    await schedule();
    await weekOfActivity();
    await bot.restart(() => bot.clock.set(at('2026-11-10T15:00:00Z')));
    // onReady's catch-up has run when start() resolves.
    expect(digests()).toHaveLength(1);
    expect(digests()[0]!.embeds[0]?.description).toContain('**Late**');
    await feature().tick();
    await bot.restart();
    expect(digests()).toHaveLength(1);
    const [run] = await recentRuns(bot.db, bot.ids.guildId);
    expect(run).toMatchObject({ status: 'posted', late: true, periodKey: 'week:2026-11-02' });
  });

  it('a post that reached Discord just before a crash is found in the channel on start, not posted again', async () => {
    await schedule();
    await weekOfActivity();
    bot.clock.set(at('2026-11-09T09:00:20Z'));
    await feature().tick();
    expect(digests()).toHaveLength(1);
    // The process died between Discord's answer and recording it.
    await sql`UPDATE digest_runs SET status = 'posting', message_id = NULL`.execute(bot.db);
    await bot.restart();
    expect(digests()).toHaveLength(1);
    const [run] = await recentRuns(bot.db, bot.ids.guildId);
    expect(run).toMatchObject({ status: 'posted', messageId: digests()[0]!.id });
    expect(bot.fake.requestsMatching('GET', `/channels/${bot.ids.staffChannel}/messages`).length).toBeGreaterThan(0);
  });

  it('a failed post is retried and reported in /digest show', async () => {
    await schedule();
    // Refused, but not for good (nothing says the channel is gone or closed to the bot).
    bot.fake.failNext({ method: 'POST', path: `/channels/${bot.ids.staffChannel}/messages` }, { status: 400, code: 50035, message: 'Invalid Form Body' });
    bot.clock.set(at('2026-11-09T09:00:00Z'));
    await feature().tick();
    expect(digests()).toHaveLength(0);
    const shown = await bot.fake.slash({ channelId: bot.ids.staffChannel, userId: bot.ids.ownerId, name: 'digest', subcommand: 'show' }).reply();
    expect(JSON.stringify(shown.embeds)).toContain('failed 1×');
    bot.clock.set(at('2026-11-09T09:01:00Z'));
    await feature().tick();
    expect(digests()).toHaveLength(1);
  });

  it('/digest preview answers only the caller, with the chart', async () => {
    await weekOfActivity();
    bot.clock.set(at('2026-11-10T12:00:00Z'));
    const reply = await bot.fake.slash({ channelId: bot.ids.staffChannel, userId: bot.ids.moderator, name: 'digest', subcommand: 'preview' }).reply(15_000);
    expect(reply.ephemeral).toBe(true);
    expect(reply.embeds[0]?.title).toBe('Weekly digest: Nov 2 – 8, 2026');
    expect(reply.message?.attachments.map((a) => a.filename)).toEqual(['digest.png']);
    expect(digests()).toHaveLength(0);
  });

  /** The worker computing the next digest's figures dies under it (as a crash or a kill would). */
  function killNextDigestWorker(): void {
    const onStarted = (kind: string, worker: { terminate(): unknown }) => {
      if (kind !== 'digest-figures') return;
      bot.app.pool.off('started', onStarted);
      void worker.terminate();
    };
    bot.app.pool.on('started', onStarted);
  }

  it("/digest preview whose worker fails tells the caller why, in their language, with the error's id", async () => {
    await weekOfActivity();
    bot.clock.set(at('2026-11-10T12:00:00Z'));
    killNextDigestWorker();
    const reply = await bot.fake.slash({ channelId: bot.ids.staffChannel, userId: bot.ids.moderator, name: 'digest', subcommand: 'preview', locale: Locale.SpanishES }).reply(15_000);
    expect(reply.ephemeral).toBe(true);
    const id = /^Lo siento, no se pudo calcular \(id de error `([0-9a-f]{8})`\)/.exec(reply.content ?? '')?.[1];
    expect(id, reply.content).toBeDefined();
    expect(bot.logs.some((l) => l.msg === 'pool.job-lost-its-worker' && l['errorId'] === id)).toBe(true);
    // The next preview is computed by the worker's replacement.
    const again = await bot.fake.slash({ channelId: bot.ids.staffChannel, userId: bot.ids.moderator, name: 'digest', subcommand: 'preview' }).reply(15_000);
    expect(again.embeds[0]?.title).toBe('Weekly digest: Nov 2 – 8, 2026');
  });

  it("a scheduled digest whose worker fails is shown in /digest show in the server's language", async () => {
    await updateSettings(bot.db, bot.ids.guildId, { language: 'ru' }, bot.clock.now());
    await schedule();
    killNextDigestWorker();
    bot.clock.set(at('2026-11-09T09:00:00Z'));
    await feature().tick();
    expect(digests()).toHaveLength(0);
    const [run] = await recentRuns(bot.db, bot.ids.guildId);
    expect(run?.status).toBe('failed');
    const id = /^Не удалось это вычислить \(id ошибки `([0-9a-f]{8})`\)/.exec(run?.lastError ?? '')?.[1];
    expect(id, run?.lastError ?? '').toBeDefined();
    expect(bot.logs.some((l) => l.msg === 'pool.job-lost-its-worker' && l['errorId'] === id)).toBe(true);
    const shown = await bot.fake.slash({ channelId: bot.ids.staffChannel, userId: bot.ids.moderator, name: 'digest', subcommand: 'show', locale: Locale.Russian }).reply();
    expect(JSON.stringify(shown.embeds)).toContain(`Не удалось это вычислить (id ошибки \`${id}\`)`);
    // The run's days as Russian writes them, not as ISO dates.
    expect(JSON.stringify(shown.embeds)).toContain('⚠️ 2–8 нояб. 2026 г.: ');
    // The next runs' wall time in the server's zone too ("пн 2026-11-16 09:00" before).
    expect(JSON.stringify(shown.embeds)).toContain('(пн, 16 нояб. 09:00 UTC)');
    expect(JSON.stringify(shown.embeds)).not.toMatch(/2026-11-\d\d/);
    expect(JSON.stringify(shown.embeds)).not.toContain('could not be computed');
  });

  it('cron schedules are validated and show their next three runs; pause and resume', async () => {
    const slash = (subcommand: string, options?: Record<string, string | number>) =>
      bot.fake.slash({ channelId: bot.ids.staffChannel, userId: bot.ids.moderator, name: 'digest', subcommand, ...(options ? { options } : {}) }).reply();
    const bad = await slash('schedule', { frequency: 'cron', cron: '0 25 * * *' });
    expect(bad.content).toContain('is not a cron expression I can use');
    expect((await slash('schedule', { frequency: 'cron', cron: '0 0 30 2 *' })).content).toContain('impossible day of month');
    expect((await slash('schedule', { frequency: 'daily', time: '25:00' })).content).toContain('is not a time');
    const ok = await slash('schedule', { frequency: 'cron', cron: '30 8 * * 1-5', period: 'day' });
    const text = JSON.stringify(ok.embeds[0]);
    // Mon Nov 2 09:30 is past: Tue, Wed, Thu at 08:30 UTC.
    for (const day of ['2026-11-03', '2026-11-04', '2026-11-05']) expect(text).toContain(`<t:${Date.parse(`${day}T08:30:00Z`) / 1000}:F>`);
    expect(text).toContain('the previous day');
    expect(JSON.stringify((await slash('pause')).embeds[0])).toContain('Paused');
    bot.clock.set(at('2026-11-03T08:30:00Z'));
    await feature().tick();
    expect(digests()).toHaveLength(0);
    await slash('resume');
    bot.clock.set(at('2026-11-04T08:30:00Z'));
    await feature().tick();
    expect(digests().map((m) => m.embeds[0]?.title)).toEqual(['Daily digest: Nov 3, 2026']);
  });

  it('members without staff rights cannot schedule', async () => {
    const reply = await bot.fake.slash({ channelId: bot.ids.general, userId: bot.ids.alice, name: 'digest', subcommand: 'show' }).reply();
    expect(reply.content).toContain('Only staff');
  });
});
