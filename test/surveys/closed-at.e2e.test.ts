// When a survey closed: at its deadline, also when that passed while Pulse was down (not when Pulse
// came back), so the digest and the report count it in the period it closed in. A survey staff
// close early keeps the time they closed it.
import { afterEach, describe, expect, it } from 'vitest';
import type { FeatureFactory } from '../../src/feature.js';
import { settingsRoutes } from '../../src/settings/discord.js';
import { surveysFeature } from '../../src/surveys/discord.js';
import { surveyFigures, surveySummaries } from '../../src/surveys/figures.js';
import { TestBot } from '../support/bot.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const features: FeatureFactory[] = [(ctx) => ({ name: 'settings', routes: settingsRoutes(ctx) }), (ctx) => surveysFeature(ctx)];
const at = (s: string) => Date.parse(s);

describe('when a survey closed', () => {
  it('one that fell due while Pulse was down is stored as closed at its deadline, and counted in that period', async () => {
    bot = await TestBot.start({ features, now: at('2026-11-02T12:00:00Z') });
    const b = bot;
    const slash = (subcommand: string, options: Record<string, string | number>) =>
      b.fake.slash({ channelId: b.ids.general, userId: b.ids.ownerId, name: 'survey', subcommand, options }).reply(10_000);
    await slash('create', { template: 'nps' });
    await slash('start', { survey: 1, closes_in: '1d' });
    const row = () => b.db.selectFrom('surveys').select(['status', 'closes_at', 'closed_at', 'closed_shown_at']).where('id', '=', 1).executeTakeFirstOrThrow();
    expect(await row()).toMatchObject({ status: 'open', closes_at: at('2026-11-03T12:00:00Z') });

    // Down from Nov 2 to Nov 4: the deadline (Nov 3, 12:00) passes while Pulse is offline.
    await bot.restart(() => b.clock.set(at('2026-11-04T09:00:00Z')));
    expect(await row()).toMatchObject({ status: 'closed', closed_at: at('2026-11-03T12:00:00Z') });
    // The card still gets its closing edit (that is recorded by its own time, not compared with closed_at).
    expect((await row()).closed_shown_at).toBe(at('2026-11-04T09:00:00Z'));

    // Nov 3's digest has it closed; Nov 4's does not have it at all (it was never open that day).
    const guild = b.ids.guildId;
    expect((await surveySummaries(b.db, guild, at('2026-11-03T00:00:00Z'), at('2026-11-04T00:00:00Z'))).map((s) => [s.id, s.closedInPeriod])).toEqual([['1', true]]);
    expect(await surveySummaries(b.db, guild, at('2026-11-04T00:00:00Z'), at('2026-11-05T00:00:00Z'))).toEqual([]);
    expect(await surveyFigures(b.db, guild, at('2026-11-04T00:00:00Z'), at('2026-11-05T00:00:00Z'))).toEqual([]);
    expect(bot.errors).toEqual([]);
  });

  it('one closed by staff before its deadline keeps the time they closed it', async () => {
    bot = await TestBot.start({ features, now: at('2026-11-02T12:00:00Z') });
    const b = bot;
    const slash = (subcommand: string, options: Record<string, string | number>) =>
      b.fake.slash({ channelId: b.ids.general, userId: b.ids.ownerId, name: 'survey', subcommand, options }).reply(10_000);
    await slash('create', { template: 'nps' });
    await slash('start', { survey: 1, closes_in: '3d' });
    b.clock.set(at('2026-11-03T15:00:00Z'));
    await slash('close', { survey: 1 });
    expect(await b.db.selectFrom('surveys').select(['status', 'closed_at', 'closed_by']).where('id', '=', 1).executeTakeFirstOrThrow()).toEqual({
      status: 'closed',
      closed_at: at('2026-11-03T15:00:00Z'),
      closed_by: b.ids.ownerId,
    });
  });
});
