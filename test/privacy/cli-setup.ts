// The privacy CLI tests' set-up: a database in a folder of its own holding the example replay,
// with what the CLI prints captured; removed after each test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';
import { replayFile } from '../../src/activity/replay.js';
import { migrate, openDatabase } from '../../src/db/open.js';

/** A new folder (named from `prefix`) with pulse.db migrated and the replay stored; console lines go to `printed`. */
export async function cliDatabase(prefix: string): Promise<{ dir: string; printed: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const printed: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
  vi.spyOn(console, 'error').mockImplementation((line: string) => void printed.push(line));
  const database = openDatabase(join(dir, 'pulse.db'));
  await migrate(database.db);
  await replayFile(database, join(import.meta.dirname, '..', '..', 'examples', 'replay.jsonl'));
  await database.close();
  return { dir, printed };
}

/** Undoes cliDatabase. */
export function removeCliDatabase(dir: string): void {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
}
