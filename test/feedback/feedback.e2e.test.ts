// Feedback end to end: the real app against the fake Discord, once with a forum and once with a text channel.
import { ChannelType } from 'discord.js';
import type { APIMessage, APIThreadChannel } from 'discord-api-types/v10';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli.js';
import type { FeatureFactory } from '../../src/feature.js';
import { feedbackFeature, type FeedbackFeature } from '../../src/feedback/discord.js';
import { insightsRoutes } from '../../src/insights/discord.js';
import { settingsRoutes } from '../../src/settings/discord.js';
import { TestBot } from '../support/bot.js';

let bot: TestBot | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await bot?.close();
  bot = undefined;
});

const MIN = 60_000;
const HOUR = 60 * MIN;
const FEEDBACK = '900000000000000150';

function features(): FeatureFactory[] {
  return [
    (ctx) => ({ name: 'settings', routes: settingsRoutes(ctx) }),
    (ctx) => feedbackFeature(ctx, { liveIntervalMs: 50 }),
    (ctx) => ({ name: 'insights', routes: insightsRoutes(ctx) }),
  ];
}

function service(b: TestBot) {
  const feature = b.app.features.find((f) => f.name === 'feedback') as FeedbackFeature | undefined;
  if (!feature) throw new Error('feedback feature not registered');
  return feature.service;
}

function buttons(message: APIMessage | undefined): Array<{ custom_id: string; label?: string; disabled?: boolean }> {
  const rows = (message?.components ?? []) as unknown as Array<{ components: Array<{ custom_id: string; label?: string; disabled?: boolean }> }>;
  return rows.flatMap((r) => r.components);
}

async function submit(b: TestBot, userId: string, fields: { title: string; details: string; category: string }) {
  const opened = b.fake.slash({ channelId: b.ids.general, userId, name: 'feedback', subcommand: 'submit' });
  const modal = await opened.reply();
  expect(modal.modal?.title).toBe('Submit feedback');
  return opened.submitModal({ title: fields.title, details: fields.details, category: [fields.category] }).reply();
}

async function status(b: TestBot, item: number, to: string, extra: Record<string, string | number> = {}) {
  return b.fake.slash({ channelId: b.ids.staffChannel, userId: b.ids.moderator, name: 'feedback', subcommand: 'status', options: { item, status: to, ...extra } }).reply();
}

