// A change of the server's time zone: the schedule starts again in the new zone. No past period is
// posted, nothing is called late "while Pulse was offline", and the runs of the new zone follow.
import type { APIMessage } from 'discord-api-types/v10';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DigestsFeature } from '../../src/digests/discord.js';
import { recentRuns } from '../../src/digests/store.js';
import { updateSettings } from '../../src/settings/store.js';
import { TestBot } from '../support/bot.js';

const at = (s: string) => Date.parse(s);

describe('digests when the server changes its time zone', () => {
  let bot: TestBot;

  beforeEach(async () => {
    bot = await TestBot.start({ now: at('2026-11-02T12:00:00Z') });
    await updateSettings(bot.db, bot.ids.guildId, { staffChannelId: bot.ids.staffChannel, staffRoleId: bot.ids.staffRoleId, timezone: 'UTC' }, bot.clock.now());
  });
  afterEach(() => bot.close());

  const digests = (): APIMessage[] => bot.fake.channelMessages(bot.ids.staffChannel).filter((m) => m.author.id === bot.fake.appId);
  const feature = () => bot.app.features.find((f) => f.name === 'digests') as DigestsFeature;
  const slash = (name: string, subcommand: string, options: Record<string, string | number>) =>
    bot.fake.slash({ channelId: bot.ids.staffChannel, userId: bot.ids.ownerId, name, subcommand, options }).reply();
  const runKeys = async () => (await recentRuns(bot.db, bot.ids.guildId, 10)).map((r) => [r.periodKey, r.late, r.dueAt]).reverse();

  it('posts no past period, marks nothing late, and goes on with the runs of the new zone', async () => {
    expect((await slash('digest', 'schedule', { frequency: 'daily', time: '09:00' })).embeds[0]?.description).toContain('Schedule saved.');
    bot.clock.set(at('2026-11-03T09:00:30Z'));
    await feature().tick();
    expect(digests().map((m) => m.embeds[0]?.title)).toEqual(['Daily digest: Nov 2, 2026']);

    // 05:00 in New York: its 09:00 of Nov 2 (14:00 UTC) is in the past, and was never missed.
    bot.clock.set(at('2026-11-03T10:00:00Z'));
    expect((await slash('settings', 'set', { timezone: 'America/New_York' })).content).toBe('Settings saved.');
    await feature().tick();
    expect(digests()).toHaveLength(1);
    expect(await runKeys()).toEqual([['day:2026-11-02', false, at('2026-11-03T09:00:00Z')]]);
    const [schedule] = await bot.db.selectFrom('digest_schedules').select(['zone', 'active_since']).execute();
    expect(schedule).toEqual({ zone: 'America/New_York', active_since: at('2026-11-03T10:00:00Z') });

    // 09:00 in New York: the day that ended there (Nov 2) was posted already, in UTC, this morning.
    bot.clock.set(at('2026-11-03T14:00:20Z'));
    await feature().tick();
    expect(digests()).toHaveLength(1);

    // The next day in New York is posted at its 09:00, on time.
    bot.clock.set(at('2026-11-04T14:00:20Z'));
    await feature().tick();
    expect(digests().map((m) => m.embeds[0]?.title)).toEqual(['Daily digest: Nov 2, 2026', 'Daily digest: Nov 3, 2026']);
    expect(digests()[1]!.embeds[0]?.description).not.toContain('Late');
    expect(await runKeys()).toEqual([
      ['day:2026-11-02', false, at('2026-11-03T09:00:00Z')],
      ['day:2026-11-03', false, at('2026-11-04T14:00:00Z')],
    ]);
    expect(bot.errors).toEqual([]);
  });

  it('a zone change east: the next run of the new zone is posted on time', async () => {
    await slash('digest', 'schedule', { frequency: 'daily', time: '09:00' });
    bot.clock.set(at('2026-11-03T09:00:30Z'));
    await feature().tick();
    bot.clock.set(at('2026-11-03T10:00:00Z')); // 19:00 in Tokyo: its 09:00 of today is past
    await slash('settings', 'set', { timezone: 'Asia/Tokyo' });
    await feature().tick();
    expect(digests()).toHaveLength(1);
    bot.clock.set(at('2026-11-04T00:00:10Z')); // 09:00 Nov 4 in Tokyo
    await feature().tick();
    expect(digests().map((m) => m.embeds[0]?.title)).toEqual(['Daily digest: Nov 2, 2026', 'Daily digest: Nov 3, 2026']);
    expect(await runKeys()).toEqual([
      ['day:2026-11-02', false, at('2026-11-03T09:00:00Z')],
      ['day:2026-11-03', false, at('2026-11-04T00:00:00Z')],
    ]);
  });

  it('a zone changed just before Pulse went down: the run of the new zone missed while it was down is posted late', async () => {
    await slash('digest', 'schedule', { frequency: 'daily', time: '09:00' });
    bot.clock.set(at('2026-11-03T10:00:00Z'));
    await slash('settings', 'set', { timezone: 'America/New_York' });
    // Down before the next tick, until the next morning: New York's 09:00 of Nov 3 was missed.
    await bot.restart(() => bot.clock.set(at('2026-11-04T12:00:00Z')));
    expect(digests().map((m) => m.embeds[0]?.title)).toEqual(['Daily digest: Nov 2, 2026']);
    expect(digests()[0]!.embeds[0]?.description).toContain('**Late**');
    expect(await runKeys()).toEqual([['day:2026-11-02', true, at('2026-11-03T14:00:00Z')]]);
  });
});

