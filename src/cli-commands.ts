// The table of `pulse` commands; each slice adds its own.
import { commands } from '../commands/index.js';
import type { CliCommand } from './cli.js';
import { migrate, openDatabase } from './db/open.js';
import { deployCommands } from './discord/deploy.js';
import { runBot } from './main.js';

export const cliCommands: Record<string, CliCommand> = {
  start: {
    summary: 'Run the bot (also `npm start`)',
    usage: 'start',
    needsDiscord: true,
    run: (_args, config) => runBot(config),
  },
  'deploy-commands': {
    summary: 'Register the slash commands with Discord (to DEV_GUILD_ID when set, else globally)',
    usage: 'deploy-commands',
    needsDiscord: true,
    async run(_args, config) {
      const outcome = await deployCommands(config.discord!, commands);
      const list = (names: string[]) => (names.length ? names.join(', ') : 'none');
      console.log(`Commands (${outcome.scope}): added ${list(outcome.added)}; updated ${list(outcome.updated)}; removed ${list(outcome.removed)}; unchanged ${list(outcome.unchanged)}.`);
    },
  },
  migrate: {
    summary: 'Create or upgrade the database',
    usage: 'migrate',
    needsDiscord: false,
    async run(_args, config) {
      const database = openDatabase(config.databasePath);
      try {
        const { applied } = await migrate(database.db);
        console.log(applied.length ? `Applied ${applied.join(', ')}.` : 'The database is up to date.');
      } finally {
        await database.close();
      }
    },
  },
};