async function row(b: TestBot, id: number) {
  return b.db.selectFrom('feedback_items').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

/** The post's message: the forum post's starter message, or the embed message in the text channel. */
async function postMessage(b: TestBot, id: number): Promise<APIMessage> {
  const r = await row(b, id);
  const channel = r.channel_kind === 'forum' ? r.thread_id! : r.channel_id;
  const message = b.fake.message(channel, r.message_id!);
  if (!message) throw new Error(`no post for item ${id}`);
  return message;
}

async function scenario(kind: 'forum' | 'text') {
  bot = await TestBot.start({ features: features() });
  const b = bot;
  const { ids, fake } = b;
  const t0 = b.clock.now();
  fake.addChannel(ids.guildId, { id: FEEDBACK, name: 'feedback', type: kind === 'forum' ? ChannelType.GuildForum : ChannelType.GuildText });
  await vi.waitFor(() => expect(b.app.client.channels.cache.has(FEEDBACK)).toBe(true));
  const set = await fake
    .slash({ channelId: ids.staffChannel, userId: ids.ownerId, name: 'settings', subcommand: 'set', options: { staff_role: ids.staffRoleId, feedback_channel: FEEDBACK, ...(kind === 'text' ? { feedback_lock_on_close: true } : {}) } })
    .reply();
  expect(set.content).toBe('Settings saved.');

  // ---- submit: a post with votes and a thread
  const first = await submit(b, ids.alice, { title: 'Dark mode', details: 'Please add a dark theme.', category: 'Idea' });
  expect(first.ephemeral).toBe(true);
  expect(first.content).toMatch(/^Thanks! Your feedback is \*\*#1\*\*: <#\d+>\.$/);
  const item1 = await row(b, 1);
  expect(item1).toMatchObject({ post_state: 'posted', author_id: ids.alice, category: 'Idea', status: 'open', channel_kind: kind, opened_at: t0 });
  const thread1 = fake.channel(item1.thread_id!) as APIThreadChannel;
  expect(thread1.name).toBe('Dark mode · #1');
  expect(thread1.parent_id).toBe(FEEDBACK);
  if (kind === 'forum') {
    const forum = fake.channel(FEEDBACK) as { available_tags: Array<{ id: string; name: string; moderated: boolean }> };
    const tag = (name: string) => forum.available_tags.find((t) => t.name === name)?.id;
    expect(tag('Open')).toBeDefined();
    expect(thread1.applied_tags?.sort()).toEqual([tag('Open'), tag('Idea')].sort());
    expect(item1.message_id).toBe(item1.thread_id); // a forum post's starter message has the thread's id
  } else {
    expect(item1.thread_id).toBe(item1.message_id); // a thread started from the embed message
    expect(fake.channelMessages(FEEDBACK).filter((m) => m.author.id === fake.appId)).toHaveLength(1);
  }
  const post1 = await postMessage(b, 1);
  expect(post1.embeds[0]?.title).toBe('Dark mode');
  expect(post1.embeds[0]?.footer?.text).toBe('Feedback #1');
  expect(buttons(post1).map((c) => c.custom_id)).toEqual(['v1:fb-vote:1:up', 'v1:fb-vote:1:down']);

  // ---- votes: one per member, changeable, withdrawable; the post shows the tally (coalesced edits)
  const vote = (userId: string, dir: 'up' | 'down') => fake.click({ userId, message: post1, customId: `v1:fb-vote:1:${dir}` }).reply();
  expect((await vote(ids.bob, 'up')).content).toMatch(/You upvoted/);
  await vote(ids.carol, 'up');
  await vote(ids.dave, 'down');
  expect((await vote(ids.dave, 'up')).content).toMatch(/You upvoted/); // changed
  expect((await vote(ids.carol, 'up')).content).toMatch(/withdrawn/); // withdrawn
  await service(b).live.flush();
  expect(buttons(await postMessage(b, 1)).map((c) => c.label)).toEqual(['Upvote (2)', 'Downvote (0)']);
  expect((await postMessage(b, 1)).embeds[0]?.fields?.find((f) => f.name === 'Votes')?.value).toBe('▲ 2 · ▼ 0 · score +2');

  // ---- capture: the text comes in the interaction; credits the author, records the capturer
  b.clock.advance(MIN);
  const source = fake.post({ channelId: ids.general, userId: ids.carol, content: 'We need a calendar integration\nIt would help with events.' });
  const captured = await fake.messageCommand({ channelId: ids.general, userId: ids.dave, name: 'Capture as feedback', message: source }).reply();
  expect(captured.content).toMatch(/^Captured as \*\*#2\*\*, credited to <@900000000000000203>: <#\d+>\.$/);
  expect(await row(b, 2)).toMatchObject({ author_id: ids.carol, captured_by: ids.dave, source_message_id: source.id, title: 'We need a calendar integration', details: 'We need a calendar integration\nIt would help with events.', opened_at: t0 + MIN });
  const again = await fake.messageCommand({ channelId: ids.general, userId: ids.bob, name: 'Capture as feedback', message: source }).reply();
  expect(again.content).toMatch(/^This message is already feedback item \*\*#2\*\*/);
  expect(await b.db.selectFrom('feedback_items').select('id').execute()).toHaveLength(2);

  b.clock.advance(MIN);
  await submit(b, ids.dave, { title: 'Night theme', details: 'Darker colours at night.', category: 'Idea' });
  const post3 = await postMessage(b, 3);
  await fake.click({ userId: ids.bob, message: post3, customId: 'v1:fb-vote:3:up' }).reply();
  await fake.click({ userId: ids.carol, message: post3, customId: 'v1:fb-vote:3:down' }).reply();
  b.clock.advance(2 * MIN);
  await submit(b, ids.bob, { title: 'Export my data', details: 'A button to download my data.', category: 'Bug' });

  // ---- thread activity: a member, then staff reply (exactly 30 minutes after the post)
  b.clock.set(t0 + 10 * MIN);
  fake.post({ channelId: item1.thread_id!, userId: ids.bob, content: 'Yes please' });
  b.clock.set(t0 + 30 * MIN);
  fake.post({ channelId: item1.thread_id!, userId: ids.moderator, content: 'We are looking at it' });
  fake.post({ channelId: item1.thread_id!, userId: ids.alice, content: 'Thanks!' });
  await vi.waitFor(async () => expect(await b.db.selectFrom('feedback_thread_messages').selectAll().where('item_id', '=', 1).execute()).toHaveLength(3));
  const messages = await b.db.selectFrom('feedback_thread_messages').selectAll().orderBy('at').execute();
  expect(messages.map((m) => [m.user_id, m.staff, m.at])).toEqual([
    [ids.bob, 0, t0 + 10 * MIN],
    [ids.moderator, 1, t0 + 30 * MIN],
    [ids.alice, 0, t0 + 30 * MIN],
  ]);
  expect(Object.keys(messages[0]!)).not.toContain('content'); // metadata only

  // ---- triage: status changes, the author told by DM
  b.clock.set(t0 + 2 * HOUR);
  expect((await status(b, 1, 'planned', { reason: 'Next sprint' })).content).toBe('Item #1 is now **Planned**. The author has been told.');
  expect((await status(b, 1, 'planned', { reason: 'Next sprint' })).content).toBe('Item #1 is already **Planned**: nothing changed.'); // idempotent
  expect(fake.channelMessages(fake.dmChannelId(ids.alice)!).map((m) => m.content)).toEqual([expect.stringMatching(/^Your feedback \*\*#1 Dark mode\*\* is now \*\*Planned\*\*\.\nWhy: Next sprint/)]);
  expect((fake.channel(item1.thread_id!) as APIThreadChannel).name).toBe('[Planned] Dark mode · #1');
  const member = await fake.slash({ channelId: ids.general, userId: ids.bob, name: 'feedback', subcommand: 'status', options: { item: 1, status: 'done' } }).reply();
  expect(member.content).toMatch(/^Only staff can do this/);

  // ---- duplicate merge: votes move to the original, the duplicate's author is pointed to it
  b.clock.set(t0 + 3 * HOUR);
  expect((await status(b, 3, 'duplicate', { duplicate_of: 1, reason: 'Same as dark mode' })).content).toBe('Item #3 is now **Duplicate**. 1 vote moved to #1. The author has been told.');
  expect(fake.channelMessages(fake.dmChannelId(ids.dave)!).at(-1)?.content).toMatch(/is now \*\*Duplicate\*\*\.\nIt was merged into \*\*#1\*\*/);
  const votes1 = await b.db.selectFrom('feedback_votes').select(['user_id', 'value']).where('item_id', '=', 1).orderBy('user_id').execute();
  expect(votes1).toEqual([
    { user_id: ids.bob, value: 1 },
    { user_id: ids.carol, value: -1 },
    { user_id: ids.dave, value: 1 },
  ]);
  expect(await b.db.selectFrom('feedback_votes').selectAll().where('item_id', '=', 3).execute()).toEqual([]);
  await service(b).live.flush();
  expect(buttons(await postMessage(b, 1)).map((c) => c.label)).toEqual(['Upvote (2)', 'Downvote (1)']);
  expect((fake.channel((await row(b, 3)).thread_id!) as APIThreadChannel).thread_metadata?.archived).toBe(true);

  // ---- done archives the thread (and locks it with the setting)
  b.clock.set(t0 + 5 * HOUR);
  await status(b, 1, 'done', { reason: 'Shipped in 2.0' });
  const done = fake.channel(item1.thread_id!) as APIThreadChannel;
  expect(done.thread_metadata?.archived).toBe(true);
  expect(done.thread_metadata?.locked).toBe(kind === 'text');
  expect(buttons(await postMessage(b, 1)).every((c) => c.disabled)).toBe(true);
  if (kind === 'forum') {
    const forum = fake.channel(FEEDBACK) as { available_tags: Array<{ id: string; name: string }> };
    expect(done.applied_tags?.map((id) => forum.available_tags.find((t) => t.id === id)?.name).sort()).toEqual(['Done', 'Idea']);
  }
  const closedPost = await postMessage(b, 1);
  expect(() => fake.click({ userId: ids.carol, message: closedPost, customId: 'v1:fb-vote:1:up' })).toThrow(/disabled/);

  // ---- closed DMs: the author is mentioned in the thread instead
  fake.setDmsClosed(ids.carol);
  b.clock.set(t0 + 26 * HOUR);
  await status(b, 2, 'declined', { reason: 'Out of scope' });
  const item2 = await row(b, 2);
  const fallback = fake.channelMessages(item2.thread_id!).filter((m) => m.author.id === fake.appId && m.content.includes(`<@${ids.carol}>`));
  expect(fallback).toHaveLength(1);
  expect(fallback[0]?.mentions.map((u) => u.id)).toEqual([ids.carol]);
  const change2 = await b.db.selectFrom('feedback_status_changes').select(['notified', 'by_user', 'reason']).where('item_id', '=', 2).executeTakeFirstOrThrow();
  expect(change2).toEqual({ notified: 'thread', by_user: ids.moderator, reason: 'Out of scope' });

  // ---- reading: list, show, export
  const top = await fake.slash({ channelId: ids.general, userId: ids.bob, name: 'feedback', subcommand: 'list', options: { sort: 'waiting' } }).reply();
  expect(top.embeds[0]?.description).toMatch(/^\*\*#4\*\* Export my data/);
  expect(top.embeds[0]?.description?.split('\n')).toHaveLength(1);
  const shown = await fake.slash({ channelId: ids.general, userId: ids.bob, name: 'feedback', subcommand: 'show', options: { item: 1 } }).reply();
  expect(shown.embeds[0]?.fields?.find((f) => f.name === 'Thread')?.value).toMatch(/^3 messages · 3 participants/);
  const exported = await fake.slash({ channelId: ids.staffChannel, userId: ids.moderator, name: 'feedback', subcommand: 'export' }).reply();
  const file = exported.files[0];
  expect(file?.filename).toBe('feedback.csv');
  // UTF-8 with a byte order mark (Excel), CRLF lines.
  expect([...file!.data.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const csv = file!.data.toString('utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
  expect(csv[0]).toBe('item,title,author_id,captured_by,category,status,duplicate_of,opened_at,upvotes,downvotes,score,thread_messages,thread_participants,minutes_to_first_staff_response,minutes_to_decision,status_history');
  expect(csv).toHaveLength(5);
  expect(csv[1]).toBe(`1,Dark mode,${ids.alice},,Idea,done,,2026-11-02T12:00:00.000Z,2,1,1,3,3,30,300,2026-11-02T14:00:00.000Z open->planned by ${ids.moderator}: Next sprint | 2026-11-02T17:00:00.000Z planned->done by ${ids.moderator}: Shipped in 2.0`);
  expect(csv[2]).toMatch(new RegExp(`^2,We need a calendar integration,${ids.carol},${ids.dave},Idea,declined,`));
  expect(csv[3]).toMatch(/^3,Night theme,\d+,,Idea,duplicate,1,/);
  expect(csv[4]).toMatch(/^4,Export my data,\d+,,Bug,open,,2026-11-02T12:04:00.000Z,0,0,0,0,0,,,$/);

  // ---- pulse report --json: answer-time figures, by hand
  b.clock.set(t0 + 72 * HOUR);
  const out: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const env = { DATABASE_URL: `sqlite:${b.databasePath}`, LOG_LEVEL: 'silent' };
  expect(await runCli(['report', '--guild', ids.guildId, '--from', '2026-11-02', '--to', '2026-11-04', '--json', '--as-of', new Date(t0 + 72 * HOUR).toISOString()], env)).toBe(0);
  const report = JSON.parse(out.join('\n')) as { feedback: unknown };
  // First staff responses: #1 the staff reply at 30 min, #3 the duplicate decision at 178 min,
  // #2 the decline at 1559 min; #4 never. Decisions: #3 after 178 min, #1 after 5 h, #2 after 1559 min.
  expect(report.feedback).toEqual({
    opened: 4,
    by_category: { Idea: 3, Bug: 1 },
    by_status: { done: 1, declined: 1, duplicate: 1, open: 1 },
    responded: 3,
    median_minutes_to_first_response: 178,
    p90_minutes_to_first_response: 1559,
    answered_within_30m: 0.25,
    answered_within_24h: 0.5,
    median_hours_to_decision: 5,
    waiting: { count: 1, item_ids: ['4'] },
  });
  // /insights shows the same figures: its last 7 complete days (Oct 29 to Nov 4) hold all four items.
  await fake.click({ userId: ids.carol, message: await postMessage(b, 4), customId: 'v1:fb-vote:4:up' }).reply(); // votes are not answers
  const insights = await fake.slash({ channelId: ids.staffChannel, userId: ids.moderator, name: 'insights', options: { period: '7d' } }).reply();
  expect(insights.embeds[0]?.fields?.find((f) => f.name === 'Feedback')?.value).toBe(
    '4 opened · 3 answered · first answer median 178 min, p90 1,559 min · within 30 min 25.0% · within 24 h 50.0% · to decision 5 h · 1 waiting (#4)\nTop open: #4 Export my data (+1)',
  );
  expect(b.errors).toEqual([]);
  expect(b.logs.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('feedback.') && l.level >= 40)).toEqual([]);
}

describe('feedback e2e', () => {
  it('forum channel: submit, votes, capture, thread replies, triage, DM fallback, duplicate merge, export, report', { timeout: 60_000 }, async () => {
    await scenario('forum');
  });

  it('text channel: the same flow with an embed message and a thread per item, threads locked on close', { timeout: 60_000 }, async () => {
    await scenario('text');
  });
});
