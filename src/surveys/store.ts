// Surveys' queries: surveys, draft and submitted responses, anonymous submitters, recurring schedules.
import { createHmac } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import { type Executor, inTransaction, restartScheduleInZone } from '../db/schema.js';
import { emptyWal } from '../db/wal.js';
import type { SurveyResponseTable, SurveyScheduleTable, SurveyTable } from '../db/tables/surveys.js';
import type { Timing } from '../digests/schedule.js';
import { getSettings } from '../settings/store.js';
import { newAnswers, type Answers, type Definition } from './questions.js';

export type SurveyStatus = 'draft' | 'open' | 'closed';

export interface Survey {
  id: number;
  guildId: string;
  authorId: string;
  title: string;
  definition: Definition;
  anonymous: boolean;
  status: SurveyStatus;
  channelId: string | null;
  messageId: string | null;
  roleId: string | null;
  createdAt: number;
  openedAt: number | null;
  closesAt: number | null;
  closedAt: number | null;
  eligible: number | null;
  scheduleId: number | null;
  runKey: string | null;
  /** Card posts tried in this opening (a retry first looks for a post that landed). */
  postAttempts: number;
  /** Why the card's last post failed (server's language), for staff; null once posted. */
  postError: string | null;
  /** When the bot gave up posting the card and put the survey back to a draft. */
  postFailedAt: number | null;
}

function toSurvey(row: Selectable<SurveyTable>): Survey {
  return {
    id: row.id,
    guildId: row.guild_id,
    authorId: row.author_id,
    title: row.title,
    definition: JSON.parse(row.definition) as Definition,
    anonymous: row.anonymous === 1,
    status: row.status === 'open' ? 'open' : row.status === 'closed' ? 'closed' : 'draft',
    channelId: row.channel_id,
    messageId: row.message_id,
    roleId: row.role_id,
    createdAt: row.created_at,
    openedAt: row.opened_at,
    closesAt: row.closes_at,
    closedAt: row.closed_at,
    eligible: row.eligible,
    scheduleId: row.schedule_id,
    runKey: row.run_key,
    postAttempts: row.post_attempts,
    postError: row.post_error,
    postFailedAt: row.post_failed_at,
  };
}

export interface NewSurvey {
  guildId: string;
  authorId: string;
  definition: Definition;
  now: number;
  /** A run of a recurring schedule opens at once. */
  run?: { scheduleId: number; runKey: string; channelId: string; roleId: string | null; closesAt: number };
}

/** Creates a survey; for a schedule's run, null when that run exists already (claimed once). */
export async function createSurvey(db: Executor, input: NewSurvey): Promise<Survey | null> {
  if (input.run) {
    // Look first: a conflicting insert would still use up an id, and survey numbers are shown to people.
    const existing = await db.selectFrom('surveys').select('id').where('schedule_id', '=', input.run.scheduleId).where('run_key', '=', input.run.runKey).executeTakeFirst();
    if (existing) return null;
  }
  const row = await db
    .insertInto('surveys')
    .values({
      guild_id: input.guildId,
      author_id: input.authorId,
      title: input.definition.title,
      definition: JSON.stringify(input.definition),
      anonymous: input.definition.anonymous ? 1 : 0,
      status: input.run ? 'open' : 'draft',
      created_at: input.now,
      channel_id: input.run?.channelId ?? null,
      role_id: input.run?.roleId ?? null,
      opened_at: input.run ? input.now : null,
      closes_at: input.run?.closesAt ?? null,
      schedule_id: input.run?.scheduleId ?? null,
      run_key: input.run?.runKey ?? null,
    })
    .onConflict((oc) => oc.columns(['schedule_id', 'run_key']).doNothing())
    .returningAll()
    .executeTakeFirst();
  return row ? toSurvey(row) : null;
}

export async function getSurvey(db: Executor, id: number): Promise<Survey | undefined> {
  const row = await db.selectFrom('surveys').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toSurvey(row) : undefined;
}

export async function listSurveys(db: Executor, guildId: string, options: { status?: SurveyStatus; search?: string; limit: number }): Promise<Survey[]> {
  let q = db.selectFrom('surveys').selectAll().where('guild_id', '=', guildId);
  if (options.status) q = q.where('status', '=', options.status);
  const search = options.search?.trim();
  // fold() (src/db/open.ts) ignores case and accents in any script: "élection" finds "Élection…".
  if (search) q = q.where((eb) => eb.or([sql<boolean>`instr(fold(title), fold(${search})) > 0`, eb(eb.cast('id', 'text'), '=', search)]));
  const rows = await q.orderBy('id', 'desc').limit(options.limit).execute();
  return rows.map(toSurvey);
}

