// The composition root of the running bot: builds the app, starts it, stops it on signals.
import { createApp } from './app.js';
import type { Config } from './config.js';
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
  return stopped;
}
