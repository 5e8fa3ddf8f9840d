// Setup hints: one short line each, added to staff replies while a setting that changes what
// they see (or what members see) is still at its default (pure).
import { commandName, languages, t, type Language } from '../i18n/index.js';
import { defaultSettings, serverLanguage, type GuildSettings } from './settings.js';

/** A language's name in the reader's language, as a word in a sentence ("inglés", "английский"). */
function languageName(reader: Language, language: Language): string {
  return new Intl.DisplayNames([languages[reader].intl], { type: 'language' }).of(language) ?? languages[language].label;
}

/**
 * While staff have not chosen a language and the reader's differs from the one Pulse uses for
 * what everyone sees (the server's Discord language, which Discord gives only to Community
 * servers, else English): what language those posts are in, and the command that changes it.
 */
export function languageHint(lang: Language, settings: Pick<GuildSettings, 'language'>, guildLocale: string | null | undefined): string | null {
  if (settings.language !== null) return null;
  const server = serverLanguage(settings, guildLocale);
  if (server === lang) return null;
  return t(lang, 'settings.hint.language', { language: languageName(lang, server), command: commandName(lang, 'settings set language') });
}

/** While no moderation channel is set: flag cases open unseen, in the review queue only. */
export function modChannelHint(lang: Language, settings: Pick<GuildSettings, 'modChannelId'>): string | null {
  if (settings.modChannelId) return null;
  return t(lang, 'settings.hint.noModChannel', { queue: commandName(lang, 'flags queue'), command: commandName(lang, 'settings set mod_channel') });
}

/**
 * While staff have not chosen a time zone (it is the default, UTC): schedules' times are UTC's.
 * Not once they chose one, UTC too.
 */
export function timeZoneHint(lang: Language, settings: Pick<GuildSettings, 'timezoneChosen'>): string | null {
  if (settings.timezoneChosen) return null;
  const zone = defaultSettings('').timezone;
  return t(lang, 'settings.hint.timezone', { zone, command: commandName(lang, 'settings set timezone') });
}

/** The hints that apply, one per line (an empty list when none does). */
export function setupHints(...hints: Array<string | null>): string[] {
  return hints.filter((h): h is string => h !== null);
}
