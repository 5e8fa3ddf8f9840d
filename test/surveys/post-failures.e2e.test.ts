// A survey card that cannot be posted is not retried every minute for ever: a channel that is gone
// (or closed to the bot) is given up at once and its recurring schedule paused, other failures after
// a few tries with back-off. The survey goes back to a draft, staff are told once, and /survey list
// says why, across restarts.
import { afterEach, describe, expect, it } from 'vitest';
import type { FeatureFactory } from '../../src/feature.js';
import { settingsRoutes } from '../../src/settings/discord.js';
import { surveysFeature, type SurveysFeature } from '../../src/surveys/discord.js';
import { openSurvey } from '../../src/surveys/store.js';
import { TestBot } from '../support/bot.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const features: FeatureFactory[] = [(ctx) => ({ name: 'settings', routes: settingsRoutes(ctx) }), (ctx) => surveysFeature(ctx)];

describe('survey cards that cannot be posted', () => {
  it('a recurring run whose channel was deleted: one try, the schedule paused, staff told and shown why, nothing more after restarts', async () => {
    bot = await TestBot.start({ features });
    const { ids, fake } = bot;
    const slash = async (name: string, subcommand: string, options: Record<string, string | number>) =>
      (await fake.slash({ channelId: ids.general, userId: ids.ownerId, name, subcommand, options }).reply(10_000)).content;
    const tick = () => (bot!.app.features.find((f) => f.name === 'surveys') as SurveysFeature).tick();
    const posts = () => fake.requestsMatching('POST', `/channels/${ids.modChannel}/messages`).length;
    const surveys = () => bot!.db.selectFrom('surveys').select(['id', 'status']).orderBy('id').execute();

    await slash('settings', 'set', { staff_channel: ids.staffChannel });
    await slash('survey', 'create', { template: 'nps' });
    expect(await slash('survey', 'recur', { survey: 1, every: 'day', time: '09:00', channel: ids.modChannel })).toMatch(/^A copy of survey #1 will open/);
    fake.deleteChannel(ids.modChannel);

    bot.clock.set(Date.parse('2026-11-03T09:00:30Z'));
    await tick();
    expect(posts()).toBe(1);
    // Nobody could answer it: back to a draft, which staff can start elsewhere.
    expect(await surveys()).toEqual([
      { id: 1, status: 'draft' },
      { id: 2, status: 'draft' },
    ]);
    // Staff are told where the bot tells staff things, once.
    const notices = () => fake.channelMessages(ids.staffChannel).map((m) => m.content);
    expect(notices()).toEqual([
      'I could not post the card of survey #2 **How likely are you to recommend us?** in <#' +
        ids.modChannel +
        '>: That channel no longer exists. It is back to a draft: start it again with `/survey start survey:2` in a channel I can post in. ' +
        'Its recurring schedule (copies of survey #1) is paused so that no more runs fail: set it up again with `/survey recur survey:1` once the channel is fixed, or with another channel.',
    ]);

    // Later ticks, the next day's run time, and restarts: no more posts, no new run, no second notice.
    for (const minutes of [1, 5, 15, 60, 180]) {
      bot.clock.advance(minutes * 60_000);
      await tick();
    }
    bot.clock.set(Date.parse('2026-11-04T09:00:30Z'));
    await tick();
    await bot.restart();
    await bot.crash();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await tick();
    expect(posts()).toBe(1);
    expect((await surveys()).length).toBe(2);
    expect(notices()).toHaveLength(1);

    // /survey list says why.
    const list = await slash('survey', 'list', {});
    expect(list).toContain('**#2** How likely are you to recommend us? · not started · 0 responses · recurring · ⚠️ card not posted: That channel no longer exists.');
    expect(list).toContain('**#1** How likely are you to recommend us? · not started · 0 responses · ⚠️ recurring paused: That channel no longer exists.');
    // Set up again with a channel that works: runs open again, and the pause is no longer shown.
    expect(await slash('survey', 'recur', { survey: 1, every: 'day', time: '09:00', channel: ids.general })).toMatch(/^A copy of survey #1 will open/);
    expect(await slash('survey', 'list', {})).not.toContain('recurring paused');
    bot.clock.set(Date.parse('2026-11-05T09:00:30Z'));
    await tick();
    expect(fake.channelMessages(ids.general).filter((m) => m.embeds[0]?.footer?.text === 'Survey #3')).toHaveLength(1);
    expect(bot.errors).toEqual([]);
  });

  it('a card post that keeps failing is tried five times with back-off, then given up, its author told by DM, across a restart', async () => {
    bot = await TestBot.start({ features });
    const { ids, fake } = bot;
    const tick = () => (bot!.app.features.find((f) => f.name === 'surveys') as SurveysFeature).tick();
    const posts = () => fake.requestsMatching('POST', `/channels/${ids.general}/messages`).length;
    await fake.slash({ channelId: ids.general, userId: ids.ownerId, name: 'survey', subcommand: 'create', options: { template: 'csat' } }).reply(10_000);
    // Refused, but not for good (nothing says the channel is gone): each try is answered 400.
    const refused = { status: 400, code: 50035, message: 'Invalid Form Body' };
    for (let i = 0; i < 6; i++) fake.failNext({ method: 'POST', path: `/channels/${ids.general}/messages` }, refused);
    // Open without a card, as a crash right after /survey start leaves it: the tick posts it.
    expect(await openSurvey(bot.db, 1, { channelId: ids.general, roleId: null, closesAt: null, now: bot.clock.now() })).toBe(true);

    await tick();
    expect(posts()).toBe(1);
    await tick(); // the back-off holds it
    expect(posts()).toBe(1);
    const list = async () => (await fake.slash({ channelId: ids.general, userId: ids.ownerId, name: 'survey', subcommand: 'list', options: {} }).reply(10_000)).content;
    expect(await list()).toContain('· ⚠️ card not posted yet (retrying): Invalid Form Body');

    bot.clock.advance(61_000);
    await tick();
    expect(posts()).toBe(2);
    // A restart does not start the count again.
    await bot.crash();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(posts()).toBe(2);
    for (const minutes of [5, 15, 60]) {
      bot.clock.advance(minutes * 60_000 + 1_000);
      await tick();
    }
    expect(posts()).toBe(5);
    expect((await bot.db.selectFrom('surveys').select('status').executeTakeFirstOrThrow()).status).toBe('draft');
    // No staff channel is set: the survey's author hears of it.
    const dms = () => fake.channelMessages(fake.dmChannelId(ids.ownerId) ?? '').map((m) => m.content);
    expect(dms()).toEqual([expect.stringMatching(/^I could not post the card of survey #1 .* Invalid Form Body It is back to a draft/)]);
    for (const minutes of [60, 180, 720]) {
      bot.clock.advance(minutes * 60_000);
      await tick();
    }
    await bot.restart();
    expect(posts()).toBe(5);
    expect(dms()).toHaveLength(1);
    expect(await list()).toContain('· not started · 0 responses · ⚠️ card not posted: Invalid Form Body');
    expect(bot.errors).toEqual([]);
  });
});
