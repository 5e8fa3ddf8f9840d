// The surveys slice's privacy entries (see src/privacy/registry.ts): a member's drafts, their
// non-anonymous responses and the "has answered" marks of anonymous surveys go; a submitted
// anonymous response holds no member id at all and stays; surveys and schedules someone made stay.
// A one-response survey still open that the member answered keeps, until it closes, a keyed hash
// of their id in place of what went, so that the opt-out does not let them answer it again.
import { randomBytes } from 'node:crypto';
import { countWith, iso, type PrivacyEntry, type Raw, scanWith } from '../privacy/registry.js';
import { answeredMark } from './store.js';

/**
 * Leaves the mark of a member who answered `surveyId` (see survey_answered_marks), if it is open
 * and takes one response per member: made in the opt-out step that deletes what said they
 * answered, in its transaction, under the survey's key (made now if it has none yet).
 */
function marker(write: Raw): (surveyId: number, userId: string) => void {
  const once = write.prepare(`SELECT status = 'open' AND coalesce(json_extract(definition, '$.responses'), 'one') = 'one' FROM surveys WHERE id = ?`).pluck();
  const newKey = write.prepare(`UPDATE surveys SET mark_key = ? WHERE id = ? AND mark_key IS NULL`);
  const keyOf = write.prepare(`SELECT mark_key FROM surveys WHERE id = ?`).pluck();
  const insert = write.prepare(`INSERT INTO survey_answered_marks (survey_id, mark) VALUES (?, ?) ON CONFLICT DO NOTHING`);
  return (surveyId, userId) => {
    if (once.get(surveyId) !== 1) return;
    newKey.run(randomBytes(32), surveyId);
    insert.run(surveyId, answeredMark(keyOf.get(surveyId) as Buffer, userId));
  };
}

const responses: PrivacyEntry = {
  name: 'survey_responses',
  table: 'survey_responses',
  columns: ['respondent'],
  label: 'privacy.entry.surveyResponses',
  fate: 'deleted',
  why: 'drafts and non-anonymous responses name the member; submitted anonymous responses hold no id and are not touched; a submitted response to an open one-response survey leaves a mark (survey_answered_marks) until it closes',
  count: countWith(`SELECT count(*) FROM survey_responses r JOIN surveys s ON s.id = r.survey_id WHERE s.guild_id = ? AND r.respondent = ?`),
  *exportRows(read, guildId, userId) {
    const s = read.prepare(
      `SELECT r.survey_id, s.title, r.status, r.answers, r.draft, r.page, r.roles, r.started_at, r.updated_at, r.submitted_at, r.reminded_at
       FROM survey_responses r JOIN surveys s ON s.id = r.survey_id WHERE s.guild_id = ? AND r.respondent = ? ORDER BY r.id`,
    );
    type Row = { survey_id: number; title: string; status: string; answers: string; draft: string | null; page: number; roles: string | null; started_at: number | null; updated_at: number | null; submitted_at: number | null; reminded_at: number | null };
    for (const r of s.iterate(guildId, userId) as Iterable<Row>) {
      yield {
        survey_id: r.survey_id,
        survey: r.title,
        status: r.status,
        answers: JSON.parse(r.answers) as unknown,
        draft: r.draft === null ? null : (JSON.parse(r.draft) as unknown),
        // The page a draft continues from.
        page: r.page,
        // The member's role ids when they submitted (for the per-role breakdown of a named survey).
        roles: r.roles === null ? null : (JSON.parse(r.roles) as unknown),
        started_at: iso(r.started_at),
        updated_at: iso(r.updated_at),
        submitted_at: iso(r.submitted_at),
        // When Pulse sent (or tried) the one reminder DM about a draft.
        reminded_at: iso(r.reminded_at),
      };
    }
  },
  scan: scanWith(`SELECT r.id FROM survey_responses r JOIN surveys s ON s.id = r.survey_id WHERE s.guild_id = ? AND r.respondent = ?`),
  // A submitted response that goes changes its survey's count: its card is marked (no count
  // shown) so the surveys tick edits it, as a submit does, rather than it showing the old count.
  apply(write, _guildId, userId, keys) {
    const submittedTo = write.prepare(`SELECT survey_id FROM survey_responses WHERE id = ? AND respondent = ? AND status = 'submitted'`).pluck();
    const remove = write.prepare(`DELETE FROM survey_responses WHERE id = ? AND respondent = ?`);
    const stale = write.prepare(`UPDATE surveys SET shown_count = NULL WHERE id = ?`);
    const leaveMark = marker(write);
    for (const [key] of keys) {
      const surveyId = submittedTo.get(key, userId) as number | undefined;
      if (remove.run(key, userId).changes > 0 && surveyId !== undefined) {
        stale.run(surveyId);
        leaveMark(surveyId, userId);
      }
    }
  },
};

