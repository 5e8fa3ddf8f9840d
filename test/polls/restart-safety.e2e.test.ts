// Polls across refusals, crashes and restarts: a closed poll's message ends up showing it closed, the
// author is told once, and a post cut short by a kill -9 leaves one working message.
import type { APIEmbed, APIMessage } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import type { FeatureFactory } from '../../src/feature.js';
import { pollsFeature, type PollsFeature, type PollsOptions } from '../../src/polls/discord.js';
import { closePoll, createPoll } from '../../src/polls/store.js';
import { settingsRoutes } from '../../src/settings/discord.js';
import { TestBot } from '../support/bot.js';
import { ManualTimers } from './manual-timers.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

function pollFeatures(options: PollsOptions = {}): FeatureFactory[] {
  return [(ctx) => ({ name: 'settings', routes: settingsRoutes(ctx) }), (ctx) => pollsFeature(ctx, options)];
}

function service(b: TestBot) {
  const feature = b.app.features.find((f) => f.name === 'polls') as PollsFeature | undefined;
  if (!feature) throw new Error('polls feature not registered');
  return feature.service;
}

function pollMessages(b: TestBot, channelId: string): APIMessage[] {
  return b.fake.channelMessages(channelId).filter((m) => m.author.id === b.fake.appId && m.embeds.some((e) => e.author?.name?.startsWith('Poll #')));
}

function buttons(message: APIMessage | undefined): Array<{ custom_id: string; disabled?: boolean }> {
  const rows = (message?.components ?? []) as unknown as Array<{ components: Array<{ custom_id: string; disabled?: boolean }> }>;
  return rows.flatMap((r) => r.components);
}

/** The "N vote(s)" figure of each choice, as the message shows it. */
function shownCounts(embed: APIEmbed | undefined): number[] {
  return [...(embed?.description ?? '').matchAll(/· (\d+) votes?/g)].map((m) => Number(m[1]));
}

/** Whether the message shows the poll closed: final title, result, every control disabled. */
function showsClosed(message: APIMessage | undefined): boolean {
  const embed = message?.embeds[0];
  return (
    embed?.author?.name === 'Poll #1 · closed' &&
    (embed.fields ?? []).some((f) => f.name === 'Result') &&
    buttons(message).length > 0 &&
    buttons(message).every((c) => c.disabled === true)
  );
}

const row = (b: TestBot, id: number) => b.db.selectFrom('polls').selectAll().where('id', '=', id).executeTakeFirst();

/** The author's "your poll has closed" DMs. */
function closedDms(b: TestBot): APIMessage[] {
  const dm = b.fake.dmChannelId(b.ids.alice);
  return dm ? b.fake.channelMessages(dm).filter((m) => /has closed/.test(m.content)) : [];
}

