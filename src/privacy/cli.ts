// `pulse privacy-export`: a member's data export written to a file by the server's admins, for a
// member whose export is too big for Discord's upload limit (the same JSON /privacy export sends),
// or who left the server (/privacy works only in the server).
// `pulse privacy-opt-out`: the opt-out of a member who left, asked of the server's admins.
import { accessSync, constants, existsSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError, type CliCommand } from '../command-line.js';
import { systemClock } from '../clock.js';
import { botMigration, KNOWN_MIGRATION, migrate, openDatabase } from '../db/open.js';
import { openReadOnly } from '../db/read-only.js';
import type { Executor } from '../db/schema.js';
import { hasActivity, noActivityMessage } from '../insights/store.js';
import { getSettings } from '../settings/store.js';
import { privacyEntries } from './entries.js';
import { writeExport } from './export-file.js';
import type { Raw } from './registry.js';
import { optOutOrder } from './privacy.js';
import { isLanguage, languageCodes, t, type Language } from '../i18n/index.js';
import { beginOptOut, isOptOutPending } from './store.js';

const SNOWFLAKE = /^\d{17,20}$/;

/** Runs `read` (a node:util parseArgs call): a bad command line is a UsageError. */
function parse<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

/** The server and the member, checked. */
function ids(values: { guild?: unknown; user?: unknown }): { guild: string; user: string } {
  const { guild, user } = values;
  if (typeof guild !== 'string' || !SNOWFLAKE.test(guild)) throw new UsageError('--guild must be a server id (17 to 20 digits).');
  if (typeof user !== 'string' || !SNOWFLAKE.test(user)) throw new UsageError("--user must be the member's id (17 to 20 digits).");
  return { guild, user };
}

function checkLang(lang: unknown): void {
  if (lang !== undefined && !(typeof lang === 'string' && isLanguage(lang))) throw new UsageError(`--lang must be one of ${languageCodes.join(', ')}.`);
}

/**
 * How many rows of every table name the member in the server (what /privacy show counts): not the
 * summaries (the hourly rollups), whose count decodes every hour of the server, a long read while
 * the bot runs; a member in them has rows in the entries they summarise.
 */
function memberRows(raw: Raw, guild: string, user: string): number {
  return privacyEntries.filter((e) => !e.summary).reduce((sum, e) => sum + e.count(raw, guild, user), 0);
}

/**
 * Whether the server is one Pulse has records of (what `report` checks), or the member has rows
 * in it: a mistyped or swapped --guild is refused rather than answered with an empty export.
 */
async function knownServer(db: Executor, raw: Raw, guild: string, user: string): Promise<boolean> {
  return (await hasActivity(db, guild)) || memberRows(raw, guild, user) > 0;
}

/** --lang, else the server's language setting (the CLI cannot see the member's Discord locale), else English. */
async function languageFor(db: Executor, guild: string, lang: unknown): Promise<Language> {
  if (typeof lang === 'string' && isLanguage(lang)) return lang;
  return (await getSettings(db, guild)).language ?? 'en';
}

/** The file itself, links and `..` resolved, when it or its folder exists (else `path` as given). */
function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    try {
      return join(realpathSync(dirname(path)), basename(path));
    } catch {
      return path;
    }
  }
}

/**
 * Why the export cannot or must not be written to --out (checked before anything is read): the
 * database itself or one of its companion files (writing there would destroy it, --force or
 * not), a folder, an existing file without --force, a missing or read-only folder.
 */
function checkOut(out: string, force: boolean, databasePath: string): string | undefined {
  const target = realPath(out);
  for (const suffix of ['', '-wal', '-shm', '-journal']) {
    const file = databasePath + suffix;
    let same = realPath(file) === target;
    // Another name for the same file (a hard link) is the same file too.
    if (!same && existsSync(file) && existsSync(out)) {
      const [a, b] = [statSync(file), statSync(out)];
      same = a.dev === b.dev && a.ino === b.ino;
    }
    if (same) return `${out} is Pulse's database${suffix ? ` (its ${suffix.slice(1)} file)` : ''}: writing the export there would destroy it. Pick another --out.`;
  }
  if (existsSync(out)) {
    if (statSync(out).isDirectory()) return `${out} is a folder: give a file name, e.g. --out ${join(out, 'pulse-data.json')}.`;
    if (!force) return `${out} exists: pick another --out, or add --force to replace it.`;
  }
  const dir = dirname(out);
  if (!existsSync(dir)) return `Cannot write ${out}: the folder ${dir} does not exist.`;
  if (!statSync(dir).isDirectory()) return `Cannot write ${out}: ${dir} is not a folder.`;
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    return `Cannot write ${out}: no permission to write in ${dir}.`;
  }
  return undefined;
}

