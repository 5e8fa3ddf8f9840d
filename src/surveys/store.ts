// Surveys' queries: surveys, draft and submitted responses, anonymous submitters, recurring schedules.
import { sql, type Selectable } from 'kysely';
import type { Executor } from '../db/schema.js';
import type { SurveyResponseTable, SurveyScheduleTable, SurveyTable } from '../db/tables/surveys.js';
import type { Timing } from '../digests/schedule.js';
import type { Answers, Definition } from './survey.js';

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
  if (search) q = q.where((eb) => eb.or([sql<boolean>`instr(lower(title), lower(${search})) > 0`, eb(eb.cast('id', 'text'), '=', search)]));
  const rows = await q.orderBy('id', 'desc').limit(options.limit).execute();
  return rows.map(toSurvey);
}

/** How many surveys a server has (the list shows the latest few and says how many more). */
export async function countSurveys(db: Executor, guildId: string): Promise<number> {
  const row = await db.selectFrom('surveys').select((eb) => eb.fn.countAll<number>().as('n')).where('guild_id', '=', guildId).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Opens a draft survey (once). */
export async function openSurvey(db: Executor, id: number, input: { channelId: string; roleId: string | null; closesAt: number | null; now: number }): Promise<boolean> {
  const r = await db
    .updateTable('surveys')
    .set({ status: 'open', channel_id: input.channelId, role_id: input.roleId, closes_at: input.closesAt, opened_at: input.now })
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
  await db.updateTable('surveys').set({ message_id: messageId }).where('id', '=', id).execute();
}

/** Closes an open survey exactly once; in-progress drafts are deleted (they never count). */
export async function closeSurvey(db: Executor, id: number, now: number, closedBy: string | null, eligible: number | null): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const r = await trx
      .updateTable('surveys')
      .set({ status: 'closed', closed_at: now, closed_by: closedBy, eligible })
      .where('id', '=', id)
      .where('status', '=', 'open')
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) return false;
    await trx.deleteFrom('survey_responses').where('survey_id', '=', id).where('status', '=', 'draft').execute();
    await trx.updateTable('survey_responses').set({ draft: null }).where('survey_id', '=', id).execute();
    return true;
  });
}

/**
 * Deletes a survey with its responses. A recurring run is claimed by its row (schedule, run key),
 * so before the row goes its schedule is told to make no run due at or before that one: without
 * it the next tick would open the deleted run again under a new number.
 */
export async function deleteSurvey(db: Executor, id: number): Promise<void> {
  await inTransaction(db, async (trx) => {
    const run = await trx.selectFrom('surveys').select(['schedule_id', 'run_key']).where('id', '=', id).executeTakeFirst();
    const dueAt = run?.run_key ? Date.parse(run.run_key) : NaN;
    if (run?.schedule_id != null && Number.isFinite(dueAt)) {
      await trx.updateTable('survey_schedules').set({ active_since: sql<number>`max(active_since, ${dueAt + 1})` }).where('id', '=', run.schedule_id).execute();
    }
    await sql`pragma secure_delete = on`.execute(trx);
    try {
      await trx.deleteFrom('survey_responses').where('survey_id', '=', id).execute();
      await trx.deleteFrom('survey_submitters').where('survey_id', '=', id).execute();
      await trx.deleteFrom('surveys').where('id', '=', id).execute();
    } finally {
      await sql`pragma secure_delete = off`.execute(trx);
    }
  });
}

export async function dueSurveyIds(db: Executor, now: number): Promise<number[]> {
  const rows = await db.selectFrom('surveys').select('id').where('status', '=', 'open').where('closes_at', '<=', now).orderBy('closes_at').execute();
  return rows.map((r) => r.id);
}