/** How many surveys a server has (the list shows the latest few and says how many more). */
export async function countSurveys(db: Executor, guildId: string): Promise<number> {
  const row = await db.selectFrom('surveys').select((eb) => eb.fn.countAll<number>().as('n')).where('guild_id', '=', guildId).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Opens a draft survey (once); a new opening starts its card's posting afresh. */
export async function openSurvey(db: Executor, id: number, input: { channelId: string; roleId: string | null; closesAt: number | null; now: number }): Promise<boolean> {
  const r = await db
    .updateTable('surveys')
    .set({
      status: 'open',
      channel_id: input.channelId,
      role_id: input.roleId,
      closes_at: input.closesAt,
      opened_at: input.now,
      post_attempts: 0,
      post_retry_at: null,
      post_error: null,
      post_failed_at: null,
      post_failure_told_at: null,
    })
    .where('id', '=', id)
    .where('status', '=', 'draft')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Undoes openSurvey when the card could not be posted: nobody could answer it. */
export async function reopenAsDraft(db: Executor, id: number): Promise<void> {
  await db.updateTable('surveys').set({ status: 'draft', opened_at: null, channel_id: null, closes_at: null, role_id: null }).where('id', '=', id).where('message_id', 'is', null).execute();
}

export async function setSurveyMessage(db: Executor, id: number, messageId: string | null): Promise<void> {
  await db
    .updateTable('surveys')
    .set(messageId === null ? { message_id: null } : { message_id: messageId, post_error: null, post_retry_at: null })
    .where('id', '=', id)
    .execute();
}

/** Counts a card post about to be tried; returns how many were tried before it (one of them may have landed). */
export async function beginPostAttempt(db: Executor, id: number): Promise<number> {
  const row = await db
    .updateTable('surveys')
    .set((eb) => ({ post_attempts: eb('post_attempts', '+', 1) }))
    .where('id', '=', id)
    .returning('post_attempts')
    .executeTakeFirst();
  return (row?.post_attempts ?? 1) - 1;
}

/** A card post failed and will be tried again at `retryAt`; the reason is kept for staff. */
export async function deferPost(db: Executor, id: number, error: string, retryAt: number): Promise<void> {
  await db.updateTable('surveys').set({ post_error: error.slice(0, 300), post_retry_at: retryAt }).where('id', '=', id).where('message_id', 'is', null).execute();
}

/**
 * Gives up posting an open survey's card: the survey goes back to a draft (nobody could answer it;
 * staff can start it again in a channel the bot can post in), keeping the channel and the reason
 * for staff. With `pauseSchedule`, the recurring schedule that opened it is paused too: its
 * channel would refuse every run. Null when the survey was not open without a card any more.
 */
export async function givePostUp(db: Executor, id: number, input: { error: string; now: number; pauseSchedule: boolean }): Promise<{ schedulePaused: boolean } | null> {
  return inTransaction(db, async (trx) => {
    const error = input.error.slice(0, 300);
    const r = await trx
      .updateTable('surveys')
      .set({ status: 'draft', opened_at: null, closes_at: null, post_error: error, post_retry_at: null, post_failed_at: input.now, post_failure_told_at: null })
      .where('id', '=', id)
      .where('status', '=', 'open')
      .where('message_id', 'is', null)
      .returning('schedule_id')
      .executeTakeFirst();
    if (!r) return null;
    if (!input.pauseSchedule || r.schedule_id === null) return { schedulePaused: false };
    const paused = await trx
      .updateTable('survey_schedules')
      .set({ active: 0, paused_reason: error, paused_at: input.now })
      .where('id', '=', r.schedule_id)
      .where('active', '=', 1)
      .executeTakeFirst();
    return { schedulePaused: Number(paused.numUpdatedRows) > 0 };
  });
}

/** Surveys whose card the bot gave up posting, with staff not told yet. */
export async function untoldPostFailures(db: Executor): Promise<Survey[]> {
  const rows = await db.selectFrom('surveys').selectAll().where('post_failed_at', 'is not', null).where('post_failure_told_at', 'is', null).orderBy('id').limit(100).execute();
  return rows.map(toSurvey);
}

/** Claims telling staff that a card could not be posted: true for the one caller that tells. */
export async function markPostFailureTold(db: Executor, id: number, now: number): Promise<boolean> {
  const r = await db.updateTable('surveys').set({ post_failure_told_at: now }).where('id', '=', id).where('post_failed_at', 'is not', null).where('post_failure_told_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Records that the closed survey's card shows it closed (or is gone: nothing left to show). */
export async function markClosedShown(db: Executor, id: number, now: number): Promise<void> {
  await db.updateTable('surveys').set({ closed_shown_at: now, closed_retry_at: null }).where('id', '=', id).where('status', '=', 'closed').where('closed_shown_at', 'is', null).execute();
}

/**
 * Counts a closing edit that did not land; returns the attempts so far. `retryAt` says when to
 * try again after that many (null: never); `giveUpAt` sets the attempts to the retry limit at
 * once, for an edit Discord refused for good.
 */
export async function countClosedEditFailure(db: Executor, id: number, input: { retryAt: (attempts: number) => number | null; giveUpAt?: number }): Promise<number> {
  return inTransaction(db, async (trx) => {
    const row = await trx
      .updateTable('surveys')
      .set((eb) => ({ closed_edit_attempts: input.giveUpAt !== undefined ? eb.val(input.giveUpAt) : eb('closed_edit_attempts', '+', 1) }))
      .where('id', '=', id)
      .returning('closed_edit_attempts')
      .executeTakeFirst();
    const attempts = row?.closed_edit_attempts ?? 0;
    await trx.updateTable('surveys').set({ closed_retry_at: input.retryAt(attempts) }).where('id', '=', id).execute();
    return attempts;
  });
}

/**
 * Closes an open survey exactly once; in-progress drafts are deleted (they never count). It
 * closed at its deadline when that passed before `now` (it fell due while the bot was down, or
 * before this tick): figures by period count it where it closed, not where the bot noticed.
 */
export async function closeSurvey(db: Executor, id: number, now: number, closedBy: string | null, eligible: number | null): Promise<boolean> {
  const anonymous = await isAnonymous(db, id);
  const closed = await inTransaction(db, async (trx) => {
    const r = await trx
      .updateTable('surveys')
      .set({ status: 'closed', closed_at: sql<number>`min(${now}, coalesce(closes_at, ${now}))`, closed_by: closedBy, eligible })
      .where('id', '=', id)
      .where('status', '=', 'open')
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) return false;
    await trx.deleteFrom('survey_responses').where('survey_id', '=', id).where('status', '=', 'draft').execute();
    await trx.updateTable('survey_responses').set({ draft: null }).where('survey_id', '=', id).execute();
    if (anonymous) await renumberAnonymous(trx, id);
    // Closed, it takes no answers: the marks of opted-out members have done their work, and with
    // their key gone nothing left can be matched to anyone's id.
    const marks = await trx.deleteFrom('survey_answered_marks').where('survey_id', '=', id).executeTakeFirst();
    await trx.updateTable('surveys').set({ mark_key: null }).where('id', '=', id).where('mark_key', 'is not', null).execute();
    return { marks: Number(marks.numDeletedRows) > 0 };
  });
  // The deleted drafts of an anonymous survey (member id next to answers), and the marks and
  // their key, leave the WAL too.
  if (closed && (anonymous || closed.marks)) await emptyWal(db);
  return closed !== false;
}

/**
 * Gives a closed anonymous survey's answer rows new numbers, in the order of their answers. Each
 * got the next free row number when it was submitted, between those of other rows that carry
 * times (drafts, named responses): from the file, when each came in, and so sometimes whose it
 * was, could be worked out. Rewritten in one block sorted by answer, the numbers tell nothing of
 * that; the old rows are overwritten on disk (secure_delete). Migration 0030 does the same for
 * anonymous surveys closed before.
 */
export async function renumberAnonymous(db: Executor, surveyId: number): Promise<void> {
  const last = await db.selectFrom('survey_responses').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
  await sql`INSERT INTO survey_responses (survey_id, respondent, status, answers, draft, page)
    SELECT survey_id, NULL, status, answers, NULL, 0 FROM survey_responses
    WHERE survey_id = ${surveyId} AND status = 'submitted' ORDER BY answers`.execute(db);
  await db.deleteFrom('survey_responses').where('survey_id', '=', surveyId).where('status', '=', 'submitted').where('id', '<=', last?.id ?? 0).execute();
}

async function isAnonymous(db: Executor, id: number): Promise<boolean> {
  const row = await db.selectFrom('surveys').select('anonymous').where('id', '=', id).executeTakeFirst();
  return row?.anonymous === 1;
}

/**
 * Deletes a survey with its responses. A recurring run is claimed by its row (schedule, run key),
 * so before the row goes its schedule is told to make no run due at or before that one: without
 * it the next tick would open the deleted run again under a new number.
 */
export async function deleteSurvey(db: Executor, id: number): Promise<void> {
  const anonymous = await isAnonymous(db, id);
  await inTransaction(db, async (trx) => {
    const run = await trx.selectFrom('surveys').select(['schedule_id', 'run_key']).where('id', '=', id).executeTakeFirst();
    const dueAt = run?.run_key ? Date.parse(run.run_key) : NaN;
    if (run?.schedule_id != null && Number.isFinite(dueAt)) {
      await trx.updateTable('survey_schedules').set({ active_since: sql<number>`max(active_since, ${dueAt + 1})` }).where('id', '=', run.schedule_id).execute();
    }
    // Overwritten with zeros on disk (secure_delete, src/db/open.ts), like every delete.
    await trx.deleteFrom('survey_responses').where('survey_id', '=', id).execute();
    await trx.deleteFrom('survey_submitters').where('survey_id', '=', id).execute();
    await trx.deleteFrom('survey_answered_marks').where('survey_id', '=', id).execute();
    await trx.deleteFrom('surveys').where('id', '=', id).execute();
  });
  if (anonymous) await emptyWal(db);
}

export async function dueSurveyIds(db: Executor, now: number): Promise<number[]> {
  const rows = await db.selectFrom('surveys').select('id').where('status', '=', 'open').where('closes_at', '<=', now).orderBy('closes_at').execute();
  return rows.map((r) => r.id);
}

/** Open surveys whose card was never posted (the bot stopped in between, or a post failed), due for a try at `now`. */
export async function unpostedSurveys(db: Executor, now: number): Promise<Survey[]> {
  const rows = await db
    .selectFrom('surveys')
    .selectAll()
    .where('status', '=', 'open')
    .where('message_id', 'is', null)
    .where((eb) => eb.or([eb('post_retry_at', 'is', null), eb('post_retry_at', '<=', now)]))
    .orderBy('id')
    .limit(100)
    .execute();
  return rows.map(toSurvey);
}

// ------------------------------------------------------------------ responses

export interface ResponseRow {
  id: number;
  surveyId: number;
  respondent: string | null;
  status: 'draft' | 'submitted';
  answers: Answers;
  draft: Answers | null;
  page: number;
  roles: string[] | null;
  submittedAt: number | null;
  remindedAt: number | null;
}

function toResponse(row: Selectable<SurveyResponseTable>): ResponseRow {
  return {
    id: row.id,
    surveyId: row.survey_id,
    respondent: row.respondent,
    status: row.status === 'submitted' ? 'submitted' : 'draft',
    // Read back without a prototype, like readPage makes them (see questions.ts's answerOf).
    answers: newAnswers(JSON.parse(row.answers) as Answers),
    draft: row.draft === null ? null : newAnswers(JSON.parse(row.draft) as Answers),
    page: row.page,
    roles: row.roles === null ? null : (JSON.parse(row.roles) as string[]),
    submittedAt: row.submitted_at,
    remindedAt: row.reminded_at,
  };
}

/** The member's rows of a survey, newest first (anonymous submitted rows have no respondent). */
export async function memberResponses(db: Executor, surveyId: number, memberId: string): Promise<ResponseRow[]> {
  const rows = await db.selectFrom('survey_responses').selectAll().where('survey_id', '=', surveyId).where('respondent', '=', memberId).orderBy('id', 'desc').execute();
  return rows.map(toResponse);
}

export async function hasAnonymousSubmission(db: Executor, surveyId: number, memberId: string): Promise<boolean> {
  const row = await db.selectFrom('survey_submitters').select('member_id').where('survey_id', '=', surveyId).where('member_id', '=', memberId).executeTakeFirst();
  return row !== undefined;
}

/** How a member who answered and then opted out appears in survey_answered_marks: an HMAC of their id under the survey's key. */
export function answeredMark(key: Buffer, memberId: string): string {
  return createHmac('sha256', key).update(memberId).digest('base64url');
}

/**
 * Whether the member answered this one-response survey and then opted out of Pulse: their
 * answer (or the note that they answered) went, and a mark of them stays while it is open.
 */
export async function hasAnsweredMark(db: Executor, surveyId: number, memberId: string): Promise<boolean> {
  const survey = await db.selectFrom('surveys').select('mark_key').where('id', '=', surveyId).executeTakeFirst();
  if (!survey?.mark_key) return false;
  const row = await db.selectFrom('survey_answered_marks').select('mark').where('survey_id', '=', surveyId).where('mark', '=', answeredMark(survey.mark_key, memberId)).executeTakeFirst();
  return row !== undefined;
}

/**
 * Starts a draft for a member (a new response, or an edit of their submitted one), or hands back
 * the one already in progress: a member has at most one response in progress per survey (a
 * unique index), so "Take the survey" clicked twice at once, or delivered twice, makes one draft.
 */
export async function startDraft(db: Executor, surveyId: number, memberId: string, now: number, from?: ResponseRow): Promise<ResponseRow> {
  if (from) {
    const edited = await db
      .updateTable('survey_responses')
      .set({ draft: JSON.stringify(from.answers), page: 0, updated_at: now })
      .where('id', '=', from.id)
      .where('draft', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (edited) return toResponse(edited);
  } else {
    const row = await db
      .insertInto('survey_responses')
      .values({ survey_id: surveyId, respondent: memberId, status: 'draft', answers: '{}', draft: '{}', page: 0, started_at: now, updated_at: now })
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst();
    if (row) return toResponse(row);
  }
  // Another click started it first: that draft is the member's response in progress.
  const current = (await memberResponses(db, surveyId, memberId)).find((r) => r.draft !== null);
  if (!current) throw new Error(`survey ${surveyId}: no draft in progress after starting one`);
  return current;
}

export async function saveDraft(db: Executor, responseId: number, draft: Answers, page: number, now: number): Promise<void> {
  await db.updateTable('survey_responses').set({ draft: JSON.stringify(draft), page, updated_at: now }).where('id', '=', responseId).execute();
}

/**
 * What became of a submit: stored; refused because the survey is no longer open (it closed
 * since the member's checks); `submitted` when the draft is gone (a second click or a
 * redelivered interaction already submitted it); `answered` when a one-response survey already
 * has this member's response (a draft begun before it was submitted); `marked` when the member
 * answered it, then opted out (see hasAnsweredMark).
 */
export type SubmitOutcome = 'stored' | 'closed' | 'submitted' | 'answered' | 'marked';

/**
 * Submits a draft, in one transaction that first checks again that the survey is open and the
 * draft still there (and, for one-response surveys, that the member has no other response), so
 * a close, a second click or a second draft committed since the caller's checks is refused.
 * A named response keeps its row (answers, roles, time). An anonymous one is replaced by a row
 * without member, roles or times, and only "this member has submitted" is kept apart from it
 * (for one-response surveys); the old row, and every earlier version of it the saved pages
 * left, is overwritten on disk (secure_delete, src/db/open.ts; the WAL is emptied after).
 */
export async function submitResponse(
  db: Executor,
  input: { responseId: number; surveyId: number; anonymous: boolean; once: boolean; memberId: string; answers: Answers; roles: string[]; now: number },
): Promise<SubmitOutcome> {
  const outcome = await inTransaction(db, async (trx): Promise<SubmitOutcome> => {
    const open = await trx
      .selectFrom('surveys')
      .select('id')
      .where('id', '=', input.surveyId)
      .where('status', '=', 'open')
      .where((eb) => eb.or([eb('closes_at', 'is', null), eb('closes_at', '>', input.now)]))
      .executeTakeFirst();
    if (!open) return 'closed';
    // Answered, then opted out (the answer went, a mark stayed): a draft begun since goes.
    if (input.once && (await hasAnsweredMark(trx, input.surveyId, input.memberId))) {
      await trx.deleteFrom('survey_responses').where('id', '=', input.responseId).where('respondent', '=', input.memberId).where('status', '=', 'draft').execute();
      return 'marked';
    }
    if (!input.anonymous) {
      if (input.once) {
        const other = await trx
          .selectFrom('survey_responses')
          .select('id')
          .where('survey_id', '=', input.surveyId)
          .where('respondent', '=', input.memberId)
          .where('status', '=', 'submitted')
          .where('id', '!=', input.responseId)
          .executeTakeFirst();
        if (other) {
          // A second draft of a one-response survey can never be sent: it goes.
          await trx.deleteFrom('survey_responses').where('id', '=', input.responseId).where('status', '=', 'draft').execute();
          return 'answered';
        }
      }
      const r = await trx
        .updateTable('survey_responses')
        .set({ status: 'submitted', answers: JSON.stringify(input.answers), draft: null, roles: JSON.stringify(input.roles), submitted_at: input.now, updated_at: input.now })
        .where('id', '=', input.responseId)
        .where('survey_id', '=', input.surveyId)
        .where('respondent', '=', input.memberId)
        .where('draft', 'is not', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1 ? 'stored' : 'submitted';
    }
    // Only the call that deletes the draft stores its answers: a second one finds it gone.
    const gone = await trx
      .deleteFrom('survey_responses')
      .where('id', '=', input.responseId)
      .where('survey_id', '=', input.surveyId)
      .where('respondent', '=', input.memberId)
      .where('status', '=', 'draft')
      .executeTakeFirst();
    if (Number(gone.numDeletedRows) !== 1) return 'submitted';
    if (input.once) {
      const claimed = await trx.insertInto('survey_submitters').values({ survey_id: input.surveyId, member_id: input.memberId }).onConflict((oc) => oc.doNothing()).executeTakeFirst();
      // Already answered (a draft begun before that answer was submitted): the draft stays deleted.
      if (Number(claimed.numInsertedOrUpdatedRows ?? 0n) !== 1) return 'answered';
    }
    await trx.insertInto('survey_responses').values({ survey_id: input.surveyId, respondent: null, status: 'submitted', answers: JSON.stringify(input.answers), draft: null, page: 0 }).execute();
    return 'stored';
  });
  // Older page images of the draft (member id next to answers) also leave the WAL.
  if (input.anonymous && outcome !== 'closed') await emptyWal(db);
  return outcome;
}

/** Throws away a member's unsubmitted work on a response (a fresh draft row goes entirely). */
export async function discardDraft(db: Executor, responseId: number): Promise<void> {
  await db.deleteFrom('survey_responses').where('id', '=', responseId).where('status', '=', 'draft').execute();
  await db.updateTable('survey_responses').set({ draft: null, page: 0 }).where('id', '=', responseId).execute();
}

export async function submittedCount(db: Executor, surveyId: number): Promise<number> {
  const row = await db.selectFrom('survey_responses').select((eb) => eb.fn.countAll<number>().as('n')).where('survey_id', '=', surveyId).where('status', '=', 'submitted').executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Submitted responses in a stable order (by row: for an anonymous survey, submit order while it is open, answer order once closed; the export sorts those by their answers). */
export async function submittedResponses(db: Executor, surveyId: number): Promise<ResponseRow[]> {
  const rows = await db.selectFrom('survey_responses').selectAll().where('survey_id', '=', surveyId).where('status', '=', 'submitted').orderBy('id').execute();
  return rows.map(toResponse);
}

/**
 * Unsubmitted drafts with saved answers (a page saved, not just "Take the survey" clicked) whose
 * member was not reminded yet: `idle`, those left alone since `idleBefore`; `waiting`, how many
 * others saved more recently (still answering, most likely). An edit of a submitted response is
 * not a draft to remind of: its submitted answers count already.
 */
export async function draftsToRemind(db: Executor, surveyId: number, idleBefore: number): Promise<{ idle: Array<{ id: number; memberId: string }>; waiting: number }> {
  const rows = await db
    .selectFrom('survey_responses')
    .select(['id', 'respondent', 'updated_at'])
    .where('survey_id', '=', surveyId)
    .where('status', '=', 'draft')
    .where('respondent', 'is not', null)
    .where('reminded_at', 'is', null)
    .where((eb) => eb.or([eb('draft', '!=', '{}'), eb('page', '>', 0)]))
    .orderBy('id')
    .execute();
  const idle = rows.filter((r) => (r.updated_at ?? 0) <= idleBefore);
  return { idle: idle.map((r) => ({ id: r.id, memberId: r.respondent! })), waiting: rows.length - idle.length };
}

/** Claims a draft's one reminder; false if it was claimed already. */
export async function markReminded(db: Executor, responseId: number, now: number): Promise<boolean> {
  const r = await db.updateTable('survey_responses').set({ reminded_at: now }).where('id', '=', responseId).where('reminded_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

// ------------------------------------------------------------------ recurring schedules

export interface SurveySchedule {
  id: number;
  guildId: string;
  sourceSurveyId: number;
  definition: Definition;
  timing: Timing;
  channelId: string;
  roleId: string | null;
  openForMs: number;
  createdBy: string;
  activeSince: number;
  /** The server's time zone when activeSince was set: a change of zone starts the schedule again. */
  zone: string | null;
}

function toSchedule(row: Selectable<SurveyScheduleTable>): SurveySchedule {
  return {
    id: row.id,
    guildId: row.guild_id,
    sourceSurveyId: row.source_survey_id,
    definition: JSON.parse(row.definition) as Definition,
    timing: JSON.parse(row.timing) as Timing,
    channelId: row.channel_id,
    roleId: row.role_id,
    openForMs: row.open_for_ms,
    createdBy: row.created_by,
    activeSince: row.active_since,
    zone: row.zone,
  };
}

/** Creates a schedule; it remembers the server's time zone, in which its runs fall due. */
export async function createSchedule(db: Executor, input: Omit<SurveySchedule, 'id' | 'zone'> & { now: number }): Promise<SurveySchedule> {
  const { timezone } = await getSettings(db, input.guildId);
  const row = await db
    .insertInto('survey_schedules')
    .values({
      guild_id: input.guildId,
      source_survey_id: input.sourceSurveyId,
      definition: JSON.stringify(input.definition),
      timing: JSON.stringify(input.timing),
      channel_id: input.channelId,
      role_id: input.roleId,
      open_for_ms: input.openForMs,
      created_by: input.createdBy,
      created_at: input.now,
      active_since: input.activeSince,
      zone: timezone,
      active: 1,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toSchedule(row);
}

export async function activeSchedules(db: Executor, guildId?: string): Promise<SurveySchedule[]> {
  let q = db.selectFrom('survey_schedules').selectAll().where('active', '=', 1);
  if (guildId) q = q.where('guild_id', '=', guildId);
  return (await q.orderBy('id').execute()).map(toSchedule);
}

/**
 * The server's time zone changed (from the schedule's `zone` to `zone`): the schedule starts
 * again in the new zone from `since`, so no run the new zone puts before it is opened. Written
 * only while the schedule still has the old zone (a tick running at the same time changes
 * nothing more). Returns the schedule as it now is, if it still runs.
 */
export async function restartInZone(db: Executor, schedule: SurveySchedule, zone: string, since: number): Promise<SurveySchedule | undefined> {
  await restartScheduleInZone(db, 'survey_schedules', schedule.id, schedule.zone, zone, since);
  return activeSchedule(db, schedule.id);
}

/** Whether a run of the schedule is open (a new run waits until it closed). */
export async function hasOpenRun(db: Executor, scheduleId: number): Promise<boolean> {
  const row = await db.selectFrom('surveys').select('id').where('schedule_id', '=', scheduleId).where('status', '=', 'open').executeTakeFirst();
  return row !== undefined;
}

/** When the schedule's latest run fell due (its key), or null before its first run. */
export async function latestRunKey(db: Executor, scheduleId: number): Promise<number | null> {
  const row = await db.selectFrom('surveys').select('run_key').where('schedule_id', '=', scheduleId).where('run_key', 'is not', null).orderBy('run_key', 'desc').executeTakeFirst();
  const at = row?.run_key ? Date.parse(row.run_key) : NaN;
  return Number.isFinite(at) ? at : null;
}

/** A schedule, if it still runs. */
export async function activeSchedule(db: Executor, id: number): Promise<SurveySchedule | undefined> {
  const row = await db.selectFrom('survey_schedules').selectAll().where('id', '=', id).where('active', '=', 1).executeTakeFirst();
  return row ? toSchedule(row) : undefined;
}

/** Stops the schedules made from a survey, paused ones included (staff have seen why); returns how many. */
export async function stopSchedules(db: Executor, guildId: string, sourceSurveyId: number): Promise<number> {
  const r = await db
    .updateTable('survey_schedules')
    .set({ active: 0, paused_reason: null })
    .where('guild_id', '=', guildId)
    .where('source_survey_id', '=', sourceSurveyId)
    .where((eb) => eb.or([eb('active', '=', 1), eb('paused_reason', 'is not', null)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Why the bot paused a schedule, with the survey it copies; null when it is not paused. */
export async function schedulePause(db: Executor, scheduleId: number): Promise<{ sourceSurveyId: number; reason: string } | null> {
  const row = await db.selectFrom('survey_schedules').select(['source_survey_id', 'paused_reason']).where('id', '=', scheduleId).where('active', '=', 0).executeTakeFirst();
  return row?.paused_reason ? { sourceSurveyId: row.source_survey_id, reason: row.paused_reason } : null;
}

/** A server's paused schedules: the reason by the survey each copies (for /survey list). */
export async function pausedSchedules(db: Executor, guildId: string): Promise<Map<number, string>> {
  const rows = await db
    .selectFrom('survey_schedules')
    .select(['source_survey_id', 'paused_reason'])
    .where('guild_id', '=', guildId)
    .where('active', '=', 0)
    .where('paused_reason', 'is not', null)
    .orderBy('id')
    .execute();
  return new Map(rows.map((r) => [r.source_survey_id, r.paused_reason!]));
}

/** The run of the same schedule just before this one, for the digest's change. */
export async function previousRun(db: Executor, survey: Pick<Survey, 'id' | 'scheduleId'>): Promise<Survey | undefined> {
  if (survey.scheduleId === null) return undefined;
  // A run whose card could not be posted went back to a draft: nobody answered it, so it is no comparison.
  const row = await db
    .selectFrom('surveys')
    .selectAll()
    .where('schedule_id', '=', survey.scheduleId)
    .where('id', '<', survey.id)
    .where('status', '!=', 'draft')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row ? toSurvey(row) : undefined;
}

/** Surveys open at some time in [from, to): opened before `to` and not closed before `from`. */
export async function surveysActiveIn(db: Executor, guildId: string, from: number, to: number): Promise<Survey[]> {
  const rows = await db
    .selectFrom('surveys')
    .selectAll()
    .where('guild_id', '=', guildId)
    .where('opened_at', 'is not', null)
    .where('opened_at', '<', to)
    .where((eb) => eb.or([eb('closed_at', 'is', null), eb('closed_at', '>=', from)]))
    .orderBy('id')
    .limit(200)
    .execute();
  return rows.map(toSurvey);
}

/** Records the response count a card's last landed edit showed. */
export async function setShownCount(db: Executor, id: number, count: number): Promise<void> {
  await db.updateTable('surveys').set({ shown_count: count }).where('id', '=', id).execute();
}

/**
 * Cards to edit on start: open surveys whose card shows fewer (or more) responses than are stored
 * (a crash cut their edit), and closed surveys whose card may still show them open (the closing
 * edit failed or a crash cut it), with fewer than `maxClosedAttempts` failed closing edits and
 * due for a try at `now`.
 */
export async function staleCardIds(db: Executor, now: number, maxClosedAttempts: number): Promise<number[]> {
  const closed = await unshownClosedIds(db, now, maxClosedAttempts);
  const rows = await db
    .selectFrom('surveys as s')
    .select((eb) => [
      's.id',
      's.shown_count',
      eb.selectFrom('survey_responses as r').select((e) => e.fn.countAll<number>().as('n')).whereRef('r.survey_id', '=', 's.id').where('r.status', '=', 'submitted').as('n'),
    ])
    .where('s.status', '=', 'open')
    .where('s.message_id', 'is not', null)
    .orderBy('s.id')
    .execute();
  const open = rows.filter((r) => r.shown_count === null || r.shown_count !== Number(r.n)).map((r) => r.id);
  return [...open, ...closed].sort((a, b) => a - b);
}

/** Open surveys whose posted card was marked as showing no known count (an opt-out deleted responses): due for an edit. */
export async function unshownOpenIds(db: Executor): Promise<number[]> {
  const rows = await db.selectFrom('surveys').select('id').where('status', '=', 'open').where('message_id', 'is not', null).where('shown_count', 'is', null).orderBy('id').execute();
  return rows.map((r) => r.id);
}

/** Closed surveys whose card may still show them open, due for a closing edit at `now`. */
export async function unshownClosedIds(db: Executor, now: number, maxAttempts: number): Promise<number[]> {
  const rows = await db
    .selectFrom('surveys')
    .select('id')
    .where('status', '=', 'closed')
    .where('message_id', 'is not', null)
    .where('closed_shown_at', 'is', null)
    .where('closed_edit_attempts', '<', maxAttempts)
    .where((eb) => eb.or([eb('closed_retry_at', 'is', null), eb('closed_retry_at', '<=', now)]))
    .orderBy('id')
    .limit(100)
    .execute();
  return rows.map((r) => r.id);
}
