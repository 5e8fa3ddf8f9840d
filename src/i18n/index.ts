// Pulse's languages: the catalogues, t(), the Discord-locale resolver and Intl formatters.
import type { CommandLocalizations } from './commands-types.js';
import { en, type Catalogue, type MessageKey } from './en.js';
import { es, esCommands } from './es.js';
import { formatMessage, numberFormat, type Params } from './format.js';
import { ru, ruCommands } from './ru.js';

export type { Catalogue, MessageKey } from './en.js';
export type { Params } from './format.js';

/**
 * Every language Pulse speaks. Adding one: a new catalogue file (a copy of es.ts) and one line
 * here. `discord` lists the Discord locales it serves (the command localizations go to them);
 * `intl` is the locale given to Intl for numbers, dates and plural rules.
 */
export const languages = {
  en: { label: 'English', intl: 'en-US', discord: ['en-US', 'en-GB'], catalogue: en, commands: null },
  es: { label: 'Español', intl: 'es', discord: ['es-ES', 'es-419'], catalogue: es, commands: esCommands },
  ru: { label: 'Русский', intl: 'ru', discord: ['ru'], catalogue: ru, commands: ruCommands },
} as const satisfies Record<string, { label: string; intl: string; discord: readonly string[]; catalogue: Catalogue; commands: CommandLocalizations | null }>;

export type Language = keyof typeof languages;
export const languageCodes = Object.keys(languages) as Language[];
export const SOURCE_LANGUAGE: Language = 'en';

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && Object.hasOwn(languages, value);
}

/**
 * The language for a Discord locale (`es-419`, `ru`, `en-GB`, …): an exact match of a
 * language's Discord locales, else the part before the dash, else null.
 */
export function languageForLocale(locale: string | null | undefined): Language | null {
  if (!locale) return null;
  for (const code of languageCodes) if ((languages[code].discord as readonly string[]).includes(locale)) return code;
  const base = locale.toLowerCase().split('-')[0];
  return isLanguage(base) ? base : null;
}

/** languageForLocale, falling back to English. */
export function languageOf(locale: string | null | undefined): Language {
  return languageForLocale(locale) ?? SOURCE_LANGUAGE;
}

/** The text of a key in a language; a key the language lacks falls back to English. */
export function t(lang: Language, key: MessageKey, params?: Params): string {
  const catalogue: Partial<Catalogue> = languages[lang].catalogue;
  const source = catalogue[key] ?? en[key];
  return formatMessage(languages[lang].intl, source, params);
}

/** A message to render later, in the language of whoever reads it (e.g. a UserError's). */
export interface Text {
  readonly key: MessageKey;
  readonly params?: TextParams;
}

/**
 * An option of a command by its path (`settings set flag_threshold`), rendered as the name the
 * reader's Discord client shows for it (`umbral_reportes`), since an error naming it in English
 * would point at nothing a Spanish or Russian member can see.
 */
export interface OptionName {
  readonly option: string;
}

/** Parameters of a Text may themselves be Texts (or lists of them) or option names, rendered in the same language. */
export type TextParams = Readonly<Record<string, string | number | Text | OptionName | readonly Text[]>>;

export function optionName(path: string): OptionName {
  return { option: path };
}

/**
 * A command as the reader's Discord client shows it, from the command localizations
 * deploy-commands sends: `commandName('es', 'settings set language')` is `/ajustes cambiar idioma`.
 * A part a language does not localize keeps its English name.
 */
export function commandName(lang: Language, path: string): string {
  const table = languages[lang].commands;
  const parts = path.split(' ');
  const shown = parts.map((part, i) => {
    const entry = table?.[parts.slice(0, i + 1).join(' ')];
    return Array.isArray(entry) ? (entry[0] as string) : part;
  });
  return `/${shown.join(' ')}`;
}

/** The name the reader's client shows for a command option (its English name when not localized). */
export function renderOptionName(lang: Language, path: string): string {
  const entry = languages[lang].commands?.[path];
  return Array.isArray(entry) ? entry[0] : path.slice(path.lastIndexOf(' ') + 1);
}

export function msg(key: MessageKey, params?: TextParams): Text {
  return params ? { key, params } : { key };
}

export function render(lang: Language, text: Text): string {
  if (!text.params) return t(lang, text.key);
  const params: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(text.params)) {
    if (typeof value === 'string' || typeof value === 'number') params[name] = value;
    else if (Array.isArray(value)) params[name] = formatList(lang, (value as readonly Text[]).map((v) => render(lang, v)));
    else if ('option' in value) params[name] = renderOptionName(lang, value.option);
    else params[name] = render(lang, value as Text);
  }
  return t(lang, text.key, params);
}