// A change east on the due day, before the run, toward a zone where that run's time has already
// passed: the period the old zone was about to post is posted at the change (on time), not lost.
describe('digests when the zone changes before the day’s run, toward a zone where it is past', () => {
  let bot: TestBot;

  beforeEach(async () => {
    bot = await TestBot.start({ now: at('2026-10-20T12:00:00Z') });
    await updateSettings(bot.db, bot.ids.guildId, { staffChannelId: bot.ids.staffChannel, staffRoleId: bot.ids.staffRoleId, timezone: 'UTC' }, bot.clock.now());
  });
  afterEach(() => bot.close());

  const digests = (): APIMessage[] => bot.fake.channelMessages(bot.ids.staffChannel).filter((m) => m.author.id === bot.fake.appId);
  const feature = () => bot.app.features.find((f) => f.name === 'digests') as DigestsFeature;
  const slash = (name: string, subcommand: string, options: Record<string, string | number>) =>
    bot.fake.slash({ channelId: bot.ids.staffChannel, userId: bot.ids.ownerId, name, subcommand, options }).reply();
  const runKeys = async () => (await recentRuns(bot.db, bot.ids.guildId, 10)).map((r) => [r.periodKey, r.late, r.dueAt]).reverse();
  const tick = async (iso: string) => {
    bot.clock.set(at(iso));
    await feature().tick();
  };

  it('weekly, UTC -> Tokyo on Monday 05:00 UTC (14:00 in Tokyo): last week is posted at the change, once', async () => {
    await slash('digest', 'schedule', { frequency: 'weekly', weekday: 1, time: '09:00' });
    await tick('2026-10-26T09:00:30Z');
    expect(await runKeys()).toEqual([['week:2026-10-19', false, at('2026-10-26T09:00:00Z')]]);

    // Pulse restarts at 03:00 UTC, after Tokyo's 09:00 (00:00 UTC): that run was not missed while it was down.
    await bot.restart(() => bot.clock.set(at('2026-11-02T03:00:00Z')));
    // Monday 14:00 in Tokyo: its 09:00 run (00:00 UTC) has passed; UTC's (09:00 UTC) has not come.
    bot.clock.set(at('2026-11-02T05:00:00Z'));
    expect((await slash('settings', 'set', { timezone: 'Asia/Tokyo' })).content).toBe('Settings saved.');
    await tick('2026-11-02T05:00:30Z');
    await tick('2026-11-02T09:00:30Z');
    await tick('2026-11-05T09:00:30Z');
    await tick('2026-11-08T23:00:00Z');
    expect(await runKeys()).toEqual([
      ['week:2026-10-19', false, at('2026-10-26T09:00:00Z')],
      ['week:2026-10-26', false, at('2026-11-02T00:00:00Z')],
    ]);
    expect(digests()).toHaveLength(2);
    expect(digests()[1]!.embeds[0]?.description).not.toContain('Late');

    // The next Monday's run in Tokyo, on time.
    await tick('2026-11-09T00:00:30Z');
    expect((await runKeys()).map(([key, late]) => [key, late])).toEqual([
      ['week:2026-10-19', false],
      ['week:2026-10-26', false],
      ['week:2026-11-02', false],
    ]);
    expect(bot.errors).toEqual([]);
  });

  it('there and back (UTC -> New York -> UTC just after 09:00 UTC): the day is posted once, at the change back', async () => {
    await slash('digest', 'schedule', { frequency: 'daily', time: '09:00' });
    await tick('2026-11-02T09:00:30Z');
    expect(await runKeys()).toEqual([['day:2026-11-01', false, at('2026-11-02T09:00:00Z')]]);

    // 03:00 in New York: its last run (Nov 2 09:00 there) covered Nov 1, posted already.
    bot.clock.set(at('2026-11-03T08:00:00Z'));
    await slash('settings', 'set', { timezone: 'America/New_York' });
    await tick('2026-11-03T08:00:30Z');
    expect(digests()).toHaveLength(1);

    // Back to UTC at 09:30 UTC: UTC's 09:00 run of today (Nov 2) fell due while New York was set.
    bot.clock.set(at('2026-11-03T09:30:00Z'));
    await slash('settings', 'set', { timezone: 'UTC' });
    await tick('2026-11-03T09:30:30Z');
    await tick('2026-11-03T14:00:30Z');
    expect(await runKeys()).toEqual([
      ['day:2026-11-01', false, at('2026-11-02T09:00:00Z')],
      ['day:2026-11-02', false, at('2026-11-03T09:00:00Z')],
    ]);
    expect(digests().map((m) => m.embeds[0]?.title)).toEqual(['Daily digest: Nov 1, 2026', 'Daily digest: Nov 2, 2026']);
    expect(bot.errors).toEqual([]);
  });

  it('an older period of the new zone is still not posted (east, after the day’s run was posted)', async () => {
    await slash('digest', 'schedule', { frequency: 'weekly', weekday: 1, time: '09:00' });
    await tick('2026-11-02T09:00:30Z'); // week:2026-10-26, in UTC
    // Tuesday in Tokyo: its Monday run covered the same week, posted already.
    bot.clock.set(at('2026-11-02T16:00:00Z'));
    await slash('settings', 'set', { timezone: 'Asia/Tokyo' });
    await tick('2026-11-02T16:00:30Z');
    // West to Los Angeles on Monday 08:00 there: its Monday run is ahead; nothing older is posted.
    bot.clock.set(at('2026-11-02T16:30:00Z'));
    await slash('settings', 'set', { timezone: 'America/Los_Angeles' });
    await tick('2026-11-02T16:30:30Z');
    expect((await runKeys()).map(([key]) => key)).toEqual(['week:2026-10-26']);
    expect(digests()).toHaveLength(1);
  });
});
