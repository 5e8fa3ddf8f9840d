// Tables of the surveys slice: surveys, responses (drafts and submitted), who submitted, recurring schedules.
import type { Generated } from 'kysely';

export interface SurveyTable {
  id: Generated<number>;
  guild_id: string;
  author_id: string;
  title: string;
  /** The validated definition, JSON. */
  definition: string;
  /** 0 | 1, copied from the definition for queries. */
  anonymous: number;
  /** 'draft' (created, not started) | 'open' | 'closed' */
  status: string;
  channel_id: string | null;
  /** The card with the "Take the survey" button, once posted. */
  message_id: string | null;
  /** The response count the card last showed; null until an edit is known to have landed. */
  shown_count: Generated<number | null>;
  /** Only members with this role may answer. */
  role_id: string | null;
  created_at: number;
  opened_at: number | null;
  closes_at: number | null;
  closed_at: number | null;
  closed_by: string | null;
  /** Members who could answer, counted when the survey closed (the response rate's denominator). */
  eligible: number | null;
  /** The recurring schedule that opened it, and the run's key: unique together. */
  schedule_id: number | null;
  run_key: string | null;
  /** Card posts tried in the current opening, counted before each POST (a retry looks for a post that landed). */
  post_attempts: Generated<number>;
  /** When the next card post may be tried after a failure; null: at once. */
  post_retry_at: Generated<number | null>;
  /** Why the card's last post failed (server's language), shown to staff; null once posted. */
  post_error: Generated<string | null>;
  /** When the bot gave up posting the card and put the survey back to a draft. */
  post_failed_at: Generated<number | null>;
  /** When staff were told that it gave up (claimed before telling). */
  post_failure_told_at: Generated<number | null>;
  /** When the closed survey's card was seen to show it closed (or found gone); null until then. */
  closed_shown_at: Generated<number | null>;
  /** Closing edits of the card that did not land. */
  closed_edit_attempts: Generated<number>;
  /** When the next closing edit may be tried; null: at once. */
  closed_retry_at: Generated<number | null>;
  /** The HMAC key of survey_answered_marks, made at the first opt-out that needs it; deleted at close (migration 0031). */
  mark_key: Generated<Buffer | null>;
}

/**
 * One member's response. `respondent` is the member id while a response is a draft; after an
 * anonymous response is submitted the row is replaced by one with no respondent, no roles and
 * no times. A member has at most one response in progress (`draft` set) per survey: a unique
 * partial index (migration 0022).
 */
export interface SurveyResponseTable {
  id: Generated<number>;
  survey_id: number;
  respondent: string | null;
  /** 'draft' | 'submitted' */
  status: string;
  /** Submitted answers (JSON object by question id); '{}' for a draft. */
  answers: string;
  /** Answers being edited (JSON), saved page by page; null when nothing is in progress. */
  draft: string | null;
  /** The page to continue from (index into the definition's pages). */
  page: number;
  /** JSON array of the member's role ids at submit (non-anonymous only), for the per-role breakdown. */
  roles: string | null;
  started_at: number | null;
  updated_at: number | null;
  submitted_at: number | null;
  /** When the one-time reminder DM was sent (or tried). */
  reminded_at: number | null;
}

/** Anonymous "one response" surveys: who has submitted, with nothing linking to the answers. */
export interface SurveySubmitterTable {
  survey_id: number;
  member_id: string;
}

/**
 * One-response surveys still open: members who answered and then opted out of Pulse, each as an
 * HMAC of their id under the survey's `mark_key` (never the id), so that they cannot answer it
 * again. Deleted, with the key, when the survey closes.
 */
export interface SurveyAnsweredMarkTable {
  survey_id: number;
  mark: string;
}

export interface SurveyScheduleTable {
  id: Generated<number>;
  guild_id: string;
  /** The survey it copies each time. */
  source_survey_id: number;
  definition: string;
  /** JSON of the digests' Timing: daily / weekly / monthly at a local time. */
  timing: string;
  channel_id: string;
  role_id: string | null;
  /** How long each run stays open. */
  open_for_ms: number;
  created_by: string;
  created_at: number;
  /** Runs due before this instant are not made (a new schedule does not back-fill). */
  active_since: number;
  /** The server's time zone when active_since was set (see migration 0025); null: not recorded. */
  zone: string | null;
  /** 0 | 1 */
  active: number;
  /** Why the bot paused it (its channel is gone or closed to it); null unless paused. */
  paused_reason: Generated<string | null>;
  paused_at: Generated<number | null>;
}

export interface SurveysTables {
  surveys: SurveyTable;
  survey_responses: SurveyResponseTable;
  survey_submitters: SurveySubmitterTable;
  survey_answered_marks: SurveyAnsweredMarkTable;
  survey_schedules: SurveyScheduleTable;
}
