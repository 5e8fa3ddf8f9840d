// Surveys end to end: the real app and discord.js against the fake Discord, modals with labels, restarts.
import { existsSync, readFileSync } from 'node:fs';
import type { APIMessage } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import type { FeatureFactory } from '../../src/feature.js';
import { settingsRoutes } from '../../src/settings/discord.js';
import { surveysFeature, type SurveysFeature } from '../../src/surveys/discord.js';
import { TestBot } from '../support/bot.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const features: FeatureFactory[] = [(ctx) => ({ name: 'settings', routes: settingsRoutes(ctx) }), (ctx) => surveysFeature(ctx)];

function feature(b: TestBot): SurveysFeature {
  return b.app.features.find((f) => f.name === 'surveys') as SurveysFeature;
}

const definition = {
  title: 'Team pulse',
  intro: 'Two short pages.',
  questions: [
    { id: 'score', type: 'nps', label: 'How likely are you to recommend us?' },
    { id: 'team', type: 'single', label: 'Your team', options: ['Red', 'Blue'] },
    { id: 'why', type: 'long', label: 'Why that score?', required: false },
    { id: 'topics', type: 'multiple', label: 'Topics you care about', options: ['Events', 'Help', 'News'], required: false },
  ],
  pages: [
    ['score', 'team'],
    ['why', 'topics'],
  ],
};

function buttons(message: APIMessage | undefined): Array<{ custom_id: string; disabled?: boolean; label?: string }> {
  const rows = (message?.components ?? []) as unknown as Array<{ components: Array<{ custom_id: string; disabled?: boolean; label?: string }> }>;
  return rows.flatMap((r) => r.components);
}

async function slash(b: TestBot, subcommand: string, options: Record<string, string | number | boolean> = {}, uploads?: Record<string, string>) {
  return b.fake.slash({ channelId: b.ids.general, userId: b.ids.ownerId, name: 'survey', subcommand, options, ...(uploads ? { uploads } : {}) }).reply(10_000);
}

function card(b: TestBot, surveyId: number): APIMessage {
  const found = b.fake.channelMessages(b.ids.general).find((m) => m.embeds[0]?.footer?.text === `Survey #${surveyId}`);
  if (!found) throw new Error(`no card for survey ${surveyId}`);
  return found;
}

