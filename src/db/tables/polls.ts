// Tables of the polls slice: polls, their votes, and votes on native Discord polls.
import type { Generated } from 'kysely';

export interface PollTable {
  id: Generated<number>;
  guild_id: string;
  channel_id: string;
  /** Set once the poll message is posted. */
  message_id: string | null;
  author_id: string;
  question: string;
  /** JSON array of the choices' text. */
  choices: string;
  /** 0 | 1 */
  multiple: number;
  max_choices: number;
  anonymous: number;
  hide_results: number;
  role_id: string | null;
  created_at: number;
  /** The persistent due time; null for polls that stay open until closed by hand. */
  closes_at: number | null;
  /** 'open' | 'closed' */
  status: string;
  closed_at: number | null;
  closed_by: string | null;
  /** Final counts (JSON array) and distinct voters, fixed when the poll closes. */
  final_counts: string | null;
  final_voters: number | null;
  /** When the closed poll's author was told (claimed before the DM, so it goes at most once); null until then. */
  announced_at: number | null;
  /** Anonymous polls only: the HMAC key of voter ids, deleted when the poll closes. */
  voter_key: Buffer | null;
  /** What the message last showed: JSON {counts, voters}; null until an edit is known to have landed. */
  shown_tally: Generated<string | null>;
  /** When the closed poll's message was seen to show the final results (or found gone); null until then. */
  final_shown_at: Generated<number | null>;
  /** Final edits tried that did not land; start-up and the retries stop at a few. */
  final_edit_attempts: Generated<number>;
}

/**
 * One row per (poll, voter, choice). `voter` is the member id, or for anonymous polls an
 * HMAC of it under the poll's key; anonymous rows carry no time and are deleted at close.
 */
export interface PollVoteTable {
  poll_id: number;
  voter: string;
  choice: number;
  cast_at: number | null;
}

/** Votes on native Discord polls in the server, kept to count participation. */
export interface NativePollVoteTable {
  guild_id: string;
  channel_id: string;
  message_id: string;
  user_id: string;
  answer_id: number;
  voted_at: number;
}

export interface PollsTables {
  polls: PollTable;
  poll_votes: PollVoteTable;
  native_poll_votes: NativePollVoteTable;
}
