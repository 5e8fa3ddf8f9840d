// Reads and writes guild settings.
import type BetterSqlite3 from 'better-sqlite3';
import type { Insertable, Selectable } from 'kysely';
import { type Executor, inTransaction } from '../db/schema.js';
import type { GuildSettingsTable } from '../db/tables/core.js';
import { canonicalTimeZone } from '../zone.js';
import { defaultSettings, parseLanguage, type GuildSettings, type SettingsPatch } from './settings.js';

function toSettings(row: Selectable<GuildSettingsTable>): GuildSettings {
  return {
    guildId: row.guild_id,
    staffChannelId: row.staff_channel_id,
    modChannelId: row.mod_channel_id,
    feedbackChannelId: row.feedback_channel_id,
    // Written before names were made canonical on /settings set: read as the current IANA name.
    timezone: canonicalTimeZone(row.timezone) ?? row.timezone,
    timezoneChosen: row.timezone_chosen === 1,
    flagEmoji: row.flag_emoji,
    flagThreshold: row.flag_threshold,
    flagDailyLimit: row.flag_daily_limit,
    flagMaxAgeHours: row.flag_max_age_hours,
    staffRoleId: row.staff_role_id,
    ignoredChannelIds: JSON.parse(row.ignored_channel_ids) as string[],
    feedbackCaptureStaffOnly: row.feedback_capture_staff_only === 1,
    feedbackLockOnClose: row.feedback_lock_on_close === 1,
    feedbackWaitingHours: row.feedback_waiting_hours,
    feedbackDailyLimit: row.feedback_daily_limit,
    language: parseLanguage(row.language),
  };
}

/** The guild's settings, or the defaults when staff never set any. */
export async function getSettings(db: Executor, guildId: string): Promise<GuildSettings> {
  const row = await db.selectFrom('guild_settings').selectAll().where('guild_id', '=', guildId).executeTakeFirst();
  return row ? toSettings(row) : defaultSettings(guildId);
}

/**
 * When the guild's settings last changed (any of them), or null when staff never set any. A
 * change of time zone happened at or before this instant.
 */
export async function settingsChangedAt(db: Executor, guildId: string): Promise<number | null> {
  const row = await db.selectFrom('guild_settings').select('updated_at').where('guild_id', '=', guildId).executeTakeFirst();
  return row?.updated_at ?? null;
}

/** The columns of the settings a patch names (and only those). */
function columnsOf(patch: SettingsPatch): Partial<Insertable<GuildSettingsTable>> {
  const columns: Partial<Insertable<GuildSettingsTable>> = {};
  if (patch.staffChannelId !== undefined) columns.staff_channel_id = patch.staffChannelId;
  if (patch.modChannelId !== undefined) columns.mod_channel_id = patch.modChannelId;
  if (patch.feedbackChannelId !== undefined) columns.feedback_channel_id = patch.feedbackChannelId;
  if (patch.timezone !== undefined) columns.timezone = patch.timezone;
  if (patch.timezoneChosen !== undefined) columns.timezone_chosen = patch.timezoneChosen ? 1 : 0;
  if (patch.flagEmoji !== undefined) columns.flag_emoji = patch.flagEmoji;
  if (patch.flagThreshold !== undefined) columns.flag_threshold = patch.flagThreshold;
  if (patch.flagDailyLimit !== undefined) columns.flag_daily_limit = patch.flagDailyLimit;
  if (patch.flagMaxAgeHours !== undefined) columns.flag_max_age_hours = patch.flagMaxAgeHours;
  if (patch.staffRoleId !== undefined) columns.staff_role_id = patch.staffRoleId;
  if (patch.ignoredChannelIds !== undefined) columns.ignored_channel_ids = JSON.stringify(patch.ignoredChannelIds);
  if (patch.feedbackCaptureStaffOnly !== undefined) columns.feedback_capture_staff_only = patch.feedbackCaptureStaffOnly ? 1 : 0;
  if (patch.feedbackLockOnClose !== undefined) columns.feedback_lock_on_close = patch.feedbackLockOnClose ? 1 : 0;
  if (patch.feedbackWaitingHours !== undefined) columns.feedback_waiting_hours = patch.feedbackWaitingHours;
  if (patch.feedbackDailyLimit !== undefined) columns.feedback_daily_limit = patch.feedbackDailyLimit;
  if (patch.language !== undefined) columns.language = patch.language;
  return columns;
}

/**
 * Changes the settings a patch names, in one statement that writes only their columns: two
 * staff changing different settings at once both keep their change. Returns the settings as
 * they now are.
 */
export async function updateSettings(db: Executor, guildId: string, patch: SettingsPatch, now: number): Promise<GuildSettings> {
  const { guildId: _guild, ...defaults } = defaultSettings(guildId);
  const row = await db
    .insertInto('guild_settings')
    .values({ ...columnsOf({ ...defaults, ...patch }), guild_id: guildId, updated_at: now })
    .onConflict((oc) => oc.column('guild_id').doUpdateSet({ ...columnsOf(patch), updated_at: now }))
    .returningAll()
    .executeTakeFirstOrThrow();
  return toSettings(row);
}

/**
 * Adds a channel to the ignored ones (or takes it out), reading and writing the list in one
 * transaction: two channels ignored at once are both kept. `tooMany` (nothing written) when the
 * list would grow past `max`.
 */
export async function changeIgnoredChannel(
  db: Executor,
  guildId: string,
  input: { channelId: string; ignore: boolean; max: number; now: number },
): Promise<{ settings: GuildSettings; tooMany: boolean }> {
  const change = async (trx: Executor) => {
    const current = await getSettings(trx, guildId);
    const ids = new Set(current.ignoredChannelIds);
    if (input.ignore) ids.add(input.channelId);
    else ids.delete(input.channelId);
    if (ids.size > input.max && ids.size > current.ignoredChannelIds.length) return { settings: current, tooMany: true };
    return { settings: await updateSettings(trx, guildId, { ignoredChannelIds: [...ids] }, input.now), tooMany: false };
  };
  return inTransaction(db, change);
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
