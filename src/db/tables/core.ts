// Tables of the foundation: guild settings.
import type { Generated } from 'kysely';

export interface GuildSettingsTable {
  guild_id: string;
  staff_channel_id: string | null;
  mod_channel_id: string | null;
  feedback_channel_id: string | null;
  timezone: Generated<string>;
  flag_emoji: Generated<string>;
  flag_threshold: Generated<number>;
  flag_daily_limit: Generated<number>;
  flag_max_age_hours: Generated<number>;
  staff_role_id: string | null;
  /** JSON array of channel ids whose activity is not recorded. */
  ignored_channel_ids: Generated<string>;
  /** Migration 0007 (feedback): capture by staff only (0|1), lock threads on close (0|1), waiting threshold. */
  feedback_capture_staff_only: Generated<number>;
  feedback_lock_on_close: Generated<number>;
  feedback_waiting_hours: Generated<number>;
  /** Migration 0028: feedback items one member may add per 24 hours (staff are exempt). */
  feedback_daily_limit: Generated<number>;
  /** Migration 0029: staff chose the time zone (0|1), UTC too; 0 while it is the default. */
  timezone_chosen: Generated<number>;
  /** 'en' | 'es' | 'ru', or null: the server's Discord locale when Pulse speaks it, else English. */
  language: string | null;
  updated_at: number;
}

export interface CoreTables {
  guild_settings: GuildSettingsTable;
}
