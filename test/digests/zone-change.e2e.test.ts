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
