// The composition root of the running bot: builds the app, starts it, stops it on signals.
import { createApp } from './app.js';
import type { Config } from './config.js';
import { lockInstance, lockPath } from './db/instance-lock.js';
import { syncCommands } from './discord/deploy.js';
import { explainStartFailure } from './discord/start-failure.js';
import { createLogger } from './log.js';

// After a stop everything of ours is flushed and closed, and the process usually ends by itself.
// A stop during a refused connection is the exception: discord.js's identify throttle sleeps up
// to 6.5 s without a way to cancel it, holding the process open. So: end it after this long.
const EXIT_GRACE_MS = 1_000;

export async function runBot(config: Config): Promise<number> {
  const lock = lockInstance(config.databasePath);
  if (!lock) {
    console.error(`Pulse cannot start: another Pulse is running on ${config.databasePath} (it holds ${lockPath(config.databasePath)}). Stop it first, or set DATABASE_URL to another database.`);
    return 1;
  }
  try {
    return await runLocked(config);
  } finally {
    lock.release();
  }
}

async function runLocked(config: Config): Promise<number> {
  const logger = createLogger(config.logLevel);
  const app = await createApp({ config, logger });
  // Nothing a user does may take the process down: log stray rejections and carry on.
  process.on('unhandledRejection', (err) => logger.error({ err }, 'process.unhandled-rejection'));

  let stopRequested = false;
  let shutdown!: (reason: string, code?: number) => void;
  const stopped = new Promise<number>((resolve) => {
    shutdown = (reason: string, code = 0) => {
      if (stopRequested) return;
      stopRequested = true;
      logger.info({ reason }, 'app.stopping');
      app.stop().then(
        () => resolve(code),
        (err: unknown) => {
          logger.error({ err }, 'app.stop-failed');
          resolve(1);
        },
      );
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
  }).then((code) => {
    setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
    return code;
  });
  try {
    // Returns early when a signal arrives during start-up (e.g. while Discord refuses us).
    await app.start();
  } catch (err) {
    if (stopRequested) return stopped;
    logger.fatal({ err }, 'app.start-failed');
    await app.stop();
    // After the JSON logs, one plain line saying what to do.
    console.error(explainStartFailure(err, app.gateway.lastCloseCode, config.discord?.apiUrl));
    return 1;
  }
  if (stopRequested) return stopped;
  // Discord ended the session for good (token reset, intent turned off): say so and stop,
  // rather than run on without a connection.
  app.gateway.onGiveUp((code) => {
    if (stopRequested) return;
    logger.fatal({ code }, 'gateway.gave-up');
    shutdown('gateway-closed', 1);
    void stopped.then(() => console.error(explainStartFailure(null, code, config.discord?.apiUrl, 'Pulse stopped')));
  });
  // Keeps the registered commands in step with this version, so `npm start` is all a new
  // install needs (a GET, and a PUT only when something changed).
  syncCommands(config.discord!).then(
    (outcome) => logger.info({ scope: outcome.scope, added: outcome.added, updated: outcome.updated, removed: outcome.removed }, 'commands.synced'),
    (err: unknown) => logger.error({ err }, 'commands.sync-failed'),
  );
  return stopped;
}
