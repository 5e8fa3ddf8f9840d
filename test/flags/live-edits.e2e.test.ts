// A case message follows its flags through coalesced edits: a burst of 🚩 makes one edit, not one per
// reaction; an edit still waiting when the process is killed is made by the next start.
import { afterEach, describe, expect, it } from 'vitest';
import { flagsFeature } from '../../src/flags/discord.js';
import { countedFlaggers, getCaseByMessage } from '../../src/flags/store.js';
import type { FeatureFactory } from '../../src/feature.js';
import { settingsRoutes } from '../../src/settings/discord.js';
import { updateSettings } from '../../src/settings/store.js';
import { TestBot } from '../support/bot.js';
import { field, until } from './helpers.js';

let bot: TestBot | undefined;
afterEach(async () => {
  const errors = bot?.errors ?? [];
  await bot?.close();
  bot = undefined;
  expect(errors).toEqual([]);
});

async function flaggedCase(b: TestBot) {
  await updateSettings(b.db, b.ids.guildId, { modChannelId: b.ids.modChannel, flagThreshold: 1 }, b.clock.now());
  const message = b.fake.post({ channelId: b.ids.general, userId: b.ids.alice, content: 'buy followers' });
  b.fake.react({ channelId: b.ids.general, messageId: message.id, userId: b.ids.bob, emoji: '🚩' });
  const c = await until(async () => {
    const found = await getCaseByMessage(b.db, message.id);
    return found?.reviewMessageId ? found : undefined;
  }, 'the case message');
  return { message, c, edits: () => b.fake.requestsMatching('PATCH', `/channels/${b.ids.modChannel}/messages/${c.reviewMessageId}`) };
}

describe('case message edits', () => {
  it('30 more 🚩 in a burst: the case message is edited a few times at most (not 30), and shows all 31 flaggers', { timeout: 60_000 }, async () => {
    bot = await TestBot.start();
    const b = bot;
    const { message, c, edits } = await flaggedCase(b);
    const members = Array.from({ length: 30 }, (_, i) => b.fake.addMember(b.ids.guildId, { username: `member${i}` }).user!.id);
    for (const id of members) b.fake.react({ channelId: b.ids.general, messageId: message.id, userId: id, emoji: '🚩' });

    const shown = await until(() => {
      const now = b.fake.message(b.ids.modChannel, c.reviewMessageId!);
      return field(now?.embeds[0], 'Flaggers (31)') !== undefined && now;
    }, 'all 31 flaggers shown');
    expect(shown).toBeDefined();
    expect((await countedFlaggers(b.db, b.ids.guildId, message.id)).length).toBe(31);
    // A few seconds more: no edit trails behind.
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    expect(edits().length).toBeGreaterThanOrEqual(1);
    expect(edits().length).toBeLessThanOrEqual(3);
  });

  it('an edit waiting when the process is killed is made by the next start', async () => {
    const slow: FeatureFactory[] = [(ctx) => ({ name: 'settings', routes: settingsRoutes(ctx) }), (ctx) => flagsFeature(ctx, { liveIntervalMs: 60_000 })];
    bot = await TestBot.start({ features: slow });
    const b = bot;
    const { message, c, edits } = await flaggedCase(b);
    b.fake.react({ channelId: b.ids.general, messageId: message.id, userId: b.ids.carol, emoji: '🚩' });
    await until(async () => (await countedFlaggers(b.db, b.ids.guildId, message.id)).length === 2, 'the second flag recorded');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(edits()).toHaveLength(0); // waiting in the coalescer
    await b.crash();
    await until(() => edits().length === 1, 'the edit made on start');
    expect(field(b.fake.message(b.ids.modChannel, c.reviewMessageId!)?.embeds[0], 'Flaggers (2)')).toContain(`<@${b.ids.carol}>`);
  });
});
