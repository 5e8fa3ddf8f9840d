// The one time module: local days, weeks and wall-clock hours in an IANA zone, and the instants they map to (pure, Intl only).
// A "day number" is a local calendar date counted from 1970-01-01; a LocalDate is the same day written 'YYYY-MM-DD'.

/** A calendar date as 'YYYY-MM-DD'. */
export type LocalDate = string;

const DAY = 86_400_000;

/** Day number of an ISO date 'YYYY-MM-DD'. */
export function dayNumber(date: LocalDate): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Math.floor(Date.UTC(y, m - 1, d) / DAY);
}

/** ISO date 'YYYY-MM-DD' of a day number. */
export function dateOf(day: number): LocalDate {
  return new Date(day * DAY).toISOString().slice(0, 10);
}

/** Whether a string is a real calendar date written YYYY-MM-DD. */
export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  return dateOf(dayNumber(value)) === value;
}

// ---- zone names ----

/**
 * Zones Node's ICU (22 and 24) still lists and resolves under an old IANA name: the current name
 * of each. Intl accepts both names everywhere; Pulse writes and shows the current one.
 */
export const CURRENT_ZONE_NAMES: Readonly<Record<string, string>> = {
  'Africa/Asmera': 'Africa/Asmara',
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
  'America/Catamarca': 'America/Argentina/Catamarca',
  'America/Coral_Harbour': 'America/Atikokan',
  'America/Cordoba': 'America/Argentina/Cordoba',
  'America/Godthab': 'America/Nuuk',
  'America/Indianapolis': 'America/Indiana/Indianapolis',
  'America/Jujuy': 'America/Argentina/Jujuy',
  'America/Louisville': 'America/Kentucky/Louisville',
  'America/Mendoza': 'America/Argentina/Mendoza',
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Europe/Kiev': 'Europe/Kyiv',
  'Pacific/Enderbury': 'Pacific/Kanton',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Truk': 'Pacific/Chuuk',
};

/** The old names, by current name: what someone may still type for it ('Kiev' for Europe/Kyiv). */
export const OLD_ZONE_NAMES: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(CURRENT_ZONE_NAMES).map(([old, current]) => [current, old]));

let zoneNames: readonly string[] | undefined;

/** Every zone Intl knows, by its current IANA name, UTC first. */
export function timeZoneNames(): readonly string[] {
  zoneNames ??= [...new Set(['UTC', ...Intl.supportedValuesOf('timeZone').map((z) => CURRENT_ZONE_NAMES[z] ?? z)])];
  return zoneNames;
}

/** How a zone name is matched: any case and accents, spaces for underscores ('New York' -> 'new_york', 'Bogotá' -> 'bogota'). */
export function zoneSearchText(text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, '_').normalize('NFD').replace(/\p{M}/gu, '');
}

/**
 * The zones whose name (or old name, or a name in `local`: zone-names.ts) contains what someone
 * typed, matched as zoneSearchText does: those whose city or a local name starts with it first ('york' ->
 * America/New_York), at most `limit`.
 */
export function searchTimeZones(typed: string, limit = 25, local?: ReadonlyMap<string, readonly string[]>): string[] {
  const text = zoneSearchText(typed);
  const names = (zone: string) => [zone, OLD_ZONE_NAMES[zone]].filter((n) => n !== undefined).map(zoneSearchText);
  const localNames = (zone: string) => (local?.get(zone) ?? []).map(zoneSearchText);
  const matching = timeZoneNames().filter((z) => names(z).some((n) => n.includes(text)) || localNames(z).some((n) => n.includes(text)));
  const cityFirst = (zone: string) => (names(zone).some((n) => n.slice(n.lastIndexOf('/') + 1).startsWith(text)) || localNames(zone).some((n) => n.startsWith(text)) ? 0 : 1);
  return matching
    .map((zone, i) => ({ zone, rank: cityFirst(zone), i }))
    .sort((a, b) => a.rank - b.rank || a.i - b.i)
    .slice(0, limit)
    .map((m) => m.zone);
}

const canonicalNames = new Map<string, string | null>();

/**
 * Whether a zone stored with a schedule (null: none recorded) is the server's zone `zone` (a
 * canonical name), however it was written: a schedule from before migration 0025 has the setting
 * as typed.
 */
export function sameZone(stored: string | null, zone: string): boolean {
  return stored !== null && (canonicalTimeZone(stored) ?? stored) === zone;
}

/**
 * The current IANA name of a time zone as someone typed it, or null when it names none: any case,
 * spaces for underscores, an old name or a link Intl knows ('Asia/Calcutta', 'Etc/UTC',
 * 'US/Eastern'), or a city alone when exactly one zone has it ('Kolkata', 'Mexico City').
 */
export function canonicalTimeZone(typed: string): string | null {
  const text = typed.trim().replace(/\s+/g, '_');
  if (text.length === 0 || text.length > 64) return null;
  let found = canonicalNames.get(text);
  if (found !== undefined) return found;
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: text }).resolvedOptions().timeZone;
    found = CURRENT_ZONE_NAMES[resolved] ?? resolved;
  } catch {
    const city = zoneSearchText(text);
    const cityOf = (zone: string) => zoneSearchText(zone.slice(zone.lastIndexOf('/') + 1));
    const matches = timeZoneNames().filter((z) => cityOf(z) === city || (OLD_ZONE_NAMES[z] !== undefined && cityOf(OLD_ZONE_NAMES[z]) === city));
    found = matches.length === 1 ? matches[0]! : null;
  }
  // Bounded: what staff type is kept only until the map grows large.
  if (canonicalNames.size >= 1000) canonicalNames.clear();
  canonicalNames.set(text, found);
  return found;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

