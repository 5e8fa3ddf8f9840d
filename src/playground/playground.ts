// Starts the playground: the fake Discord, a seeded throwaway database, the real app, and the web page.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { commands } from '../../commands/index.js';
import { replayFile } from '../activity/replay.js';
import { createApp, type App } from '../app.js';
import { loadConfig } from '../config.js';
import { migrate, openDatabase } from '../db/open.js';
import { FakeDiscord, type InteractionReply } from '../fake-discord/index.js';
import { createLogger, type Logger } from '../log.js';
import { history } from './history.js';
import { seeders, type SeedContext } from './seed.js';
import { checkPort, startServer, type PlaygroundServer } from './server.js';
import { buildWorld, type World } from './world.js';

export interface PlaygroundOptions {
  /** Keep the data in this folder (must be empty or new) instead of a throwaway one. */
  keep?: string | undefined;
  /** Port of the web page on 127.0.0.1 (default: any free port). */
  port?: number | undefined;
  /** Members in the server (default 300). */
  members?: number | undefined;
  /** Days of history (default 90). */
  days?: number | undefined;
  /** Where the bot's logs go (default: warnings and errors to stderr). */
  logger?: Logger | undefined;
  onProgress?: (step: string) => void;
  /** Aborting it stops the start-up at its next step: what was started is stopped, the throwaway data deleted. */
  signal?: AbortSignal | undefined;
}

export interface Playground {
  readonly url: string;
  readonly dir: string;
  readonly fake: FakeDiscord;
  readonly app: App;
  readonly world: World;
  /** Stops the page, the bot and the fake; deletes the data unless it was kept. Idempotent. */
  stop(): Promise<void>;
}

export async function startPlayground(options: PlaygroundOptions = {}): Promise<Playground> {
  const progress = options.onProgress ?? (() => {});
  const signal = options.signal;
  signal?.throwIfAborted();
  // Before any work: a busy --port is said at once, not after the history is replayed.
  if (options.port) await checkPort(options.port);
  const dir = options.keep ? prepareKeptDir(options.keep) : mkdtempSync(join(tmpdir(), 'pulse-playground-'));
  const cleanup: Array<() => Promise<void> | void> = [];
  if (!options.keep) {
    // Every way out deletes the throwaway data: a stop, a failed start, or the process ending
    // without either (an uncaught error, process.exit); only SIGKILL can leave it behind.
    const removeOnExit = () => rmSync(dir, { recursive: true, force: true });
    process.on('exit', removeOnExit);
    cleanup.push(() => {
      process.off('exit', removeOnExit);
      removeOnExit();
    });
  }
  const stopAll = async () => {
    for (const step of cleanup.reverse()) await step();
  };
  try {
    const now = Date.now();
    const fake = await FakeDiscord.start({ botUsername: 'Pulse' });
    cleanup.push(() => fake.close());
    const world = buildWorld(fake, now, options.members ?? 300);
    fake.setCommands(commands);
    signal?.throwIfAborted();

    progress('replaying history');
    const file = join(dir, 'history.jsonl');
    const out = createWriteStream(file);
    cleanup.push(() => void out.destroy());
    let lines = 0;
    for (const line of history(world, { end: now - 60 * 60_000, days: options.days ?? 90 })) {
      if (!out.write(`${JSON.stringify(line)}\n`)) await once(out, 'drain');
      if (++lines % 5000 === 0) signal?.throwIfAborted();
    }
    out.end();
    await once(out, 'finish');
    signal?.throwIfAborted();
    const database = openDatabase(join(dir, 'pulse.db'));
    cleanup.push(() => database.close()); // after the app's stop; closing twice is harmless
    await migrate(database.db);
    const replayed = await replayFile(database, file);
    rmSync(file);
    signal?.throwIfAborted();

    progress('starting the bot');
    const config = loadConfig({
      DISCORD_TOKEN: 'playground-token-not-a-real-discord-token',
      DISCORD_APP_ID: fake.appId,
      DISCORD_API_URL: fake.apiUrl,
      DATABASE_URL: `sqlite:${join(dir, 'pulse.db')}`,
      LOG_LEVEL: 'warn',
    });
    const app = await createApp({ config, logger: options.logger ?? createLogger('warn', process.stderr as never), database });
    cleanup.push(() => app.stop());
    await app.start();
    signal?.throwIfAborted();

    progress('seeding polls, a feedback post and a flag case');
    const ctx: SeedContext = { fake, world, now, slash: (userId, channelId, name, subcommand, opts) => answered(fake.slash({ userId, channelId, name, ...(subcommand ? { subcommand } : {}), ...(opts ? { options: opts } : {}) }).reply(15_000)) };
    for (const seed of seeders) {
      await seed(ctx);
      signal?.throwIfAborted();
    }

    const server: PlaygroundServer = await startServer({ fake, world, port: options.port ?? 0, stats: { events: replayed.ingested } });
    cleanup.push(() => server.close());
    let stopping: Promise<void> | undefined;
    return { url: server.url, dir, fake, app, world, stop: () => (stopping ??= stopAll()) };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function answered(reply: Promise<InteractionReply>): Promise<InteractionReply> {
  const r = await reply;
  if (r.content && /^(⚠️|❌)|something went wrong/i.test(r.content)) throw new Error(`seeding: the bot answered "${r.content}"`);
  return r;
}

function prepareKeptDir(path: string): string {
  const dir = resolve(path);
  mkdirSync(dir, { recursive: true });
  if (readdirSync(dir).length > 0) throw new Error(`--keep ${path}: the folder is not empty; give a new or empty folder.`);
  return dir;
}
