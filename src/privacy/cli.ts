// `pulse privacy-export`: a member's data export written to a file by the server's admins, for a
// member whose export is too big for Discord's upload limit (the same JSON /privacy export sends).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError, type CliCommand } from '../command-line.js';
import { systemClock } from '../clock.js';
import { openReadOnly } from '../db/read-only.js';
import { privacyEntries } from './entries.js';
import { writeExport } from './export-file.js';
import { t } from '../i18n/index.js';

const SNOWFLAKE = /^\d{17,20}$/;

export const privacyExportCommand: Pick<CliCommand, 'run'> = {
  async run(args, config) {
    let values;
    try {
      ({ values } = parseArgs({ args, options: { guild: { type: 'string' }, user: { type: 'string' }, out: { type: 'string' }, force: { type: 'boolean', default: false } }, strict: true }));
    } catch (err) {
      throw new UsageError(err instanceof Error ? err.message : String(err));
    }
    const { guild, user } = values;
    if (!guild || !SNOWFLAKE.test(guild)) throw new UsageError('--guild must be a server id (17 to 20 digits).');
    if (!user || !SNOWFLAKE.test(user)) throw new UsageError("--user must be the member's id (17 to 20 digits).");
    const out = resolve(values.out ?? `pulse-data-${guild}-${user}.json`);
    if (existsSync(out) && !values.force) throw new UsageError(`${out} exists: pick another --out, or add --force to replace it.`);
    if (!existsSync(config.databasePath)) {
      console.error(`No database at ${config.databasePath} (DATABASE_URL).`);
      return 1;
    }
    // Read-only, like the bot's own export: safe while the bot runs.
    const read = openReadOnly(config.databasePath);
    try {
      const rows = writeExport(read.sqlite, privacyEntries, guild, user, systemClock.now(), out, t('en', 'privacy.export.note'));
      console.log(`Wrote ${out}: ${rows} rows. Give it to the member privately: it is everything Pulse keeps about them in this server.`);
    } finally {
      await read.close();
    }
  },
};