export const privacyExportCommand: Pick<CliCommand, 'run'> = {
  async run(args, config) {
    const { values } = parse(() => parseArgs({ args, options: { guild: { type: 'string' }, user: { type: 'string' }, out: { type: 'string' }, lang: { type: 'string' }, force: { type: 'boolean', default: false } }, strict: true }));
    const { guild, user } = ids(values);
    checkLang(values.lang);
    const out = resolve(values.out ?? `pulse-data-${guild}-${user}.json`);
    const refused = checkOut(out, values.force, config.databasePath);
    if (refused) {
      console.error(refused);
      return 1;
    }
    if (!existsSync(config.databasePath)) {
      console.error(`No database at ${config.databasePath} (DATABASE_URL).`);
      return 1;
    }
    // Read-only, like the bot's own export: safe while the bot runs.
    const read = openReadOnly(config.databasePath);
    try {
      if (!(await knownServer(read.db, read.sqlite, guild, user))) {
        console.error(`${noActivityMessage(guild, config.databasePath)} No file was written.`);
        return 1;
      }
      // The note at the top of the file, in the member's language.
      const lang = await languageFor(read.db, guild, values.lang);
      let rows: number;
      try {
        rows = writeExport(read.sqlite, privacyEntries, guild, user, systemClock.now(), out, t(lang, 'privacy.export.note'));
      } catch (err) {
        // A full disk, a file size limit: nothing half-written is left (see writeExport).
        if (!(err as NodeJS.ErrnoException).syscall) throw err; // not the file system's: a real failure
        console.error(`Cannot write ${out}: ${err instanceof Error ? err.message : String(err)}. No file was written${existsSync(out) ? ` (the file already there is unchanged)` : ''}.`);
        return 1;
      }
      if (rows === 0) {
        // Said plainly: a mistyped --user is the likelier cause than a member Pulse never saw.
        console.log(
          `Wrote ${out}: 0 rows. Pulse keeps nothing about member ${user} in server ${guild}: check --user (the member's id) if you expected data; otherwise the file is the answer to give them.`,
        );
        return;
      }
      console.log(`Wrote ${out}: ${rows} rows. Give it to the member privately: it is everything Pulse keeps about them in this server.`);
    } finally {
      await read.close();
    }
  },
};

/** A heartbeat this recent says the bot is running (it beats every 5 s while connected). */
const ALIVE_MS = 30_000;
const DEFAULT_WAIT_S = 60;

export const privacyOptOutCommand: Pick<CliCommand, 'run'> = {
  async run(args, config) {
    const { values } = parse(() => parseArgs({ args, options: { guild: { type: 'string' }, user: { type: 'string' }, lang: { type: 'string' }, wait: { type: 'string' } }, strict: true }));
    const { guild, user } = ids(values);
    checkLang(values.lang);
    // Plain decimal digits only: Number() would take '' as 0 and 0x10 as 16.
    const wait = values.wait === undefined ? DEFAULT_WAIT_S : /^\d{1,4}$/.test(values.wait) ? Number(values.wait) : NaN;
    if (!Number.isInteger(wait) || wait < 0 || wait > 3600) throw new UsageError('--wait must be a whole number of seconds, 0 to 3600.');
    if (!existsSync(config.databasePath)) {
      console.error(`No database at ${config.databasePath} (DATABASE_URL).`);
      return 1;
    }
    const database = openDatabase(config.databasePath);
    try {
      await migrate(database.db);
      const raw = database.sqlite;
      if (!(await knownServer(database.db, raw, guild, user))) {
        console.error(`${noActivityMessage(guild, config.databasePath)} Nobody was opted out.`);
        return 1;
      }
      // A member with no rows at all is opted out all the same (they may come back), and told so.
      const none = memberRows(raw, guild, user) === 0;
      // What the job will delete or anonymise (kept rows, as docs/privacy.md lists them, stay).
      const found = optOutOrder(privacyEntries).filter((e) => !e.summary).reduce((sum, e) => sum + e.count(raw, guild, user), 0);
      // The job only is written here, with the opt-out, in one short transaction (safe while the
      // bot runs). The bot carries it out, as it does /privacy opt-out's: it owns the door that
      // drops the member's events and the caches the deletion changes, so a deletion run from
      // here could race its writes. A running bot picks the job up within seconds; a stopped one
      // on its next start. The member is told by DM, in this language, when it is done, if
      // Discord lets the bot message them.
      const lang = await languageFor(database.db, guild, values.lang);
      await beginOptOut(database.db, { guildId: guild, userId: user, requestedAt: systemClock.now(), notifyToken: null, notifyLocale: lang });
      const who = `member ${user} in server ${guild}`;
      if (none) {
        console.log(
          `Opted out ${who}, who has no records in Pulse (check --user, the member's id, if you expected some): nothing to delete, and Pulse records nothing about them if they come back.`,
        );
        return;
      }
      const beat = raw.prepare(`SELECT max(heartbeat_at) FROM activity_listening`).pluck().get() as number | null;
      const running = beat !== null && systemClock.now() - beat < ALIVE_MS;
      if (!running) {
        console.log(`Opted out ${who} (${found} records to delete or anonymise). The bot is not running: it does so when it next starts (npm start), and records nothing about the member meanwhile.`);
        return;
      }
      // A bot started from an older Pulse (it wrote an older mark, or none) may not know the job
      // at all, nor the tables this command migrated in under it: only its restart carries it out.
      if (botMigration(raw) < KNOWN_MIGRATION) {
        console.log(
          `Opted out ${who} (${found} records to delete or anonymise). The running bot is an older Pulse: restart it to carry out the job (it may record the member until then); see README, Upgrading.`,
        );
        return;
      }
      const until = Date.now() + wait * 1000;
      while ((await isOptOutPending(database.db, guild, user)) && Date.now() < until) await new Promise((r) => setTimeout(r, 250));
      if (await isOptOutPending(database.db, guild, user)) {
        console.log(`Opted out ${who} (${found} records to delete or anonymise). The running bot is at it (privacy.opt-out-* in its log); run this again later to check it is done.`);
      } else {
        console.log(`Opted out ${who}: the running bot deleted or anonymised the ${found} records Pulse kept about them, and no longer records them.`);
      }
    } finally {
      await database.close();
    }
  },
};
