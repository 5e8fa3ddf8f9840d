// Polls end to end: the real app and discord.js against the fake Discord, across restarts.
import { existsSync, readFileSync } from 'node:fs';
import { PermissionFlagsBits } from 'discord.js';
import type { APIEmbed, APIMessage } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import type { FeatureFactory } from '../../src/feature.js';
import { recordOptOut } from '../../src/activity/privacy-store.js';
import { pollsFeature, type PollsFeature, type PollsOptions } from '../../src/polls/discord.js';
import { closedPolls } from '../../src/digests/polls.js';
import { settingsRoutes } from '../../src/settings/discord.js';
import { updateSettings } from '../../src/settings/store.js';
import { TestBot } from '../support/bot.js';
import { ManualTimers } from './manual-timers.js';
import { isWellFormed } from '../../src/text.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const HOUR = 3_600_000;

/** The slices these tests need: settings (staff role) and polls; other slices have their own e2e tests. */
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

function embedOf(b: TestBot, channelId: string, messageId: string): APIEmbed {
  const embed = b.fake.message(channelId, messageId)?.embeds[0];
  if (!embed) throw new Error('poll message has no embed');
  return embed;
}

/** The "N vote(s)" figure of each choice, as the message shows it. */
function shownCounts(embed: APIEmbed): number[] {
  return [...(embed.description ?? '').matchAll(/· (\d+) votes?/g)].map((m) => Number(m[1]));
}

function buttons(message: APIMessage | undefined): Array<{ custom_id: string; disabled?: boolean; label?: string }> {
  const rows = (message?.components ?? []) as unknown as Array<{ components: Array<{ custom_id: string; disabled?: boolean; label?: string }> }>;
  return rows.flatMap((r) => r.components);
}

/** Makes the seeded Staff role Pulse's staff role, as an admin would with /settings. */
async function setStaffRole(b: TestBot): Promise<void> {
  const reply = await b.fake.slash({ channelId: b.ids.staffChannel, userId: b.ids.ownerId, name: 'settings', subcommand: 'set', options: { staff_role: b.ids.staffRoleId } }).reply();
  expect(reply.content).toBe('Settings saved.');
}

async function create(b: TestBot, userId: string, options: Record<string, string | number | boolean>) {
  const reply = await b.fake.slash({ channelId: b.ids.general, userId, name: 'poll', subcommand: 'create', options }).reply();
  return reply;
}

