// `pulse backup FILE`: a consistent copy of the live database (SQLite's online backup API), checked.
import { accessSync, constants, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Config } from '../config.js';

export const backupUsage = 'backup FILE [--force]';

/** A backup that cannot be made, with a message safe to print as is. */
export class BackupError extends Error {}

export interface BackupOutcome {
  target: string;
  bytes: number;
  pages: number;
}

function checkTarget(target: string, force: boolean): void {
  if (existsSync(target)) {
    if (statSync(target).isDirectory()) throw new BackupError(`${target} is a directory: give a file name, e.g. ${join(target, 'pulse-backup.db')}.`);
    if (!force) throw new BackupError(`${target} already exists: choose another name, or add --force to replace it.`);
  }
  const dir = dirname(target);
  if (!existsSync(dir)) throw new BackupError(`Cannot write ${target}: the folder ${dir} does not exist.`);
  if (!statSync(dir).isDirectory()) throw new BackupError(`Cannot write ${target}: ${dir} is not a folder.`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new BackupError(`Cannot write ${target}: no permission to write in ${dir}.`);
  }
}

/**
 * Copies the database at `source` to `target` while the bot may be running: SQLite's online
 * backup reads one consistent snapshot (in WAL mode the bot's writes go on meanwhile). The copy
 * is written next to the target, checked with `PRAGMA integrity_check`, made a single file
 * (journal mode DELETE) and only then renamed over the target, so a failed run leaves no
 * half-written backup and never damages an older one.
 */
export async function backupDatabase(source: string, targetPath: string, options: { force?: boolean } = {}): Promise<BackupOutcome> {
  const target = resolve(targetPath);
  if (source === ':memory:' || source.startsWith('file:')) throw new BackupError(`Cannot back up DATABASE_URL ${source}: it is not a plain file path.`);
  if (resolve(source) === target) throw new BackupError('The backup cannot replace the database itself: choose another file.');
  if (!existsSync(source)) throw new BackupError(`There is no database at ${source} (DATABASE_URL): nothing to back up.`);
  checkTarget(target, options.force ?? false);

  const temp = join(dirname(target), `.${basename(target)}.partial-${process.pid}`);
  const cleanup = () => {
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(temp + suffix, { force: true });
  };
  let pages = 0;
  let db: Database.Database;
  try {
    db = new Database(source, { fileMustExist: true });
  } catch (err) {
    throw new BackupError(`Cannot open the database at ${source}: ${err instanceof Error ? err.message : String(err)}.`);
  }
  try {
    // The source's header, read now: a DATABASE_URL that is no database is named as such, not
    // blamed on the target when the copy fails.
    db.pragma('schema_version');
  } catch (err) {
    db.close();
    const why = (err as { code?: string }).code === 'SQLITE_NOTADB' ? 'the file is not a SQLite database' : err instanceof Error ? err.message : String(err);
    throw new BackupError(`Cannot read the database at ${source} (DATABASE_URL): ${why}.`);
  }
  try {
    db.pragma('busy_timeout = 5000');
    // All pages in one step: a backup step restarts whenever another connection writes between
    // steps, so small steps against a busy bot might never finish. This process is not the bot,
    // so one long step blocks no one (WAL: the bot keeps writing meanwhile).
    const result = await db.backup(temp, { progress: () => 0x7fffffff });
    pages = result.totalPages;
  } catch (err) {
    cleanup();
    throw new BackupError(`Cannot write ${target}: ${err instanceof Error ? err.message : String(err)}.`);
  } finally {
    db.close();
  }

  try {
    const copy = new Database(temp, { fileMustExist: true });
    try {
      const problems = copy.pragma('integrity_check', { simple: false }) as Array<{ integrity_check: string }>;
      const report = problems.map((p) => p.integrity_check);
      if (report.length !== 1 || report[0] !== 'ok') throw new BackupError(`The copy failed its integrity check (${report.slice(0, 3).join('; ')}); the database itself may be damaged. No backup was written.`);
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
    renameSync(temp, target);
  } catch (err) {
    cleanup();
    if (err instanceof BackupError) throw err;
    throw new BackupError(`Cannot finish the backup at ${target}: ${err instanceof Error ? err.message : String(err)}.`);
  }
  return { target, bytes: statSync(target).size, pages };
}

function parseArgs(args: string[]): { file: string; force: boolean } | string {
  let file: string | undefined;
  let force = false;
  for (const arg of args) {
    if (arg === '--force') force = true;
    else if (arg.startsWith('-')) return `Unknown option ${arg}.`;
    else if (file === undefined) file = arg;
    else return `One FILE only (got ${file} and ${arg}).`;
  }
  return file ? { file, force } : 'Give the FILE to write the backup to.';
}

/** The `pulse backup` command. */
export const backupCommand = {
  async run(args: string[], config: Config): Promise<number> {
    const parsed = parseArgs(args);
    if (typeof parsed === 'string') {
      console.error(`${parsed}\nUsage: pulse ${backupUsage}`);
      return 1;
    }
    const started = performance.now();
    try {
      const out = await backupDatabase(config.databasePath, parsed.file, { force: parsed.force });
      const ms = Math.round(performance.now() - started);
      console.log(`Backed up ${config.databasePath} to ${out.target}: ${(out.bytes / 1_048_576).toFixed(1)} MB, integrity check ok, ${ms} ms.`);
      return 0;
    } catch (err) {
      if (!(err instanceof BackupError)) throw err;
      console.error(`Pulse backup: ${err.message}`);
      return 1;
    }
  },
};
