// `pulse backup FILE`: a consistent, checked copy while another process keeps writing; clear refusals.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../src/cli.js';
import { migrate, openDatabase } from '../src/db/open.js';

let dir: string;
let dbPath: string;
let env: Record<string, string>;
const children: Array<ReturnType<typeof spawn>> = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pulse-backup-'));
  dbPath = join(dir, 'pulse.db');
  env = { DATABASE_URL: `sqlite:${dbPath}` };
  const database = openDatabase(dbPath);
  await migrate(database.db);
  await database.close();
});
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `pulse backup ARGS` in this process; gives the exit code and what it printed. */
async function backup(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    const code = await runCli(['backup', ...args], env);
    return { code, out: log.mock.calls.map((c) => String(c[0])).join('\n'), err: error.mock.calls.map((c) => String(c[0])).join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

// Another process (as the bot would be) writing two messages per transaction, as fast as it can.
const WRITER = `
const Database = require('better-sqlite3');
const db = new Database(process.argv[1]);
db.pragma('journal_mode = WAL');
db.pragma('busy_timeout = 5000');
const insert = db.prepare("INSERT INTO activity_messages (message_id, guild_id, channel_id, user_id, at, reply_to_id, has_attachment, deleted_at) VALUES (?, '1', '2', '3', ?, NULL, 0, NULL)");
const pair = db.transaction((n) => { insert.run(String(2 * n), n); insert.run(String(2 * n + 1), n); });
let n = 0;
const tick = () => { for (let i = 0; i < 50; i++) pair(n++); if (n === 50) process.stdout.write('writing\\n'); setImmediate(tick); };
tick();
`;

const rows = (file: string) => {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT count(*) FROM activity_messages').pluck().get() as number;
  } finally {
    db.close();
  }
};

describe('pulse backup', () => {
  it('copies a consistent snapshot while another process keeps writing, and the copy opens and holds the rows', { timeout: 60_000 }, async () => {
    const writer = spawn(process.execPath, ['-e', WRITER, dbPath], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(writer);
    await new Promise<void>((resolve) => writer.stdout!.once('data', () => resolve()));

    const copies: Array<{ file: string; before: number; after: number }> = [];
    for (let i = 0; i < 3; i++) {
      const file = join(dir, `copy-${i}.db`);
      const before = rows(dbPath);
      const run = await backup(file);
      const after = rows(dbPath);
      expect(run.err).toBe('');
      expect(run.code).toBe(0);
      expect(run.out).toMatch(new RegExp(`^Backed up ${dbPath} to ${file}: \\d+\\.\\d MB, integrity check ok, \\d+ ms\\.$`));
      copies.push({ file, before, after });
    }
    writer.kill('SIGKILL');
    expect(copies.at(-1)!.after).toBeGreaterThan(copies[0]!.before); // the writes really went on

    for (const { file, before, after } of copies) {
      const copied = rows(file);
      expect(copied).toBeGreaterThanOrEqual(before);
      expect(copied).toBeLessThanOrEqual(after);
      expect(copied % 2).toBe(0); // whole transactions only: one snapshot
      const db = new Database(file, { readonly: true, fileMustExist: true });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.pragma('journal_mode', { simple: true })).toBe('delete'); // one self-contained file
      db.close();
      expect(existsSync(`${file}-wal`)).toBe(false);
    }
    // No partial files left behind.
    expect(readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);

    // The copy is a working Pulse database: it opens and is up to date with the migrations.
    const restored = openDatabase(copies[0]!.file);
    expect((await migrate(restored.db)).applied).toEqual([]);
    await restored.close();
  });

  it('refuses to replace a file unless --force, and then replaces it', async () => {
    const file = join(dir, 'exists.db');
    writeFileSync(file, 'an older backup');
    const refused = await backup(file);
    expect(refused.code).toBe(1);
    expect(refused.err).toBe(`Pulse backup: ${file} already exists: choose another name, or add --force to replace it.`);
    expect(readFileSync(file, 'utf8')).toBe('an older backup');

    const forced = await backup(file, '--force');
    expect(forced.code).toBe(0);
    const db = new Database(file, { readonly: true });
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'activity_messages'").pluck().get()).toBe(1);
    db.close();
  });

  it('says clearly when it cannot write, or has nothing to copy, or is used wrongly', async () => {
    const missingDir = join(dir, 'no-such-folder', 'b.db');
    expect(await backup(missingDir)).toMatchObject({ code: 1, err: `Pulse backup: Cannot write ${missingDir}: the folder ${join(dir, 'no-such-folder')} does not exist.` });

    const notFolder = join(dir, 'pulse.db', 'b.db');
    expect(await backup(notFolder)).toMatchObject({ code: 1, err: `Pulse backup: Cannot write ${notFolder}: ${dbPath} is not a folder.` });

    expect(await backup(dir)).toMatchObject({ code: 1, err: expect.stringMatching(/is a directory: give a file name/) });
    expect(await backup(dbPath, '--force')).toMatchObject({ code: 1, err: 'Pulse backup: The backup cannot replace the database itself: choose another file.' });

    // A place no one may create files in (not even root): /proc.
    expect(await backup('/proc/pulse-backup-test.db')).toMatchObject({ code: 1, err: expect.stringMatching(/^Pulse backup: Cannot write \/proc\/pulse-backup-test\.db: (no permission to write in \/proc|unable to open database file)\.$/) });

    expect(await backup()).toMatchObject({ code: 1, err: 'Give the FILE to write the backup to.\nUsage: pulse backup FILE [--force]' });
    expect(await backup('a.db', '--forse')).toMatchObject({ code: 1, err: 'Unknown option --forse.\nUsage: pulse backup FILE [--force]' });

    env = { DATABASE_URL: `sqlite:${join(dir, 'none.db')}` };
    const none = await backup(join(dir, 'b.db'));
    expect(none).toMatchObject({ code: 1, err: `Pulse backup: There is no database at ${join(dir, 'none.db')} (DATABASE_URL): nothing to back up.` });
    expect(existsSync(join(dir, 'none.db'))).toBe(false);

    // A DATABASE_URL that is no database is named as such (not blamed on the target).
    const notDb = join(dir, 'notes.txt');
    writeFileSync(notDb, 'not a database, just text\n'.repeat(100));
    env = { DATABASE_URL: `sqlite:${notDb}` };
    expect(await backup(join(dir, 'c.db'))).toMatchObject({ code: 1, err: `Pulse backup: Cannot read the database at ${notDb} (DATABASE_URL): the file is not a SQLite database.` });
    expect(existsSync(join(dir, 'c.db'))).toBe(false);
  });
});
