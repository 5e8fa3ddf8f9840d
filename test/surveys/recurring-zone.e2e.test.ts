// Recurring surveys when the server changes its time zone, and runs that would overlap: today's run
// is opened once (not again at the same wall-clock time in the new zone), and a run never opens
// while the schedule's previous run is still open.
import { afterEach, describe, expect, it } from 'vitest';
import type { FeatureFactory } from '../../src/feature.js';
import { settingsRoutes } from '../../src/settings/discord.js';
import { surveysFeature, type SurveysFeature } from '../../src/surveys/discord.js';
import { TestBot } from '../support/bot.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const features: FeatureFactory[] = [(ctx) => ({ name: 'settings', routes: settingsRoutes(ctx) }), (ctx) => surveysFeature(ctx)];
const at = (s: string) => Date.parse(s);

async function setup(now: string) {
  bot = await TestBot.start({ features, now: at(now) });
  const b = bot;
  const reply = async (name: string, subcommand: string, options: Record<string, string | number>) =>
    (await b.fake.slash({ channelId: b.ids.general, userId: b.ids.ownerId, name, subcommand, options }).reply(10_000)).content;
  return {
    survey: (subcommand: string, options: Record<string, string | number>) => reply('survey', subcommand, options),
    settings: (options: Record<string, string | number>) => reply('settings', 'set', options),
    clock: (iso: string) => b.clock.set(at(iso)),
    tick: async (iso: string) => {
      b.clock.set(at(iso));
      await (b.app.features.find((f) => f.name === 'surveys') as SurveysFeature).tick();
    },
    runs: async () =>
      (await b.db.selectFrom('surveys').select(['id', 'status', 'run_key', 'closes_at']).where('schedule_id', 'is not', null).orderBy('id').execute()).map((r) => ({
        id: r.id,
        status: r.status,
        key: r.run_key,
        closes: r.closes_at === null ? null : new Date(r.closes_at).toISOString(),
      })),
    cards: () => b.fake.channelMessages(b.ids.general).filter((m) => m.embeds[0]?.footer?.text?.startsWith('Survey #')).map((m) => m.embeds[0]!.footer!.text),
    schedule: () => b.db.selectFrom('survey_schedules').select(['zone', 'active_since']).executeTakeFirstOrThrow(),
  };
}

