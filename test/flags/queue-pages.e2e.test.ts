// /flags queue with a long backlog: the list ends with the command that goes on from the first
// case not shown (`from`), in the reader's language, so every open case can be reached.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCase, setReviewMessage } from '../../src/flags/store.js';
import { updateSettings } from '../../src/settings/store.js';
import { TestBot } from '../support/bot.js';

describe('/flags queue from', () => {
  let bot: TestBot;
  beforeEach(async () => {
    bot = await TestBot.start();
    await updateSettings(bot.db, bot.ids.guildId, { modChannelId: bot.ids.modChannel, staffRoleId: bot.ids.staffRoleId }, bot.clock.now());
  });
  afterEach(async () => {
    const errors = bot.errors;
    await bot.close();
    expect(errors).toEqual([]);
  });

  const queue = async (options: Record<string, number> = {}, locale?: string) =>
    bot.fake.slash({ channelId: bot.ids.modChannel, userId: bot.ids.moderator, name: 'flags', subcommand: 'queue', options, ...(locale ? { locale } : {}) }).reply();
  const ids = (description: string) => [...description.matchAll(/^\*\*#(\d+)\*\*/gm)].map((m) => Number(m[1]));

  it('reaches every open case, page after page, and refuses a case not in the queue', async () => {
    const { ids: world } = bot;
    // 45 open cases, oldest first by number.
    const opened: number[] = [];
    for (let i = 0; i < 45; i++) {
      const c = (await openCase(bot.db, { guildId: world.guildId, channelId: world.general, messageId: `9000000000000${String(10000 + i)}`, authorId: world.alice, excerpt: null, openedBy: null }, bot.clock.now() - 86_400_000 + i * 1000))!;
      await setReviewMessage(bot.db, c.id, world.modChannel, `9000000000000${String(20000 + i)}`);
      opened.push(c.id);
    }
    const seen: number[] = [];
    let reply = await queue();
    for (let pages = 0; pages < 5; pages++) {
      const description = reply.embeds[0]!.description!;
      expect(reply.embeds[0]?.title).toBe('Review queue (45 open)');
      const listed = ids(description);
      seen.push(...listed);
      const last = description.split('\n').at(-1)!;
      const next = /^…and (\d+) more: `\/flags queue from:(\d+)`\.$/.exec(last);
      if (!next) break;
      expect(Number(next[1])).toBe(45 - seen.length);
      expect(Number(next[2])).toBe(opened[seen.length]);
      reply = await queue({ from: Number(next[2]) });
    }
    expect(seen).toEqual(opened);

    // In Spanish, the command as the client shows it.
    const es = await queue({}, 'es-ES');
    expect(es.embeds[0]!.description!.split('\n').at(-1)).toMatch(/^…y \d+ más: `\/reportes cola desde:\d+`\.$/);

    // A closed case, or one that does not exist, is no place to start: said, ephemerally.
    await bot.db.updateTable('flag_cases').set({ status: 'closed', closed_at: bot.clock.now() }).where('id', '=', opened[0]!).execute();
    const refused = await queue({ from: opened[0]! });
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toBe(`Case #${opened[0]} is not in this server's review queue (it is closed, or no such case). Run \`/flags queue\` without \`from\` for the whole queue.`);
    expect((await queue({ from: 999 })).content).toMatch(/^Case #999 is not in this server's review queue/);
  });
});
