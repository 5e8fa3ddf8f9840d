// A one-response survey and /privacy opt-out: the opt-out deletes what said the member answered,
// but while the survey is open a keyed hash of their id takes its place, so answering again is
// refused (also after a restart); closing the survey deletes the marks and their key.
import type { APIMessage } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import { privacyEntry } from '../../src/privacy/entries.js';
import { submitResponse } from '../../src/surveys/store.js';
import { TestBot } from '../support/bot.js';
import { mentions, optOut } from '../support/privacy.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const definition = (extra: Record<string, unknown>) => ({ title: 'Team pulse', questions: [{ id: 'score', type: 'nps', label: 'How likely are you to recommend us?' }], ...extra });

const count = (b: TestBot, sql: string, ...params: unknown[]) => b.app.database.sqlite.prepare(sql).pluck().get(...params) as number;

function slash(b: TestBot, subcommand: string, options: Record<string, string | number | boolean> = {}, uploads?: Record<string, string>) {
  return b.fake.slash({ channelId: b.ids.general, userId: b.ids.ownerId, name: 'survey', subcommand, options, ...(uploads ? { uploads } : {}) }).reply(10_000);
}

function card(b: TestBot): APIMessage {
  const found = b.fake.channelMessages(b.ids.general).find((m) => m.embeds[0]?.footer?.text === 'Survey #1');
  if (!found) throw new Error('no card for survey 1');
  return found;
}