describe('recurring surveys when the server changes its time zone', () => {
  it('west (UTC -> New York): today’s run is not opened again at 09:00 New York time; the next day’s is', async () => {
    const s = await setup('2026-11-01T12:00:00Z');
    await s.survey('create', { template: 'nps' });
    await s.survey('recur', { survey: 1, every: 'day', time: '09:00' });
    expect(await s.schedule()).toEqual({ zone: 'UTC', active_since: at('2026-11-01T12:00:00Z') });
    await s.tick('2026-11-03T09:00:30Z');
    expect(await s.runs()).toEqual([{ id: 2, status: 'open', key: '2026-11-03T09:00:00.000Z', closes: '2026-11-04T08:00:00.000Z' }]);

    // 05:00 in New York: its 09:00 of Nov 2 (14:00 UTC) would still be "open" for a 23-hour run.
    s.clock('2026-11-03T10:00:00Z');
    expect(await s.settings({ timezone: 'America/New_York' })).toBe('Settings saved.');
    await s.tick('2026-11-03T10:00:00Z');
    expect((await s.runs()).map((r) => r.id)).toEqual([2]);
    // The schedule now counts in New York; the 09:00 there today is the run already open.
    expect(await s.schedule()).toEqual({ zone: 'America/New_York', active_since: at('2026-11-03T14:00:00.001Z') });
    await s.tick('2026-11-03T14:00:20Z');
    // #2 closes at its time; nothing opens in its place.
    await s.tick('2026-11-04T08:00:30Z');
    expect(await s.runs()).toEqual([{ id: 2, status: 'closed', key: '2026-11-03T09:00:00.000Z', closes: '2026-11-04T08:00:00.000Z' }]);

    // The next day's 09:00 in New York opens on time, once.
    await s.tick('2026-11-04T14:00:20Z');
    await s.tick('2026-11-04T14:01:20Z');
    expect(await s.runs()).toEqual([
      { id: 2, status: 'closed', key: '2026-11-03T09:00:00.000Z', closes: '2026-11-04T08:00:00.000Z' },
      { id: 3, status: 'open', key: '2026-11-04T14:00:00.000Z', closes: '2026-11-05T13:00:00.000Z' },
    ]);
    expect(s.cards()).toEqual(['Survey #2', 'Survey #3']);
    expect(bot!.errors).toEqual([]);
  });

  it('east (UTC -> Tokyo): today’s run is not opened again; the next day’s opens once the open run has closed', async () => {
    const s = await setup('2026-11-01T12:00:00Z');
    await s.survey('create', { template: 'nps' });
    await s.survey('recur', { survey: 1, every: 'day', time: '09:00' });
    await s.tick('2026-11-03T09:00:30Z');
    // 19:00 in Tokyo: its 09:00 of today (00:00 UTC) would still be "open" for a 23-hour run.
    s.clock('2026-11-03T10:00:00Z');
    expect(await s.settings({ timezone: 'Asia/Tokyo' })).toBe('Settings saved.');
    await s.tick('2026-11-03T10:00:00Z');
    expect((await s.runs()).map((r) => r.id)).toEqual([2]);
    expect(await s.schedule()).toEqual({ zone: 'Asia/Tokyo', active_since: at('2026-11-03T10:00:00Z') });

    // 09:00 Nov 4 in Tokyo: #2 is open until 08:00 UTC, so the new run waits for it.
    await s.tick('2026-11-04T00:00:10Z');
    expect((await s.runs()).map((r) => [r.id, r.status])).toEqual([[2, 'open']]);
    await s.tick('2026-11-04T08:00:30Z');
    expect(await s.runs()).toEqual([
      { id: 2, status: 'closed', key: '2026-11-03T09:00:00.000Z', closes: '2026-11-04T08:00:00.000Z' },
      { id: 3, status: 'open', key: '2026-11-04T00:00:00.000Z', closes: '2026-11-04T23:00:00.000Z' },
    ]);
    // Then on time in Tokyo.
    await s.tick('2026-11-05T00:00:10Z');
    expect((await s.runs()).map((r) => [r.id, r.status, r.key])).toEqual([
      [2, 'closed', '2026-11-03T09:00:00.000Z'],
      [3, 'closed', '2026-11-04T00:00:00.000Z'],
      [4, 'open', '2026-11-05T00:00:00.000Z'],
    ]);
    expect(s.cards()).toEqual(['Survey #2', 'Survey #3', 'Survey #4']);
    expect(bot!.errors).toEqual([]);
  });

  it('a zone written another way (an old name) is the same zone: nothing restarts', async () => {
    const s = await setup('2026-11-01T12:00:00Z');
    await s.settings({ timezone: 'Asia/Kolkata' });
    await s.survey('create', { template: 'nps' });
    await s.survey('recur', { survey: 1, every: 'day', time: '09:00' });
    // As a schedule from before migration 0025 may have it: the setting as typed.
    await bot!.db.updateTable('survey_schedules').set({ zone: 'Asia/Calcutta' }).execute();
    await s.tick('2026-11-03T03:30:30Z'); // 09:00 in Kolkata
    expect((await s.runs()).map((r) => [r.id, r.key])).toEqual([[2, '2026-11-03T03:30:00.000Z']]);
    expect(await s.schedule()).toEqual({ zone: 'Asia/Calcutta', active_since: at('2026-11-01T12:00:00Z') });
  });
});

describe('a run of a recurring survey', () => {
  it('does not open while the previous run is still open (a day shortened by the clock change); it opens once that one closed', async () => {
    // New York springs forward on 2027-03-14: 09:00 that day is 23 hours after 09:00 the day before.
    const s = await setup('2027-03-10T12:00:00Z');
    await s.settings({ timezone: 'America/New_York' });
    await s.survey('create', { template: 'nps' });
    await s.survey('recur', { survey: 1, every: 'day', time: '09:00', open_for: '1410m' }); // 23h30m
    await s.tick('2027-03-13T14:00:30Z');
    expect(await s.runs()).toEqual([{ id: 2, status: 'open', key: '2027-03-13T14:00:00.000Z', closes: '2027-03-14T13:30:00.000Z' }]);
    await s.tick('2027-03-14T13:00:30Z'); // 09:00 EDT: #2 is open for 30 minutes more
    expect((await s.runs()).map((r) => [r.id, r.status])).toEqual([[2, 'open']]);
    await s.tick('2027-03-14T13:30:30Z');
    expect(await s.runs()).toEqual([
      { id: 2, status: 'closed', key: '2027-03-13T14:00:00.000Z', closes: '2027-03-14T13:30:00.000Z' },
      { id: 3, status: 'open', key: '2027-03-14T13:00:00.000Z', closes: '2027-03-15T12:30:00.000Z' },
    ]);
    expect(bot!.errors).toEqual([]);
  });
});

