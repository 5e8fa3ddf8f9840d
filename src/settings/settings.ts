// Guild settings: their shape, defaults and validation rules (pure).
import { isLanguage, languageForLocale, SOURCE_LANGUAGE, type Language } from '../i18n/index.js';

export interface GuildSettings {
  guildId: string;
  staffChannelId: string | null;
  modChannelId: string | null;
  feedbackChannelId: string | null;
  timezone: string;
  /** Staff chose the time zone (UTC too); false while it is the default. */
  timezoneChosen: boolean;
  flagEmoji: string;
  flagThreshold: number;
  flagDailyLimit: number;
  flagMaxAgeHours: number;
  staffRoleId: string | null;
  ignoredChannelIds: string[];
  /** Feedback: only staff may capture messages as feedback. */
  feedbackCaptureStaffOnly: boolean;
  /** Feedback: lock (not only archive) an item's thread when it is done, declined or a duplicate. */
  feedbackLockOnClose: boolean;
  /** Feedback: items unanswered for longer than this many hours count as waiting. */
  feedbackWaitingHours: number;
  /** Feedback: items one member may add (submit or capture) per 24 hours; staff are exempt. */
  feedbackDailyLimit: number;
  /** Chosen by staff; null follows the server's Discord locale (see serverLanguage). */
  language: Language | null;
}

export function defaultSettings(guildId: string): GuildSettings {
  return {
    guildId,
    staffChannelId: null,
    modChannelId: null,
    feedbackChannelId: null,
    timezone: 'UTC',
    timezoneChosen: false,
    flagEmoji: '🚩',
    flagThreshold: 3,
    flagDailyLimit: 20,
    flagMaxAgeHours: 168,
    staffRoleId: null,
    ignoredChannelIds: [],
    feedbackCaptureStaffOnly: false,
    feedbackLockOnClose: false,
    feedbackWaitingHours: 48,
    feedbackDailyLimit: 10,
    language: null,
  };
}

/**
 * The language of messages everyone in the server sees: the setting, else the server's
 * Discord locale (guild_locale) when Pulse speaks it, else English.
 */
export function serverLanguage(settings: Pick<GuildSettings, 'language'>, guildLocale: string | null | undefined): Language {
  return settings.language ?? languageForLocale(guildLocale) ?? SOURCE_LANGUAGE;
}

/** A stored language value, or null for anything Pulse does not speak (any more). */
export function parseLanguage(value: string | null): Language | null {
  return isLanguage(value) ? value : null;
}

export function isValidTimeZone(name: string): boolean {
  if (name.length === 0 || name.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const CUSTOM_EMOJI = /^<a?:([A-Za-z0-9_]{2,32}):(\d{17,20})>$/;
/**
 * Exactly one emoji as Discord sends it on reactions: one fully-qualified RGI emoji (keycaps,
 * flags, skin tones and ZWJ sequences included). Two emoji, or a character with only a text
 * presentation (™, a bare ❤ without U+FE0F), can never match a reaction. (A RegExp object: the
 * `v` flag is newer than the compile target, but every supported Node has it.)
 */
const UNICODE_EMOJI = new RegExp('^\\p{RGI_Emoji}$', 'v');

/**
 * A flag emoji is one Unicode emoji or a custom emoji written as <:name:id>. This checks the
 * form only: /settings also checks that a custom emoji is one of the server's.
 */
export function isFlagEmoji(s: string): boolean {
  return CUSTOM_EMOJI.test(s) || UNICODE_EMOJI.test(s);
}

/** The parts of a custom emoji written `<:name:id>` (or `<a:name:id>`); null for anything else. */
export function customEmoji(setting: string): { name: string; id: string } | null {
  const m = CUSTOM_EMOJI.exec(setting);
  return m ? { name: m[1]!, id: m[2]! } : null;
}

/** The stored key of the guild's flag emoji setting (`<:name:id>` or a Unicode emoji): what emojiKey gives its reactions. */
export function flagEmojiKey(setting: string): string {
  return customEmoji(setting)?.id ?? setting;
}

/** Whether a reaction's emoji ({id, name} as the gateway sends it) is the configured one. */
export function emojiMatches(setting: string, emoji: { id?: string | null; name?: string | null }): boolean {
  const custom = customEmoji(setting);
  if (custom) return emoji.id === custom.id;
  return !emoji.id && emoji.name === setting;
}

export const settingLimits = {
  flagThreshold: { min: 1, max: 50 },
  flagDailyLimit: { min: 1, max: 1000 },
  flagMaxAgeHours: { min: 1, max: 24 * 365 },
  feedbackWaitingHours: { min: 1, max: 24 * 90 },
  feedbackDailyLimit: { min: 1, max: 1000 },
} as const;

export type SettingsPatch = Partial<Omit<GuildSettings, 'guildId'>>;

/** The settings a staff member may clear back to their default. */
export const clearableSettings = [
  'staff_channel',
  'mod_channel',
  'feedback_channel',
  'staff_role',
  'timezone',
  'flag_emoji',
  'flag_threshold',
  'flag_daily_limit',
  'flag_max_age_hours',
  'ignored_channels',
  'feedback_waiting_hours',
  'feedback_daily_limit',
  'feedback_capture_staff_only',
  'feedback_lock_on_close',
  'language',
] as const;
export type ClearableSetting = (typeof clearableSettings)[number];

export function clearPatch(setting: ClearableSetting): SettingsPatch {
  const d = defaultSettings('');
  switch (setting) {
    case 'staff_channel':
      return { staffChannelId: null };
    case 'mod_channel':
      return { modChannelId: null };
    case 'feedback_channel':
      return { feedbackChannelId: null };
    case 'staff_role':
      return { staffRoleId: null };
    case 'timezone':
      return { timezone: d.timezone, timezoneChosen: false };
    case 'flag_emoji':
      return { flagEmoji: d.flagEmoji };
    case 'ignored_channels':
      return { ignoredChannelIds: [] };
    case 'feedback_waiting_hours':
      return { feedbackWaitingHours: d.feedbackWaitingHours };
    case 'feedback_daily_limit':
      return { feedbackDailyLimit: d.feedbackDailyLimit };
    case 'flag_threshold':
      return { flagThreshold: d.flagThreshold };
    case 'flag_daily_limit':
      return { flagDailyLimit: d.flagDailyLimit };
    case 'flag_max_age_hours':
      return { flagMaxAgeHours: d.flagMaxAgeHours };
    case 'feedback_capture_staff_only':
      return { feedbackCaptureStaffOnly: d.feedbackCaptureStaffOnly };
    case 'feedback_lock_on_close':
      return { feedbackLockOnClose: d.feedbackLockOnClose };
    case 'language':
      return { language: null };
  }
}
