// `pulse report --guild ID [--from DATE] [--to DATE] [--tz ZONE] [--lang en|es|ru] [--json]`.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { canonicalTimeZone, isIsoDate, dayNumber, localDate } from '../zone.js';
import { zonedInstantMillis } from '../activity/instants.js';
import { UsageError, type CliCommand } from '../command-line.js';
import { systemClock } from '../clock.js';
import { migrate, openDatabase } from '../db/open.js';
import { isLanguage, languageCodes } from '../i18n/index.js';
import { getSettings } from '../settings/store.js';
import { buildReport, lastCompleteDays } from './report.js';
import { hasActivity, noActivityMessage, noActivityWarning } from './store.js';
import { renderReportText } from './render.js';

const MAX_DAYS = 366;
const date = (name: string) => z.string().refine(isIsoDate, { message: `--${name} must be a date written YYYY-MM-DD, like 2026-10-05` });

const flagsSchema = z.object({
  guild: z.string({ message: '--guild is required: the server id (17 to 20 digits)' }).regex(/^\d{17,20}$/, '--guild must be a server id (17 to 20 digits)'),
  from: date('from').optional(),
  to: date('to').optional(),
  // As /settings set timezone takes it: any case, 'New York', an old name; used by its current name.
  tz: z
    .string()
    .transform((typed, ctx) => {
      const zone = canonicalTimeZone(typed);
      if (zone === null) ctx.addIssue({ code: 'custom', message: `--tz: "${typed}" is not an IANA time zone such as Europe/Berlin.` });
      return zone ?? typed;
    })
    .optional(),
  lang: z.string().refine(isLanguage, { message: `--lang must be one of ${languageCodes.join(', ')}` }).optional(),
  json: z.boolean().optional(),
  // With its zone (else it would be read in the machine's zone) and of a real date (not February 30).
  'as-of': z.string().refine((s) => !Number.isNaN(zonedInstantMillis(s)), { message: '--as-of must be an ISO instant of a real date with its zone (Z or ±HH:MM), like 2026-11-23T12:00:00Z' }).optional(),
});

export type ReportFlags = z.infer<typeof flagsSchema>;

export function parseReportArgs(args: string[]): ReportFlags {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: { guild: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, tz: { type: 'string' }, lang: { type: 'string' }, json: { type: 'boolean' }, 'as-of': { type: 'string' } },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]!.replace(/\. To specify.*$/, '.'));
  }
  const parsed = flagsSchema.safeParse(values);
  if (!parsed.success) throw new UsageError(parsed.error.issues[0]!.message);
  return parsed.data;
}

export const reportCommand: CliCommand = {
  summary: 'Print the activity report of a server (the last 7 complete days by default)',
  usage: 'report --guild ID [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--tz ZONE] [--lang en|es|ru] [--json] [--as-of ISO]',
  needsDiscord: false,
  async run(args, config) {
    const flags = parseReportArgs(args);
    // A mistyped DATABASE_URL: said so, rather than a new empty database and a report of zeros.
    if (!existsSync(config.databasePath)) {
      console.error(`No database at ${config.databasePath} (DATABASE_URL).`);
      return 1;
    }
    const database = openDatabase(config.databasePath);
    try {
      await migrate(database.db);
      const asOf = flags['as-of'] ? zonedInstantMillis(flags['as-of']) : systemClock.now();
      const settings = await getSettings(database.db, flags.guild);
      const timezone = flags.tz ?? settings.timezone;
      // Without --lang: the server's language setting (the CLI cannot see its Discord locale).
      const lang = flags.lang && isLanguage(flags.lang) ? flags.lang : (settings.language ?? 'en');
      const fallback = lastCompleteDays(asOf, timezone, 7);
      const to = flags.to ?? (flags.from && dayNumber(flags.from) > dayNumber(fallback.to) ? flags.from : fallback.to);
      const from = flags.from ?? (flags.to ? isoMinus(flags.to, 6) : fallback.from);
      if (dayNumber(from) > dayNumber(to)) throw new UsageError(`--from (${from}) must not be after --to (${to}).`);
      if (dayNumber(to) - dayNumber(from) + 1 > MAX_DAYS) throw new UsageError(`The period may be at most ${MAX_DAYS} days.`);
      // A period not begun at as-of has nothing to count yet: refused, not a report of zeros.
      const asOfDay = localDate(asOf, timezone);
      if (dayNumber(from) > dayNumber(asOfDay)) throw new UsageError(`The period starts on ${from}, after the as-of day ${asOfDay} (${timezone}).`);
      if (!(await hasActivity(database.db, flags.guild))) {
        // The JSON is for programs: the spec's report of zeros (and nulls), a warning beside it.
        // The text is for people: one line saying so.
        if (!flags.json) {
          console.error(noActivityMessage(flags.guild, config.databasePath));
          return 1;
        }
        console.error(noActivityWarning(flags.guild, config.databasePath));
      }
      const report = await buildReport(database, { guildId: flags.guild, from, to, timezone, asOf });
      console.log(flags.json ? JSON.stringify(report, null, 2) : renderReportText(report, lang));
    } finally {
      await database.close();
    }
  },
};

function isoMinus(date: string, days: number): string {
  return new Date((dayNumber(date) - days) * 86_400_000).toISOString().slice(0, 10);
}
