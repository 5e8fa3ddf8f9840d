// A flagger's /privacy opt-out reaches the case messages their flags were on: the moderation
// channel stops listing them (and the details they typed) as the deletion goes, and a restart
// does not bring them back. The flagged author's opt-out leaves the case message as it was.
import type { APIEmbed, APIMessage } from 'discord-api-types/v10';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getCaseByMessage } from '../../src/flags/store.js';
import { updateSettings } from '../../src/settings/store.js';
import { TestBot } from '../support/bot.js';

function field(embed: APIEmbed | undefined, prefix: string): { name: string; value: string } | undefined {
  return embed?.fields?.find((f) => f.name.startsWith(prefix));
}

describe("a flagger's opt-out and the case message", () => {
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

  const caseMessages = () => bot.fake.channelMessages(bot.ids.modChannel).filter((m) => m.author.id === bot.fake.appId);
  const react = (messageId: string, userId: string) => bot.fake.react({ channelId: bot.ids.general, messageId, userId, emoji: '🚩' });
  const optOut = async (userId: string) => {
    const out = bot.fake.slash({ guildId: bot.ids.guildId, channelId: bot.ids.general, userId, name: 'privacy', subcommand: 'opt-out' });
    expect((await out.reply(15_000)).content).toMatch(/stopped recording you/);
    await bot.fake.waitFor(() => out.original?.content?.startsWith('Done:'), 20_000);
  };
  /** Alice flags Bob's message from the menu with details, Carol and Dave react: the case posts. */
  async function aliceCase(): Promise<{ spam: APIMessage; caseId: number }> {
    const { ids, fake } = bot;
    const spam = fake.post({ channelId: ids.general, userId: ids.bob, content: 'I know where you live' });
    const menu = fake.messageCommand({ channelId: ids.general, userId: ids.alice, name: 'Flag for moderators', message: spam });
    await menu.reply();
    await menu.submitModal({ reason: 'Harassment', details: 'he wrote to me at my home address' }).reply();
    for (const id of [ids.carol, ids.dave]) react(spam.id, id);
    const posted = await fake.waitFor(() => caseMessages()[0]);
    expect(field(posted.embeds[0], 'Flaggers')?.value).toContain(`<@${ids.alice}> — harassment: he wrote to me at my home address`);
    return { spam, caseId: (await getCaseByMessage(bot.db, spam.id))!.id };
  }
  const shown = () => JSON.stringify(caseMessages()[0]!.embeds);

  it('edits the case message: the flagger and their details leave it, and stay gone after a restart', async () => {
    const { ids, fake } = bot;
    const { caseId } = await aliceCase();
    await fake.waitFor(() => field(caseMessages()[0]!.embeds[0], 'Flaggers')?.name === 'Flaggers (3)');
    await optOut(ids.alice);
    // Edited as the deletion went: two flaggers, neither of them Alice.
    await fake.waitFor(() => !shown().includes(ids.alice));
    const flaggers = field(caseMessages()[0]!.embeds[0], 'Flaggers')!;
    expect(flaggers.name).toBe('Flaggers (2)');
    expect(flaggers.value).not.toContain('home address');
    expect(flaggers.value).toContain(`<@${ids.carol}>`);
    expect(flaggers.value).toContain(`<@${ids.dave}>`);
    // What the message shows is what the case is: nothing left for a start to catch up.
    const row = bot.app.database.sqlite.prepare('SELECT changes, shown_changes FROM flag_cases WHERE id = ?').get(caseId) as { changes: number; shown_changes: number };
    expect(row.shown_changes).toBe(row.changes);
    await bot.restart();
    expect(shown()).not.toContain(ids.alice);
  });

  it("the flagged author's opt-out leaves the case message as it was (the case keeps its author)", async () => {
    const { ids, fake } = bot;
    const { spam } = await aliceCase();
    await fake.waitFor(() => field(caseMessages()[0]!.embeds[0], 'Flaggers')?.name === 'Flaggers (3)');
    const before = shown();
    const edits = () => fake.requestsMatching('PATCH', `/channels/${ids.modChannel}/messages/${caseMessages()[0]!.id}`).length;
    const editsBefore = edits();
    await optOut(ids.bob);
    // Bob's flags by others now keep the placeholder; the case still names him, and its message did not change.
    expect(bot.app.database.sqlite.prepare(`SELECT count(*) FROM flags WHERE message_id = ? AND author_id = '~'`).pluck().get(spam.id)).toBe(3);
    expect(field(caseMessages()[0]!.embeds[0], 'Author')?.value).toBe(`<@${ids.bob}>`);
    expect(shown()).toBe(before);
    expect(edits()).toBe(editsBefore);
  });
});