describe('a zone change before the day’s run, toward a zone where it is past', () => {
  it('monthly, UTC -> Tokyo on the 1st at 05:00 UTC (14:00 in Tokyo): the month’s run opens at the change, until its time in Tokyo', async () => {
    const s = await setup('2026-10-20T12:00:00Z');
    await s.survey('create', { template: 'nps' });
    await s.survey('recur', { survey: 1, every: 'month', time: '09:00' }); // open 3 days
    await s.tick('2026-11-01T09:00:30Z');
    await s.tick('2026-11-04T09:00:30Z');
    expect(await s.runs()).toEqual([{ id: 2, status: 'closed', key: '2026-11-01T09:00:00.000Z', closes: '2026-11-04T09:00:00.000Z' }]);

    // 14:00 in Tokyo: its 09:00 run of Dec 1 (00:00 UTC) has passed; UTC's (09:00 UTC) has not come.
    s.clock('2026-12-01T05:00:00Z');
    expect(await s.settings({ timezone: 'Asia/Tokyo' })).toBe('Settings saved.');
    await s.tick('2026-12-01T05:00:30Z');
    await s.tick('2026-12-01T09:00:30Z');
    await s.tick('2026-12-02T09:00:30Z');
    expect(await s.runs()).toEqual([
      { id: 2, status: 'closed', key: '2026-11-01T09:00:00.000Z', closes: '2026-11-04T09:00:00.000Z' },
      { id: 3, status: 'open', key: '2026-12-01T00:00:00.000Z', closes: '2026-12-04T00:00:00.000Z' },
    ]);
    expect(s.cards()).toEqual(['Survey #2', 'Survey #3']);
    expect(bot!.errors).toEqual([]);
  });

  it('a run of the new zone that would be closed by now is not opened', async () => {
    const s = await setup('2026-10-20T12:00:00Z');
    await s.survey('create', { template: 'nps' });
    await s.survey('recur', { survey: 1, every: 'month', time: '09:00', open_for: '4h' });
    await s.tick('2026-11-01T09:00:30Z');
    s.clock('2026-12-01T05:00:00Z'); // Tokyo's run of Dec 1 would have closed at 04:00 UTC
    await s.settings({ timezone: 'Asia/Tokyo' });
    await s.tick('2026-12-01T05:00:30Z');
    await s.tick('2026-12-01T09:00:30Z');
    expect((await s.runs()).map((r) => r.key)).toEqual(['2026-11-01T09:00:00.000Z']);
    // January's opens at its time in Tokyo.
    await s.tick('2027-01-01T00:00:30Z');
    expect((await s.runs()).map((r) => r.key)).toEqual(['2026-11-01T09:00:00.000Z', '2027-01-01T00:00:00.000Z']);
  });

  it('there and back (UTC -> New York -> UTC just after 09:00 UTC): the day’s run opens once, at the change back', async () => {
    const s = await setup('2026-10-20T12:00:00Z');
    await s.survey('create', { template: 'nps' });
    await s.survey('recur', { survey: 1, every: 'day', time: '09:00' }); // open 23 hours
    await s.tick('2026-11-02T09:00:30Z');
    // 03:30 in New York: its last 09:00 (Nov 2, 14:00 UTC) is the run opened at 09:00 UTC.
    s.clock('2026-11-03T08:30:00Z');
    await s.settings({ timezone: 'America/New_York' });
    await s.tick('2026-11-03T08:30:30Z');
    expect((await s.runs()).map((r) => [r.id, r.status])).toEqual([[2, 'closed']]);

    // Back to UTC at 09:30: today's 09:00 UTC run fell due while New York was set.
    s.clock('2026-11-03T09:30:00Z');
    await s.settings({ timezone: 'UTC' });
    await s.tick('2026-11-03T09:30:30Z');
    await s.tick('2026-11-03T14:00:30Z');
    expect(await s.runs()).toEqual([
      { id: 2, status: 'closed', key: '2026-11-02T09:00:00.000Z', closes: '2026-11-03T08:00:00.000Z' },
      { id: 3, status: 'open', key: '2026-11-03T09:00:00.000Z', closes: '2026-11-04T08:00:00.000Z' },
    ]);
    expect(s.cards()).toEqual(['Survey #2', 'Survey #3']);
    expect(bot!.errors).toEqual([]);
  });
});
