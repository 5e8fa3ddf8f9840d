// Feedback and /privacy opt-out (the whole app): a voter's opt-out takes their vote off the open
// post at once; a capturer's opt-out leaves the captured member's daily limit and their export as
// they were (a capture is known by its source message, not by who captured it).
import { ChannelType } from 'discord.js';
import type { APIButtonComponent, APIMessage } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import { feedbackPrivacy } from '../../src/feedback/privacy-store.js';
import { TestBot } from '../support/bot.js';
import { optOut } from '../support/privacy.js';
import { FEEDBACK } from './setup.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

/** The whole app (privacy included) with a forum feedback channel and a daily limit set by staff. */
async function start(limit = 3): Promise<TestBot> {
  const b = await TestBot.start();
  b.fake.addChannel(b.ids.guildId, { id: FEEDBACK, name: 'feedback', type: ChannelType.GuildForum });
  await b.fake.waitFor(() => b.app.client.channels.cache.has(FEEDBACK));
  const set = await b.fake
    .slash({ channelId: b.ids.staffChannel, userId: b.ids.ownerId, name: 'settings', subcommand: 'set', options: { staff_role: b.ids.staffRoleId, feedback_channel: FEEDBACK, feedback_daily_limit: limit } })
    .reply();
  expect(set.content).toBe('Settings saved.');
  return b;
}

async function submit(b: TestBot, userId: string, title: string) {
  const opened = b.fake.slash({ channelId: b.ids.general, userId, name: 'feedback', subcommand: 'submit' });
  await opened.reply();
  return opened.submitModal({ title, details: `${title}, please.`, category: ['Idea'] }).reply();
}

function post(b: TestBot, item: number): APIMessage {
  const row = b.app.database.sqlite.prepare(`SELECT thread_id, message_id FROM feedback_items WHERE id = ?`).get(item) as { thread_id: string; message_id: string };
  const message = b.fake.message(row.thread_id, row.message_id);
  if (!message) throw new Error(`no post for item ${item}`);
  return message;
}
const labels = (b: TestBot, item: number) => ((post(b, item).components?.[0] as { components?: APIButtonComponent[] } | undefined)?.components ?? []).map((c) => ('label' in c ? c.label : undefined));

describe('feedback and /privacy opt-out, votes and captures', () => {
  it("a voter's opt-out takes their vote off the item's post at once, not at the next vote or restart", async () => {
    const b = (bot = await start());
    expect((await submit(b, b.ids.alice, 'Dark mode')).content).toMatch(/^Thanks!/);
    await b.fake.click({ userId: b.ids.bob, message: post(b, 1), customId: 'v1:fb-vote:1:up' }).reply();
    await b.fake.waitFor(() => labels(b, 1)?.[0] === 'Upvote (1)', 10_000);

    await optOut(b, b.ids.bob);
    expect(b.app.database.sqlite.prepare(`SELECT count(*) FROM feedback_votes`).pluck().get()).toBe(0);
    await b.fake.waitFor(() => labels(b, 1)?.[0] === 'Upvote (0)', 10_000);
    expect(b.errors).toEqual([]);
  }, 60_000);

  it("a capturer's opt-out does not move their captures onto the captured member's daily limit or export", async () => {
    const b = (bot = await start(1));
    const source = b.fake.post({ channelId: b.ids.general, userId: b.ids.carol, content: 'We need a calendar' });
    const captured = await b.fake.messageCommand({ channelId: b.ids.general, userId: b.ids.dave, name: 'Capture as feedback', message: source }).reply();
    expect(captured.content).toMatch(/^Captured as \*\*#1\*\*/);

    await optOut(b, b.ids.dave);
    expect(b.app.database.sqlite.prepare(`SELECT author_id, captured_by FROM feedback_items WHERE id = 1`).get()).toEqual({ author_id: b.ids.carol, captured_by: null });

    // carol added nothing herself: her one item a day is still free.
    expect((await submit(b, b.ids.carol, 'Polls')).content).toMatch(/^Thanks! Your feedback is \*\*#2\*\*/);
    // Her export still says which item was captured from her message.
    const entry = feedbackPrivacy.find((e) => e.name === 'feedback_items')!;
    const rows = [...entry.exportRows(b.app.database.sqlite, b.ids.guildId, b.ids.carol)];
    expect(rows.map((r) => [r.item_id, r.source])).toEqual([
      [1, 'captured'],
      [2, 'submitted'],
    ]);
    expect(b.errors).toEqual([]);
  }, 60_000);
});
