// /privacy end to end: show and export from a worker after an immediate acknowledgement, an
// opt-out that leaves no trace of the member but what docs/privacy.md says is kept, and one that
// a restart interrupts and the next start finishes.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChannelType, InteractionResponseType, Locale } from 'discord-api-types/v10';
import { ActivityStore } from '../../src/activity/store.js';
import { runCli } from '../../src/cli.js';
import { privacyEntries } from '../../src/privacy/entries.js';
import { keptColumns } from '../../src/privacy/privacy.js';
import { msg } from '../../src/i18n/index.js';
import { JobError } from '../../src/workers/pool.js';
import { TestBot } from '../support/bot.js';
import { mentions } from '../support/privacy.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const count = (b: TestBot, sql: string, ...params: unknown[]) => b.app.database.sqlite.prepare(sql).pluck().get(...params) as number;


/** Alice's footprint in every slice: activity, reactions to her, polls, flags, a case, surveys. */
async function aliceEverywhere(b: TestBot): Promise<void> {
  const { ids, fake, clock } = b;
  const now = () => new Date(clock.now());
  const hello = fake.post({ channelId: ids.general, userId: ids.alice, content: 'hello', at: now() });
  const other = fake.post({ channelId: ids.general, userId: ids.bob, content: 'hi', at: now() });
  fake.react({ channelId: ids.general, messageId: hello.id, userId: ids.bob, emoji: '👍' });
  fake.react({ channelId: ids.general, messageId: other.id, userId: ids.alice, emoji: '🎉' });
  fake.voice(ids.guildId, ids.alice, ids.voice);
  await fake.waitFor(() => count(b, 'SELECT count(*) FROM activity_reactions') === 2 && count(b, 'SELECT count(*) FROM activity_voice_sessions') === 1);
  const sqlite = b.app.database.sqlite;
  const t = clock.now();
  // Rows other slices keep, written as those slices write them.
  const open = sqlite.prepare(`INSERT INTO polls (guild_id, channel_id, author_id, question, choices, multiple, max_choices, anonymous, hide_results, created_at, status)
    VALUES (?, ?, ?, 'Lunch?', '["a","b"]', 0, 1, 0, 0, ?, 'open')`).run(ids.guildId, ids.general, ids.bob, t).lastInsertRowid;
  sqlite.prepare(`INSERT INTO poll_votes (poll_id, voter, choice, cast_at) VALUES (?, ?, 0, ?), (?, ?, 1, ?)`).run(open, ids.alice, t, open, ids.bob, t);
  sqlite.prepare(`INSERT INTO polls (guild_id, channel_id, author_id, question, choices, multiple, max_choices, anonymous, hide_results, created_at, status, closed_at, closed_by, final_counts, final_voters)
    VALUES (?, ?, ?, 'Tea?', '["y","n"]', 0, 1, 0, 0, ?, 'closed', ?, ?, '[1,0]', 1)`).run(ids.guildId, ids.general, ids.alice, t, t, ids.alice);
  sqlite.prepare(`INSERT INTO native_poll_votes (guild_id, channel_id, message_id, user_id, answer_id, voted_at) VALUES (?, ?, '900000000000009001', ?, 1, ?)`).run(ids.guildId, ids.general, ids.alice, t);
  sqlite.prepare(`INSERT INTO flags (guild_id, channel_id, message_id, user_id, source, author_id, reason, flagged_at) VALUES (?, ?, ?, ?, 'reaction', ?, NULL, ?)`).run(ids.guildId, ids.general, other.id, ids.alice, ids.bob, t);
  sqlite.prepare(`INSERT INTO flags (guild_id, channel_id, message_id, user_id, source, author_id, reason, flagged_at) VALUES (?, ?, ?, ?, 'reaction', ?, NULL, ?)`).run(ids.guildId, ids.general, hello.id, ids.carol, ids.alice, t);
  sqlite.prepare(`INSERT INTO flag_cases (guild_id, channel_id, message_id, author_id, excerpt, status, opened_at) VALUES (?, ?, ?, ?, 'hello', 'open', ?)`).run(ids.guildId, ids.general, hello.id, ids.alice, t);
  // Surveys: Bob's named survey that Alice answered; Alice's anonymous one, which she answered
  // (a submitter row and a response with no id), has a draft in, and closed; her stopped schedule.
  const survey = sqlite.prepare(`INSERT INTO surveys (guild_id, author_id, title, definition, anonymous, status, created_at, closed_by) VALUES (?, ?, ?, '{}', ?, ?, ?, ?)`);
  const named = survey.run(ids.guildId, ids.bob, 'Named', 0, 'open', t, null).lastInsertRowid;
  const anonymous = survey.run(ids.guildId, ids.alice, 'Anonymous', 1, 'closed', t, ids.alice).lastInsertRowid;
  const response = sqlite.prepare(`INSERT INTO survey_responses (survey_id, respondent, status, answers, page, submitted_at) VALUES (?, ?, ?, ?, 0, ?)`);
  response.run(named, ids.alice, 'submitted', '{"q1":"yes"}', t);
  response.run(named, ids.bob, 'submitted', '{"q1":"no"}', t);
  response.run(anonymous, null, 'submitted', '{"q1":"maybe"}', null);
  response.run(anonymous, ids.alice, 'draft', '{}', null);
  // Her named answer keeps her roles at submit (for the per-role breakdown); her draft was reminded.
  sqlite.prepare(`UPDATE survey_responses SET roles = ? WHERE survey_id = ? AND respondent = ?`).run(JSON.stringify([ids.staffRoleId]), named, ids.alice);
  sqlite.prepare(`UPDATE survey_responses SET reminded_at = ? WHERE survey_id = ? AND respondent = ?`).run(t, anonymous, ids.alice);
  sqlite.prepare(`INSERT INTO survey_submitters (survey_id, member_id) VALUES (?, ?)`).run(anonymous, ids.alice);
  sqlite.prepare(`INSERT INTO survey_schedules (guild_id, source_survey_id, definition, timing, channel_id, open_for_ms, created_by, created_at, active_since, active)
    VALUES (?, ?, '{}', '{"kind":"daily","time":"09:00"}', ?, 3600000, ?, ?, ?, 0)`).run(ids.guildId, anonymous, ids.general, ids.alice, t, t);
  await aliceInFeedback(b);
}

