// The table of `pulse` commands. Each command's module loads only when it runs, so `--help`
// and a configuration error answer at once instead of loading discord.js and the chart engine.
import { noArguments, type CliCommand } from './command-line.js';

function lazy(info: Omit<CliCommand, 'run'>, load: () => Promise<Pick<CliCommand, 'run'>>): CliCommand {
  return { ...info, run: async (args, config) => (await load()).run(args, config) };
}

export const cliCommands: Record<string, CliCommand> = {
  start: lazy({ summary: 'Run the bot (also `npm start`)', usage: 'start\n\nNo options: settings come from the environment or .env (see .env.example).', needsDiscord: true }, async () => {
    const { runBot } = await import('./main.js');
    return {
      run: (args, config) => {
        noArguments(args);
        return runBot(config);
      },
    };
  }),
  'deploy-commands': lazy(
    { summary: 'Register the slash commands with Discord (to DEV_GUILD_ID when set, else globally)', usage: 'deploy-commands\n\nNo options: set DEV_GUILD_ID to register to one server only (instant), else globally.', needsDiscord: true },
    async () => (await import('./discord/deploy.js')).deployCli,
  ),
  invite: lazy(
    {
      summary: 'Print the URL that invites the bot to a server with exactly the permissions it uses',
      usage: 'invite [--app-id ID]\n\n  --app-id ID  the Application ID (default: DISCORD_APP_ID); no token needed',
      needsDiscord: false,
    },
    async () => (await import('./discord/invite-cli.js')).inviteCommand,
  ),
  migrate: lazy({ summary: 'Create or upgrade the database', usage: 'migrate\n\nNo options: the database is DATABASE_URL (default sqlite:data/pulse.db).', needsDiscord: false }, async () => {
    const { migrate, openDatabase } = await import('./db/open.js');
    return {
      async run(args, config) {
        noArguments(args);
        const database = openDatabase(config.databasePath);
        try {
          const { applied } = await migrate(database.db);
          console.log(applied.length ? `Applied ${applied.join(', ')}.` : 'The database is up to date.');
        } finally {
          await database.close();
        }
      },
    };
  }),
  replay: lazy(
    { summary: 'Ingest a JSON Lines file of gateway events (see docs/activity.md); safe to run twice', usage: 'replay FILE\n\n  FILE  JSON Lines, one gateway event a line: {"at": ISO instant, "t": event name, "d": payload}\n        (format in docs/metrics.md; a sample in examples/replay.jsonl)', needsDiscord: false },
    async () => (await import('./activity/cli.js')).replayCommand,
  ),
  report: lazy(
    { summary: 'Print the activity report of a server (the last 7 complete days by default)', usage: [
        'report --guild ID [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--tz ZONE] [--lang en|es|ru] [--json] [--as-of ISO]',
        '',
        '  --guild ID          the server (its id: right-click the server icon > Copy Server ID)',
        '  --from, --to DATE   first and last local day of the period, inclusive (at most 366 days);',
        '                      default: the last 7 complete days; --to alone: the 7 days ending on it;',
        '                      --from alone: from that day to yesterday',
        "  --tz ZONE           IANA time zone for days and weeks (default: the server's /settings time zone)",
        '  --lang L            language of the text: en, es or ru (default: the server\'s language setting, else English)',
        '  --json              print the report as JSON (format: docs/metrics.md) instead of text',
        '  --as-of ISO         the instant taken as now, with its zone, e.g. 2026-11-23T12:00:00Z (default: now): it fixes',
        '                      the default period and what is still open or pending at it (voice sessions, new members,',
        '                      feedback); events recorded after it still count; a period starting after its day is refused',
      ].join('\n'), needsDiscord: false },
    async () => (await import('./insights/cli.js')).reportCommand,
  ),
  backup: lazy(
    { summary: 'Copy the database to FILE while the bot runs, and check the copy (see README, Backups)', usage: 'backup FILE [--force]\n\n  FILE      where to write the copy (its folder must exist)\n  --force   replace FILE if it exists (the old copy is kept until the new one is checked)', needsDiscord: false },
    async () => (await import('./db/backup.js')).backupCommand,
  ),
  'privacy-export': lazy(
    {
      summary: "Write a member's data export (what /privacy export sends) to a file, e.g. when it is too big for Discord",
      usage: [
        'privacy-export --guild ID --user ID [--out FILE] [--lang en|es|ru] [--force]',
        '',
        '  --guild ID   the server (its id: right-click the server icon > Copy Server ID)',
        "  --user ID    the member (their id: right-click the member > Copy User ID)",
        '  --out FILE   where to write the JSON (default: pulse-data-<guild>-<user>.json)',
        "  --lang L     language of the file's note: en, es or ru (default: the server's language setting, else English)",
        '  --force      replace FILE if it exists',
      ].join('\n'),
      needsDiscord: false,
    },
    async () => (await import('./privacy/cli.js')).privacyExportCommand,
  ),
  'privacy-opt-out': lazy(
    {
      summary: "Opt a member out and delete their data (what /privacy opt-out does), e.g. for a member who left the server",
      usage: [
        'privacy-opt-out --guild ID --user ID [--lang en|es|ru] [--wait SECONDS]',
        '',
        '  --guild ID     the server (its id: right-click the server icon > Copy Server ID)',
        "  --user ID      the member (their id: right-click the member > Copy User ID)",
        "  --lang L       language of the DM telling the member it is done: en, es or ru (default: the server's language setting)",
        '  --wait S       how long to wait for the running bot to finish (default 60; 0: do not wait)',
        '',
        'Records the opt-out and its deletion job; the bot carries the job out (a running bot within',
        'seconds, a stopped one on its next start), so it is safe while the bot runs. See docs/privacy.md.',
      ].join('\n'),
      needsDiscord: false,
    },
    async () => (await import('./privacy/cli.js')).privacyOptOutCommand,
  ),
  digest: lazy(
    { summary: 'Write the digest of the last complete day, week or month (embed JSON + chart PNG) to a folder', usage: [
        'digest --guild ID [--period day|week|month] [--tz ZONE] [--lang en|es|ru] [--out DIR]',
        '',
        '  --guild ID       the server (its id: right-click the server icon > Copy Server ID)',
        '  --period P       day (yesterday), week (last Monday-Sunday, the default) or month (last calendar month)',
        "  --tz ZONE        IANA time zone for days and weeks (default: the server's /settings time zone)",
        '  --lang L         language of the text: en, es or ru (default: the server\'s language setting, else English)',
        '  --out DIR        folder to write embed.json, report.json and digest.png to',
        '                   (default: data/digests/digest-<guild>-<period>-<first day>)',
      ].join('\n'), needsDiscord: false },
    async () => (await import('./digests/cli.js')).digestCli(),
  ),
};