/** Open surveys whose card was never posted (the bot stopped in between). */
export async function unpostedSurveys(db: Executor): Promise<Survey[]> {
  const rows = await db.selectFrom('surveys').selectAll().where('status', '=', 'open').where('message_id', 'is', null).orderBy('id').limit(100).execute();
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
    answers: JSON.parse(row.answers) as Answers,
    draft: row.draft === null ? null : (JSON.parse(row.draft) as Answers),
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

/** Starts a draft for a member (a new response, or an edit of their submitted one). */
export async function startDraft(db: Executor, surveyId: number, memberId: string, now: number, from?: ResponseRow): Promise<ResponseRow> {
  if (from) {
    await db.updateTable('survey_responses').set({ draft: JSON.stringify(from.answers), page: 0, updated_at: now }).where('id', '=', from.id).execute();
    return { ...from, draft: from.answers, page: 0 };
  }
  const row = await db
    .insertInto('survey_responses')
    .values({ survey_id: surveyId, respondent: memberId, status: 'draft', answers: '{}', draft: '{}', page: 0, started_at: now, updated_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toResponse(row);
}

export async function saveDraft(db: Executor, responseId: number, draft: Answers, page: number, now: number): Promise<void> {
  await db.updateTable('survey_responses').set({ draft: JSON.stringify(draft), page, updated_at: now }).where('id', '=', responseId).execute();
}

/**
 * Submits a draft. A named response keeps its row (answers, roles, time). An anonymous one is
 * replaced by a row without member, roles or times, and only "this member has submitted" is
 * kept apart from it (for one-response surveys); the old row is overwritten on disk.
 */
export async function submitResponse(db: Executor, input: { responseId: number; surveyId: number; anonymous: boolean; once: boolean; memberId: string; answers: Answers; roles: string[]; now: number }): Promise<void> {
  await inTransaction(db, async (trx) => {
    if (!input.anonymous) {
      await trx
        .updateTable('survey_responses')
        .set({ status: 'submitted', answers: JSON.stringify(input.answers), draft: null, roles: JSON.stringify(input.roles), submitted_at: input.now, updated_at: input.now })
        .where('id', '=', input.responseId)
        .execute();
      return;
    }
    await sql`pragma secure_delete = on`.execute(trx);
    try {
      await trx.deleteFrom('survey_responses').where('id', '=', input.responseId).execute();
      await trx.insertInto('survey_responses').values({ survey_id: input.surveyId, respondent: null, status: 'submitted', answers: JSON.stringify(input.answers), draft: null, page: 0 }).execute();
      if (input.once) await trx.insertInto('survey_submitters').values({ survey_id: input.surveyId, member_id: input.memberId }).onConflict((oc) => oc.doNothing()).execute();
    } finally {
      await sql`pragma secure_delete = off`.execute(trx);
    }
  });
  // Older page images of the draft (member id next to answers) also leave the WAL. Best effort.
  if (input.anonymous && !db.isTransaction) await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db).catch(() => undefined);
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

/** Submitted responses in a stable order (by row, which for anonymous rows is submit order only). */
export async function submittedResponses(db: Executor, surveyId: number): Promise<ResponseRow[]> {
  const rows = await db.selectFrom('survey_responses').selectAll().where('survey_id', '=', surveyId).where('status', '=', 'submitted').orderBy('id').execute();
  return rows.map(toResponse);
}

/** Drafts of open surveys whose member was not reminded yet and has been idle since `idleBefore`. */
export async function draftsToRemind(db: Executor, surveyId: number, idleBefore: number): Promise<Array<{ id: number; memberId: string }>> {
  const rows = await db
    .selectFrom('survey_responses')
    .select(['id', 'respondent'])
    .where('survey_id', '=', surveyId)
    .where('draft', 'is not', null)
    .where('respondent', 'is not', null)
    .where('reminded_at', 'is', null)
    .where('updated_at', '<=', idleBefore)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ id: r.id, memberId: r.respondent! }));
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
  };
}

export async function createSchedule(db: Executor, input: Omit<SurveySchedule, 'id'> & { now: number }): Promise<SurveySchedule> {
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

/** A schedule, if it still runs. */
export async function activeSchedule(db: Executor, id: number): Promise<SurveySchedule | undefined> {
  const row = await db.selectFrom('survey_schedules').selectAll().where('id', '=', id).where('active', '=', 1).executeTakeFirst();
  return row ? toSchedule(row) : undefined;
}

/** Stops the schedules made from a survey; returns how many. */
export async function stopSchedules(db: Executor, guildId: string, sourceSurveyId: number): Promise<number> {
  const r = await db.updateTable('survey_schedules').set({ active: 0 }).where('guild_id', '=', guildId).where('source_survey_id', '=', sourceSurveyId).where('active', '=', 1).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** The run of the same schedule just before this one, for the digest's change. */
export async function previousRun(db: Executor, survey: Pick<Survey, 'id' | 'scheduleId'>): Promise<Survey | undefined> {
  if (survey.scheduleId === null) return undefined;
  const row = await db.selectFrom('surveys').selectAll().where('schedule_id', '=', survey.scheduleId).where('id', '<', survey.id).orderBy('id', 'desc').executeTakeFirst();
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

function inTransaction<T>(db: Executor, fn: (trx: Executor) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

/** Records the response count a card's last landed edit showed. */
export async function setShownCount(db: Executor, id: number, count: number): Promise<void> {
  await db.updateTable('surveys').set({ shown_count: count }).where('id', '=', id).execute();
}

/** Open surveys whose card shows fewer (or more) responses than are stored: a crash cut their edit. */
export async function staleCardIds(db: Executor): Promise<number[]> {
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
  return rows.filter((r) => r.shown_count === null || r.shown_count !== Number(r.n)).map((r) => r.id);
}
