// `pulse <command>`: start, deploy-commands, migrate, and the data commands of the slices.
// First import: refuse an unsupported Node.js before better-sqlite3 can load (and crash) on it.
import './node-version.js';
import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { relaunchAsBot } from './bot-process.js';
import { cliCommands } from './cli-commands.js';
import { UsageError } from './command-line.js';

function help(): string {
  const width = Math.max(...Object.keys(cliCommands).map((n) => n.length));
  return [
    'Usage: pulse <command> [options]   (npm run -s pulse -- <command>)',
    '',
    'Commands:',
    ...Object.entries(cliCommands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Settings come from the environment or a .env file; see .env.example.',
    'Run `pulse <command> --help` for a command\'s options.',
  ].join('\n');
}

export async function runCli(argv: string[], env: Record<string, string | undefined>): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    // Asked for: the help is the output. No command given: it is the error's explanation.
    if (name) console.log(help());
    else console.error(`Give a command.\n\n${help()}`);
    return name ? 0 : 1;
  }
  const command = cliCommands[name];
  if (!command) {
    console.error(`Unknown command "${name}".\n\n${help()}`);
    return 1;
  }
  if (args.includes('--help') || args.includes('-h')) {
    console.log(`Usage: pulse ${command.usage}\n\n${command.summary}`);
    return 0;
  }
  // (zod, behind the configuration, loads only now: `start` re-executes itself before, see below.)
  const { ConfigError, loadConfig } = await import('./config.js');
  try {
    const config = loadConfig(env, { needsDiscord: command.needsDiscord });
    return (await command.run(args, config)) ?? 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Pulse cannot start: ${error.message}. See .env.example.`);
      return 1;
    }
    const { DatabaseOpenError } = await import('./db/open.js');
    if (error instanceof DatabaseOpenError) {
      console.error(`pulse ${name} failed: ${error.message}.`);
      return 1;
    }
    if (error instanceof UsageError) {
      console.error(`${error.message}\nUsage: pulse ${command.usage}`);
      return 1;
    }
    // Anything else (Discord refusing the token, no network, a file that cannot be read): one
    // plain line saying what failed; the stack only for those who ask for it.
    if (env['LOG_LEVEL'] === 'debug' || env['LOG_LEVEL'] === 'trace') console.error(error);
    console.error(await failureLine(name, command.needsDiscord, error, env['DISCORD_API_URL']));
    return 1;
  }
}

/** The environment variables Pulse reads (config.ts), for the .env check below. */
export const SETTINGS = ['DISCORD_TOKEN', 'DISCORD_APP_ID', 'DISCORD_API_URL', 'DEV_GUILD_ID', 'DATABASE_URL', 'LOG_LEVEL', 'PULSE_WORKERS'];

/**
 * Loads `.env` into the environment (its values do not override variables already set). Returns
 * a line to print and stop on when it cannot be read; warns on stderr of each variable it sets that
 * looks like one of Pulse's but is not (`DATABSE_URL`, `PULSE_WORKER`), which would be ignored.
 */
export function loadDotEnv(path: string): string | null {
  if (!existsSync(path)) return null;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
    process.loadEnvFile(path);
  } catch (err) {
    return `Pulse cannot start: cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`;
  }
  for (const name of Object.keys(parseEnv(text))) {
    if (!SETTINGS.includes(name) && /^(DISCORD|PULSE|DATABASE|DATABSE|LOG|DEV)/i.test(name)) {
      console.error(`Pulse: ${path} sets ${name}, which Pulse does not read (its settings: ${SETTINGS.join(', ')}; see .env.example).`);
    }
  }
  return null;
}

async function failureLine(name: string, needsDiscord: boolean, error: unknown, apiUrl: string | undefined): Promise<string> {
  const lead = `pulse ${name} failed`;
  const details = 'Run it with LOG_LEVEL=debug for the details.';
  if (needsDiscord) {
    const { explainStartFailure } = await import('./discord/start-failure.js');
    return explainStartFailure(error, null, apiUrl, lead).replace('The log above has the details.', details);
  }
  return `${lead}: ${error instanceof Error ? error.message : String(error)}. ${details}`;
}

// Run when executed directly (npm run pulse / npm start), not when imported by tests.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  // The bot's process settings, before anything heavy loads (see bot-process.ts).
  if (process.argv[2] === 'start') relaunchAsBot();
  const envProblem = loadDotEnv('.env');
  (envProblem ? Promise.resolve((console.error(envProblem), 1)) : runCli(process.argv.slice(2), process.env)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
