// Tables of the flags slice: flags, review cases, their events, and members blocked from flagging.
import type { Generated } from 'kysely';

/** One row per (message, member, source): counts are derived, replays never double count. */
export interface FlagTable {
  guild_id: string;
  channel_id: string;
  message_id: string;
  user_id: string;
  /** 'reaction' | 'command' */
  source: string;
  author_id: string | null;
  /** 'spam' | 'harassment' | 'off-topic' | 'other'; null for reactions. */
  reason: string | null;
  details: string | null;
  flagged_at: number;
  /** Set when the reaction was removed; a new reaction clears it. */
  withdrawn_at: number | null;
}

export interface FlagCaseTable {
  id: Generated<number>;
  guild_id: string;
  channel_id: string;
  message_id: string;
  author_id: string | null;
  /** At most a short excerpt, and only for messages that reached a case. */
  excerpt: string | null;
  /** 'open' | 'claimed' | 'closing' (a moderator's action is being carried out) | 'closed' */
  status: string;
  /** 'dismissed' | 'deleted' | 'timed_out' | 'warned' | 'resolved' once closed. */
  outcome: string | null;
  /** When the threshold was reached (or a staff member flagged). */
  opened_at: number;
  opened_by: string | null;
  claimed_by: string | null;
  claimed_at: number | null;
  closed_by: string | null;
  closed_at: number | null;
  review_channel_id: string | null;
  review_message_id: string | null;
  /** A short note shown on the case, e.g. how a warning was delivered. */
  note: string | null;
  /** While 'closing': the action decided ('delete', 'warn', 't10m', 't1h', 't1d'), redone on start if the process died. */
  pending_action: string | null;
  /** Posts of the case message tried, counted before each POST: after one, the next looks back first. */
  post_attempts: Generated<number>;
  /** When a failed post is tried again; null when no retry is waiting. */
  post_retry_at: number | null;
  /** Changes to what the case message shows (status, note, excerpt, flaggers), counted. */
  changes: Generated<number>;
  /** `changes` as the case message last showed it (an edit or post that landed). */
  shown_changes: Generated<number>;
}

export interface FlagCaseEventTable {
  id: Generated<number>;
  case_id: number;
  at: number;
  actor_id: string | null;
  kind: string;
  detail: string | null;
}

export interface FlagBlockTable {
  guild_id: string;
  user_id: string;
  blocked_by: string;
  blocked_at: number;
}

export interface FlagsTables {
  flags: FlagTable;
  flag_cases: FlagCaseTable;
  flag_case_events: FlagCaseEventTable;
  flag_blocks: FlagBlockTable;
}
