// `pulse digest`: writes the digest of the last complete period (embed JSON and chart PNG) to a folder.
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError, type CliCommand } from '../command-line.js';
import { systemClock } from '../clock.js';
import { migrate, openDatabase, type Database } from '../db/open.js';
import { isLanguage, languageCodes } from '../i18n/index.js';
import { getSettings } from '../settings/store.js';
import { buildDigest, IMAGE_NAME, type ReportMaker } from './content.js';
import { feedbackSummary } from './feedback.js';
import { closedPolls, nativePolls } from './polls.js';
import { insightsReports } from './reports.js';
import { periodSurveys } from './surveys.js';
import { lastCompletePeriod, type PeriodKind } from './schedule.js';
import { hasActivity, noActivityMessage } from '../insights/store.js';
import { canonicalTimeZone, localDate } from '../zone.js';

export function digestCli(reports: (database: Database) => ReportMaker = insightsReports, clock = systemClock): CliCommand {
  return {
    summary: 'Write the digest of the last complete day, week or month (embed JSON + chart PNG) to a folder',
    usage: 'digest --guild ID [--period day|week|month] [--tz ZONE] [--lang en|es|ru] [--out DIR]',
    needsDiscord: false,
    async run(args, config) {
      let values;
      try {
        ({ values } = parseArgs({
          args,
          options: { guild: { type: 'string' }, period: { type: 'string', default: 'week' }, tz: { type: 'string' }, lang: { type: 'string' }, out: { type: 'string' } },
          strict: true,
        }));
      } catch (err) {
        throw new UsageError(err instanceof Error ? err.message : String(err));
      }
      const guildId = values.guild;
      if (!guildId || !/^\d{17,20}$/.test(guildId)) throw new UsageError('--guild must be a server id (17 to 20 digits).');
      const kind = values.period as PeriodKind;
      if (!['day', 'week', 'month'].includes(kind)) throw new UsageError('--period must be day, week or month.');
      // As /settings set timezone takes it: any case, 'New York', an old name; used by its current name.
      const tz = values.tz === undefined ? undefined : canonicalTimeZone(values.tz);
      if (tz === null) throw new UsageError(`--tz: "${values.tz}" is not an IANA time zone such as Europe/Berlin.`);
      if (values.lang !== undefined && !isLanguage(values.lang)) throw new UsageError(`--lang must be one of ${languageCodes.join(', ')}.`);
      // It reads the database only: a DATABASE_URL naming no file is a mistake, not a new database.
      if (!existsSync(config.databasePath)) {
        console.error(`No database at ${config.databasePath} (DATABASE_URL).`);
        return 1;
      }
      // Where the files go: a folder (made if missing), never a file that is there.
      const outArg = values.out;
      if (outArg !== undefined && existsSync(outArg) && !statSync(outArg).isDirectory()) throw new UsageError(`--out must be a folder: ${resolve(outArg)} is a file.`);
      const database = openDatabase(config.databasePath);
      try {
        await migrate(database.db);
        if (!(await hasActivity(database.db, guildId))) {
          console.error(noActivityMessage(guildId, config.databasePath));
          return 1;
        }
        const settings = await getSettings(database.db, guildId);
        const timezone = tz ?? settings.timezone;
        // Without --lang: the server's language setting (the CLI cannot see its Discord locale).
        const language = values.lang !== undefined && isLanguage(values.lang) ? values.lang : (settings.language ?? 'en');
        const now = clock.now();
        const period = lastCompletePeriod(kind, localDate(now, timezone));
        // Every section the bot posts (features.ts gives the digests slice the same sources).
        const digest = await buildDigest(
          reports(database),
          { guildId, timezone, period, asOf: now, language },
          { polls: closedPolls(database.db), nativePolls: nativePolls(database.db), surveys: periodSurveys(database.db), feedback: feedbackSummary(database.db) },
        );
        // Under data/ (gitignored) unless told otherwise, never loose in the working folder.
        const out = resolve(values.out ?? join('data', 'digests', `digest-${guildId}-${period.kind}-${period.from}`));
        mkdirSync(out, { recursive: true });
        writeFileSync(join(out, 'embed.json'), `${JSON.stringify(digest.embed, null, 2)}\n`);
        writeFileSync(join(out, 'report.json'), `${JSON.stringify({ report: digest.report, previous: digest.previous }, null, 2)}\n`);
        writeFileSync(join(out, IMAGE_NAME), digest.png);
        console.log(`Digest for ${period.from} – ${period.to} (${timezone}) written to ${out}: embed.json, report.json, ${IMAGE_NAME}`);
      } finally {
        await database.close();
      }
    },
  };
}
