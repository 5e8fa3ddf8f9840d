// Member-provided text shown as typed: markdown escaped, so no heading, spoiler, code block or masked link can be made of it.

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

/** Discord's limit on a message's content. */
export const MAX_CONTENT = 2000;

/**
 * A list for a message: the header, then as many whole lines as fit in `max` characters, then
 * `more(n)` for the n items left out: the lines that did not fit and `beyond`, the items not
 * given as lines at all (never a line cut in the middle, a link half gone, or the count of what
 * is missing lost to the cut).
 */
export function fitLines(header: string, lines: readonly string[], more: (left: number) => string, beyond = 0, max = MAX_CONTENT): string {
  const note = (left: number) => (left > 0 ? `\n${more(left)}` : '');
  const all = [header, ...lines].join('\n') + note(beyond);
  if (all.length <= max) return all;
  let out = header;
  let shown = 0;
  for (const line of lines) {
    // Room for this line and the note that says how many are left.
    const next = `${out}\n${line}`;
    if (next.length + note(lines.length - shown - 1 + beyond).length > max) break;
    out = next;
    shown++;
  }
  return out + note(lines.length - shown + beyond);
}
