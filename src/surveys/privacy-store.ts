// The surveys slice's privacy entries (see src/privacy/registry.ts): a member's drafts, their
// non-anonymous responses and the "has answered" marks of anonymous surveys go; a submitted
// anonymous response holds no member id at all and stays; surveys and schedules someone made stay.
import { countWith, eachKey, iso, type PrivacyEntry, scanWith } from '../privacy/registry.js';

const responses: PrivacyEntry = {
  name: 'survey_responses',
  table: 'survey_responses',
  columns: ['respondent'],
  label: 'privacy.entry.surveyResponses',
  fate: 'deleted',
  why: 'drafts and non-anonymous responses name the member; submitted anonymous responses hold no id and are not touched',
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
    const mark = write.prepare(`UPDATE surveys SET shown_count = NULL WHERE id = ?`);
    for (const [key] of keys) {
      const surveyId = submittedTo.get(key, userId) as number | undefined;
      if (remove.run(key, userId).changes > 0 && surveyId !== undefined) mark.run(surveyId);
    }
  },
};

const submitters: PrivacyEntry = {
  name: 'survey_submitters',
  table: 'survey_submitters',
  columns: ['member_id'],
  label: 'privacy.entry.surveySubmitters',
  fate: 'deleted',
  why: 'only that the member answered an anonymous survey, never which answers; without it the member may answer that survey again',
  count: countWith(`SELECT count(*) FROM survey_submitters m JOIN surveys s ON s.id = m.survey_id WHERE s.guild_id = ? AND m.member_id = ?`),
  *exportRows(read, guildId, userId) {
    const s = read.prepare(`SELECT m.survey_id, s.title FROM survey_submitters m JOIN surveys s ON s.id = m.survey_id WHERE s.guild_id = ? AND m.member_id = ? ORDER BY m.survey_id`);
    for (const r of s.iterate(guildId, userId) as Iterable<{ survey_id: number; title: string }>) yield { survey_id: r.survey_id, survey: r.title };
  },
  scan: scanWith(`SELECT m.survey_id FROM survey_submitters m JOIN surveys s ON s.id = m.survey_id WHERE s.guild_id = ? AND m.member_id = ?`),
  apply: eachKey(`DELETE FROM survey_submitters WHERE survey_id = ? AND member_id = ?`),
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

export const surveysPrivacy: readonly PrivacyEntry[] = [responses, submitters, surveys, schedules];