const submitters: PrivacyEntry = {
  name: 'survey_submitters',
  table: 'survey_submitters',
  columns: ['member_id'],
  label: 'privacy.entry.surveySubmitters',
  fate: 'deleted',
  why: 'only that the member answered an anonymous survey, never which answers; while the survey is open a mark that is not the member\'s id takes its place (survey_answered_marks), so they cannot answer it again',
  count: countWith(`SELECT count(*) FROM survey_submitters m JOIN surveys s ON s.id = m.survey_id WHERE s.guild_id = ? AND m.member_id = ?`),
  *exportRows(read, guildId, userId) {
    const s = read.prepare(`SELECT m.survey_id, s.title FROM survey_submitters m JOIN surveys s ON s.id = m.survey_id WHERE s.guild_id = ? AND m.member_id = ? ORDER BY m.survey_id`);
    for (const r of s.iterate(guildId, userId) as Iterable<{ survey_id: number; title: string }>) yield { survey_id: r.survey_id, survey: r.title };
  },
  scan: scanWith(`SELECT m.survey_id FROM survey_submitters m JOIN surveys s ON s.id = m.survey_id WHERE s.guild_id = ? AND m.member_id = ?`),
  apply(write, _guildId, userId, keys) {
    const remove = write.prepare(`DELETE FROM survey_submitters WHERE survey_id = ? AND member_id = ?`);
    const leaveMark = marker(write);
    for (const [surveyId] of keys) if (remove.run(surveyId, userId).changes > 0) leaveMark(Number(surveyId), userId);
  },
};

/** The open surveys that keep a mark of the member (computed from their id under each survey's key). */
function* markedSurveys(read: Raw, guildId: string, userId: string): Iterable<{ survey_id: number; title: string }> {
  const keyed = read.prepare(`SELECT id, title, mark_key FROM surveys WHERE guild_id = ? AND mark_key IS NOT NULL ORDER BY id`).raw().all(guildId) as Array<[number, string, Buffer]>;
  const has = read.prepare(`SELECT 1 FROM survey_answered_marks WHERE survey_id = ? AND mark = ?`).pluck();
  for (const [id, title, key] of keyed) if (has.get(id, answeredMark(key, userId)) !== undefined) yield { survey_id: id, title };
}

const marks: PrivacyEntry = {
  name: 'survey_answered_marks',
  table: 'survey_answered_marks',
  columns: ['mark'],
  label: 'privacy.entry.surveyMarks',
  fate: 'kept',
  why: 'left by an opt-out in place of an answer to a one-response survey still open: not the member\'s id but an HMAC of it under a random key of that survey\'s, so that they cannot answer it a second time; the marks and the key are deleted when the survey closes',
  count: (read, guildId, userId) => [...markedSurveys(read, guildId, userId)].length,
  *exportRows(read, guildId, userId) {
    for (const m of markedSurveys(read, guildId, userId)) yield { survey_id: m.survey_id, survey: m.title };
  },
};

const surveys: PrivacyEntry = {
  name: 'surveys',
  table: 'surveys',
  columns: ['author_id', 'closed_by'],
  label: 'privacy.entry.surveys',
  fate: 'kept',
  why: "a survey is the server's record and other members' answers belong to it; staff can delete it",
  count: countWith(`SELECT count(*) FROM surveys WHERE guild_id = @guild AND (author_id = @user OR closed_by = @user)`),
  *exportRows(read, guildId, userId) {
    const s = read.prepare(`SELECT id, title, status, created_at, closed_at, author_id = @user AS made FROM surveys WHERE guild_id = @guild AND (author_id = @user OR closed_by = @user) ORDER BY id`);
    for (const r of s.iterate({ guild: guildId, user: userId }) as Iterable<{ id: number; title: string; status: string; created_at: number; closed_at: number | null; made: number }>) {
      yield { survey_id: r.id, title: r.title, status: r.status, created_at: iso(r.created_at), closed_at: iso(r.closed_at), you: r.made ? 'created' : 'closed' };
    }
  },
};

const schedules: PrivacyEntry = {
  name: 'survey_schedules',
  table: 'survey_schedules',
  columns: ['created_by'],
  label: 'privacy.entry.surveySchedules',
  fate: 'kept',
  why: 'a staff action on the server: the schedule keeps running for everyone until staff stop it',
  count: countWith(`SELECT count(*) FROM survey_schedules WHERE guild_id = ? AND created_by = ?`),
  *exportRows(read, guildId, userId) {
    const s = read.prepare(`SELECT id, created_at, active FROM survey_schedules WHERE guild_id = ? AND created_by = ? ORDER BY id`);
    for (const r of s.iterate(guildId, userId) as Iterable<{ id: number; created_at: number; active: number }>) yield { schedule_id: r.id, created_at: iso(r.created_at), active: r.active === 1 };
  },
};

export const surveysPrivacy: readonly PrivacyEntry[] = [responses, submitters, marks, surveys, schedules];
