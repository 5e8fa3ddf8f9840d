// What time zones are called in each of Pulse's languages ("Москва", "Ciudad de México",
// "Германия"), so that staff find their zone by the name they know, not only by its IANA name.
// From Intl alone: a zone's location name as ICU writes it, and the countries it serves.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { languages, type Language } from './i18n/index.js';
import { CURRENT_ZONE_NAMES, timeZoneNames, zoneSearchText } from './zone.js';

/** Each zone's names in one language, best first (its place, then its countries). */
export type ZoneNames = ReadonlyMap<string, readonly string[]>;

/**
 * The words ICU puts around a location in a generic zone name, per language ("hora de Moscú",
 * "Germany Time"): taken off, so what is left is the place as people say it.
 */
const GENERIC_WORDS: Record<Language, RegExp | null> = { en: /\s+time$/i, es: /^hora de\s+/i, ru: null };

/** Intl calls per turn of the event loop while the names are built (each well under a millisecond). */
const PER_TURN = 20;

const building = new Map<Language, Promise<ZoneNames>>();
const built = new Map<Language, ZoneNames>();

/**
 * The zones' names in `lang`. Built once per language, the first time someone searches in it,
 * a few Intl calls per turn of the event loop (some 900 calls, a few hundred ms in all, that would
 * otherwise hold up the gateway), then kept.
 */
export function zoneNames(lang: Language): Promise<ZoneNames> {
  let names = building.get(lang);
  if (!names) {
    building.set(lang, (names = build(lang)));
    void names.then((done) => built.set(lang, done));
  }
  return names;
}

/**
 * The zones' names in `lang` when they are built; else undefined, and they start building. For an
 * autocomplete, which must answer within Discord's 3 seconds: the first keystroke in a language
 * gets IANA names alone, the next ones the local names too.
 */
export function zoneNamesIfBuilt(lang: Language): ZoneNames | undefined {
  const names = built.get(lang);
  if (!names) void zoneNames(lang);
  return names;
}

async function build(lang: Language): Promise<ZoneNames> {
  const intl = languages[lang].intl;
  const names = new Map<string, string[]>();
  const add = (zone: string, name: string) => {
    const current = CURRENT_ZONE_NAMES[zone] ?? zone;
    const list = names.get(current) ?? [];
    if (!list.includes(name)) names.set(current, [...list, name]);
  };
  let calls = 0;
  const pace = async () => {
    if (++calls % PER_TURN === 0) await nextTurn();
  };
  const now = new Date();
  for (const zone of timeZoneNames()) {
    await pace();
    const generic = new Intl.DateTimeFormat(intl, { timeZone: zone, timeZoneName: 'shortGeneric' }).formatToParts(now).find((p) => p.type === 'timeZoneName')?.value;
    const words = GENERIC_WORDS[lang];
    const place = (words && generic ? generic.replace(words, '') : generic)?.trim();
    // Not "GMT+05:00" nor an abbreviation such as "CET": neither is a place.
    if (place && /\p{Ll}/u.test(place) && !/\d/.test(place)) add(zone, place);
  }
  // The countries: Intl lists no regions, so every two-letter code is asked for its name.
  const regions = new Intl.DisplayNames(intl, { type: 'region', fallback: 'none' });
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  for (const a of letters) {
    for (const b of letters) {
      await pace();
      const country = regions.of(a + b);
      if (!country) continue;
      const locale = new Intl.Locale(`und-${a}${b}`) as Intl.Locale & { getTimeZones?(): string[]; timeZones?: string[] };
      for (const zone of locale.getTimeZones?.() ?? locale.timeZones ?? []) add(zone, country);
    }
  }
  return names;
}

/**
 * The one zone whose name in `names` is what someone typed (compared as zoneSearchText does), or
 * null when none or several are ("Москва" is Europe/Moscow; "Германия" is two zones).
 */
export function zoneByName(typed: string, names: ZoneNames): string | null {
  const text = zoneSearchText(typed);
  if (text.length === 0) return null;
  const found = [...names].filter(([, list]) => list.some((name) => zoneSearchText(name) === text)).map(([zone]) => zone);
  return found.length === 1 ? found[0]! : null;
}
