// Member-provided text shown as typed: markdown escaped, so no heading, spoiler, code block or masked link can be made of it;
// cut to Discord's limits without leaving half an emoji; lists of whole lines that fit a message.

/**
 * Escapes a member's text (a poll question or choice, a flagged message's excerpt, a reason)
 * for a message, embed or DM. Every `[` and `]` is escaped, so `[click](http://…)` can never
 * render as a masked link; a bare URL still shows as itself. Mentions stay text for the
 * reader: `allowedMentions` keeps them silent.
 */
export function plainText(text: string): string {
  return text
    .replace(/[\\*_~`|[\]]/g, '\\$&')
    .replace(/^(\s*)(#{1,3}\s|-#\s|>|-\s|\+\s)/gm, '$1\\$2')
    .replace(/^(\s*\d+)\.(\s)/gm, '$1\\.$2');
}

/**
 * Length as Discord counts it: code points, so an emoji made of a surrogate pair is one character.
 * Pulse checks what members typed into a Discord field (a modal, an option) the same way, so text
 * Discord took is never refused for being "too long" by Pulse.
 */
export function charCount(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // A high surrogate followed by a low one is one code point.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The longest start of `text` whose `size` is at most `max`, cut between graphemes (else between code points). */
function cutTo(text: string, max: number, size: (piece: string) => number): string {
  let out = '';
  let used = 0;
  for (const { segment } of graphemes.segment(text)) {
    const n = size(segment);
    if (used + n > max) break;
    out += segment;
    used += n;
  }
  // One "letter" longer than the whole room (a pile of combining marks): cut it between code points.
  if (out === '' && max > 0) {
    for (const point of text) {
      if (used + size(point) > max) break;
      out += point;
      used += size(point);
    }
  }
  return out;
}

/**
 * At most `max` UTF-16 units of a member's text (what discord.js's builders check, and so never
 * more characters than Discord counts), cut between two characters as a reader sees them: never
 * inside a surrogate pair (a lone half is not valid UTF-8, and Discord refuses the whole message,
 * modal or post that carries it; SQLite would store "�"), nor inside an emoji made of several
 * code points or a letter with its accents. For everything Pulse shows.
 */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : cutTo(text, max, (piece) => piece.length);
}

/** Like truncate, but a cut text ends with "…" (within the `max` units). */
export function ellipsize(text: string, max: number): string {
  return text.length <= max ? text : `${truncate(text, Math.max(0, max - 1))}…`;
}

/**
 * At most `max` characters counted as Discord counts them (code points), cut as truncate cuts:
 * for keeping what a member typed into a field whose limit Discord checked (a modal's max_length,
 * an option's), which must not lose what Discord let through.
 */
export function truncateChars(text: string, max: number): string {
  return text.length <= max || charCount(text) <= max ? text : cutTo(text, max, charCount);
}

/**
 * plainText within `max` characters once escaped: the escapes take room too, so the member's text
 * is shortened (with "…", never through an emoji) until its escaped form fits.
 */
export function plainTextWithin(text: string, max: number): string {
  const whole = plainText(text);
  if (whole.length <= max) return whole;
  // The longest cut (in UTF-16 units of the member's text) whose escaped form still fits.
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (plainText(`${truncate(text, mid)}…`).length <= max) lo = mid;
    else hi = mid - 1;
  }
  return plainText(`${truncate(text, lo)}…`);
}

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether text holds no half of a surrogate pair (what UTF-8, and so Discord, can carry). */
export function isWellFormed(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/** Discord's limit on a message's content. */
export const MAX_CONTENT = 2000;

/**
 * A list for a message: the header, then as many whole lines as fit in `max` characters, then
 * `more(n)` for the n items left out: the lines that did not fit and `beyond`, the items not
 * given as lines at all (never a line cut in the middle, a link half gone, or the count of what
 * is missing lost to the cut). An empty header adds no line (an embed field's value).
 */
export function fitLines(header: string, lines: readonly string[], more: (left: number) => string, beyond = 0, max = MAX_CONTENT): string {
  const head = header === '' ? [] : [header];
  const text = (shown: number, left: number) => [...head, ...lines.slice(0, shown), ...(left > 0 ? [more(left)] : [])].join('\n');
  const all = text(lines.length, beyond);
  if (all.length <= max) return all;
  // As many lines as fit with the note that says how many are left.
  let shown = 0;
  while (shown < lines.length && text(shown + 1, lines.length - shown - 1 + beyond).length <= max) shown++;
  return text(shown, lines.length - shown + beyond);
}

/** A Discord timestamp (`<t:…:R>`), shown by each reader's client in their own zone and language. */
export function discordTime(ms: number, style: 'R' | 'f' | 'F'): string {
  return `<t:${Math.floor(ms / 1000)}:${style}>`;
}
