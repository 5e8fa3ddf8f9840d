// One response in progress per member and survey: "Take the survey" clicked twice at once (or
// delivered twice by Discord) made two drafts, so a member could answer a one-response survey
// twice. A response is in progress while its `draft` is set (a fresh draft row, or a submitted
// named response being edited); submitted anonymous rows have no respondent and no draft.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Duplicates left by that race: the most recently saved one is kept. An extra edit of a
  // submitted response only stops being edited (its submitted answers stay); an extra fresh draft goes.
  const extra = sql`
    SELECT id FROM (
      SELECT id, row_number() OVER (PARTITION BY survey_id, respondent ORDER BY coalesce(updated_at, 0) DESC, id DESC) AS n
      FROM survey_responses WHERE draft IS NOT NULL AND respondent IS NOT NULL
    ) WHERE n > 1`;
  await sql`UPDATE survey_responses SET draft = NULL, page = 0 WHERE status = 'submitted' AND id IN (${extra})`.execute(db);
  await sql`DELETE FROM survey_responses WHERE status = 'draft' AND id IN (${extra})`.execute(db);
  await sql`CREATE UNIQUE INDEX survey_responses_in_progress ON survey_responses (survey_id, respondent) WHERE draft IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS survey_responses_in_progress`.execute(db);
}
