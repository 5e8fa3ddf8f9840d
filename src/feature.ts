// What a slice plugs into the app: routes, gateway listeners, start-up catch-up, shutdown.
import type { Client } from 'discord.js';
import type { Kysely } from 'kysely';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Database } from './db/open.js';
import type { DB } from './db/schema.js';
import type { Routes } from './discord/router.js';
import type { Logger } from './log.js';
import type { WorkerPool } from './workers/pool.js';

export interface FeatureContext {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly database: Database;
  readonly db: Kysely<DB>;
  readonly client: Client;
  /** Worker threads for heavy reads: reports, charts, privacy. */
  readonly pool: WorkerPool;
}

export interface Feature {
  readonly name: string;
  readonly routes?: Routes;
  /** Subscribes to gateway events; called once before login. */
  attach?(client: Client): void;
  /** Runs once the client is ready: catch up on what fell due while the bot was down. */
  onReady?(): Promise<void>;
  /**
   * Runs after a new gateway session that is not the first (Discord would not resume the old one:
   * an op 9 not resumable, or a fresh READY), once onReady has run: the events of the gap were
   * never delivered, so catch up on them as on start. Not after a resume (Discord replays those).
   */
  onReconnect?(): Promise<void>;
  /** Runs on shutdown, in reverse order of the features: stop timers, flush writes. */
  stop?(): Promise<void>;
}

export type FeatureFactory = (ctx: FeatureContext) => Feature;
