// Writes a member's export as a JSON file, one row at a time (flat memory on any server size).
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { PrivacyEntry, Raw } from './registry.js';

/** A file written next to its final name, renamed over it only once complete. */
function tempFile(path: string) {
  const temp = join(dirname(path), `.${basename(path)}.partial-${process.pid}-${randomBytes(4).toString('hex')}`);
  // 'wx': a name nobody else uses (never follows a link left there).
  const fd = openSync(temp, 'wx');
  let open = true;
  return {
    write: (text: string) => void writeSync(fd, text),
    /** Closes it (a write the disk refused at the last moment fails here) and renames it over `path`. */
    done() {
      open = false;
      closeSync(fd);
      renameSync(temp, path);
    },
    /** Removes it: nothing is left behind, and a file already at `path` is untouched. */
    abandon() {
      if (open) closeSync(fd);
      open = false;
      rmSync(temp, { force: true });
    },
  };
}

/** The file's text, piece by piece; `counted` is called once per row. */
function* exportText(read: Raw, entries: readonly PrivacyEntry[], guildId: string, userId: string, exportedAt: number, note: string, counted: () => void): Generator<string> {
  yield `{\n  "guild_id": ${JSON.stringify(guildId)},\n  "user_id": ${JSON.stringify(userId)},\n  "exported_at": ${JSON.stringify(new Date(exportedAt).toISOString())},\n  "note": ${JSON.stringify(note)}`;
  for (const entry of entries) {
    yield `,\n  ${JSON.stringify(entry.name)}: [`;
    let first = true;
    for (const row of entry.exportRows(read, guildId, userId)) {
      yield `${first ? '\n' : ',\n'}    ${JSON.stringify(row)}`;
      first = false;
      counted();
    }
    yield first ? ']' : '\n  ]';
  }
  yield '\n}\n';
}

/**
 * Writes {guild_id, user_id, exported_at, note, <entry name>: [rows...], ...} to `path`; returns the
 * row count. `note` says what the file holds, in the member's language (`privacy.export.note`).
 * The rows go to a temporary file next to `path`, renamed over it only once complete: a failed
 * write (a full disk, a file size limit, a read error) leaves no cut-off JSON behind and never
 * damages a file already at `path`.
 */
export function writeExport(read: Raw, entries: readonly PrivacyEntry[], guildId: string, userId: string, exportedAt: number, path: string, note: string): number {
  const file = tempFile(path);
  let rows = 0;
  try {
    // One read transaction: every table is read at the same instant.
    read.transaction(() => {
      for (const text of exportText(read, entries, guildId, userId, exportedAt, note, () => rows++)) file.write(text);
    })();
    file.done();
  } catch (err) {
    file.abandon();
    throw err;
  }
  return rows;
}

/**
 * writeExport for a worker thread, on a connection of the export's own: every `sliceMs` of work
 * it awaits `pause()`, which lets the worker's message queue in, so a member's /privacy show sent
 * beside a long export runs there (on the worker's other connection) instead of after it.
 */
export async function writeExportPausing(read: Raw, entries: readonly PrivacyEntry[], guildId: string, userId: string, exportedAt: number, path: string, note: string, pause: () => Promise<void>, sliceMs = 10): Promise<number> {
  const file = tempFile(path);
  let rows = 0;
  try {
    // One read transaction across the pauses (none of this connection's statements runs meanwhile).
    read.exec('BEGIN');
    try {
      let since = performance.now();
      for (const text of exportText(read, entries, guildId, userId, exportedAt, note, () => rows++)) {
        file.write(text);
        if (performance.now() - since >= sliceMs) {
          await pause();
          since = performance.now();
        }
      }
    } finally {
      if (read.inTransaction) read.exec('COMMIT'); // a read: ends the snapshot, writes nothing
    }
    file.done();
  } catch (err) {
    file.abandon();
    throw err;
  }
  return rows;
}