/**
 * A Text kept in the database (as JSON), so that it is rendered when it is read, in the reader's
 * language, instead of frozen in the language of whoever caused it. storedText reads it back.
 */
export function storeText(text: Text): string {
  return JSON.stringify(text);
}

/** A stored Text, or null when the value is not one (plain text, e.g. written before Texts were stored). */
export function storedText(value: string): Text | null {
  if (!value.startsWith('{')) return null;
  try {
    const parsed: unknown = JSON.parse(value);
    return isText(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

function isText(value: unknown): value is Text {
  if (typeof value !== 'object' || value === null) return false;
  const { key, params } = value as { key?: unknown; params?: unknown };
  if (typeof key !== 'string' || !Object.hasOwn(en, key)) return false;
  if (params === undefined) return true;
  if (typeof params !== 'object' || params === null) return false;
  const isParam = (v: unknown): boolean =>
    typeof v === 'string' || typeof v === 'number' || (Array.isArray(v) ? v.every(isText) : typeof v === 'object' && v !== null && ('option' in v ? typeof v.option === 'string' : isText(v)));
  return Object.values(params).every(isParam);
}

/** "a, b and c" / "a, b y c" / "a, b и c". */
export function formatList(lang: Language, items: readonly string[]): string {
  return new Intl.ListFormat(languages[lang].intl, { style: 'long', type: 'conjunction' }).format(items);
}

/** A translator bound to one language: `const tr = translator('ru'); tr('key', {…})`. */
export type Translate = (key: MessageKey, params?: Params) => string;
export function translator(lang: Language): Translate {
  return (key, params) => t(lang, key, params);
}

// ---- Intl formatting helpers for the language (numbers, percentages, dates, relative times).

export function formatNumber(lang: Language, n: number, digits?: number): string {
  if (digits === undefined) return numberFormat(languages[lang].intl).format(n);
  return new Intl.NumberFormat(languages[lang].intl, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(n);
}

/** A fraction (0.25) as a percentage, 0 or `digits` decimals. */
export function formatPercent(lang: Language, fraction: number, digits = 0): string {
  return new Intl.NumberFormat(languages[lang].intl, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(fraction);
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** A calendar date (YYYY-MM-DD, no zone involved) in the language, e.g. { month: 'short', day: 'numeric' }. */
export function formatDate(lang: Language, isoDate: string, options: Intl.DateTimeFormatOptions): string {
  const key = `${lang}:${JSON.stringify(options)}`;
  let f = dateFormats.get(key);
  if (!f) dateFormats.set(key, (f = new Intl.DateTimeFormat(languages[lang].intl, { ...options, timeZone: 'UTC' })));
  return f.format(new Date(`${isoDate}T12:00:00Z`)).replace(/[\u2009\u202f]/g, ' ');
}

/** A date range in the language, e.g. "Nov 2 – 8, 2026" / "2–8 нояб. 2026 г.". */
export function formatDateRange(lang: Language, from: string, to: string, options: Intl.DateTimeFormatOptions): string {
  const f = new Intl.DateTimeFormat(languages[lang].intl, { ...options, timeZone: 'UTC' });
  // ICU puts thin spaces around the dash; plain spaces read the same and stay predictable.
  return f.formatRange(new Date(`${from}T12:00:00Z`), new Date(`${to}T12:00:00Z`)).replace(/[\u2009\u202f]/g, ' ');
}

/** The days a report covers, both included: "Nov 16 – 22, 2026", "16–22 nov 2026", "16–22 нояб. 2026 г.". */
export function formatPeriod(lang: Language, from: string, to: string): string {
  return formatDateRange(lang, from, to, { day: 'numeric', month: 'short', year: 'numeric' });
}

/** An instant (ISO 8601) as a date and a time in a zone, e.g. "Nov 9, 2026, 08:00" / "9 nov 2026, 8:00". */
export function formatInstant(lang: Language, iso: string, timeZone: string): string {
  const f = new Intl.DateTimeFormat(languages[lang].intl, { dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23', timeZone });
  return f.format(new Date(iso)).replace(/[\u2009\u202f]/g, ' ');
}

/** "in 3 days", "hace 2 horas", "через 5 минут". */
export function formatRelative(lang: Language, value: number, unit: Intl.RelativeTimeFormatUnit): string {
  return new Intl.RelativeTimeFormat(languages[lang].intl, { numeric: 'auto' }).format(value, unit);
}

/** Short weekday names, Monday first. */
export function weekdayNames(lang: Language, width: 'short' | 'long' = 'short'): string[] {
  // 2024-01-01 was a Monday.
  return Array.from({ length: 7 }, (_, i) => formatDate(lang, `2024-01-0${i + 1}`, { weekday: width }));
}