export interface LocalParts {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall-clock reading in `zone` at `instant`. */
export function localParts(instant: number, zone: string): LocalParts {
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(instant))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour! % 24,
    minute: parts.minute!,
    second: parts.second!,
  };
}

/** The zone's offset from UTC at `instant`, in ms (east positive). */
export function offsetAt(instant: number, zone: string): number {
  const p = localParts(instant, zone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - (instant - (((instant % 1000) + 1000) % 1000));
}

/** Local day number of an instant in a zone. */
export function localDay(instant: number, zone: string): number {
  return Math.floor((instant + offsetAt(instant, zone)) / DAY);
}

/** Local date of an instant in a zone. */
export function localDate(instant: number, zone: string): LocalDate {
  return dateOf(localDay(instant, zone));
}

export function formatDate(year: number, month: number, day: number): LocalDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function parseDate(date: LocalDate): { year: number; month: number; day: number } {
  const [y, m, d] = date.split('-').map(Number);
  return { year: y!, month: m!, day: d! };
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const { year, month, day } = parseDate(date);
  const t = new Date(Date.UTC(year, month - 1, day + days));
  return formatDate(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/** 0 = Monday … 6 = Sunday, of a day number or a date. */
export function weekdayOf(day: number | LocalDate): number {
  const n = typeof day === 'number' ? day : dayNumber(day);
  return (((n + 3) % 7) + 7) % 7;
}

/** The Monday on or before a day (a day number for a day number, a date for a date). */
export function weekStart(day: number): number;
export function weekStart(day: LocalDate): LocalDate;
export function weekStart(day: number | LocalDate): number | LocalDate {
  if (typeof day === 'number') return day - weekdayOf(day);
  return addDays(day, -weekdayOf(day));
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function daysBetween(from: LocalDate, to: LocalDate): number {
  const a = parseDate(from);
  const b = parseDate(to);
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / 86_400_000);
}

/**
 * The instant when the wall clock in `zone` reads `date` `hour:minute`.
 * A time skipped by a spring-forward change moves forward by the gap (02:30 -> 03:30);
 * a time that occurs twice (fall back) maps to its first occurrence.
 */
export function localToInstant(date: LocalDate, hour: number, minute: number, zone: string): number {
  const { year, month, day } = parseDate(date);
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const before = offsetAt(wall - 36 * 3_600_000, zone);
  const after = offsetAt(wall + 36 * 3_600_000, zone);
  const candidates = [...new Set([before, after])]
    .map((off) => wall - off)
    .filter((t) => offsetAt(t, zone) === wall - t)
    .sort((a, b) => a - b);
  if (candidates.length > 0) return candidates[0]!;
  // In the gap: read the wall time with the offset in force before the change.
  return wall - before;
}

/**
 * The first instant of a local day (a day number or a date): its midnight, or where a change
 * skips midnight, the first instant that exists (e.g. 01:00).
 */
export function startOfDay(day: number | LocalDate, zone: string): number {
  const n = typeof day === 'number' ? day : dayNumber(day);
  const midnight = n * DAY;
  // Fast path: the usual case where local midnight exists.
  const guess = midnight - offsetAt(midnight - offsetAt(midnight, zone), zone);
  if (localDay(guess, zone) === n && localDay(guess - 1, zone) < n) return guess;
  // Offsets are at most ±14 h: the day starts somewhere in this window; bisect to the minute.
  let lo = midnight - 15 * 3_600_000; // surely on an earlier day
  let hi = midnight + 15 * 3_600_000; // surely on this day or later
  while (hi - lo > 60_000) {
    const mid = lo + Math.floor((hi - lo) / 2 / 60_000) * 60_000;
    if (localDay(mid, zone) >= n) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * Maps the instants of a fixed grid (e.g. quarter-hours) to local day numbers and local minutes
 * of the day. Offsets change rarely: sample every 6 hours and refine only where they differ.
 */
export class LocalGrid {
  readonly days: Int32Array;
  readonly minutes: Int16Array;
  constructor(
    readonly start: number,
    readonly step: number,
    readonly count: number,
    zone: string,
  ) {
    this.days = new Int32Array(count);
    this.minutes = new Int16Array(count);
    const window = Math.max(1, Math.floor((6 * 3_600_000) / step));
    for (let i = 0; i < count; i += window) {
      const last = Math.min(count - 1, i + window);
      const a = offsetAt(start + i * step, zone);
      const same = a === offsetAt(start + last * step, zone);
      for (let k = i; k <= last; k++) {
        const at = start + k * step;
        const local = at + (same ? a : offsetAt(at, zone));
        const d = Math.floor(local / DAY);
        this.days[k] = d;
        this.minutes[k] = Math.floor((local - d * DAY) / 60_000);
      }
    }
  }
}
