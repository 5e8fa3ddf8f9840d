// The composition root of the running bot: builds the app, starts it, stops it on signals.
import { commands } from '../commands/index.js';
import { createApp } from './app.js';
import type { Config } from './config.js';
import { deployCommands } from './discord/deploy.js';
import { createLogger } from './log.js';

export async function runBot(config: Config): Promise<number> {
  const logger = createLogger(config.logLevel);
  const app = await createApp({ config, logger });
  // Nothing a user does may take the process down: log stray rejections and carry on.
  process.on('unhandledRejection', (err) => logger.error({ err }, 'process.unhandled-rejection'));

  const stopped = new Promise<number>((resolve) => {
    const shutdown = (signal: string) => {
      logger.info({ signal }, 'app.stopping');
      app.stop().then(
        () => resolve(0),
        (err: unknown) => {
          logger.error({ err }, 'app.stop-failed');
          resolve(1);
        },
      );
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
  });
  try {
    await app.start();
  } catch (err) {
    logger.fatal({ err }, 'app.start-failed');
    await app.stop();
    return 1;
  }
  // Keeps the registered commands in step with this version, so `npm start` is all a new
  // install needs (a GET, and a PUT only when something changed).
  deployCommands(config.discord!, commands).then(
    (outcome) => logger.info({ scope: outcome.scope, added: outcome.added, updated: outcome.updated, removed: outcome.removed }, 'commands.synced'),
    (err: unknown) => logger.error({ err }, 'commands.sync-failed'),
  );
  return stopped;
}