describe('surveys e2e', () => {
  it('two pages in label modals, a resume after a restart, results with charts, CSV, anonymous storage', async () => {
    bot = await TestBot.start({ features });
    const { ids, fake } = bot;
    const created = await slash(bot, 'create', { file: 'pulse.json' }, { 'pulse.json': JSON.stringify(definition) });
    expect(created.ephemeral).toBe(true);
    expect(created.content).toMatch(/^Survey #1 \*\*Team pulse\*\* is ready \(4 questions\)/);
    const started = await slash(bot, 'start', { survey: 1, closes_in: '3d' });
    expect(started.content).toMatch(/Survey #1 is open in <#\d+>, closing <t:\d+:R>/);
    const message = card(bot, 1);
    expect(message.embeds[0]?.description).toContain('0 responses');
    expect(buttons(message).map((b) => b.custom_id)).toEqual(['v1:survey-take:1']);

    /** Page 1 through the "Take the survey" modal. */
    const page1 = async (userId: string, fields: Record<string, string | string[] | null>) => {
      const take = fake.click({ userId, message, customId: 'v1:survey-take:1' });
      const modal = (await take.reply()).modal;
      expect(modal?.title).toBe('Team pulse (1/2)');
      // Labels wrap a select of 11 for NPS and a radio group for two options.
      expect(modal?.components.map((c) => [c.type, (c as { component?: { type: number } }).component?.type])).toEqual([
        [18, 3],
        [18, 21],
      ]);
      return take.submitModal(fields).reply();
    };
    const page2 = async (userId: string, paging: APIMessage, fields: Record<string, string | string[] | null>) => {
      const open = fake.click({ userId, message: paging, customId: 'v1:survey-open:1:1' });
      const modal = (await open.reply()).modal;
      expect(modal?.components.map((c) => (c as { component?: { type: number } }).component?.type)).toEqual([4, 22]);
      return open.submitModal(fields).reply();
    };
    const submit = (userId: string, paging: APIMessage) => fake.click({ userId, message: paging, customId: 'v1:survey-submit:1' }).reply();

    const answers: Array<[string, string, string, string, string[]]> = [
      [ids.alice, '10', '0', 'Great people', ['0', '2']],
      [ids.bob, '9', '1', '=HYPERLINK("http://evil")', []],
      [ids.dave, '3', '1', '', ['1']],
    ];
    for (const [user, score, team, why, topics] of answers) {
      const saved = await page1(user, { score: [score], team });
      expect(saved.ephemeral).toBe(true);
      expect(saved.content).toContain('Page 1 of 2 saved.');
      expect(buttons(saved.message).map((b) => b.label)).toEqual(['Back to page 1', 'Continue to page 2', 'Submit']);
      const saved2 = await page2(user, saved.message!, { why, topics });
      expect(saved2.content).toContain('Page 2 of 2 saved.');
      const done = await submit(user, saved2.message!);
      expect(done.content).toMatch(/Thank you! Your answers to \*\*Team pulse\*\* are submitted/);
    }
    // A required answer cannot be skipped; a bad value is refused.
    const take = fake.click({ userId: ids.moderator, message, customId: 'v1:survey-take:1' });
    await take.reply();
    expect(() => take.submitModal({ score: ['11'], team: '0' })).toThrow(/has no option "11"/);

    // Carol answers page 1, closes the client; the bot restarts; she resumes from the card.
    const carol1 = await page1(ids.carol, { score: ['8'], team: '0' });
    expect(carol1.content).toContain('Page 1 of 2 saved.');
    await bot.restart();
    const resumed = await fake.click({ userId: ids.carol, message, customId: 'v1:survey-take:1' }).reply();
    expect(resumed.ephemeral).toBe(true);
    expect(resumed.content).toMatch(/answers in progress \(last saved: page 1 of 2\)/);
    // Back to page 1 shows her saved answers.
    const back = fake.click({ userId: ids.carol, message: resumed.message!, customId: 'v1:survey-open:1:0' });
    const backModal = (await back.reply()).modal as unknown as { components: Array<{ component: { options?: Array<{ value: string; default?: boolean }> } }> };
    expect(backModal.components[0]?.component.options?.find((o) => o.default)?.value).toBe('8');
    expect(backModal.components[1]?.component.options?.find((o) => o.default)?.value).toBe('0');
    const carol2 = await page2(ids.carol, resumed.message!, { why: 'Needs, more "events"', topics: ['0'] });
    expect((await submit(ids.carol, carol2.message!)).content).toMatch(/Thank you/);
    // One response each: a second take is an edit of the submitted answers (editable by default).
    const again = await fake.click({ userId: ids.alice, message, customId: 'v1:survey-take:1' }).reply();
    expect(again.content).toMatch(/You are changing your submitted answers/);

    // Card edits are coalesced: one edit shows the count.
    await feature(bot).service.flushCards();
    expect(card(bot, 1).embeds[0]?.description).toContain('4 responses');

    // Results: NPS = 100 × (2 promoters − 1 detractor) / 4 = 25; 4 of the 6 human members.
    const results = await slash(bot, 'results', { survey: 1 });
    expect(results.ephemeral).toBe(true);
    const embed = results.embeds[0]!;
    expect(embed.description).toMatch(/\*\*4\*\* responses of 6 members who could answer \(response rate 67%\)/);
    expect(embed.description).toContain('NPS **+25**');
    const scoreField = embed.fields?.find((f) => f.name === 'How likely are you to recommend us?');
    expect(scoreField?.value).toMatch(/4 answered · mean 7\.5 · median 8\.5 · NPS \+25/);
    expect(embed.fields?.find((f) => f.name === 'Topics you care about')?.value).toMatch(/^3 answered/);
    expect(embed.fields?.find((f) => f.name === 'By role')).toBeUndefined(); // members have no roles but @everyone
    expect(results.files.map((f) => f.filename)).toEqual(['survey-1-score.png', 'survey-1-team.png', 'survey-1-topics.png']);
    for (const f of results.files) expect(f.data.subarray(1, 4).toString('latin1')).toBe('PNG');

    const exported = await slash(bot, 'export', { survey: 1 });
    const csv = exported.files[0]?.data.toString('utf8') ?? '';
    const lines = csv.split('\r\n');
    // A UTF-8 byte order mark first, so that Excel reads the file as UTF-8.
    expect(lines[0]).toBe('\uFEFFresponse,member_id,submitted_at_utc,score,team,why,topics');
    expect(lines).toHaveLength(6);
    expect(lines[1]).toMatch(new RegExp(`^1,${ids.alice},2026-11-02T12:00:00.000Z,10,Red,Great people,Events; News$`));
    expect(lines[2]).toContain(`,${ids.bob},`);
    expect(lines[2]).toContain(`,9,Blue,"'=HYPERLINK(""http://evil"")",`);
    expect(lines[4]).toContain(`,8,Red,"Needs, more ""events""",Events`);

    // An anonymous CSAT survey: after submit no member id sits next to any answer.
    const anon = await slash(bot, 'create', { template: 'csat', anonymous: true, title: 'Private check' });
    expect(anon.content).toMatch(/Survey #2 \*\*Private check\*\* is ready \(2 questions, anonymous\)/);
    await slash(bot, 'start', { survey: 2 });
    const anonCard = card(bot, 2);
    // Two members who answer nothing else, so every copy of their ids in the file can be accounted for.
    const erin = fake.addMember(ids.guildId, { username: 'erin' }).user.id;
    const frank = fake.addMember(ids.guildId, { username: 'frank' }).user.id;
    for (const [user, score] of [
      [erin, '5'],
      [frank, '2'],
    ] as const) {
      const t = fake.click({ userId: user, message: anonCard, customId: 'v1:survey-take:2' });
      await t.reply();
      const saved = await t.submitModal({ satisfaction: score, improve: "more events" }).reply();
      // While in progress the draft row holds the member id, so they can resume.
      const draft = await bot.db.selectFrom('survey_responses').selectAll().where('survey_id', '=', 2).where('respondent', '=', user).executeTakeFirst();
      expect(draft?.status).toBe('draft');
      const done = await fake.click({ userId: user, message: saved.message!, customId: 'v1:survey-submit:2' }).reply();
      expect(done.content).toMatch(/stored without your name/);
    }
    const rows = await bot.db.selectFrom('survey_responses').selectAll().where('survey_id', '=', 2).execute();
    expect(rows).toHaveLength(2);
    for (const r of rows) expect(r).toMatchObject({ respondent: null, roles: null, started_at: null, updated_at: null, submitted_at: null, status: 'submitted' });
    const submitters = await bot.db.selectFrom('survey_submitters').selectAll().execute();
    expect(submitters.map((s) => s.member_id).sort()).toEqual([erin, frank].sort());
    // Not even the database file's free space or its WAL keeps a draft (member id next to answers):
    // each member id is left once, in the submitters table.
    const files = Buffer.concat([bot.databasePath, `${bot.databasePath}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f)));
    const occurrences = (needle: string) => {
      let n = 0;
      for (let at = files.indexOf(needle); at !== -1; at = files.indexOf(needle, at + 1)) n++;
      return n;
    };
    expect([occurrences(erin), occurrences(frank)]).toEqual([1, 1]);
    // A second take is refused; the answers are where nobody can link them.
    expect((await fake.click({ userId: erin, message: anonCard, customId: 'v1:survey-take:2' }).reply()).content).toMatch(/already answered/);
    const anonCsv = (await slash(bot, 'export', { survey: 2 })).files[0]?.data.toString('utf8') ?? '';
    expect(anonCsv.split('\r\n')[0]).toBe('\uFEFFresponse,satisfaction,improve');
    expect(anonCsv.includes(erin) || anonCsv.includes(frank)).toBe(false);
    const anonLogs = JSON.stringify(bot.logs.filter((l) => l.survey === 2));
    expect(anonLogs.includes(erin) || anonLogs.includes(frank)).toBe(false);
    const anonResults = await slash(bot, 'results', { survey: 2 });
    expect(anonResults.embeds[0]?.description).toContain('CSAT **50%**');
    expect(bot.errors).toEqual([]);
  });

  it('a recurring survey opens once per period, across restarts, and refusals are clear', async () => {
    bot = await TestBot.start({ features });
    const { ids, fake } = bot;
    await slash(bot, 'create', { template: 'nps' });
    const recur = await slash(bot, 'recur', { survey: 1, every: 'day', time: '09:00' });
    expect(recur.content).toMatch(/A copy of survey #1 will open <t:\d+:F>/);
    const runs = () => bot!.db.selectFrom('surveys').select(['id', 'status', 'run_key', 'message_id']).where('schedule_id', 'is not', null).orderBy('id').execute();
    await feature(bot).tick();
    expect(await runs()).toEqual([]); // due tomorrow 09:00 UTC

    bot.clock.set(Date.parse('2026-11-03T09:00:30Z'));
    await feature(bot).tick();
    await feature(bot).tick();
    const first = await runs();
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ status: 'open', run_key: '2026-11-03T09:00:00.000Z' });
    expect(first[0]?.message_id).not.toBeNull();
    await bot.restart(() => bot!.clock.advance(3_600_000));
    expect(await runs()).toHaveLength(1);

    // Down over the next run: on start it opens once, and the previous run has closed.
    await bot.restart(() => bot!.clock.set(Date.parse('2026-11-04T10:00:00Z')));
    await bot.restart();
    const after = await runs();
    expect(after.map((r) => [r.run_key, r.status])).toEqual([
      ['2026-11-03T09:00:00.000Z', 'closed'],
      ['2026-11-04T09:00:00.000Z', 'open'],
    ]);
    expect(fake.channelMessages(ids.general).filter((m) => m.embeds[0]?.footer?.text?.startsWith('Survey #'))).toHaveLength(2);

    // Survey ids autocomplete for staff (by title or number), and offer nothing to members.
    const ac = (userId: string, value: string, subcommand = 'results') => fake.autocomplete({ channelId: ids.general, userId, name: 'survey', subcommand, focused: 'survey', value }).reply();
    expect((await ac(ids.ownerId, 'recommend')).choices?.map((c) => c.name)).toEqual([
      '#3 · How likely are you to recommend us?',
      '#2 · (closed) How likely are you to recommend us?',
      '#1 · (not started) How likely are you to recommend us?',
    ]);
    expect((await ac(ids.ownerId, '#2')).choices?.map((c) => c.value)).toEqual([2]);
    expect((await ac(ids.ownerId, '', 'close')).choices?.map((c) => c.value)).toEqual([3]);
    expect((await ac(ids.alice, 'recommend')).choices).toEqual([]);
    const listed = await slash(bot, 'list');
    expect(listed.ephemeral).toBe(true);
    expect(listed.content?.split('\n')).toEqual([
      '**Surveys**',
      expect.stringMatching(/^\*\*#3\*\* How likely are you to recommend us\? · open, closes <t:\d+:R> · 0 responses · recurring$/),
      '**#2** How likely are you to recommend us? · closed · 0 responses · recurring',
      '**#1** How likely are you to recommend us? · not started · 0 responses',
    ]);

    // Refusals: members cannot run /survey; a bad definition names the question and the problem.
    const member = await fake.slash({ channelId: ids.general, userId: ids.alice, name: 'survey', subcommand: 'list' }).reply();
    expect(member.ephemeral).toBe(true);
    expect(member.content).toMatch(/Only staff can do this/);
    const bad = await slash(bot, 'create', { file: 'bad.json' }, { 'bad.json': JSON.stringify({ title: 'x', questions: [{ id: 'q1', type: 'single', label: 'Pick', options: ['only one'] }] }) });
    expect(bad.content).toContain('question "q1": a single choice question needs at least 2 options');
    const closedRun = after[0]!.id;
    const message = fake.channelMessages(ids.general).find((m) => m.embeds[0]?.footer?.text === `Survey #${closedRun}`)!;
    expect(buttons(message)[0]?.disabled).toBe(true);
    expect(bot.errors).toEqual([]);
  });

  it('role restriction, per-role breakdown (small groups: counts only), one-time reminders, refusals after close', async () => {
    bot = await TestBot.start({ features });
    const { ids, fake } = bot;
    const players = fake.addRole(ids.guildId, { name: 'Players' }).id;
    const members = [ids.alice, ids.bob, ids.carol, ids.dave, ...Array.from({ length: 3 }, (_, i) => fake.addMember(ids.guildId, { username: `p${i}` }).user.id)];
    for (const m of members) fake.setMemberRoles(ids.guildId, m, [players]);
    await slash(bot, 'create', { template: 'nps' });
    const started = await slash(bot, 'start', { survey: 1, role: players });
    expect(started.content).toMatch(/Survey #1 is open/);
    const message = card(bot, 1);
    expect(message.embeds[0]?.description).toContain(`For <@&${players}>`);
    // The moderator lacks the role: a clear, private refusal.
    const refused = await fake.click({ userId: ids.moderator, message, customId: 'v1:survey-take:1' }).reply();
    expect(refused).toMatchObject({ ephemeral: true, content: `This survey is only for members with the <@&${players}> role.` });

    const answer = async (userId: string, score: string, submit = true) => {
      const t = fake.click({ userId, message, customId: 'v1:survey-take:1' });
      await t.reply();
      const saved = await t.submitModal({ score: [score] }).reply();
      if (submit) expect((await fake.click({ userId, message: saved.message!, customId: 'v1:survey-submit:1' }).reply()).content).toMatch(/Thank you/);
      return saved.message!;
    };
    for (const [i, m] of members.slice(0, 5).entries()) await answer(m, String(6 + i)); // 6, 7, 8, 9, 10
    // Two members start but do not submit; one of them has closed DMs.
    const unfinished = await answer(members[5]!, '1', false);
    await answer(members[6]!, '2', false);
    fake.setDmsClosed(members[6]!);
    // Reminders reach drafts left for an hour (a member who saved a minute ago is still answering).
    bot.clock.advance(3_600_000);
    const reminded = await slash(bot, 'remind', { survey: 1 });
    expect(reminded.content).toBe('Reminders sent to 1 member; 1 could not be reached (closed DMs). Each member is reminded only once.');
    const dm = fake.dmChannelId(members[5]!);
    expect(dm && fake.channelMessages(dm).map((m) => m.content)).toEqual([expect.stringMatching(/You started the survey \*\*How likely are you to recommend us\?\*\* but did not submit it/)]);
    expect((await slash(bot, 'remind', { survey: 1 })).content).toMatch(/^Reminders sent to 0 members\./);

    const results = await slash(bot, 'results', { survey: 1 });
    const byRole = results.embeds[0]?.fields?.find((f) => f.name === 'By role')?.value ?? '';
    // 5 responses in Players: scores shown; drafts never count.
    expect(byRole).toBe(`<@&${players}>: 5 responses · How likely are you … NPS +20`);
    expect(results.embeds[0]?.description).toMatch(/\*\*5\*\* responses of 7 members who could answer/);

    // A group under 5 shows its count only.
    fake.setMemberRoles(ids.guildId, members[0]!, [players, ids.staffRoleId]);
    const t = fake.click({ userId: members[0]!, message, customId: 'v1:survey-take:1' });
    const resumed = await t.reply();
    expect(resumed.content).toMatch(/You are changing your submitted answers/);
    expect((await fake.click({ userId: members[0]!, message: resumed.message!, customId: 'v1:survey-submit:1' }).reply()).content).toMatch(/changed answers/);
    const again = await slash(bot, 'results', { survey: 1 });
    expect(again.embeds[0]?.fields?.find((f) => f.name === 'By role')?.value).toContain(`<@&${ids.staffRoleId}>: 1 response (fewer than 5: counts only)`);

    expect((await slash(bot, 'close', { survey: 1 })).content).toBe('Survey #1 is closed. See `/survey results survey:1`.');
    expect(buttons(card(bot, 1))[0]?.disabled).toBe(true);
    const late = await fake.click({ userId: members[5]!, message: unfinished, customId: 'v1:survey-submit:1' }).reply();
    expect(late).toMatchObject({ ephemeral: true, content: 'This survey is closed, so it no longer takes answers.' });
    // Closing deleted the unsubmitted drafts.
    expect(await bot.db.selectFrom('survey_responses').select('id').where('status', '=', 'draft').execute()).toEqual([]);
    expect(bot.errors).toEqual([]);
  });

  it("a survey whose role was deleted says so, rather than asking for a role nobody can have", async () => {
    bot = await TestBot.start({ features });
    const { ids, fake } = bot;
    const players = fake.addRole(ids.guildId, { name: 'Players' }).id;
    await slash(bot, 'create', { template: 'nps' });
    await slash(bot, 'start', { survey: 1, role: players });
    const message = card(bot, 1);
    // An admin deletes the role: Discord takes it from its members and tells the bot.
    fake.deleteRole(ids.guildId, players);
    await fake.waitFor(() => !bot!.app.client.guilds.cache.get(ids.guildId)?.roles.cache.has(players));
    const gone = await fake.click({ userId: ids.alice, message, customId: 'v1:survey-take:1' }).reply();
    expect(gone).toMatchObject({ ephemeral: true, content: 'The role this survey was limited to has been deleted, so nobody can answer it any more. Staff can close survey #1 with `/survey close`.' });
    const ru = await fake.click({ userId: ids.bob, message, customId: 'v1:survey-take:1', locale: 'ru' }).reply();
    expect(ru.content).toMatch(/^Роль, для которой была эта анкета, удалена.*закрыть анкету №1 командой `\/анкета закрыть`\.$/);
    expect(bot.errors).toEqual([]);
  });
});
