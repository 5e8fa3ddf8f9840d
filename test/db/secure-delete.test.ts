// What Pulse deletes or rewrites does not stay on disk: secure_delete is on for the whole
// connection (not only around the final delete), so the older versions a row leaves behind each
// time it is rewritten are zeroed too, and the WAL with older page images is emptied after an
// anonymous poll closes or an anonymous survey response is submitted, again later if a reader
// held it.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Database } from '../../src/db/open.js';
import { emptyWal } from '../../src/db/wal.js';
import { decideClick, type PollSpec } from '../../src/polls/poll.js';
import { castVote, closePoll, createPoll, currentTally, setShownTally } from '../../src/polls/store.js';
import type { Answers, Definition } from '../../src/surveys/questions.js';
import { closeSurvey, createSurvey, deleteSurvey, openSurvey, saveDraft, startDraft, submitResponse } from '../../src/surveys/store.js';
import { testFileDatabase } from '../support/db.js';

const NOW = Date.parse('2026-11-02T12:00:00Z');

let file: Awaited<ReturnType<typeof testFileDatabase>> | undefined;
afterEach(async () => {
  await file?.remove();
  file = undefined;
});

async function open(): Promise<Database> {
  file = await testFileDatabase('pulse-secure-delete-');
  return file.database;
}