/** A poll by alice with bob and dave on A, carol on B, its message up to date. */
async function votedPoll(b: TestBot, options: Record<string, string> = {}): Promise<APIMessage> {
  const { ids, fake } = b;
  const created = await fake.slash({ channelId: ids.general, userId: ids.alice, name: 'poll', subcommand: 'create', options: { question: 'Lunch?', choices: 'A | B', ...options } }).reply();
  expect(created.content).toMatch(/Poll #1 posted/);
  const [message] = pollMessages(b, ids.general);
  if (!message) throw new Error('no poll message');
  for (const [userId, choice] of [
    [ids.bob, 0],
    [ids.carol, 1],
    [ids.dave, 0],
  ] as const) {
    expect((await fake.click({ userId, message, customId: `v1:poll-vote:1:${choice}` }).reply()).content).toMatch(/You voted for/);
  }
  await service(b).live.flush();
  expect(shownCounts(fake.message(ids.general, message.id)?.embeds[0])).toEqual([2, 1]);
  return message;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

describe('poll messages after refusals and crashes', () => {
  it('a final edit Discord refuses (50001) is not taken as shown: the next start shows the poll closed with its final counts; the author is told once', async () => {
    bot = await TestBot.start({ features: pollFeatures() });
    const { ids, fake } = bot;
    const message = await votedPoll(bot);
    const path = `/channels/${ids.general}/messages/${message.id}`;
    fake.failNext({ method: 'PATCH', path }, { status: 403, code: 50001, message: 'Missing Access' });

    const closed = await fake.slash({ channelId: ids.general, userId: ids.alice, name: 'poll', subcommand: 'close', options: { poll: 1 } }).reply();
    expect(closed.ephemeral).toBe(true);
    // Discord said no: the message still shows the poll open, and the database knows it.
    expect(showsClosed(fake.message(ids.general, message.id))).toBe(false);
    expect(await row(bot, 1)).toMatchObject({ status: 'closed', final_shown_at: null, final_edit_attempts: 1 });
    expect(bot.logs.some((l) => l.msg === 'polls.final-edit-refused' && l['poll'] === 1)).toBe(true);
    expect(closedDms(bot)).toHaveLength(1);

    await bot.restart();
    await fake.waitFor(() => showsClosed(fake.message(ids.general, message.id)));
    expect(shownCounts(fake.message(ids.general, message.id)?.embeds[0])).toEqual([2, 1]);
    expect(fake.message(ids.general, message.id)?.embeds[0]?.fields?.find((f) => f.name === 'Result')?.value).toBe('**A** won with 2 of 3 voters.');
    await fake.waitFor(async () => (await row(bot!, 1))?.final_shown_at != null);
    expect(closedDms(bot)).toHaveLength(1);

    // Shown now: the next start neither edits it again nor tells the author again.
    const edits = fake.requestsMatching('PATCH', path).length;
    await bot.restart();
    await settle();
    expect(fake.requestsMatching('PATCH', path)).toHaveLength(edits);
    expect(closedDms(bot)).toHaveLength(1);
    expect(bot.errors).toEqual([]);
  });

  it('a final edit that fails (5xx) is retried after a wait, without telling the author again', async () => {
    const timers = new ManualTimers();
    bot = await TestBot.start({ features: pollFeatures({ timers }) });
    const { ids, fake } = bot;
    const message = await votedPoll(bot, { duration: '10m' });
    const path = `/channels/${ids.general}/messages/${message.id}`;
    // discord.js tries a 5xx four times in all.
    for (let i = 0; i < 4; i++) fake.failNext({ method: 'PATCH', path }, { status: 500, message: 'Internal Server Error' });

    bot.clock.advance(10 * 60_000);
    timers.fire((ms) => ms === 10 * 60_000);
    await fake.waitFor(() => closedDms(bot!).length === 1);
    expect(bot.logs.some((l) => l.msg === 'polls.final-edit-failed' && l['poll'] === 1)).toBe(true);
    expect(showsClosed(fake.message(ids.general, message.id))).toBe(false);
    expect(timers.delays).toContain(60_000);

    timers.fire((ms) => ms === 60_000);
    await fake.waitFor(() => showsClosed(fake.message(ids.general, message.id)));
    expect(shownCounts(fake.message(ids.general, message.id)?.embeds[0])).toEqual([2, 1]);
    await fake.waitFor(async () => (await row(bot!, 1))?.final_shown_at != null);
    expect(timers.delays).not.toContain(60_000);
    expect(closedDms(bot)).toHaveLength(1);
    expect(bot.logs.filter((l) => l.msg === 'polls.closed')).toHaveLength(1);
    expect(bot.errors).toEqual([]);
  });

  it('a kill -9 right after the close commits: start-up shows the poll closed, even when its first try fails, and tells the author once', async () => {
    const timers = new ManualTimers();
    bot = await TestBot.start({ features: pollFeatures({ timers }) });
    const { ids, fake } = bot;
    const message = await votedPoll(bot);
    const path = `/channels/${ids.general}/messages/${message.id}`;

    // The close commits; the process dies before editing the message or telling anyone.
    expect(await closePoll(bot.db, 1, bot.clock.now(), ids.alice)).toBe(true);
    // And Discord is still having trouble when the bot comes back.
    for (let i = 0; i < 4; i++) fake.failNext({ method: 'PATCH', path }, { status: 502, message: 'Bad Gateway' });
    await bot.crash();
    await fake.waitFor(() => closedDms(bot!).length === 1);
    await fake.waitFor(() => bot!.logs.some((l) => l.msg === 'polls.final-edit-failed' && l['poll'] === 1));
    expect(showsClosed(fake.message(ids.general, message.id))).toBe(false);

    timers.fire((ms) => ms === 60_000);
    await fake.waitFor(() => showsClosed(fake.message(ids.general, message.id)));
    expect(shownCounts(fake.message(ids.general, message.id)?.embeds[0])).toEqual([2, 1]);
    await fake.waitFor(async () => (await row(bot!, 1))?.final_shown_at != null);

    // Nothing is edited or told again on the next start.
    const edits = fake.requestsMatching('PATCH', path).length;
    await bot.restart();
    await settle();
    expect(fake.requestsMatching('PATCH', path)).toHaveLength(edits);
    expect(closedDms(bot)).toHaveLength(1);
    expect(bot.errors).toEqual([]);
  });

  it("a kill -9 after the poll's post reached Discord but before its id was saved: start-up adopts that message, so there is one, and it takes votes", async () => {
    bot = await TestBot.start({ features: pollFeatures() });
    const { ids, fake } = bot;
    await fake.slash({ channelId: ids.general, userId: ids.alice, name: 'poll', subcommand: 'create', options: { question: 'Posted?', choices: 'A | B' } }).reply();
    const [message] = pollMessages(bot, ids.general);
    if (!message) throw new Error('no poll message');
    // The post carries a nonce, so a repeat of it (discord.js retrying a lost answer) gives back the same message.
    const post = fake.requestsMatching('POST', `/channels/${ids.general}/messages`).at(-1);
    expect(post?.body).toMatchObject({ nonce: expect.stringMatching(/^poll-1-/), enforce_nonce: true });

    // What the database holds when the process dies between Discord's answer and saving the id...
    await bot.db.updateTable('polls').set({ message_id: null, shown_tally: null }).where('id', '=', 1).execute();
    // ...and a poll whose post never left: nobody ever saw it.
    await createPoll(bot.db, {
      guildId: ids.guildId,
      channelId: ids.general,
      authorId: ids.bob,
      now: bot.clock.now(),
      question: 'Never posted?',
      choices: ['C', 'D'],
      multiple: false,
      maxChoices: 1,
      anonymous: false,
      hideResults: false,
      durationMs: null,
      roleId: null,
    });
    bot.clock.advance(30_000);
    await bot.crash();

    expect(pollMessages(bot, ids.general)).toHaveLength(1);
    expect((await row(bot, 1))?.message_id).toBe(message.id);
    expect(await row(bot, 2)).toBeUndefined();
    expect(bot.logs.some((l) => l.msg === 'polls.post-found' && l['poll'] === 1)).toBe(true);
    expect(bot.logs.some((l) => l.msg === 'polls.post-dropped' && l['poll'] === 2)).toBe(true);

    const vote = await fake.click({ userId: ids.bob, message, customId: 'v1:poll-vote:1:0' }).reply();
    expect(vote.content).toMatch(/You voted for \*\*A\*\*/);
    await service(bot).live.flush();
    expect(shownCounts(fake.message(ids.general, message.id)?.embeds[0])).toEqual([1, 0]);
    expect(pollMessages(bot, ids.general)).toHaveLength(1);
    expect(bot.errors).toEqual([]);
  });

  it('a native poll is posted with a nonce too', async () => {
    bot = await TestBot.start({ features: pollFeatures() });
    const { ids, fake } = bot;
    const reply = await fake.slash({ channelId: ids.general, userId: ids.alice, name: 'poll', subcommand: 'create', options: { question: 'Native?', choices: 'Yes|No', native: true, duration: '2h' } }).reply();
    expect(reply.content).toMatch(/Native poll posted/);
    const post = fake.requestsMatching('POST', `/channels/${ids.general}/messages`).at(-1);
    expect(post?.body).toMatchObject({ poll: expect.anything(), nonce: expect.stringMatching(/^npoll-\d+$/), enforce_nonce: true });
  });
});
