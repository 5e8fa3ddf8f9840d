// Tables of the digests slice.
import type { Generated } from 'kysely';

export interface DigestSchedulesTable {
  id: Generated<number>;
  guild_id: string;
  /** JSON of a Timing from src/digests/schedule.ts. */
  timing: string;
  period: string;
  channel_id: string | null;
  paused: Generated<number>;
  active_since: number;
  /** The server's time zone when active_since was set (see migration 0025). */
  zone: string | null;
  updated_by: string | null;
  created_at: number;
  updated_at: number;
  /** Why the bot paused the schedule (JSON of a catalogue Text, see migration 0027); null otherwise. */
  paused_reason: string | null;
  paused_at: number | null;
  /** When staff were told of that pause; null until then. */
  pause_told_at: number | null;
}

export interface DigestRunsTable {
  id: Generated<number>;
  guild_id: string;
  schedule_id: number;
  period_key: string;
  period_from: string;
  period_to: string;
  due_at: number;
  late: Generated<number>;
  status: string;
  attempts: Generated<number>;
  next_attempt_at: number | null;
  last_error: string | null;
  channel_id: string | null;
  message_id: string | null;
  claimed_at: number;
  posted_at: number | null;
}

export interface DigestsTables {
  digest_schedules: DigestSchedulesTable;
  digest_runs: DigestRunsTable;
}
