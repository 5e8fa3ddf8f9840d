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
