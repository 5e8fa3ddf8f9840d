// `pulse <command>`: start, deploy-commands, migrate, and the data commands of the slices.
// First import: refuse an unsupported Node.js before better-sqlite3 can load (and crash) on it.
import './node-version.js';
import { existsSync } from 'node:fs';
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
    console.log(help());
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
  if (existsSync('.env')) process.loadEnvFile('.env');
  runCli(process.argv.slice(2), process.env).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
