// ISO instants read from their digits, for the ingestion paths that read one per event (a
// replay line's `at`, a message's `timestamp`): Date.parse's value without its general parser
// (~0.3 µs an instant, ~5% of `pulse replay`'s parsing thread). Pure.

/**
 * `YYYY-MM-DDTHH:MM:SS`, then an optional fraction of 1-9 digits, then `Z` or `±HH:MM`: what
 * JSON.stringify of a Date writes (`…:SS.sssZ`) and what Discord writes (`…:SS.ssssss+00:00`).
 * Date.parse's value (the fraction cut to milliseconds, as it does). Undefined for anything
 * else, for a day the month does not have (February 30: Date.parse would read March 2), and for
 * years before 100 (left to Date.parse): the caller then asks Date.parse or refuses it.
 */
export function isoMillis(s: string): number | undefined {
  const length = s.length;
  if (length < 20 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) {
    return undefined;
  }
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 7);
  const day = digits(s, 8, 10);
  const hour = digits(s, 11, 13);
  const minute = digits(s, 14, 16);
  const second = digits(s, 17, 19);
  if (year < 100 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;
  // Past the 28th: only a day the month has (the table, February's 29th in a leap year).
  if (day > 28 && day > (month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : MONTH_DAYS[month]!)) return undefined;
  let i = 19;
  let ms = 0;
  if (s.charCodeAt(i) === 46 /* . */) {
    const from = ++i;
    while (i < length && i - from < 10 && isDigit(s.charCodeAt(i))) i++;
    const n = i - from;
    if (n < 1 || n > 9) return undefined;
    ms = n >= 3 ? digits(s, from, from + 3) : digits(s, from, i) * (n === 1 ? 100 : 10);
  }
  let offset = 0;
  if (i === length - 1 && s.charCodeAt(i) === 90 /* Z */) {
    // UTC
  } else if (i === length - 6 && s.charCodeAt(i + 3) === 58) {
    const sign = s.charCodeAt(i);
    const hours = digits(s, i + 1, i + 3);
    const minutes = digits(s, i + 4, i + 6);
    if ((sign !== 43 /* + */ && sign !== 45) /* - */ || hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return undefined;
    offset = (sign === 43 ? 1 : -1) * (hours * 60 + minutes) * 60_000;
  } else return undefined;
  return ((daysSinceEpoch(year, month, day) * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + ms - offset;
}

/** Days in each month (1-12) of a common year. */
const MONTH_DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Days from 1970-01-01 to a date of the proleptic Gregorian calendar (month 1-12), as Date.UTC
 * counts them: arithmetic instead of its call into the engine (~half of this file's time).
 */
function daysSinceEpoch(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** The decimal number s[from, to), or -1 if any character is not a digit. */
function digits(s: string, from: number, to: number): number {
  let v = 0;
  for (let i = from; i < to; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * An instant as a replay line's `at` and `report --as-of` take it: `YYYY-MM-DDTHH:MM`, optional
 * seconds and fraction, then `Z` or `±HH:MM`, of a date and time that exist (NaN for anything
 * else). isoMillis reads the usual forms; the rest (no seconds, a fraction of 10 digits or more,
 * a year before 100, a day the month does not have) goes to Date.parse, which would read an instant without a zone in the machine's own
 * zone and roll February 30 over to March 2: the zone is required here, and the date and time
 * read back at the written offset must be the ones written.
 */
export function zonedInstantMillis(s: string): number {
  const fast = isoMillis(s);
  if (fast !== undefined) return fast;
  const m = ZONED.exec(s);
  if (!m) return Number.NaN;
  const at = Date.parse(s);
  if (Number.isNaN(at)) return Number.NaN;
  const offset = m[6] === 'Z' ? 0 : (m[7] === '+' ? 1 : -1) * (Number(m[8]) * 60 + Number(m[9])) * 60_000;
  const local = new Date(at + offset);
  const same = local.getUTCFullYear() === Number(m[1]) && local.getUTCMonth() + 1 === Number(m[2]) && local.getUTCDate() === Number(m[3]) && local.getUTCHours() === Number(m[4]) && local.getUTCMinutes() === Number(m[5]);
  return same ? at : Number.NaN;
}

const ZONED = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::[0-5]\d(?:\.\d+)?)?(Z|([+-])(\d{2}):(\d{2}))$/;

/** An ISO instant's milliseconds (NaN when it is none), as Date.parse reads it. */
export function instantMillis(s: string): number {
  return isoMillis(s) ?? Date.parse(s);
}
