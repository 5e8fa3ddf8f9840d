// Writes a member's export as a JSON file, one row at a time (flat memory on any server size).
import { closeSync, openSync, writeSync } from 'node:fs';
import type { PrivacyEntry, Raw } from './registry.js';

export const EXPORT_NOTE = 'Pulse keeps metadata only: ids and instants. It never stores the text of your messages.';

/** Writes {guild_id, user_id, note, <entry name>: [rows...], ...} to `path`; returns the row count. */
export function writeExport(read: Raw, entries: readonly PrivacyEntry[], guildId: string, userId: string, exportedAt: number, path: string): number {
  const fd = openSync(path, 'w');
  let rows = 0;
  try {
    const out = (text: string) => writeSync(fd, text);
    out(`{\n  "guild_id": ${JSON.stringify(guildId)},\n  "user_id": ${JSON.stringify(userId)},\n  "exported_at": ${JSON.stringify(new Date(exportedAt).toISOString())},\n  "note": ${JSON.stringify(EXPORT_NOTE)}`);
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
