// /flags stats writes its counts as the member's language writes numbers, not as String(n) does.
import { Locale } from 'discord.js';
import { afterEach, expect, it } from 'vitest';
import { TestBot } from '../support/bot.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

it.each([
  [Locale.EnglishUS, '10,500'],
  [Locale.SpanishES, '10.500'],
  [Locale.Russian, '10\u00a0500'],
] as const)('/flags stats in %s shows 10500 flag reactions as %s', async (locale, shown) => {
  bot = await TestBot.start();
  const { ids, fake, clock } = bot;
  // 10,500 reaction flags of the last day, each on its own message.
  const rows = Array.from({ length: 10_500 }, (_, i) => ({
    guild_id: ids.guildId,
    channel_id: ids.general,
    message_id: String(900000000000000000n + BigInt(i)),
    user_id: ids.alice,
    source: 'reaction',
    author_id: ids.bob,
    reason: null,
    details: null,
    flagged_at: clock.now() - 60_000,
    withdrawn_at: null,
  }));
  for (let i = 0; i < rows.length; i += 500) await bot.db.insertInto('flags').values(rows.slice(i, i + 500)).execute();

  const reply = await fake.slash({ channelId: ids.modChannel, userId: ids.ownerId, name: 'flags', subcommand: 'stats', locale }).reply();
  const values = (reply.embeds[0]?.fields ?? []).map((f) => f.value);
  // Flag reactions and messages flagged, and the top reason's count.
  expect(values.slice(0, 3)).toEqual([shown, '0', shown]);
  expect(values.find((v) => v.endsWith(`: ${shown}`))).toBeDefined();
});
