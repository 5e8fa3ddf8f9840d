// Before a retry, the bot looks in the channel for a digest it already posted: only its own
// messages count, not another app's embed that happens to end with the same footer.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DigestsFeature } from '../../src/digests/discord.js';
import { recentRuns } from '../../src/digests/store.js';
import { updateSettings } from '../../src/settings/store.js';
import { TestBot } from '../support/bot.js';

const at = (s: string) => Date.parse(s);

describe('a retried digest and the channel history', () => {
  let bot: TestBot;

  beforeEach(async () => {
    bot = await TestBot.start({ now: at('2026-11-02T09:30:00Z') });
    await updateSettings(bot.db, bot.ids.guildId, { staffChannelId: bot.ids.staffChannel, staffRoleId: bot.ids.staffRoleId, timezone: 'UTC' }, bot.clock.now());
  });
  afterEach(() => bot.close());

  const feature = () => bot.app.features.find((f) => f.name === 'digests') as DigestsFeature;
  const ours = () => bot.fake.channelMessages(bot.ids.staffChannel).filter((m) => m.author.id === bot.fake.appId && m.embeds.length > 0);

  it("another app's message with the same footer is not taken for the bot's digest", async () => {
    await bot.fake
      .slash({ channelId: bot.ids.staffChannel, userId: bot.ids.moderator, name: 'digest', subcommand: 'schedule', options: { frequency: 'weekly', weekday: 1, time: '09:00' } })
      .reply();
    // The first attempt fails, but not for good: it will be retried.
    bot.fake.failNext({ method: 'POST', path: `/channels/${bot.ids.staffChannel}/messages` }, { status: 400, code: 50035, message: 'Invalid Form Body' });
    bot.clock.set(at('2026-11-09T09:00:00Z'));
    await feature().tick();
    expect(ours()).toHaveLength(0);

    // Another bot posts an embed whose footer ends like the digest's.
    const lookalike = bot.fake.post({
      channelId: bot.ids.staffChannel,
      userId: bot.ids.otherBot,
      content: '',
      embeds: [{ title: 'Weekly digest (copy)', footer: { text: 'Pulse · week:2026-11-02' } }],
      at: new Date(bot.clock.now()),
    });

    bot.clock.set(at('2026-11-09T09:01:00Z'));
    await feature().tick();
    expect(ours()).toHaveLength(1);
    const [run] = await recentRuns(bot.db, bot.ids.guildId);
    expect(run).toMatchObject({ status: 'posted', periodKey: 'week:2026-11-02', messageId: ours()[0]!.id });
    expect(run!.messageId).not.toBe(lookalike.id);
    expect(bot.errors).toEqual([]);
  });
});
