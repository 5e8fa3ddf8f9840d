// The CSV files Pulse attaches (/poll export, /survey export, /feedback export): one format for
// all three, as a spreadsheet opens them.

/**
 * Starts every file, so that Excel reads it as UTF-8: without it, Cyrillic and accented text
 * comes out garbled.
 */
export const UTF8_BOM = '\uFEFF';

/**
 * One cell, RFC 4180: quoted when it holds a comma, a quote or a line break, or starts or ends
 * with a space (which a spreadsheet would drop). Text a spreadsheet would run as a formula (a
 * leading `=`, `+`, `-`, `@`, tab or CR) gets a leading `'`; numbers are written as numbers.
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A whole file: the byte order mark, then the header and the rows in CRLF lines. */
export function toCsv(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | null | undefined>>): string {
  return UTF8_BOM + [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
