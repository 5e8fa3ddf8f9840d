// The app as a value: config -> db -> migrate -> features -> client, with start() and stop().
import { Events, type Client } from 'discord.js';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { followCheckpoints, startCheckpoints } from './db/checkpoints.js';
import { migrate, openDatabase, type Database } from './db/open.js';
import { createClient } from './discord/client.js';
import { watchGateway, type GatewayWatch } from './discord/gateway-watch.js';
import { Router } from './discord/router.js';
import type { Feature, FeatureFactory } from './feature.js';
import { features as defaultFeatures } from './features.js';
import type { Logger } from './log.js';
import { WorkerPool } from './workers/pool.js';

export interface AppOptions {
  config: Config;
  logger: Logger;
  clock?: Clock;
  /** An already open database (tests); otherwise the one at config.databasePath. */
  database?: Database;
  features?: FeatureFactory[];
}

export interface App {
  readonly client: Client;
  readonly database: Database;
  readonly features: readonly Feature[];
  readonly pool: WorkerPool;
  /** Logs in and resolves once the client is ready and start-up catch-up has run. */
  /** The gateway connection's failures (close codes), for a start-up that cannot connect. */
  readonly gateway: GatewayWatch;
  /**
   * Logs in and resolves once the client is ready and start-up catch-up has run, or once stop()
   * is called meanwhile (while Discord refuses the connection, login would wait forever).
   */
  start(): Promise<void>;
  /** Finishes in-flight work, flushes writes, disconnects and closes the database. Idempotent. */
  stop(): Promise<void>;
}

export async function createApp(options: AppOptions): Promise<App> {
  const { config, logger } = options;
  const discord = config.discord;
  if (!discord) throw new Error('createApp needs the Discord settings');
  const clock = options.clock ?? systemClock;
  const database = options.database ?? openDatabase(config.databasePath);
  const { applied } = await migrate(database.db);
  if (applied.length) logger.info({ applied }, 'db.migrated');

  const client = createClient(discord);
  // Workers open the same file read-only; an in-memory database has no file: jobs run inline.
  // Its first worker also checkpoints the WAL (no checkpoint ever lands in a writer flush).
  const pool = new WorkerPool({ databasePath: database.sqlite.memory ? null : database.sqlite.name, size: config.workers, logger, inline: database, checkpointMs: 1000 });
  const checkpoints = pool.inline ? startCheckpoints(database, logger) : followCheckpoints(database, pool);
  const gateway = watchGateway(client, logger);
  const ctx = { config, logger, clock, database, db: database.db, client, pool };
  const features = (options.features ?? defaultFeatures).map((make) => make(ctx));
  const router = new Router(logger);
  for (const feature of features) {
    if (feature.routes) router.add(feature.routes);
    feature.attach?.(client);
  }
  client.on(Events.InteractionCreate, (interaction) => void router.handle(interaction));
  client.on(Events.Error, (err) => logger.error({ err }, 'client.error'));
  client.on(Events.Warn, (message) => logger.warn({ message }, 'client.warn'));

  let stopping: Promise<void> | undefined;
  /** Per slice: its catch-up running (onReady, then each onReconnect in turn), and whether another one waits behind it. */
  const catchUps = new Map<Feature, { running: Promise<void>; queued: boolean }>();
  /**
   * A new session after the first (ShardReady comes for each READY; the first one's before
   * ClientReady): the events of the gap were never delivered, so every slice that can catches up
   * again, after its start-up catch-up and any earlier one (one more at most waits).
   */
  const onNewSession = () => {
    if (stopping) return;
    logger.info('client.new-session');
    for (const feature of features) {
      if (!feature.onReconnect) continue;
      const state = catchUps.get(feature);
      if (!state || state.queued) continue;
      state.queued = true;
      state.running = state.running.then(async () => {
        state.queued = false;
        if (stopping) return;
        try {
          await feature.onReconnect?.();
        } catch (err) {
          logger.error({ err, feature: feature.name }, 'feature.reconnect-failed');
        }
      });
    }
  };
  const ready = new Promise<void>((resolve, reject) => {
    client.once(Events.ClientReady, () => {
      logger.info({ user: client.user?.tag, guilds: client.guilds.cache.size }, 'client.ready');
      // Every slice catches up at once: one slice's slow catch-up (flags asking Discord for the
      // reactions of many cases, at Discord's pace) must not hold up another's (an overdue poll,
      // a digest, a survey's schedule), nor its failure keep the others from starting.
      void Promise.all(
        features.map(async (feature) => {
          const running = (async () => {
            try {
              await feature.onReady?.();
            } catch (err) {
              logger.error({ err, feature: feature.name }, 'feature.ready-failed');
            }
          })();
          catchUps.set(feature, { running, queued: false });
          await running;
        }),
      ).then(() => resolve(), reject);
      client.on(Events.ShardReady, onNewSession);
    });
  });

  let stopCalled!: () => void;
  const stopRequested = new Promise<void>((resolve) => (stopCalled = resolve));
  return {
    client,
    database,
    features,
    pool,
    gateway,
    async start() {
      // The workers start now, not at the first job: the first one runs the checkpoints.
      pool.warm();
      const starting = (async () => {
        await client.login(discord.token);
        await ready;
      })();
      // Once stopped, a late failure of the abandoned login is of no interest.
      void stopRequested.then(() => starting.catch(() => undefined));
      await Promise.race([starting, stopRequested]);
    },
    stop() {
      stopCalled();
      gateway.stopping();
      stopping ??= (async () => {
        client.off(Events.ShardReady, onNewSession);
        await router.drain();
        for (const feature of [...features].reverse()) {
          try {
            await feature.stop?.();
          } catch (err) {
            logger.error({ err, feature: feature.name }, 'feature.stop-failed');
          }
        }
        await client.destroy();
        await pool.stop();
        await checkpoints?.stop();
        await database.close();
        logger.info('app.stopped');
      })();
      return stopping;
    },
  };
}
