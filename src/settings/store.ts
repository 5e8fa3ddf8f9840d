// Reads and writes guild settings.
import type BetterSqlite3 from 'better-sqlite3';
import type { Selectable } from 'kysely';
import type { Executor } from '../db/schema.js';
import type { GuildSettingsTable } from '../db/tables/core.js';
import { defaultSettings, parseLanguage, type GuildSettings, type SettingsPatch } from './settings.js';

function toSettings(row: Selectable<GuildSettingsTable>): GuildSettings {
  return {
    guildId: row.guild_id,
    staffChannelId: row.staff_channel_id,
    modChannelId: row.mod_channel_id,
    feedbackChannelId: row.feedback_channel_id,
    timezone: row.timezone,
    flagEmoji: row.flag_emoji,
    flagThreshold: row.flag_threshold,
    flagDailyLimit: row.flag_daily_limit,
    flagMaxAgeHours: row.flag_max_age_hours,
    staffRoleId: row.staff_role_id,
    ignoredChannelIds: JSON.parse(row.ignored_channel_ids) as string[],
    feedbackCaptureStaffOnly: row.feedback_capture_staff_only === 1,
    feedbackLockOnClose: row.feedback_lock_on_close === 1,
    feedbackWaitingHours: row.feedback_waiting_hours,
    language: parseLanguage(row.language),
  };
}

/** The guild's settings, or the defaults when staff never set any. */
export async function getSettings(db: Executor, guildId: string): Promise<GuildSettings> {
  const row = await db.selectFrom('guild_settings').selectAll().where('guild_id', '=', guildId).executeTakeFirst();
  return row ? toSettings(row) : defaultSettings(guildId);
}

export async function updateSettings(db: Executor, guildId: string, patch: SettingsPatch, now: number): Promise<GuildSettings> {
  const next = { ...(await getSettings(db, guildId)), ...patch, guildId };
  const row = {
    guild_id: guildId,
    staff_channel_id: next.staffChannelId,
    mod_channel_id: next.modChannelId,
    feedback_channel_id: next.feedbackChannelId,
    timezone: next.timezone,
    flag_emoji: next.flagEmoji,
    flag_threshold: next.flagThreshold,
    flag_daily_limit: next.flagDailyLimit,
    flag_max_age_hours: next.flagMaxAgeHours,
    staff_role_id: next.staffRoleId,
    ignored_channel_ids: JSON.stringify(next.ignoredChannelIds),
    feedback_capture_staff_only: next.feedbackCaptureStaffOnly ? 1 : 0,
    feedback_lock_on_close: next.feedbackLockOnClose ? 1 : 0,
    feedback_waiting_hours: next.feedbackWaitingHours,
    language: next.language,
    updated_at: now,
  };
  await db
    .insertInto('guild_settings')
    .values(row)
    .onConflict((oc) => oc.column('guild_id').doUpdateSet(row))
    .execute();
  return next;
}

/**
 * A synchronous reader of a guild's ignored channels for the ingestion writer, which runs in a
 * better-sqlite3 transaction of its own (a kysely query cannot run inside it).
 */
export function ignoredChannelsReader(sqlite: BetterSqlite3.Database): (guildId: string) => string[] {
  const statement = sqlite.prepare(`SELECT ignored_channel_ids FROM guild_settings WHERE guild_id = ?`).pluck();
  return (guildId) => {
    const raw = statement.get(guildId) as string | undefined;
    return raw ? (JSON.parse(raw) as string[]) : [];
  };
}
