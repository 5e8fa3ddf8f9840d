// Tables of the feedback slice: items, votes, status history, thread messages (no text), categories.
import type { Generated } from 'kysely';

export interface FeedbackItemTable {
  id: Generated<number>;
  guild_id: string;
  /** The feedback channel the item was posted to, and its kind: 'forum' | 'text'. */
  channel_id: string;
  channel_kind: string;
  /** The post's thread and its first message (the embed); null until posted. */
  thread_id: string | null;
  message_id: string | null;
  /** 'pending' (claimed, not yet known to be posted) | 'posted' | 'failed' (gave up) */
  post_state: string;
  post_error: string | null;
  post_attempts: number;
  /** Who the feedback is from: the submitter, or the captured message's author. */
  author_id: string;
  /** Captures only: who captured it, and the original message. */
  captured_by: string | null;
  source_channel_id: string | null;
  source_message_id: string | null;
  title: string;
  details: string;
  category: string;
  /** One of feedback.ts STATUSES. */
  status: string;
  duplicate_of: number | null;
  created_at: number;
  /** When the post went up (the item's "opened" instant); null until posted. */
  opened_at: number | null;
  /** Set when someone deleted the post's message or thread: 'message' | 'thread'. */
  gone: string | null;
  gone_at: number | null;
  /** The votes the post last showed ("up:down"); null until an edit is known to have landed. */
  shown_score: Generated<string | null>;
  /** The newest thread message Pulse has seen (recorded or not); start-up reads the thread on from it. */
  thread_seen_id: Generated<string | null>;
}

export interface FeedbackVoteTable {
  item_id: number;
  user_id: string;
  /** 1 | -1 */
  value: number;
  voted_at: number;
}

export interface FeedbackStatusChangeTable {
  id: Generated<number>;
  item_id: number;
  from_status: string;
  to_status: string;
  by_user: string;
  /** 0 | 1: staff at the time (always 1 today: only staff change statuses). */
  by_staff: number;
  at: number;
  reason: string | null;
  duplicate_of: number | null;
  /** How the author was told: 'dm' | 'thread' | 'failed' | 'skipped'; null until done. */
  notified: string | null;
  /** When the post and thread were brought in line with this change (or Pulse gave up: apply_error); null until done. */
  applied_at: number | null;
  /** When the change's "Status:" line was posted in the thread; null until then. */
  thread_status_posted_at: Generated<number | null>;
  /** Tries at the post and thread update, counted before each. */
  apply_attempts: Generated<number>;
  /** Why Pulse stopped trying (Discord's refusal, or the retries ran out); null when it went through. */
  apply_error: Generated<string | null>;
}

/** One row per message in an item's thread: who and when, never the text. */
export interface FeedbackThreadMessageTable {
  message_id: string;
  item_id: number;
  user_id: string;
  at: number;
  /** 0 | 1: staff at the time of the message. */
  staff: number;
}

export interface FeedbackCategoryTable {
  guild_id: string;
  name: string;
  position: number;
  created_at: number;
}

export interface FeedbackTables {
  feedback_items: FeedbackItemTable;
  feedback_votes: FeedbackVoteTable;
  feedback_status_changes: FeedbackStatusChangeTable;
  feedback_thread_messages: FeedbackThreadMessageTable;
  feedback_categories: FeedbackCategoryTable;
}
