// Tables of the activity slice (see migrations/0002-activity.ts for why they are shaped so).
import type { Generated } from 'kysely';

export interface ActivityMessagesTable {
  message_id: string;
  guild_id: string;
  channel_id: string;
  user_id: string;
  at: number;
  reply_to_id: string | null;
  has_attachment: number;
  deleted_at: number | null;
}

export interface ActivityReactionsTable {
  guild_id: string;
  /** A custom emoji's id, or the Unicode emoji itself. */
  emoji: string;
  message_id: string;
  user_id: string;
  at: number;
  channel_id: string;
  message_author_id: string | null;
  removed_at: number | null;
}

export interface ActivityThreadsTable {
  thread_id: string;
  guild_id: string;
  parent_id: string;
  user_id: string;
  at: number;
}

export interface ActivityVoiceSessionsTable {
  guild_id: string;
  user_id: string;
  started_at: number;
  ended_at: number | null;
  channel_id: string;
}

export interface ActivityMemberEventsTable {
  guild_id: string;
  user_id: string;
  at: number;
  kind: 'join' | 'leave';
}

export interface ActivityIdsTable {
  guild_id: string;
  idx: number;
  /** A member's or a channel's snowflake. */
  id: string;
}

export interface ActivityHoursTable {
  /** A rowid table, keyed by a unique index on (guild_id, bucket, part): see 0016-hours-by-rowid.ts. */
  id: Generated<number>;
  guild_id: string;
  /** UTC hour: floor(epoch ms / 3,600,000). */
  bucket: number;
  /** 0 for the merged records; later parts hold increments appended since (see the migration). */
  part: number;
  /** Packed records, see src/activity/hour-records.ts. */
  records: Buffer;
}

export interface ActivityGuildQuartersTable {
  guild_id: string;
  /** UTC quarter-hour: floor(epoch ms / 900,000). */
  bucket: number;
  messages: number;
  reactions: number;
  threads: number;
}

/**
 * Per member, the raw rows naming them (the writer's log folded in; opt-out counts down), by member
 * number, 64 members a row: int32 LE (messages, reactions, reactions received) at (number % 64) * 3.
 */
export interface ActivityMemberTotalsTable {
  guild_id: string;
  chunk: number;
  counts: Uint8Array;
}

/** Per-member increments by snowflake (JSON: opt-out's count-downs), until folded into the totals. */
export interface ActivityCountLogTable {
  id: number;
  counts: string;
}

/** One write batch's per-member increments in one guild, by member number (int32 quadruples), until folded. */
export interface ActivityCountBatchesTable {
  id: number;
  guild_id: string;
  counts: Buffer;
}

export interface ActivityOptOutsTable {
  guild_id: string;
  user_id: string;
  at: number;
}

/** Bots and webhooks seen (user or webhook ids, global): never members. See migrations/0017-non-members.ts. */
export interface ActivityNonMembersTable {
  user_id: string;
}

export interface ActivityListeningTable {
  id: number;
  started_at: number;
  heartbeat_at: number;
}

export interface ActivityGapsTable {
  started_at: number;
  ended_at: number;
  /**
   * 'offline' (the bot down), 'disconnected' (its gateway connection lost), 'unavailable' (the guild
   * in an outage), 'removed' (the bot removed from the guild, until it was added again).
   */
  reason: string;
  /** The server the gap concerns; '' for every server. See migrations/0023-guild-gaps.ts. */
  guild_id: Generated<string>;
}

/**
 * A guild not listened to since `started_at`, until its next GUILD_CREATE: in an outage
 * (GUILD_DELETE unavailable) or the bot removed from it (GUILD_DELETE). See migrations/0026-guild-removed.ts.
 */
export interface ActivityGuildOutagesTable {
  guild_id: string;
  started_at: number;
  /** The gap's reason once it ends: 'unavailable' or 'removed'. */
  reason: Generated<string>;
}

export interface ActivityTables {
  activity_messages: ActivityMessagesTable;
  activity_reactions: ActivityReactionsTable;
  activity_threads: ActivityThreadsTable;
  activity_voice_sessions: ActivityVoiceSessionsTable;
  activity_member_events: ActivityMemberEventsTable;
  activity_ids: ActivityIdsTable;
  activity_hours: ActivityHoursTable;
  activity_guild_quarters: ActivityGuildQuartersTable;
  activity_member_totals: ActivityMemberTotalsTable;
  activity_count_log: ActivityCountLogTable;
  activity_count_batches: ActivityCountBatchesTable;
  activity_opt_outs: ActivityOptOutsTable;
  activity_non_members: ActivityNonMembersTable;
  activity_listening: ActivityListeningTable;
  activity_gaps: ActivityGapsTable;
  activity_guild_outages: ActivityGuildOutagesTable;
}
