// The answer rows of anonymous surveys closed before 0030, renumbered in the order of their
// answers as closing one now does (src/surveys/store.ts renumberAnonymous): each row's number had
// been the next free one when it was submitted, which placed it in time among rows that carry
// times. The old rows are overwritten on disk (secure_delete is on for every writing connection).
// Down: nothing to undo (the old numbers are not kept anywhere, on purpose).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const closed = await sql<{ id: number }>`SELECT id FROM surveys WHERE anonymous = 1 AND status = 'closed' ORDER BY id`.execute(db);
  for (const { id } of closed.rows) {
    const last = await sql<{ id: number | null }>`SELECT max(id) AS id FROM survey_responses`.execute(db);
    await sql`INSERT INTO survey_responses (survey_id, respondent, status, answers, draft, page)
      SELECT survey_id, NULL, status, answers, NULL, 0 FROM survey_responses
      WHERE survey_id = ${id} AND status = 'submitted' ORDER BY answers`.execute(db);
    await sql`DELETE FROM survey_responses WHERE survey_id = ${id} AND status = 'submitted' AND id <= ${last.rows[0]?.id ?? 0}`.execute(db);
  }
}

export async function down(): Promise<void> {}