describe('polls e2e', () => {
  it('votes, live bars (coalesced), restart, old buttons, closing while down: closes once with the right totals', async () => {
    bot = await TestBot.start({ features: pollFeatures() });
    const { ids, fake } = bot;
    const created = await create(bot, ids.alice, { question: 'Lunch?', choices: 'Pizza | Tacos | Sushi', duration: '2h' });
    expect(created.ephemeral).toBe(true);
    const due = Math.floor((bot.clock.now() + 2 * 3_600_000) / 1000);
    expect(created.content).toMatch(new RegExp(`Poll #1 posted in <#\\d+>.* It closes <t:${due}:f> \\(<t:${due}:R>\\)\\.$`));
    const [message] = pollMessages(bot, ids.general);
    if (!message) throw new Error('no poll message');
    expect(message.embeds[0]?.description).toContain('Lunch?');
    expect(message.embeds[0]?.fields?.find((f) => f.name === 'Closes')?.value).toMatch(/<t:\d+:R>/);
    expect(buttons(message).map((c) => c.custom_id)).toEqual(['v1:poll-vote:1:0', 'v1:poll-vote:1:1', 'v1:poll-vote:1:2']);

    const click = (userId: string, choice: number) => fake.click({ userId, message, customId: `v1:poll-vote:1:${choice}` }).reply();
    const first = await click(ids.bob, 0);
    expect(first.ephemeral).toBe(true);
    expect(first.content).toBe('You voted for **Pizza**; click again to withdraw.');
    await click(ids.carol, 1);
    await click(ids.dave, 0);
    expect((await click(ids.bob, 1)).content).toMatch(/You voted for \*\*Tacos\*\*/); // changed
    expect((await click(ids.carol, 1)).content).toMatch(/withdrawn/); // withdrawn
    await service(bot).live.flush();
    expect(shownCounts(embedOf(bot, ids.general, message.id))).toEqual([1, 1, 0]);

    // A burst of 50 votes gives a handful of edits, not 50.
    const members = Array.from({ length: 50 }, (_, i) => fake.addMember(ids.guildId, { username: `voter${i}` }).user.id);
    const editsOf = () => fake.requests.filter((r) => r.method === 'PATCH' && r.path === `/channels/${ids.general}/messages/${message.id}`).length;
    const before = editsOf();
    const replies = await Promise.all(members.map((m, i) => fake.click({ userId: m, message, customId: `v1:poll-vote:1:${i % 3}` }).reply()));
    expect(replies.every((r) => r.ephemeral && /You voted for/.test(r.content ?? ''))).toBe(true);
    await service(bot).live.flush();
    const edits = editsOf() - before;
    expect(edits).toBeGreaterThanOrEqual(1);
    expect(edits).toBeLessThanOrEqual(3);
    // 17 + dave on Pizza, 17 + bob on Tacos, 16 on Sushi
    expect(shownCounts(embedOf(bot, ids.general, message.id))).toEqual([18, 18, 16]);

    // Restart: votes on the old message still count.
    await bot.restart();
    expect((await click(ids.carol, 2)).content).toMatch(/You voted for \*\*Sushi\*\*/);
    expect((await click(ids.dave, 0)).content).toMatch(/withdrawn/);
    await service(bot).live.flush();
    expect(shownCounts(embedOf(bot, ids.general, message.id))).toEqual([17, 18, 17]);

    // The deadline passes while the bot is down; on start the poll closes, once.
    await bot.restart(() => bot!.clock.advance(3 * HOUR));
    const row = await bot.db.selectFrom('polls').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'closed', closed_by: null, final_voters: 52 });
    expect(JSON.parse(row.final_counts ?? '[]')).toEqual([17, 18, 17]);
    const final = fake.message(ids.general, message.id);
    expect(final?.embeds[0]?.author?.name).toBe('Poll #1 · closed');
    expect(final?.embeds[0]?.fields?.find((f) => f.name === 'Result')?.value).toMatch(/\*\*Tacos\*\* won with 18 of 52 voters/);
    expect(buttons(final).every((c) => c.disabled)).toBe(true);
    const dm = fake.dmChannelId(ids.alice);
    expect(dm && fake.channelMessages(dm).map((m) => m.content)).toEqual([expect.stringMatching(/Your poll \*\*Lunch\?\*\* \(#1\) has closed\. \*\*Tacos\*\* won/)]);

    // Another restart closes nothing twice and sends no second DM.
    await bot.restart();
    const again = await bot.db.selectFrom('polls').select(['closed_at', 'announced_at']).where('id', '=', 1).executeTakeFirstOrThrow();
    expect(again).toEqual({ closed_at: row.closed_at, announced_at: row.announced_at });
    expect(fake.channelMessages(dm!)).toHaveLength(1);
    expect(bot.logs.filter((l) => l.msg === 'polls.closed')).toHaveLength(1);
    expect(bot.errors).toEqual([]);
  });

  it("the author's closing DM carries a long question of emoji cut between whole emoji (not refused by Discord)", async () => {
    bot = await TestBot.start({ features: pollFeatures() });
    const { ids, fake } = bot;
    // 201 UTF-16 units: a cut at 200 would leave half of the last emoji.
    const question = `a${'🍕'.repeat(100)}`;
    await create(bot, ids.alice, { question, choices: 'Yes | No', duration: '20m' });
    await bot.restart(() => bot!.clock.advance(HOUR));
    const dm = await fake.waitFor(() => {
      const channel = fake.dmChannelId(ids.alice);
      return channel ? fake.channelMessages(channel)[0] : undefined;
    });
    expect(dm.content).toMatch(/^Your poll \*\*a(🍕)+…?\*\* \(#1\) has closed\./);
    expect(isWellFormed(dm.content)).toBe(true);
    expect(bot.errors).toEqual([]);
  });

  it('a poll that falls due while the bot is down is closed at its deadline: on its card and in the digest of its week', async () => {
    bot = await TestBot.start({ now: Date.parse('2026-11-08T23:30:00Z'), features: pollFeatures() }); // Sunday night
    const { ids, fake } = bot;
    await updateSettings(bot.db, ids.guildId, { timezone: 'UTC' }, bot.clock.now());
    await create(bot, ids.alice, { question: 'Lunch?', choices: 'Pizza | Tacos', duration: '20m' });
    const [message] = pollMessages(bot, ids.general);
    // Down from before 23:50 until Monday 02:00: the start-up closes it.
    await bot.restart(() => bot!.clock.set(Date.parse('2026-11-09T02:00:00Z')));
    const deadline = Date.parse('2026-11-08T23:50:00Z');
    expect(await bot.db.selectFrom('polls').select(['status', 'closes_at', 'closed_at', 'closed_by']).where('id', '=', 1).executeTakeFirstOrThrow()).toEqual({
      status: 'closed',
      closes_at: deadline,
      closed_at: deadline,
      closed_by: null,
    });
    expect(embedOf(bot, ids.general, message!.id).fields?.find((f) => f.name === 'Closed')?.value).toBe(`<t:${deadline / 1000}:f>`);
    // The weekly digest of Nov 2 – 8 counts it; the next week's does not.
    const week = (from: string, to: string) => closedPolls(bot!.db)({ guildId: ids.guildId, from, to, timezone: 'UTC', asOf: bot!.clock.now() });
    expect((await week('2026-11-02', '2026-11-08'))?.map((p) => p.question)).toEqual(['Lunch?']);
    expect(await week('2026-11-09', '2026-11-15')).toEqual([]);
    // A poll closed by a person before its deadline keeps the moment they closed it.
    await create(bot, ids.alice, { question: 'Dinner?', choices: 'Soup | Salad', duration: '1h' });
    bot.clock.advance(10 * 60_000);
    await fake.slash({ channelId: ids.general, userId: ids.alice, name: 'poll', subcommand: 'close', options: { poll: 2 } }).reply();
    expect(await bot.db.selectFrom('polls').select(['closed_at', 'closed_by']).where('id', '=', 2).executeTakeFirstOrThrow()).toEqual({ closed_at: bot.clock.now(), closed_by: ids.alice });
    expect(bot.errors).toEqual([]);
  });

  it('anonymous: nothing in the database, the export or any message links a member to a choice', async () => {
    bot = await TestBot.start({ features: pollFeatures() });
    const { ids, fake } = bot;
    await setStaffRole(bot);
    const choices = 'Red | Green | Blue | Cyan | Magenta | Yellow';
    const created = await create(bot, ids.alice, { question: 'Favourite colour?', choices, anonymous: true, hide_results: true });
    expect(created.content).toMatch(/Poll #1 posted/);
    const [message] = pollMessages(bot, ids.general);
    if (!message) throw new Error('no poll message');
    // Past 5 choices: a select menu and a withdraw button.
    expect(buttons(message).map((c) => c.custom_id)).toEqual(['v1:poll-select:1', 'v1:poll-withdraw:1']);
    const select = (userId: string, values: string[]) => fake.select({ userId, message, customId: 'v1:poll-select:1', values }).reply();
    expect((await select(ids.bob, ['1'])).content).toMatch(/You voted for \*\*Green\*\*.*anonymous/);
    await select(ids.carol, ['2']);
    await select(ids.dave, ['2']);
    await select(ids.carol, ['1']); // changed while open
    expect((await fake.click({ userId: ids.dave, message, customId: 'v1:poll-withdraw:1' }).reply()).content).toMatch(/withdrawn/);
    await select(ids.moderator, ['5']);
    await service(bot).live.flush();
    // Hidden: the message lists the choices, not the counts.
    expect(embedOf(bot, ids.general, message.id).description).toMatch(/Results are hidden until the poll closes/);
    expect(shownCounts(embedOf(bot, ids.general, message.id))).toEqual([]);
    // Nobody can peek at an anonymous poll's hidden counts before close, not even staff
    // (anonymous-hidden-results.e2e.test.ts has the author and a named poll).
    expect((await fake.slash({ channelId: ids.general, userId: ids.bob, name: 'poll', subcommand: 'results', options: { poll: 1 } }).reply()).embeds[0]?.description).toMatch(/hidden/);
    const staffView = await fake.slash({ channelId: ids.general, userId: ids.moderator, name: 'poll', subcommand: 'results', options: { poll: 1 } }).reply();
    expect(staffView.ephemeral).toBe(true);
    expect(shownCounts(staffView.embeds[0]!)).toEqual([]);
    expect(staffView.embeds[0]?.description).toMatch(/Results are hidden until the poll closes/);

    const voters = [ids.bob, ids.carol, ids.dave, ids.moderator];
    const mentionsVoter = (text: string) => voters.some((v) => text.includes(v));
    // While open, the database holds keyed hashes only, without times.
    const open = await bot.db.selectFrom('poll_votes').selectAll().execute();
    expect(open).toHaveLength(3);
    expect(open.some((r) => mentionsVoter(r.voter) || r.cast_at !== null)).toBe(false);

    const key = (await bot.db.selectFrom('polls').select('voter_key').executeTakeFirstOrThrow()).voter_key;
    expect(key?.length).toBe(32);

    // Its results are hidden: no export while it is open, staff's included (a look between two clicks).
    // (Asked by the owner, who did not vote: a refusal's log line names who asked.)
    const exportOpen = await fake.slash({ channelId: ids.general, userId: ids.ownerId, name: 'poll', subcommand: 'export', options: { poll: 1 } }).reply();
    expect(exportOpen).toMatchObject({ ephemeral: true, files: [], content: 'Poll #1 is anonymous with hidden results: its counts can be exported once it closes.' });

    const closed = await fake.slash({ channelId: ids.general, userId: ids.alice, name: 'poll', subcommand: 'close', options: { poll: 1 } }).reply();
    expect(closed.content).toBe('Poll #1 is closed.');
    const exportClosed = await fake.slash({ channelId: ids.general, userId: ids.moderator, name: 'poll', subcommand: 'export', options: { poll: 1 } }).reply();
    const csv = exportClosed.files[0]?.data.toString('utf8') ?? '';
    expect(csv).toBe('\uFEFFpoll_id,choice_number,choice,votes\r\n1,1,Red,0\r\n1,2,Green,2\r\n1,3,Blue,0\r\n1,4,Cyan,0\r\n1,5,Magenta,0\r\n1,6,Yellow,1\r\n');

    // After close: no key, no per-voter rows; no table anywhere mentions a voter.
    expect(await bot.db.selectFrom('poll_votes').selectAll().execute()).toEqual([]);
    const sqlite = bot.app.database.sqlite;
    const tables = sqlite.prepare("select name from sqlite_master where type = 'table'").all() as Array<{ name: string }>;
    for (const { name } of tables) {
      const dump = JSON.stringify(sqlite.prepare(`select * from "${name}"`).all());
      expect(mentionsVoter(dump), `table ${name}`).toBe(false);
    }
    expect((await bot.db.selectFrom('polls').select('voter_key').executeTakeFirstOrThrow()).voter_key).toBeNull();
    // Not even the free space of the database file or its WAL keeps the key or the hashes.
    // (The WAL is emptied right after the close, or a moment later if a checkpoint was running then.)
    const files = () => Buffer.concat([bot!.databasePath, `${bot!.databasePath}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f)));
    await expect.poll(() => files().includes(key!), { timeout: 3000 }).toBe(false);
    for (const r of open) expect(files().includes(Buffer.from(r.voter))).toBe(false);
    // No public message and no log line names a voter.
    for (const m of fake.channelMessages(ids.general)) expect(mentionsVoter(JSON.stringify(m))).toBe(false);
    expect(bot.logs.filter((l) => l.msg === 'polls.vote')).toHaveLength(6);
    expect(bot.logs.filter((l) => mentionsVoter(JSON.stringify(l)))).toEqual([]);
    expect(shownCounts(embedOf(bot, ids.general, message.id))).toEqual([0, 2, 0, 0, 0, 1]);
    expect(bot.errors).toEqual([]);
  });

  it('refuses bad inputs with clear ephemeral errors', async () => {
    bot = await TestBot.start({ features: pollFeatures() });
    const { ids, fake } = bot;
    const cases: Array<[Record<string, string | number | boolean>, RegExp]> = [
      [{ question: 'Q', choices: 'Only one' }, /at least 2 choices/],
      [{ question: 'Q', choices: Array.from({ length: 21 }, (_, i) => `c${i}`).join('|') }, /at most 20 choices/],
      [{ question: 'Q', choices: 'A||B' }, /Choice 2 is empty/],
      [{ question: 'Q', choices: 'Yes | YES' }, /are the same/],
      [{ question: 'Q', choices: `A|${'x'.repeat(81)}` }, /limit is 80/],
      [{ question: 'Q', choices: 'A|B', duration: '5s' }, /not a duration/],
      [{ question: 'Q', choices: 'A|B', duration: '31d' }, /at most 30 days/],
      [{ question: 'Q', choices: 'A|B', max_choices: 2 }, /only applies to polls with `multiple: True`/],
      [{ question: 'Q', choices: 'A|B|C', multiple: true, max_choices: 4 }, /from 1 to 3/],
      [{ question: 'Q', choices: 'A|B', native: true, anonymous: true, role: ids.staffRoleId, duration: '30m' }, /native Discord poll can't.*\n• `anonymous`.*\n• `role`.*\n• a duration under 1 hour/s],
      [{ question: 'Q', choices: 'A|B', channel: ids.voice }, /.+/],
    ];
    for (const [options, error] of cases) {
      const reply = await fake.slash({ channelId: ids.general, userId: ids.alice, name: 'poll', subcommand: 'create', options }).reply();
      expect(reply.ephemeral, JSON.stringify(options)).toBe(true);
      expect(reply.content, JSON.stringify(options)).toMatch(error);
    }
    // A channel the bot cannot post in.
    const { ViewChannel, SendMessages, EmbedLinks, SendPolls } = PermissionFlagsBits;
    fake.setBotPermissions(ids.guildId, ViewChannel | SendMessages | EmbedLinks | SendPolls);
    fake.setChannelOverwrites(ids.modChannel, [{ id: fake.appId, type: 1, allow: '0', deny: String(SendMessages) }]);
    await fake.waitFor(() => {
      const guild = bot!.app.client.guilds.cache.get(ids.guildId);
      const channel = guild?.channels.cache.get(ids.modChannel);
      return guild?.members.me && channel && !channel.permissionsFor(guild.members.me).has(SendMessages);
    });
    const noPost = await create(bot, ids.alice, { question: 'Q', choices: 'A|B', channel: ids.modChannel });
    expect(noPost.ephemeral).toBe(true);
    expect(noPost.content).toMatch(/I can't post in <#\d+>: I need Send Messages/);
    expect(pollMessages(bot, ids.general)).toEqual([]);
    expect(await bot.db.selectFrom('polls').selectAll().execute()).toEqual([]);

    // Role-restricted and multiple-choice refusals say why.
    await create(bot, ids.alice, { question: 'Staff lunch?', choices: 'A|B|C', multiple: true, max_choices: 2, role: ids.staffRoleId });
    const [message] = pollMessages(bot, ids.general);
    if (!message) throw new Error('no poll message');
    expect(message.embeds[0]?.fields?.find((f) => f.name === 'Who may vote')?.value).toBe(`Members with <@&${ids.staffRoleId}>`);
    const click = (userId: string, choice: number) => fake.click({ userId, message, customId: `v1:poll-vote:1:${choice}` }).reply();
    expect((await click(ids.bob, 0)).content).toBe(`Only members with the <@&${ids.staffRoleId}> role can vote in this poll.`);
    await click(ids.moderator, 0);
    expect((await click(ids.moderator, 1)).content).toMatch(/pick 0 more|You voted for \*\*A\*\* and \*\*B\*\*/);
    expect((await click(ids.moderator, 2)).content).toMatch(/at most 2 choices/);
    // Losing the role later does not remove the vote already cast.
    fake.setMemberRoles(ids.guildId, ids.moderator, []);
    expect((await click(ids.moderator, 2)).content).toMatch(/Only members with/);
    await service(bot).live.flush();
    expect(shownCounts(embedOf(bot, ids.general, message.id))).toEqual([1, 1, 0]);

    // Managing: others cannot close it; unknown ids are explained; members cannot export.
    expect((await fake.slash({ channelId: ids.general, userId: ids.bob, name: 'poll', subcommand: 'close', options: { poll: 1 } }).reply()).content).toMatch(/Only the poll’s author and staff/);
    expect((await fake.slash({ channelId: ids.general, userId: ids.bob, name: 'poll', subcommand: 'export', options: { poll: 1 } }).reply()).content).toMatch(/Only staff can export/);
    expect((await fake.slash({ channelId: ids.general, userId: ids.alice, name: 'poll', subcommand: 'results', options: { poll: 99 } }).reply()).content).toMatch(/no poll #99/);
    expect(bot.errors).toEqual([]);
  });

  it("the create confirmation gives the exact deadline in the member's language, minutes past a day included", async () => {
    bot = await TestBot.start({ features: pollFeatures() });
    const { ids, fake } = bot;
    const make = (locale: string, question: string) =>
      fake.slash({ channelId: ids.general, userId: ids.alice, name: 'poll', subcommand: 'create', options: { question, choices: 'A|B', duration: '2d45m' }, locale }).reply();
    const due = Math.floor((bot.clock.now() + (2 * 24 * 60 + 45) * 60_000) / 1000);
    const when = `<t:${due}:f> (<t:${due}:R>)`;
    expect((await make('ru', 'Пицца?')).content?.endsWith(` Он закроется ${when}.`)).toBe(true);
    expect((await make('es-ES', '¿Pizza?')).content?.endsWith(` Se cierra el ${when}.`)).toBe(true);
    expect((await make('en-US', 'Pizza?')).content?.endsWith(` It closes ${when}.`)).toBe(true);
    expect((await bot.db.selectFrom('polls').select('closes_at').execute()).map((r) => r.closes_at)).toEqual([due * 1000, due * 1000, due * 1000]);
  });

  it("a poll whose role is deleted while it runs: voters are told so, a voter can still withdraw, the author can close it", async () => {
    bot = await TestBot.start({ features: pollFeatures() });
    const { ids, fake } = bot;
    const role = fake.addRole(ids.guildId, { name: 'Raiders' });
    const guild = () => bot!.app.client.guilds.cache.get(ids.guildId);
    await fake.waitFor(() => guild()?.roles.cache.has(role.id));
    fake.setMemberRoles(ids.guildId, ids.carol, [role.id]);
    await create(bot, ids.alice, { question: 'Raid night?', choices: 'Friday|Saturday', role: role.id });
    const [message] = pollMessages(bot, ids.general);
    const click = (userId: string, choice: number) => fake.click({ userId, message: message!, customId: `v1:poll-vote:1:${choice}` }).reply();
    expect((await click(ids.carol, 0)).content).toMatch(/You voted for \*\*Friday\*\*/);
    expect((await click(ids.bob, 0)).content).toBe(`Only members with the <@&${role.id}> role can vote in this poll.`);

    // An admin deletes the role: Discord takes it from its members and tells the bot.
    fake.deleteRole(ids.guildId, role.id);
    await fake.waitFor(() => !guild()?.roles.cache.has(role.id));
    const gone = await click(ids.bob, 1);
    expect(gone.ephemeral).toBe(true);
    expect(gone.content).toBe('The role this poll was limited to has been deleted, so nobody can vote in it any more. Its author or staff can close poll #1 with `/poll close`.');
    const ru = await fake.click({ userId: ids.dave, message: message!, customId: 'v1:poll-vote:1:0', locale: 'ru' }).reply();
    expect(ru.content).toMatch(/^Роль, которой был ограничен этот опрос, удалена.*закрыть опрос №1 командой `\/опрос закрыть`\.$/);
    // A vote already cast can still be withdrawn; nothing else was counted.
    expect((await click(ids.carol, 0)).content).toMatch(/withdrawn/);
    expect(await bot.db.selectFrom('poll_votes').selectAll().where('poll_id', '=', 1).execute()).toEqual([]);
    const closed = await fake.slash({ channelId: ids.general, userId: ids.alice, name: 'poll', subcommand: 'close', options: { poll: 1 } }).reply();
    expect(closed.ephemeral).toBe(true);
    expect((await bot.db.selectFrom('polls').select('status').where('id', '=', 1).executeTakeFirstOrThrow()).status).toBe('closed');
    expect(bot.errors).toEqual([]);
  });

  it('lists as many whole polls as fit in one message, then how many more', async () => {
    bot = await TestBot.start({ features: pollFeatures() });
    const { ids, fake } = bot;
    for (let i = 1; i <= 16; i++) await create(bot, ids.alice, { question: `Poll ${String(i).padStart(2, '0')}: ${'which option would you pick for the next community event? '.repeat(2)}`.slice(0, 100), choices: 'Yes|No', duration: '1d' });
    const list = await fake.slash({ channelId: ids.general, userId: ids.carol, name: 'poll', subcommand: 'list' }).reply();
    const content = list.content ?? '';
    expect(content.length).toBeLessThanOrEqual(2000);
    const lines = content.split('\n');
    expect(lines[0]).toBe('**Open polls**');
    const shown = lines.slice(1, -1);
    // Newest first, each line whole (its link included).
    expect(shown.map((l) => /^\*\*#(\d+)\*\*/.exec(l)?.[1])).toEqual(Array.from({ length: shown.length }, (_, i) => String(16 - i)));
    for (const line of shown) expect(line).toMatch(/\[open\]\(https:\/\/discord\.com\/channels\/\d+\/\d+\/\d+\)$/);
    expect(lines.at(-1)).toBe(`…and ${16 - shown.length} more.`);
    expect(bot.errors).toEqual([]);
  });

  it('lists, autocompletes, exports and deletes; records native poll votes', async () => {
    bot = await TestBot.start({ features: pollFeatures() });
    const { ids, fake } = bot;
    await setStaffRole(bot);
    await create(bot, ids.alice, { question: 'Pizza, "deluxe" or plain?', choices: 'Deluxe, extra | =plain', duration: '1d' });
    await create(bot, ids.bob, { question: 'Game night', choices: 'Fri|Sat' });
    const [p1] = pollMessages(bot, ids.general);
    await fake.click({ userId: ids.carol, message: p1!, customId: 'v1:poll-vote:1:0' }).reply();
    bot.clock.advance(60_000);
    await fake.click({ userId: ids.dave, message: p1!, customId: 'v1:poll-vote:1:1' }).reply();

    const list = await fake.slash({ channelId: ids.general, userId: ids.carol, name: 'poll', subcommand: 'list' }).reply();
    expect(list.ephemeral).toBe(true);
    expect(list.content).toMatch(/\*\*#2\*\* Game night[\s\S]*\*\*#1\*\* Pizza/);

    const ac = await fake.autocomplete({ channelId: ids.general, userId: ids.alice, name: 'poll', subcommand: 'results', options: { poll: 0 }, focused: 'poll', value: 'game' }).reply();
    expect(ac.choices).toEqual([{ name: '#2 · Game night', value: 2 }]);

    const exported = await fake.slash({ channelId: ids.general, userId: ids.moderator, name: 'poll', subcommand: 'export', options: { poll: 1 } }).reply();
    expect(exported.files[0]?.filename).toBe('poll-1.csv');
    expect(exported.files[0]?.data.toString('utf8')).toBe(
      '\uFEFFpoll_id,user_id,choice_number,choice,voted_at_utc\r\n' +
        `1,${ids.carol},1,"Deluxe, extra",2026-11-02T12:00:00.000Z\r\n` +
        `1,${ids.dave},2,'=plain,2026-11-02T12:01:00.000Z\r\n`,
    );

    const deleted = await fake.slash({ channelId: ids.general, userId: ids.alice, name: 'poll', subcommand: 'delete', options: { poll: 1 } }).reply();
    expect(deleted.content).toBe('Poll #1 and its votes are deleted.');
    expect(fake.message(ids.general, p1!.id)).toBeUndefined();
    expect(await bot.db.selectFrom('poll_votes').selectAll().where('poll_id', '=', 1).execute()).toEqual([]);

    // Native polls: what cannot be done natively is named; a native poll is posted and its votes recorded.
    const nativeReply = await create(bot, ids.alice, { question: 'Native?', choices: 'Yes|No', native: true, duration: '2h' });
    expect(nativeReply.content).toMatch(/Native poll posted in <#\d+> for 2 h/);
    const posted = fake.channelMessages(ids.general).find((m) => m.poll);
    if (!posted) throw new Error('no native poll');
    expect(posted.poll?.question.text).toBe('Native?');
    fake.vote({ channelId: ids.general, messageId: posted.id, userId: ids.bob, answerId: 1 });
    fake.vote({ channelId: ids.general, messageId: posted.id, userId: ids.carol, answerId: 2 });
    fake.unvote({ channelId: ids.general, messageId: posted.id, userId: ids.carol, answerId: 2 });
    fake.vote({ channelId: ids.general, messageId: posted.id, userId: ids.dave, answerId: 1 });
    // Writes run in arrival order: once dave's vote is stored, the earlier events are too.
    await expect.poll(async () => (await bot!.db.selectFrom('native_poll_votes').select('user_id').where('user_id', '=', ids.dave).execute()).length).toBe(1);
    const native = await bot.db.selectFrom('native_poll_votes').select(['user_id', 'answer_id']).orderBy('user_id').execute();
    expect(native).toEqual([
      { user_id: ids.bob, answer_id: 1 },
      { user_id: ids.dave, answer_id: 1 },
    ]);
    // A member who opted out of Pulse: their native vote is dropped at the door.
    await recordOptOut(bot.db, ids.guildId, ids.carol, bot.clock.now());
    fake.vote({ channelId: ids.general, messageId: posted.id, userId: ids.carol, answerId: 1 });
    fake.vote({ channelId: ids.general, messageId: posted.id, userId: ids.moderator, answerId: 2 });
    await expect.poll(async () => (await bot!.db.selectFrom('native_poll_votes').select('user_id').where('user_id', '=', ids.moderator).execute()).length).toBe(1);
    expect(await bot.db.selectFrom('native_poll_votes').select('user_id').where('user_id', '=', ids.carol).execute()).toEqual([]);
    expect(bot.errors).toEqual([]);
  });

  it('the scheduler closes a poll at its deadline, once, even when a vote finds it past due first', async () => {
    const timers = new ManualTimers();
    bot = await TestBot.start({ features: pollFeatures({ timers, liveIntervalMs: 3000 }) });
    const { ids, fake } = bot;
    fake.setDmsClosed(ids.alice);
    await create(bot, ids.alice, { question: 'Quick one', choices: 'A|B', duration: '10m' });
    await create(bot, ids.alice, { question: 'Later one', choices: 'A|B', duration: '1h' });
    // One timer, to the earliest deadline.
    expect(timers.delays).toEqual([10 * 60_000]);
    const [quick] = pollMessages(bot, ids.general);
    expect((await fake.click({ userId: ids.bob, message: quick!, customId: 'v1:poll-vote:1:1' }).reply()).content).toMatch(/\*\*B\*\*/);
    expect(timers.delays).toEqual([10 * 60_000, 3000]); // plus the live edit

    // The deadline passes before the timer fires: a click is refused and closes the poll.
    bot.clock.advance(10 * 60_000);
    const late = await fake.click({ userId: ids.carol, message: quick!, customId: 'v1:poll-vote:1:0' }).reply();
    expect(late.ephemeral).toBe(true);
    expect(late.content).toBe('This poll is closed; votes are no longer taken.');
    await fake.waitFor(() => buttons(fake.message(ids.general, quick!.id)).every((c) => c.disabled));
    // The timer fires anyway: nothing closes twice; it re-arms for the next poll.
    timers.fire((ms) => ms === 10 * 60_000);
    await fake.waitFor(() => timers.delays.includes(50 * 60_000));
    expect(bot.logs.filter((l) => l.msg === 'polls.closed').map((l) => l['poll'])).toEqual([1]);
    expect(embedOf(bot, ids.general, quick!.id).fields?.find((f) => f.name === 'Result')?.value).toBe('**B** won with 1 of 1 voter.');

    bot.clock.advance(50 * 60_000);
    timers.fire((ms) => ms === 50 * 60_000);
    await fake.waitFor(() => bot!.logs.some((l) => l.msg === 'polls.closed' && l['poll'] === 2));
    await fake.waitFor(() => timers.delays.length === 0 || undefined);
    expect((await bot.db.selectFrom('polls').select('status').execute()).map((r) => r.status)).toEqual(['closed', 'closed']);
    // The author's closed DMs are not an error.
    expect(bot.errors).toEqual([]);
    expect(bot.logs.some((l) => l.msg === 'polls.dm-failed')).toBe(false);
  });

  it('a burst of votes while the card edit is rate-limited makes one more edit once it clears, not one per vote', async () => {
    bot = await TestBot.start({ features: pollFeatures({ liveIntervalMs: 100 }) });
    const { ids, fake } = bot;
    await create(bot, ids.alice, { question: 'Burst?', choices: 'A|B' });
    const [message] = pollMessages(bot, ids.general);
    const path = `/channels/${ids.general}/messages/${message!.id}`;
    // The first edit is held 3 s by a 429; clicks keep coming every 150 ms for 1.2 s of that.
    const limited = fake.rateLimitNext({ method: 'PATCH', path }, { retryAfter: 3 });
    const voters = [ids.bob, ids.carol, ids.dave];
    const click = (i: number) => fake.click({ userId: voters[i % voters.length]!, message: message!, customId: `v1:poll-vote:1:${i % 2}` }).reply();
    await click(0);
    await fake.waitFor(() => limited.served || undefined);
    const stuckAt = Date.now();
    let clicks = 1;
    while (Date.now() - stuckAt < 1200) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      await click(clicks++);
    }
    expect(clicks).toBeGreaterThan(4);
    await service(bot).live.flush();
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The 429, its retry, and one edit for everything that came meanwhile.
    expect(fake.requestsMatching('PATCH', path).length).toBeLessThanOrEqual(3);
    const rows = await bot.db.selectFrom('poll_votes').select('choice').where('poll_id', '=', 1).execute();
    const counts = [0, 1].map((c) => rows.filter((r) => r.choice === c).length);
    expect(shownCounts(embedOf(bot, ids.general, message!.id))).toEqual(counts);
    expect(bot.errors).toEqual([]);
  });

  it('backs off when Discord caps edits of an old message (30046), then shows every vote', async () => {
    const timers = new ManualTimers();
    bot = await TestBot.start({ features: pollFeatures({ timers }) });
    const { ids, fake } = bot;
    await create(bot, ids.alice, { question: 'Old poll', choices: 'A|B' });
    const [message] = pollMessages(bot, ids.general);
    bot.clock.advance(2 * HOUR);
    await fake.click({ userId: ids.bob, message: message!, customId: 'v1:poll-vote:1:0' }).reply();
    expect(timers.delays).toEqual([10_000]); // older than an hour: slower edits
    fake.failNext({ method: 'PATCH', path: `/channels/${ids.general}/messages/${message!.id}` }, { status: 400, code: 30046, message: 'Maximum number of edits to messages older than 1 hour reached. Try again later' });
    timers.fire();
    await fake.waitFor(() => bot!.logs.some((l) => l.msg === 'polls.edit-capped'));
    expect(timers.delays).toEqual([60_000]);
    await fake.click({ userId: ids.carol, message: message!, customId: 'v1:poll-vote:1:1' }).reply();
    expect(timers.delays).toEqual([60_000]); // the vote rides along with the pending edit
    await service(bot).live.flush();
    expect(shownCounts(embedOf(bot, ids.general, message!.id))).toEqual([1, 1]);
    expect(bot.errors).toEqual([]);
  });
});