async function open(b: TestBot, def: unknown): Promise<void> {
  expect((await slash(b, 'create', { file: 's.json' }, { 's.json': JSON.stringify(def) })).content).toMatch(/^Survey #1 /);
  expect((await slash(b, 'start', { survey: 1 })).content).toMatch(/Survey #1 is open/);
}

/** "Take the survey": the modal of page 1, or the refusal's text. */
async function take(b: TestBot, userId: string) {
  const handle = b.fake.click({ userId, message: card(b), customId: 'v1:survey-take:1' });
  return { handle, reply: await handle.reply() };
}

/** Answers and submits; returns the member's (ephemeral) paging message. */
async function answer(b: TestBot, userId: string, score: string): Promise<APIMessage> {
  const { handle, reply } = await take(b, userId);
  expect(reply.modal).toBeDefined();
  const saved = await handle.submitModal({ score: [score] }).reply();
  expect((await b.fake.click({ userId, message: saved.message!, customId: 'v1:survey-submit:1' }).reply()).content).toMatch(/submitted/);
  return saved.message!;
}


const OPTED_OUT = 'You have already answered this survey. Your answer was deleted when you opted out of Pulse, and the survey takes one answer per member, so you cannot answer it again.';
const marks = privacyEntry('survey_answered_marks');

describe('one-response surveys and /privacy opt-out', () => {
  it('an anonymous survey: answering again after an opt-out is refused, after a restart too; closing leaves nothing to match the member', async () => {
    bot = await TestBot.start();
    const b = bot;
    const { ids } = b;
    await open(b, definition({ anonymous: true }));
    await answer(b, ids.alice, '9');
    await answer(b, ids.bob, '6');
    expect((await take(b, ids.alice)).reply.content).toBe('You have already answered this survey, and its answers cannot be changed.');

    await optOut(b, ids.alice);
    // Her row naming her is gone; a mark that is not her id stands in for it.
    expect(count(b, 'SELECT count(*) FROM survey_submitters WHERE member_id = ?', ids.alice)).toBe(0);
    expect(count(b, 'SELECT count(*) FROM survey_answered_marks WHERE survey_id = 1')).toBe(1);
    expect(mentions(b, ids.alice)).toEqual(['activity_opt_outs.user_id']);
    // Her export says so (a kept entry); Bob has none.
    expect(marks.count(b.app.database.sqlite, ids.guildId, ids.alice)).toBe(1);
    expect([...marks.exportRows(b.app.database.sqlite, ids.guildId, ids.alice)]).toEqual([{ survey_id: 1, survey: 'Team pulse' }]);
    expect(marks.count(b.app.database.sqlite, ids.guildId, ids.bob)).toBe(0);

    const again = await take(b, ids.alice);
    expect(again.reply).toMatchObject({ ephemeral: true, content: OPTED_OUT });
    expect(again.reply.modal).toBeUndefined();
    await b.restart();
    expect((await take(b, ids.alice)).reply.content).toBe(OPTED_OUT);
    // Still two responses; a member who never answered still may.
    expect(count(b, `SELECT count(*) FROM survey_responses WHERE survey_id = 1 AND status = 'submitted'`)).toBe(2);
    expect((await take(b, ids.carol)).reply.modal).toBeDefined();

    expect((await slash(b, 'close', { survey: 1 })).content).toMatch(/closed/i);
    expect(count(b, 'SELECT count(*) FROM survey_answered_marks')).toBe(0);
    expect(count(b, 'SELECT count(*) FROM surveys WHERE mark_key IS NOT NULL')).toBe(0);
    expect(marks.count(b.app.database.sqlite, ids.guildId, ids.alice)).toBe(0);
    expect(mentions(b, ids.alice)).toEqual(['activity_opt_outs.user_id']);
    expect(b.errors).toEqual([]);
  });

  it('a named survey: the deleted answer cannot be given again while it is open, not even through a draft begun before the opt-out', async () => {
    bot = await TestBot.start();
    const b = bot;
    const { ids } = b;
    await open(b, definition({ editable: true }));
    await answer(b, ids.alice, '9');
    await optOut(b, ids.alice);
    expect(count(b, `SELECT count(*) FROM survey_responses WHERE survey_id = 1`)).toBe(0);
    expect((await take(b, ids.alice)).reply.content).toBe(OPTED_OUT);
    expect(count(b, `SELECT count(*) FROM survey_responses WHERE survey_id = 1`)).toBe(0);
    expect(mentions(b, ids.alice)).toEqual(['activity_opt_outs.user_id']);

    // A draft of hers that got past "Take the survey" (begun as the opt-out ran) is refused as it is stored, and goes.
    const responseId = Number(b.app.database.sqlite.prepare(`INSERT INTO survey_responses (survey_id, respondent, status, answers, draft, page) VALUES (1, ?, 'draft', '{}', '{"score":9}', 0)`).run(ids.alice).lastInsertRowid);
    const outcome = await submitResponse(b.db, { responseId, surveyId: 1, anonymous: false, once: true, memberId: ids.alice, answers: { score: 9 }, roles: [], now: b.clock.now() });
    expect(outcome).toBe('marked');
    expect(count(b, `SELECT count(*) FROM survey_responses WHERE survey_id = 1`)).toBe(0);
    // Bob answers as before.
    await answer(b, ids.bob, '7');
    expect(count(b, `SELECT count(*) FROM survey_responses WHERE survey_id = 1 AND status = 'submitted'`)).toBe(1);
    expect(b.errors).toEqual([]);
  });

  it('a survey that takes many responses, or a closed one, keeps no mark', async () => {
    bot = await TestBot.start();
    const b = bot;
    const { ids } = b;
    await open(b, definition({ responses: 'many' }));
    await answer(b, ids.alice, '9');
    await optOut(b, ids.alice);
    expect(count(b, 'SELECT count(*) FROM survey_answered_marks')).toBe(0);
    expect(count(b, 'SELECT count(*) FROM surveys WHERE mark_key IS NOT NULL')).toBe(0);
    expect((await take(b, ids.alice)).reply.modal).toBeDefined();

    // Bob answered an anonymous one-response survey that has closed: his row goes, nothing takes its place.
    const sqlite = b.app.database.sqlite;
    const closed = sqlite.prepare(`INSERT INTO surveys (guild_id, author_id, title, definition, anonymous, status, created_at) VALUES (?, ?, 'Old', '{}', 1, 'closed', ?)`).run(ids.guildId, ids.ownerId, b.clock.now()).lastInsertRowid;
    sqlite.prepare(`INSERT INTO survey_submitters (survey_id, member_id) VALUES (?, ?)`).run(closed, ids.bob);
    await optOut(b, ids.bob);
    expect(count(b, 'SELECT count(*) FROM survey_submitters')).toBe(0);
    expect(count(b, 'SELECT count(*) FROM survey_answered_marks')).toBe(0);
    expect(count(b, 'SELECT count(*) FROM surveys WHERE mark_key IS NOT NULL')).toBe(0);
  });
});
