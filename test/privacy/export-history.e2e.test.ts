// /privacy export gives what Pulse keeps about the member's own feedback items and about the
// moderation of their messages: the status history of their items (with the reasons staff gave
// them), and a case's note and steps (the warning sent to them, how it was delivered, a reopening),
// never who took a step: no other member's id is in the file.
import { afterEach, describe, expect, it } from 'vitest';
import { ChannelType, type APIActionRowComponent, type APIButtonComponent, type APIMessage } from 'discord-api-types/v10';
import { TestBot } from '../support/bot.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const FEEDBACK = '900000000000000150';

function button(message: APIMessage, label: string): string {
  const found = (message.components ?? []).flatMap((row) => (row as APIActionRowComponent<APIButtonComponent>).components).find((b) => 'label' in b && b.label === label);
  if (!found || !('custom_id' in found)) throw new Error(`no button ${label}`);
  return found.custom_id;
}

describe('/privacy export', () => {
  it("holds the status history of the member's feedback items and the steps of the cases about their messages, without anyone else's id", async () => {
    bot = await TestBot.start();
    const b = bot;
    const { ids, fake } = b;
    fake.addChannel(ids.guildId, { id: FEEDBACK, name: 'feedback', type: ChannelType.GuildForum });
    await fake.waitFor(() => b.app.client.channels.cache.has(FEEDBACK));
    const set = await fake.slash({ channelId: ids.staffChannel, userId: ids.ownerId, name: 'settings', subcommand: 'set', options: { staff_role: ids.staffRoleId, feedback_channel: FEEDBACK, mod_channel: ids.modChannel } }).reply();
    expect(set.content).toBe('Settings saved.');

    // Alice's item, which a moderator plans, then ships, each time with a reason for her.
    const opened = fake.slash({ channelId: ids.general, userId: ids.alice, name: 'feedback', subcommand: 'submit' });
    await opened.reply();
    expect((await opened.submitModal({ title: 'Dark mode', details: 'Dark mode, please.', category: ['Idea'] }).reply()).content).toMatch(/#1/);
    const status = (to: string, reason: string) => fake.slash({ channelId: ids.staffChannel, userId: ids.moderator, name: 'feedback', subcommand: 'status', options: { item: 1, status: to, reason } }).reply();
    expect((await status('planned', 'Next sprint')).content).toMatch(/now \*\*Planned\*\*/);
    expect((await status('done', 'Shipped in 2.0')).content).toMatch(/now \*\*Done\*\*/);

    // Alice's message: Carol flags it, a moderator opens a case from the menu and warns her (her
    // DMs are closed: the warning goes to the channel), then flags it again once it is closed.
    const message = fake.post({ channelId: ids.general, userId: ids.alice, content: 'you are all idiots' });
    const menu = fake.messageCommand({ channelId: ids.general, userId: ids.moderator, name: 'Flag for moderators', message });
    await menu.reply();
    expect((await menu.submitModal({ reason: 'harassment', details: '' }).reply()).content).toMatch(/Case #\d+ is open/);
    fake.react({ channelId: ids.general, messageId: message.id, userId: ids.carol, emoji: '🚩' });
    const count = (sql: string) => b.app.database.sqlite.prepare(sql).pluck().get() as number;
    await fake.waitFor(() => count(`SELECT count(*) FROM flag_case_events WHERE kind = 'flag_joined'`) === 1);
    fake.setDmsClosed(ids.alice);
    const caseMessage = () => fake.channelMessages(ids.modChannel).filter((m) => m.author.id === fake.appId).at(-1)!;
    const warn = fake.click({ userId: ids.moderator, message: caseMessage(), customId: button(caseMessage(), 'Warn author') });
    await warn.reply();
    expect((await warn.submitModal({ warning: 'Keep it civil, please.' }).reply()).content).toContain('Author warned');
    const again = fake.messageCommand({ channelId: ids.general, userId: ids.moderator, name: 'Flag for moderators', message });
    await again.reply();
    await again.submitModal({ reason: 'harassment', details: '' }).reply();
    await fake.waitFor(() => count(`SELECT count(*) FROM flag_case_events WHERE kind = 'reopened'`) === 1);

    const exported = await fake.slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.alice, name: 'privacy', subcommand: 'export' }).reply(15_000);
    const file = String(exported.files[0]!.data);
    const data = JSON.parse(file) as Record<string, Array<Record<string, unknown>>>;
    expect(data['feedback_items']).toEqual([
      expect.objectContaining({
        item_id: 1,
        status: 'done',
        status_changes: [
          { from: 'open', to: 'planned', reason: 'Next sprint', at: expect.any(String) },
          { from: 'planned', to: 'done', reason: 'Shipped in 2.0', at: expect.any(String) },
        ],
      }),
    ]);
    const [about] = data['flag_cases']!;
    expect(about).toMatchObject({ about_your_message: true, excerpt: 'you are all idiots', status: 'open' });
    const steps = about!['steps'] as Array<{ step: string; detail: string | null }>;
    // Carol's flag is hers (in her own export), not a step of the moderation.
    expect(steps.map((s) => s.step)).toEqual(['opened', 'warned', 'note', 'warning_text', 'reopened', 'message_lost']);
    expect(steps.find((s) => s.step === 'warning_text')?.detail).toBe('Keep it civil, please.');
    expect(steps.find((s) => s.step === 'note')?.detail).toBe(`DM failed (closed DMs); warning posted in <#${ids.general}>.`);
    // The note now says who reopened it: that mention is left out.
    expect(about!['note']).toMatch(/^Reopened .* by @…, who flagged the message again after the case was closed \(author warned\)\.$/);
    for (const other of [ids.moderator, ids.carol, ids.ownerId]) expect(file).not.toContain(other);
    expect(b.errors).toEqual([]);
  }, 60_000);
});
