// Flags and /privacy opt-out end to end: a member's flags leave no step naming them on a case,
// and a flag on an opted-out member's message keeps no record that it was theirs, while the
// case still lets the moderators act on the author.
import type { APIEmbed } from 'discord-api-types/v10';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getCaseByMessage } from '../../src/flags/store.js';
import { updateSettings } from '../../src/settings/store.js';
import { TestBot } from '../support/bot.js';
import { mentions } from '../support/privacy.js';
import { button } from './helpers.js';

const count = (b: TestBot, sql: string, ...params: unknown[]) => b.app.database.sqlite.prepare(sql).pluck().get(...params) as number;


function field(embed: APIEmbed | undefined, prefix: string): string | undefined {
  return embed?.fields?.find((f) => f.name.startsWith(prefix))?.value;
}


describe('flags and /privacy opt-out', () => {
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
  const unreact = (messageId: string, userId: string) => bot.fake.unreact({ channelId: bot.ids.general, messageId, userId, emoji: '🚩' });
  const events = (caseId: number) => bot.app.database.sqlite.prepare(`SELECT kind, actor_id AS actor, detail FROM flag_case_events WHERE case_id = ? ORDER BY id`).all(caseId);
  const optOut = async (userId: string) => {
    const out = bot.fake.slash({ guildId: bot.ids.guildId, channelId: bot.ids.general, userId, name: 'privacy', subcommand: 'opt-out' });
    expect((await out.reply(15_000)).content).toMatch(/stopped recording you/);
    await bot.fake.waitFor(() => out.original?.content?.startsWith('Done:'), 20_000);
  };

  it("an opted-out flagger's steps on a case go with their flags; a moderator's own steps stay", async () => {
    const { ids, fake } = bot;
    const spam = fake.post({ channelId: ids.general, userId: ids.bob, content: 'Cheap followers, DM me' });
    for (const id of [ids.carol, ids.dave, ids.moderator]) react(spam.id, id);
    await fake.waitFor(() => caseMessages().length === 1);
    const c = (await getCaseByMessage(bot.db, spam.id))!;
    // Alice joins the open case, withdraws, and flags again while the bot is down (found on start).
    react(spam.id, ids.alice);
    await fake.waitFor(() => count(bot, `SELECT count(*) FROM flag_case_events WHERE kind = 'flag_joined'`) === 1);
    unreact(spam.id, ids.alice);
    await fake.waitFor(() => count(bot, `SELECT count(*) FROM flag_case_events WHERE kind = 'flag_withdrawn'`) === 1);
    await bot.restart(() => react(spam.id, ids.alice));
    await fake.waitFor(() => count(bot, `SELECT count(*) FROM flag_case_events WHERE kind = 'flag_joined'`) === 2);
    // The moderator claims it, and flags it again from the menu (a flagger's step of theirs).
    const claim = await fake.click({ userId: ids.moderator, message: caseMessages()[0]!, customId: button(caseMessages()[0]!, 'Claim') }).reply();
    expect(claim.content).toContain('You claimed case');
    const menu = fake.messageCommand({ channelId: ids.general, userId: ids.moderator, name: 'Flag for moderators', message: spam });
    await menu.reply();
    await menu.submitModal({ reason: 'Spam', details: 'again' }).reply();
    await fake.waitFor(() => count(bot, `SELECT count(*) FROM flag_case_events WHERE kind = 'flag_joined'`) === 3);
    expect(events(c.id)).toEqual([
      { kind: 'opened', actor: null, detail: null },
      { kind: 'flag_joined', actor: ids.alice, detail: 'reaction' },
      { kind: 'flag_withdrawn', actor: ids.alice, detail: null },
      { kind: 'flag_joined', actor: ids.alice, detail: 'reconciled' },
      { kind: 'claimed', actor: ids.moderator, detail: null },
      { kind: 'flag_joined', actor: ids.moderator, detail: 'command' },
    ]);

    // What Alice reads before: her flags' steps, to be deleted, not "moderation steps you took".
    const shown = await fake.slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.alice, name: 'privacy', subcommand: 'show' }).reply(15_000);
    const text = shown.embeds[0]?.description ?? '';
    expect(text).toContain('Your flags added to or withdrawn from moderation cases (case, added or withdrawn, source, time): **3** records (opt-out: deleted)');
    expect(text).not.toContain('Moderation steps you took');
    const exported = await fake.slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.alice, name: 'privacy', subcommand: 'export' }).reply(15_000);
    const data = JSON.parse(String(exported.files[0]!.data)) as Record<string, unknown[]>;
    expect(data['flag_case_events.flags']).toEqual([
      { case_id: c.id, kind: 'flag_joined', source: 'reaction', at: expect.any(String) },
      { case_id: c.id, kind: 'flag_withdrawn', source: 'reaction', at: expect.any(String) },
      { case_id: c.id, kind: 'flag_joined', source: 'reconciled', at: expect.any(String) },
    ]);
    expect(data['flag_case_events']).toEqual([]);

    // Alice opts out: no row names her but the opt-out itself.
    await optOut(ids.alice);
    expect(mentions(bot, ids.alice)).toEqual(['activity_opt_outs.user_id']);

    // The moderator opts out: their claim stays (a staff step, kept), their flag's step goes.
    await optOut(ids.moderator);
    expect(events(c.id)).toEqual([
      { kind: 'opened', actor: null, detail: null },
      { kind: 'claimed', actor: ids.moderator, detail: null },
    ]);
    expect(mentions(bot, ids.moderator).sort()).toEqual(['activity_opt_outs.user_id', 'flag_case_events.actor_id', 'flag_cases.claimed_by']);
  });

  it("a flag on an opted-out member's new message keeps no record it was theirs; the case still names them and the moderators can act", async () => {
    const { ids, fake } = bot;
    // A flag on her message from before: the opt-out replaces its author the same way.
    const older = fake.post({ channelId: ids.general, userId: ids.alice, content: 'hm' });
    react(older.id, ids.carol);
    await fake.waitFor(() => count(bot, 'SELECT count(*) FROM flags WHERE author_id = ?', ids.alice) === 1);
    await optOut(ids.alice);
    expect(count(bot, `SELECT count(*) FROM flags WHERE message_id = ? AND author_id = '~'`, older.id)).toBe(1);
    const spam = fake.post({ channelId: ids.general, userId: ids.alice, content: 'spam spam spam' });
    // Her own flag still does not count (the author is known for the check, not stored).
    react(spam.id, ids.alice);
    for (const id of [ids.carol, ids.dave]) react(spam.id, id);
    const menu = fake.messageCommand({ channelId: ids.general, userId: ids.bob, name: 'Flag for moderators', message: spam });
    await menu.reply();
    expect((await menu.submitModal({ reason: 'Spam', details: 'link farm' }).reply()).content).toContain('moderators will take a look');
    const posted = await fake.waitFor(() => caseMessages()[0]);
    expect(bot.app.database.sqlite.prepare(`SELECT user_id, source, author_id FROM flags WHERE message_id = ? ORDER BY user_id`).all(spam.id)).toEqual([
      { user_id: ids.bob, source: 'command', author_id: '~' },
      { user_id: ids.carol, source: 'reaction', author_id: '~' },
      { user_id: ids.dave, source: 'reaction', author_id: '~' },
    ]);
    // The case is the moderators' record: it names the author, and its actions reach her.
    expect(field(posted.embeds[0], 'Author')).toBe(`<@${ids.alice}>`);
    const reply = await fake.click({ userId: ids.moderator, message: posted, customId: button(posted, 'Timeout 1 h') }).reply();
    expect(reply.content).toContain('timed out for 1 hour');
    expect(fake.requestsMatching('PATCH', `/guilds/${ids.guildId}/members/${ids.alice}`)).toHaveLength(1);
    // No row names her but the opt-out and the case (kept, as docs/privacy.md says).
    expect(mentions(bot, ids.alice).sort()).toEqual(['activity_opt_outs.user_id', 'flag_cases.author_id']);
  });
});
