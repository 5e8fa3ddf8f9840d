// Writes a member's export as a JSON file, one row at a time (flat memory on any server size).
import { closeSync, openSync, writeSync } from 'node:fs';
import type { PrivacyEntry, Raw } from './registry.js';

/**
 * Writes {guild_id, user_id, exported_at, note, <entry name>: [rows...], ...} to `path`; returns the
 * row count. `note` says what the file holds, in the member's language (`privacy.export.note`).
 */
export function writeExport(read: Raw, entries: readonly PrivacyEntry[], guildId: string, userId: string, exportedAt: number, path: string, note: string): number {
  const fd = openSync(path, 'w');
  let rows = 0;
  try {
    const out = (text: string) => writeSync(fd, text);
    out(`{\n  "guild_id": ${JSON.stringify(guildId)},\n  "user_id": ${JSON.stringify(userId)},\n  "exported_at": ${JSON.stringify(new Date(exportedAt).toISOString())},\n  "note": ${JSON.stringify(note)}`);
    // One read transaction: every table is read at the same instant.
    read.transaction(() => {
      for (const entry of entries) {
        out(`,\n  ${JSON.stringify(entry.name)}: [`);
        let first = true;
        for (const row of entry.exportRows(read, guildId, userId)) {
          out(`${first ? '\n' : ',\n'}    ${JSON.stringify(row)}`);
          first = false;
          rows++;
        }
        out(first ? ']' : '\n  ]');
      }
    })();
    out('\n}\n');
  } finally {
    closeSync(fd);
  }
  return rows;
}