const FEEDBACK = '900000000000000150';

/** The feedback message in a post (a forum post's starter message). */
function feedbackPost(b: TestBot, item: number) {
  const row = b.app.database.sqlite.prepare(`SELECT thread_id, message_id FROM feedback_items WHERE id = ?`).get(item) as { thread_id: string; message_id: string };
  const message = b.fake.message(row.thread_id, row.message_id);
  if (!message) throw new Error(`no post for item ${item}`);
  return { message, thread: row.thread_id };
}

/** Alice in the feedback slice, through the commands: she submits an item Bob votes on and
 * replies in, votes on and replies in Bob's item, and captures Carol's message. */
async function aliceInFeedback(b: TestBot): Promise<void> {
  const { ids, fake } = b;
  fake.addChannel(ids.guildId, { id: FEEDBACK, name: 'feedback', type: ChannelType.GuildForum });
  await fake.waitFor(() => b.app.client.channels.cache.has(FEEDBACK));
  const set = await fake.slash({ channelId: ids.staffChannel, userId: ids.ownerId, name: 'settings', subcommand: 'set', options: { staff_role: ids.staffRoleId, feedback_channel: FEEDBACK } }).reply();
  expect(set.content).toBe('Settings saved.');
  const submit = async (userId: string, title: string) => {
    const opened = fake.slash({ channelId: ids.general, userId, name: 'feedback', subcommand: 'submit' });
    await opened.reply();
    return opened.submitModal({ title, details: `${title}, please.`, category: ['Idea'] }).reply();
  };
  expect((await submit(ids.alice, 'Dark mode')).content).toMatch(/#1/);
  expect((await submit(ids.bob, 'Calendar')).content).toMatch(/#2/);
  const mine = feedbackPost(b, 1);
  const bobs = feedbackPost(b, 2);
  expect((await fake.click({ userId: ids.bob, message: mine.message, customId: 'v1:fb-vote:1:up' }).reply()).content).toMatch(/upvoted/);
  expect((await fake.click({ userId: ids.alice, message: bobs.message, customId: 'v1:fb-vote:2:down' }).reply()).content).toMatch(/downvoted/);
  fake.post({ channelId: mine.thread, userId: ids.bob, content: 'Yes please' });
  fake.post({ channelId: bobs.thread, userId: ids.alice, content: 'Not sure' });
  const source = fake.post({ channelId: ids.general, userId: ids.carol, content: 'We need a calendar integration' });
  expect((await fake.messageCommand({ channelId: ids.general, userId: ids.alice, name: 'Capture as feedback', message: source }).reply()).content).toMatch(/#3/);
  await fake.waitFor(() => count(b, 'SELECT count(*) FROM feedback_thread_messages') === 2 && count(b, 'SELECT count(*) FROM activity_messages') === 5);
}

describe('/privacy', () => {
  it('show and export cover every slice; opt-out leaves only what docs/privacy.md says is kept', async () => {
    bot = await TestBot.start();
    const b = bot;
    const { ids, fake } = b;
    await aliceEverywhere(b);
    const ask = (subcommand: string) => fake.slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.alice, name: 'privacy', subcommand });

    const shown = await ask('show').reply(15_000);
    expect(shown.ephemeral).toBe(true);
    const text = shown.embeds[0]?.description ?? '';
    expect(text).toMatch(/^Pulse records when you are active here, not what you write. The only text it keeps is what you give it \(survey answers/);
    expect(text).toContain('Messages you sent (id, channel, time, reply-to, has attachment; never the text): **2** records (opt-out: deleted)'); // one in a feedback thread
    expect(text).toContain('Your votes in Pulse polls');
    expect(text).toContain('Moderation cases about your messages, or that you opened, claimed or closed (status, outcome, times; for one about your message, its note and steps too): **1** record (opt-out: kept)');
    expect(text).toContain('Your votes on feedback items (item, up or down, time): **1** record (opt-out: deleted)');
    expect(text).toContain('Your messages in feedback threads (item, message id, time, whether you were staff; never the text; on opt-out your replies as staff stay, without your id): **1** record (opt-out: your id removed)');
    expect(text).toContain('Your survey answers and drafts (survey, answers, your roles when you submitted, times, when a reminder was sent; a submitted anonymous answer holds no id and is not counted here): **2** records (opt-out: deleted)');

    const exported = await ask('export').reply(15_000);
    expect(exported.files).toHaveLength(1);
    const data = JSON.parse(String(exported.files[0]!.data)) as Record<string, unknown[]> & { user_id: string };
    expect(data.user_id).toBe(ids.alice);
    for (const entry of privacyEntries) expect(Array.isArray(data[entry.name]), entry.name).toBe(true);
    expect(data['activity_messages']).toHaveLength(2);
    expect(data['activity_reactions']).toHaveLength(1);
    expect(data['activity_reactions.message_author_id']).toHaveLength(1);
    expect(data['poll_votes']).toHaveLength(1);
    expect(data['native_poll_votes']).toHaveLength(1);
    expect(data['flags']).toHaveLength(1);
    expect(data['flags.author_id']).toHaveLength(1);
    // Her flagged message's excerpt is her own text: in her export, as the note says.
    expect(data['flag_cases']).toEqual([expect.objectContaining({ about_your_message: true, excerpt: 'hello' })]);
    expect((data as unknown as { note: string }).note).toMatch(/^Pulse keeps ids and instants .* The only text below is what you gave Pulse .* excerpt kept of a message of yours/);
    expect(exported.content).toMatch(/^Everything Pulse keeps about you in this server: ids and instants, and the text you gave it \(survey answers/);
    expect(data['polls']).toHaveLength(1);
    expect(data['survey_responses']).toEqual([
      expect.objectContaining({ survey: 'Named', status: 'submitted', roles: [ids.staffRoleId], reminded_at: null }),
      expect.objectContaining({ survey: 'Anonymous', status: 'draft', roles: null, reminded_at: new Date(b.clock.now()).toISOString() }),
    ]);
    expect(data['survey_submitters']).toHaveLength(1);
    expect(data['surveys']).toHaveLength(1);
    expect(data['survey_schedules']).toHaveLength(1);
    expect(data['feedback_items']).toEqual([expect.objectContaining({ item_id: 1, title: 'Dark mode', source: 'submitted' })]);
    expect(data['feedback_items.captured_by']).toEqual([expect.objectContaining({ item_id: 3, title: 'We need a calendar integration' })]);
    expect(data['feedback_votes']).toEqual([expect.objectContaining({ item_id: 2, vote: 'down' })]);
    expect(data['feedback_thread_messages']).toEqual([expect.objectContaining({ item_id: 2, staff: false })]);
    // The item captured from Carol's message is hers: her export names the message it came from.
    const carols = await fake.slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.carol, name: 'privacy', subcommand: 'export' }).reply(15_000);
    const source = b.app.database.sqlite.prepare(`SELECT source_channel_id, source_message_id FROM feedback_items WHERE id = 3`).get() as { source_channel_id: string; source_message_id: string };
    expect((JSON.parse(String(carols.files[0]!.data)) as Record<string, unknown[]>)['feedback_items']).toEqual([expect.objectContaining({ item_id: 3, source: 'captured', ...source })]);
    // Other members' ids are not part of someone's export.
    expect(JSON.stringify(data)).not.toContain(ids.bob);
    expect(JSON.stringify(data)).not.toContain(ids.carol);

    const before = mentions(b, ids.alice);
    expect(before).toEqual(expect.arrayContaining(['feedback_items.author_id', 'feedback_items.captured_by', 'feedback_votes.user_id', 'feedback_thread_messages.user_id', 'activity_messages.user_id', 'activity_reactions.message_author_id', 'poll_votes.voter', 'flags.author_id', 'activity_ids.id', 'survey_responses.respondent', 'survey_submitters.member_id']));

    const out = ask('opt-out');
    expect((await out.reply(15_000)).content).toMatch(/stopped recording you/);
    await fake.waitFor(() => out.original?.content?.startsWith('Done:'), 20_000);
    // After the opt-out her reply in a feedback thread is not recorded (Bob's, sent after it, is).
    const bobs = feedbackPost(b, 2);
    fake.post({ channelId: bobs.thread, userId: ids.alice, content: 'Still not sure' });
    fake.post({ channelId: bobs.thread, userId: ids.bob, content: 'Noted' });
    await fake.waitFor(() => count(b, 'SELECT count(*) FROM feedback_thread_messages WHERE user_id = ?', ids.bob) === 2 && count(b, 'SELECT count(*) FROM activity_messages WHERE user_id = ?', ids.bob) === 3);
    expect(count(b, 'SELECT count(*) FROM feedback_thread_messages WHERE user_id = ?', ids.alice)).toBe(0);
    const kept = keptColumns(privacyEntries);
    const left = mentions(b, ids.alice);
    for (const column of left) expect(kept.has(column), `${column} still names the member`).toBe(true);
    expect(left.sort()).toEqual(['activity_opt_outs.user_id', 'flag_cases.author_id', 'polls.author_id', 'polls.closed_by', 'survey_schedules.created_by', 'surveys.author_id', 'surveys.closed_by']);
    // Bob's vote, reaction and message stay; the open poll lost only Alice's vote.
    expect(count(b, 'SELECT count(*) FROM poll_votes')).toBe(1);
    // Bob's answer and the anonymous answer (no id) stay; Alice's answer, draft and mark go.
    expect(count(b, 'SELECT count(*) FROM survey_responses')).toBe(2);
    expect(count(b, 'SELECT count(*) FROM survey_responses WHERE respondent IS NULL')).toBe(1);
    expect(count(b, 'SELECT count(*) FROM survey_submitters')).toBe(0);
    expect(count(b, 'SELECT count(*) FROM activity_reactions WHERE user_id = ?', ids.bob)).toBe(1);
    // Bob's three messages and Carol's one stay counted; Alice's two are subtracted.
    expect(count(b, 'SELECT sum(messages) FROM activity_guild_quarters')).toBe(4);
    expect(count(b, 'SELECT sum(reactions) FROM activity_guild_quarters')).toBe(1);
    // Feedback: her item stays under a placeholder with Bob's vote; Bob's item lost her vote;
    // Carol's captured item stays hers, with no capturer.
    expect(b.app.database.sqlite.prepare(`SELECT id, author_id, captured_by FROM feedback_items ORDER BY id`).all()).toEqual([
      { id: 1, author_id: '~', captured_by: null },
      { id: 2, author_id: ids.bob, captured_by: null },
      { id: 3, author_id: ids.carol, captured_by: null },
    ]);
    expect(b.app.database.sqlite.prepare(`SELECT item_id, user_id FROM feedback_votes ORDER BY item_id`).all()).toEqual([{ item_id: 1, user_id: ids.bob }]);

    // docs/privacy.md names every entry with the fate the code gives it.
    const doc = readFileSync(new URL('../../docs/privacy.md', import.meta.url), 'utf8');
    for (const entry of privacyEntries) expect(doc, entry.name).toMatch(new RegExp(`\\| \`${entry.name.replace(/\./g, '\\.')}\` \\|[^\\n]*\\| ${entry.fate} \\|`));
    expect(b.errors).toEqual([]);
  });

  /**
   * Alice everywhere, with enough history that her opt-out is still deleting it when a restart
   * comes (steps start at one row and grow), stored as the bot stores it; then her /privacy opt-out.
   */
  async function optOutWithHistory(b: TestBot) {
    const { ids, fake } = b;
    await aliceEverywhere(b);
    const history = Array.from({ length: 2000 }, (_, i) => ({
      kind: 'message' as const, guildId: ids.guildId, at: b.clock.now() - (i + 1) * 60_000, messageId: String(810000000000000000n + BigInt(i)),
      channelId: ids.general, userId: ids.alice, replyToId: null, hasAttachment: false,
    }));
    new ActivityStore(b.app.database.sqlite).applyBatch(history);
    const out = fake.slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.alice, name: 'privacy', subcommand: 'opt-out' });
    await out.reply(15_000);
    return out;
  }

  it('an opt-out interrupted by a restart finishes on start and leaves no rows of the member', async () => {
    bot = await TestBot.start();
    const b = bot;
    const { ids, fake } = b;
    const out = await optOutWithHistory(b);
    await b.restart(() => {
      // Stopped part-way: the job is still pending, rows are left.
      const file = new Database(b.databasePath, { readonly: true });
      expect(file.prepare('SELECT count(*) FROM privacy_opt_out_jobs').pluck().get()).toBe(1);
      expect(file.prepare('SELECT count(*) FROM activity_opt_outs').pluck().get()).toBe(1);
      expect(file.prepare('SELECT count(*) FROM activity_messages WHERE user_id = ?').pluck().get(ids.alice)).toBeGreaterThan(0);
      file.close();
    });
    await fake.waitFor(() => count(b, 'SELECT count(*) FROM privacy_opt_out_jobs') === 0, 20_000);
    expect(count(b, 'SELECT count(*) FROM activity_messages WHERE user_id = ?', ids.alice)).toBe(0);
    expect(mentions(b, ids.alice).sort()).toEqual(['activity_opt_outs.user_id', 'flag_cases.author_id', 'polls.author_id', 'polls.closed_by', 'survey_schedules.created_by', 'surveys.author_id', 'surveys.closed_by']);
    // The member is told, on the answer of their command.
    await fake.waitFor(() => out.original?.content?.startsWith('Done:'), 5000);
  });

  it("an admin's `pulse privacy-opt-out` for a member who left is carried out by the running bot", async () => {
    // The command tells a running bot by its heartbeat, on the real clock.
    bot = await TestBot.start({ now: Date.now() });
    const b = bot;
    const { ids, fake } = b;
    await aliceEverywhere(b);
    fake.leave(ids.guildId, ids.alice);
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
    try {
      expect(await runCli(['privacy-opt-out', '--guild', ids.guildId, '--user', ids.alice, '--wait', '15'], { DATABASE_URL: `sqlite:${b.databasePath}` })).toBe(0);
    } finally {
      vi.restoreAllMocks();
    }
    expect(printed).toEqual([expect.stringMatching(new RegExp(`^Opted out member ${ids.alice} in server ${ids.guildId}: the running bot deleted or anonymised the \\d+ records Pulse kept about them, and no longer records them\\.$`))]);
    // The bot ran the job (the command only recorded it): the same deletion as /privacy opt-out.
    expect(b.logs.map((l) => l.msg)).toEqual(expect.arrayContaining(['privacy.opt-out-picked-up', 'privacy.opted-out']));
    expect(count(b, 'SELECT count(*) FROM privacy_opt_out_jobs')).toBe(0);
    const kept = keptColumns(privacyEntries);
    for (const column of mentions(b, ids.alice)) expect(kept.has(column), column).toBe(true);
    // And drops her at the door from then on (were she to come back).
    fake.join(ids.guildId, { id: ids.alice, username: 'alice' });
    fake.post({ channelId: ids.general, userId: ids.alice, content: 'back' });
    const bobs = fake.post({ channelId: ids.general, userId: ids.bob, content: 'later' });
    await fake.waitFor(() => count(b, 'SELECT count(*) FROM activity_messages WHERE message_id = ?', bobs.id) === 1);
    expect(count(b, 'SELECT count(*) FROM activity_messages WHERE user_id = ?', ids.alice)).toBe(0);
    expect(b.errors).toEqual([]);
  });

  it('an opt-out that finishes after the answer can no longer be edited (15 minutes) tells the member by DM', async () => {
    bot = await TestBot.start();
    const b = bot;
    const { ids, fake } = b;
    const out = await optOutWithHistory(b);
    // Down for 20 minutes: the job resumes on start, past the answer's token.
    await b.restart(() => b.clock.advance(20 * 60_000));
    await fake.waitFor(() => count(b, 'SELECT count(*) FROM privacy_opt_out_jobs') === 0, 20_000);
    await fake.waitFor(() => (fake.channelMessages(fake.dmChannelId(ids.alice) ?? '').at(-1)?.content ?? '').includes('Done:'), 5000);
    const dm = fake.channelMessages(fake.dmChannelId(ids.alice)!).at(-1)!.content;
    expect(dm.startsWith(`**${fake.guild(ids.guildId)!.name}** · Done:`)).toBe(true);
    expect(out.original?.content?.startsWith('Done:')).toBe(false);
    // The bot's own token survived the refused edit: it still answers commands.
    const shown = await fake.slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.bob, name: 'privacy', subcommand: 'show' }).reply(15_000);
    expect(shown.embeds[0]?.title).toBeDefined();
    expect(b.errors).toEqual([]);
  });

  it('an opt-out that fails once its answer can no longer be edited sends no DM about the failure, only the one saying it is done', async () => {
    bot = await TestBot.start();
    const b = bot;
    const { ids, fake } = b;
    await optOutWithHistory(b);
    // Down for 20 minutes; on start the resumed job's first scan loses its worker: it fails once.
    await b.restart(
      () => b.clock.advance(20 * 60_000),
      (app) => {
        const onStarted = (kind: string, worker: { terminate(): unknown }) => {
          if (kind !== 'privacy-scan') return;
          app.pool.off('started', onStarted);
          void worker.terminate();
        };
        app.pool.on('started', onStarted);
      },
    );
    await fake.waitFor(() => count(b, 'SELECT count(*) FROM privacy_opt_out_jobs') === 0, 30_000);
    await fake.waitFor(() => (fake.channelMessages(fake.dmChannelId(ids.alice) ?? '').at(-1)?.content ?? '').includes('Done:'), 5000);
    expect(b.logs.filter((l) => l.msg === 'privacy.opt-out-failed')).toHaveLength(1);
    expect(b.logs.filter((l) => l.msg === 'privacy.opt-out-retried')).toHaveLength(1);
    // The member got one DM about it: the one saying it is done, not one about the failure.
    const dms = fake.channelMessages(fake.dmChannelId(ids.alice)!).map((m) => m.content).filter((c) => c.startsWith('**Pulse Test** · '));
    expect(dms).toEqual([expect.stringMatching(/^\*\*Pulse Test\*\* · Done:/)]);
  });

  it('an opt-out whose scan fails tells the member with an error id, tries again by itself and finishes', async () => {
    bot = await TestBot.start();
    const b = bot;
    const { ids, fake } = b;
    await aliceEverywhere(b);
    // The first scan's worker dies under it (as a crash or a kill would): the job fails once.
    const onStarted = (kind: string, worker: { terminate(): unknown }) => {
      if (kind !== 'privacy-scan') return;
      b.app.pool.off('started', onStarted);
      void worker.terminate();
    };
    b.app.pool.on('started', onStarted);
    const out = fake.slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.alice, name: 'privacy', subcommand: 'opt-out' });
    expect((await out.reply(15_000)).content).toMatch(/stopped recording you/);

    // The member reads what went wrong, with the id the error was logged under…
    const failed = await fake.waitFor(() => /ran into an error \(error id `([0-9a-f]{8})`\)/.exec(out.original?.content ?? ''), 15_000);
    expect(out.original?.content).toMatch(/Pulse will try again by itself/);
    const id = failed[1];
    expect(b.logs.some((l) => l.msg === 'privacy.opt-out-failed' && l['errorId'] === id)).toBe(true);
    expect(b.logs.some((l) => l.msg === 'pool.job-lost-its-worker' && l['errorId'] === id)).toBe(true);
    // …opt-in still waits for the deletion, which is not given up: the retry finishes it.
    const early = await fake.slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.alice, name: 'privacy', subcommand: 'opt-in' }).reply(15_000);
    expect(early.content).toMatch(/still deleting/);
    await fake.waitFor(() => out.original?.content?.startsWith('Done:'), 20_000);
    expect(b.logs.filter((l) => l.msg === 'privacy.opt-out-retried')).toHaveLength(1);
    expect(count(b, 'SELECT count(*) FROM privacy_opt_out_jobs')).toBe(0);
    expect(mentions(b, ids.alice).sort()).toEqual(['activity_opt_outs.user_id', 'flag_cases.author_id', 'polls.author_id', 'polls.closed_by', 'survey_schedules.created_by', 'surveys.author_id', 'surveys.closed_by']);
    // The answer said: started, failed (with the id), done.
    const edits = fake.requests.filter((r) => r.method === 'PATCH' && r.path.includes(out.token)).map((r) => String((r.body as { content?: string }).content));
    expect(edits.map((c) => c.slice(0, 20))).toEqual(['Pulse stopped record', 'Deleting what Pulse ', 'Done: Pulse deleted ']);
    expect(b.errors.map((e) => e.msg).sort()).toEqual(['pool.job-lost-its-worker', 'privacy.opt-out-failed']);
  });

  it('an export above Discord\'s upload limit arrives gzipped; one too big even so gets a clear answer', async () => {
    bot = await TestBot.start();
    const b = bot;
    const { ids, fake } = b;
    await aliceEverywhere(b);
    const exportNow = () => fake.slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.alice, name: 'privacy', subcommand: 'export' }).reply(15_000);
    const plain = await exportNow();
    expect(plain.files.map((f) => f.filename)).toEqual([`pulse-data-${ids.guildId}-${ids.alice}.json`]);
    const json = plain.files[0]!.data;

    // A server whose limit the file passes by a byte (as a very active member's would pass 10 MB).
    // (A minute later each time: a member's exports are a minute apart at least.)
    fake.setUploadLimit(json.length - 1);
    b.clock.advance(60_000);
    const packed = await exportNow();
    expect(packed.ephemeral).toBe(true);
    expect(packed.content).toMatch(/^Everything Pulse keeps about you in this server: .* It is too big for Discord as it is, so it is compressed with gzip/);
    expect(packed.files.map((f) => f.filename)).toEqual([`pulse-data-${ids.guildId}-${ids.alice}.json.gz`]);
    expect(packed.files[0]!.data.length).toBeLessThan(json.length);
    // The same file (but for its instant, a minute later).
    const instantless = (text: string) => text.replace(/"exported_at": "[^"]*"/, '"exported_at": ""');
    expect(instantless(gunzipSync(packed.files[0]!.data).toString('utf8'))).toBe(instantless(json.toString('utf8')));

    // Smaller than even the compressed file: the member is told why, and what to do.
    fake.setUploadLimit(200);
    b.clock.advance(60_000);
    const refused = await exportNow();
    expect(refused.ephemeral).toBe(true);
    expect(refused.files).toEqual([]);
    expect(refused.content).toMatch(/^Your data is too big to send here: .* MB, still .* MB compressed, and Discord accepts at most .* MB in this server\. Ask the server's admins/);
    // Nothing was sent over the limit (Discord would have refused it: 413).
    expect(fake.requests.filter((r) => r.status === 413)).toEqual([]);
    expect(b.errors).toEqual([]);
  });

  it("one member's exports run one at a time and a minute apart, refused plainly meanwhile; other members are not held back", async () => {
    bot = await TestBot.start();
    const b = bot;
    const { ids, fake } = b;
    await aliceEverywhere(b);
    const exportFor = (userId: string, locale?: Locale) => fake.slash({ guildId: ids.guildId, channelId: ids.general, userId, name: 'privacy', subcommand: 'export', ...(locale ? { locale } : {}) });
    const file = (userId: string) => [`pulse-data-${ids.guildId}-${userId}.json`];
    const started: string[] = [];
    b.app.pool.on('started', (kind) => started.push(kind));

    // Asked twice in a row: the second is refused at once (no job), the first answered.
    const first = exportFor(ids.alice);
    const again = exportFor(ids.alice);
    const refused = await again.reply(15_000);
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toBe('Your export is already being prepared: it arrives in the answer to your first request. No need to ask again.');
    expect(again.callbacks[0]?.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect((await first.reply(15_000)).files.map((f) => f.filename)).toEqual(file(ids.alice));

    // Right after it, and 59 s later: refused, in the member's language, saying how long to wait.
    const soon = await exportFor(ids.alice, Locale.SpanishES).reply(15_000);
    expect(soon.ephemeral).toBe(true);
    expect(soon.content).toBe('Acabas de recibir tu exportación. Podrás pedir una nueva dentro de 60 segundos.');
    b.clock.advance(59_000);
    expect((await exportFor(ids.alice, Locale.Russian).reply(15_000)).content).toBe('Вы только что получили свой экспорт. Новый можно запросить через 1 с.');
    // Another member meanwhile is answered as usual.
    expect((await exportFor(ids.bob).reply(15_000)).files.map((f) => f.filename)).toEqual(file(ids.bob));
    // A minute after her export: answered again.
    b.clock.advance(1_000);
    expect((await exportFor(ids.alice).reply(15_000)).files.map((f) => f.filename)).toEqual(file(ids.alice));
    expect(started).toEqual(['privacy-export', 'privacy-export', 'privacy-export']);
    expect(b.errors).toEqual([]);
  });

  it('show and export wait for a worker 14 minutes at most (the answer lasts 15), then say Pulse is busy', async () => {
    bot = await TestBot.start();
    const b = bot;
    const { ids, fake } = b;
    await aliceEverywhere(b);
    const run = vi.spyOn(b.app.pool, 'run');
    const ask = (subcommand: string) => fake.slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.alice, name: 'privacy', subcommand, locale: Locale.SpanishES });
    for (const subcommand of ['show', 'export']) {
      run.mockClear();
      const before = Date.now();
      await ask(subcommand).reply(15_000);
      const waitUntil = (run.mock.calls[0]?.[2] as { waitUntil?: number } | undefined)?.waitUntil ?? 0;
      expect(waitUntil).toBeGreaterThanOrEqual(before + 14 * 60_000);
      expect(waitUntil).toBeLessThanOrEqual(Date.now() + 14 * 60_000);
    }
    // The pool dropped the job, still queued at that instant: the member is told, in their language.
    run.mockRejectedValueOnce(new JobError(msg('worker.busy', { id: 'abcd1234' }), 'abcd1234', true));
    b.clock.advance(60_000);
    const busy = await ask('export').reply(15_000);
    expect(busy.ephemeral).toBe(true);
    expect(busy.content).toBe('Pulse está ocupado con otras peticiones y no pudo atender la tuya a tiempo. Vuelve a intentarlo en unos minutos (id de error `abcd1234`).');
    expect(b.errors).toEqual([]);
  });

  it('an export Discord refuses is logged without the file', async () => {
    bot = await TestBot.start();
    const b = bot;
    const { ids, fake } = b;
    await aliceEverywhere(b);
    // The answer carrying the file is refused (as an expired token or a 5xx would be).
    fake.failNext({ method: 'PATCH', path: /\/webhooks\/.*\/messages\// }, { status: 400, code: 40005, message: 'Request entity too large' });
    await fake.slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.alice, name: 'privacy', subcommand: 'export' }).reply(15_000);
    await fake.waitFor(() => b.errors.some((e) => e.msg === 'interaction.failed'));
    const failed = b.errors.find((e) => e.msg === 'interaction.failed')!;
    expect(failed['err']).toMatchObject({ type: 'DiscordAPIError', code: 40005, status: 400, method: 'PATCH' });
    const logs = JSON.stringify(b.logs);
    expect(logs).not.toContain('requestBody');
    // Nothing of the export: not its note, not the member's message ids, not the bytes.
    expect(logs).not.toContain('Everything Pulse keeps about you');
    expect(logs).not.toContain('activity_messages');
  });

  it('/privacy show on a large server acknowledges before the worker starts counting', async () => {
    bot = await TestBot.start();
    const b = bot;
    const { ids, fake } = b;
    const sqlite = b.app.database.sqlite;
    // Through the writer's own store (as the bot stores them), in its batches.
    const store = new ActivityStore(sqlite);
    for (let start = 0; start < 100_000; start += 5000) {
      const batch = Array.from({ length: 5000 }, (_, k) => start + k).map((i) => ({
        kind: 'message' as const, guildId: ids.guildId, at: b.clock.now() - i * 1000, messageId: String(800000000000000000n + BigInt(i)),
        channelId: ids.general, userId: i % 10 === 0 ? ids.alice : ids.bob, replyToId: null, hasAttachment: false,
      }));
      store.applyBatch(batch);
    }
    const handle = fake.slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.alice, name: 'privacy', subcommand: 'show' });
    const order: string[] = [];
    b.app.pool.on('started', (kind) => order.push(`${kind} started; acknowledged: ${handle.acknowledged}`));
    const shown = await handle.reply(15_000);
    expect(handle.callbacks[0]?.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    expect(order).toEqual(['privacy-counts started; acknowledged: true']);
    expect(shown.content ?? '', JSON.stringify(b.errors)).toBe('');
    expect(shown.embeds[0]?.description).toContain('never the text): **10,000** records (opt-out: deleted)');
  });

  it("answers in the member's language, the opt-out's last word too", async () => {
    bot = await TestBot.start();
    const b = bot;
    const { ids, fake } = b;
    await aliceEverywhere(b);
    const ask = (subcommand: string, locale: Locale) => fake.slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.alice, name: 'privacy', subcommand, locale });

    const shown = await ask('show', Locale.Russian).reply(15_000);
    expect(shown.embeds[0]?.title).toBe('Что Pulse хранит о вас на этом сервере');
    const text = shown.embeds[0]?.description ?? '';
    expect(text).toContain('Ваши сообщения (id, канал, время, ответ на, есть ли вложение; никогда не текст): **2** записи (при отказе: удаляется)');
    expect(text).toContain('Ваши ответы и черновики анкет');
    expect(text).toContain(': **2** записи (при отказе: удаляется)');

    const out = ask('opt-out', Locale.SpanishES);
    expect((await out.reply(15_000)).content).toMatch(/^Pulse dejó de registrarte/);
    await fake.waitFor(() => out.original?.content?.startsWith('Hecho:'), 20_000);
    const again = await ask('opt-in', Locale.SpanishES).reply(15_000);
    expect(again.content).toBe('Pulse vuelve a registrar tu actividad en este servidor desde ahora.');
    expect(b.errors).toEqual([]);
  });
});