/** The database file and its WAL, as someone holding the files would read them. */
function fileBytes(): Buffer {
  const path = join(file!.dir, 'pulse.db');
  return Buffer.concat([path, `${path}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f)));
}

const secureDelete = (database: Database) => database.sqlite.pragma('secure_delete', { simple: true });

describe('secure_delete', () => {
  it('is on for the connection, and stays on after the anonymous steps that used to turn it off', async () => {
    const database = await open();
    expect(secureDelete(database)).toBe(1);
    const spec: PollSpec = { question: 'Q?', choices: ['A', 'B'], multiple: false, maxChoices: 1, anonymous: true, hideResults: false, durationMs: null, roleId: null };
    const poll = await createPoll(database.db, { ...spec, guildId: 'g1', channelId: 'c1', authorId: 'a1', now: NOW });
    await castVote(database.db, poll.id, 'u1', NOW, (p, current) => decideClick(p, current, 0, { now: NOW, hasRole: true }));
    await closePoll(database.db, poll.id, NOW, null);
    expect(secureDelete(database)).toBe(1);
    const survey = await anonymousSurvey(database);
    const draft = await startDraft(database.db, survey, 'u1', NOW);
    await submitResponse(database.db, { responseId: draft.id, surveyId: survey, anonymous: true, once: true, memberId: 'u1', answers: { mood: 'fine' } as Answers, roles: [], now: NOW });
    expect(secureDelete(database)).toBe(1);
    await deleteSurvey(database.db, survey);
    expect(secureDelete(database)).toBe(1);
  });
});

const definition = {
  title: 'Team pulse',
  anonymous: true,
  questions: [
    { id: 'team', type: 'single', label: 'Your team', options: ['Red', 'Blue'] },
    { id: 'mood', type: 'short', label: 'How are you?' },
    { id: 'lead', type: 'short', label: 'Anything about your lead?' },
  ],
  pages: [['team', 'mood'], ['lead']],
} as unknown as Definition;

async function anonymousSurvey(database: Database): Promise<number> {
  const survey = (await createSurvey(database.db, { guildId: 'g1', authorId: 'a1', definition, now: NOW }))!;
  await openSurvey(database.db, survey.id, { channelId: 'c1', roleId: null, closesAt: null, now: NOW });
  return survey.id;
}

describe('anonymous survey drafts', () => {
  it('leave no member id next to their answers once submitted and closed', async () => {
    const database = await open();
    const survey = await anonymousSurvey(database);
    const members = Array.from({ length: 30 }, (_, i) => String(900000000000001000n + BigInt(i) * 7919n));
    const mood = (i: number) => `mood-${i}: tired of this place`;
    // Answers of all lengths: the drafts grow by different amounts and their pages split.
    const page1 = (i: number) => ({ team: i % 2, mood: mood(i) }) as unknown as Answers;
    const page2 = (i: number) => ({ ...page1(i), lead: `lead-${i} ${'listens '.repeat((i * 7) % 25)}` }) as unknown as Answers;
    // Everyone saves page 1, then everyone page 2, then all but the last two submit.
    const drafts: number[] = [];
    for (const [i, member] of members.entries()) {
      const draft = await startDraft(database.db, survey, member, NOW);
      await saveDraft(database.db, draft.id, page1(i), 1, NOW);
      drafts.push(draft.id);
    }
    for (const [i] of members.entries()) await saveDraft(database.db, drafts[i]!, page2(i), 1, NOW);
    for (const [i, member] of members.slice(0, -2).entries()) {
      const outcome = await submitResponse(database.db, { responseId: drafts[i]!, surveyId: survey, anonymous: true, once: false, memberId: member, answers: page2(i), roles: [], now: NOW });
      expect(outcome).toBe('stored');
    }
    const linked = (bytes: Buffer) =>
      members.filter((member, i) => {
        const text = Buffer.from(mood(i));
        for (let at = bytes.indexOf(text); at >= 0; at = bytes.indexOf(text, at + 1)) if (bytes.subarray(Math.max(0, at - 80), at).includes(member)) return true;
        return false;
      });
    // Only the two drafts still in progress hold a member id next to answers; the WAL was emptied.
    expect(linked(fileBytes())).toEqual(members.slice(-2));
    expect(statSync(join(file!.dir, 'pulse.db-wal')).size).toBe(0);
    // The close deletes those two drafts, and with them every trace.
    expect(await closeSurvey(database.db, survey, NOW, null, null)).toBe(true);
    expect(linked(fileBytes())).toEqual([]);
    expect(fileBytes().includes(Buffer.from(mood(0)))).toBe(true); // the submitted answers, without names
  });
});

describe('anonymous poll key', () => {
  it('leaves neither the key nor a hashed voter in the file after close, though the poll row was rewritten at every vote', async () => {
    const database = await open();
    const spec: PollSpec = { question: 'Move the meeting?', choices: ['Yes', 'No', 'Later'], multiple: false, maxChoices: 1, anonymous: true, hideResults: false, durationMs: null, roleId: null };
    const where = { guildId: 'g1', channelId: 'c1', authorId: 'a1', now: NOW };
    const poll = await createPoll(database.db, { ...spec, ...where });
    const key = (await database.db.selectFrom('polls').select('voter_key').where('id', '=', poll.id).executeTakeFirstOrThrow()).voter_key!;
    const hashes = new Set<string>();
    for (let i = 0; i < 150; i++) {
      await castVote(database.db, poll.id, `member-${i}`, NOW, (p, current) => decideClick(p, current, i % 3, { now: NOW, hasRole: true }));
      // As the live message does after each vote: the shown tally rewrites the row that holds the key.
      await setShownTally(database.db, poll.id, (await currentTally(database.db, poll.id))!);
      // Other polls with long questions share and split the pages.
      if (i % 6 === 5) await createPoll(database.db, { ...spec, ...where, anonymous: false, question: `${'Where should the team lunch be held next month? '.repeat(5)}#${i}` });
    }
    for (const r of await database.db.selectFrom('poll_votes').select('voter').where('poll_id', '=', poll.id).execute()) hashes.add(r.voter);
    expect(hashes.size).toBe(150);
    expect(await closePoll(database.db, poll.id, NOW, null)).toBe(true);
    const bytes = fileBytes();
    expect(bytes.includes(key)).toBe(false);
    expect([...hashes].filter((h) => bytes.includes(Buffer.from(h)))).toEqual([]);
  });
});

describe('emptyWal', () => {
  it('empties the WAL once a reader that held it is done, without waiting for it', async () => {
    const database = await open();
    const path = join(file!.dir, 'pulse.db');
    const reader = new SQLite(path, { readonly: true });
    try {
      await database.db.insertInto('activity_gaps').values({ started_at: 1, ended_at: 2, reason: 'offline' }).execute();
      // A report being built: a read transaction on the log as it is now.
      reader.prepare('BEGIN').run();
      reader.prepare('SELECT count(*) FROM activity_gaps').get();
      await database.db.insertInto('activity_gaps').values({ started_at: 3, ended_at: 4, reason: 'offline' }).execute();
      const started = performance.now();
      expect(await emptyWal(database.db, { retryMs: 50 })).toBe(false);
      expect(performance.now() - started).toBeLessThan(1000); // not the 5 s busy timeout
      expect(statSync(`${path}-wal`).size).toBeGreaterThan(0);
      expect(database.sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
      reader.prepare('COMMIT').run();
      await vi.waitFor(() => expect(statSync(`${path}-wal`).size).toBe(0), { timeout: 2000, interval: 20 });
    } finally {
      reader.close();
    }
  });
});
