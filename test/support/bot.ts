// Starts the real Pulse app against the fake Discord, on a temp SQLite file, with a manual clock.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PermissionFlagsBits, type Locale } from 'discord.js';
import { commands } from '../../commands/index.js';
import { createApp, type App } from '../../src/app.js';
import { ManualClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import type { FeatureFactory } from '../../src/feature.js';
import { FakeDiscord } from '../../src/fake-discord/index.js';
import { requiredPermissionBits } from '../../src/discord/permissions.js';
import { localizeCommands } from '../../src/i18n/commands.js';

export interface LogLine {
  level: number;
  msg?: string;
  [key: string]: unknown;
}

export interface TestBotOptions {
  /** Start the clock here (default 2026-11-02T12:00:00Z, a Monday). */
  now?: number;
  features?: FeatureFactory[];
  interactionDeadlineMs?: number;
  /** The guild's Discord locale (its `preferred_locale`, sent as `guild_locale`); default en-US. */
  guildLocale?: Locale;
  /** The bot's permissions in the guild (default: exactly what the invite asks for, as a server owner who keeps its boxes ticked gives). */
  botPermissions?: bigint;
}

const seeded = {
  guildId: '900000000000000001',
  ownerId: '900000000000000010',
  staffRoleId: '900000000000000020',
  general: '900000000000000100',
  staffChannel: '900000000000000101',
  modChannel: '900000000000000102',
  voice: '900000000000000103',
  alice: '900000000000000201',
  bob: '900000000000000202',
  carol: '900000000000000203',
  dave: '900000000000000204',
  moderator: '900000000000000205',
  otherBot: '900000000000000206',
} as const;

/**
 * One guild "Pulse Test" with an owner, a staff role (no Manage Server), a moderator who has
 * it, four members, a bot, text channels general / staff / mod and a voice channel.
 */
export class TestBot {
  readonly ids = seeded;
  readonly logs: LogLine[] = [];
  /** Which app's logs count: a crashed app's late timers log into the void, as a killed process would. */
  private generation = 0;
  app!: App;

  private constructor(
    readonly fake: FakeDiscord,
    readonly clock: ManualClock,
    readonly dir: string,
    private readonly options: TestBotOptions,
  ) {}

  static async start(options: TestBotOptions = {}): Promise<TestBot> {
    // Discord's message timestamps and snowflakes follow the same clock as the bot.
    const clock = new ManualClock(options.now ?? Date.parse('2026-11-02T12:00:00Z'));
    const fake = await FakeDiscord.start({ interactionDeadlineMs: options.interactionDeadlineMs, now: () => clock.now() });
    const ids = seeded;
    fake.addGuild({ id: ids.guildId, name: 'Pulse Test', ownerId: ids.ownerId, preferredLocale: options.guildLocale });
    fake.setBotPermissions(ids.guildId, options.botPermissions ?? requiredPermissionBits);
    fake.addRole(ids.guildId, { id: ids.staffRoleId, name: 'Staff', permissions: 0n });
    for (const [id, name] of [
      [ids.general, 'general'],
      [ids.staffChannel, 'staff'],
      [ids.modChannel, 'mod'],
    ] as const) {
      fake.addChannel(ids.guildId, { id, name });
    }
    fake.addChannel(ids.guildId, { id: ids.voice, name: 'voice', type: 2 });
    for (const [id, username] of [
      [ids.alice, 'alice'],
      [ids.bob, 'bob'],
      [ids.carol, 'carol'],
      [ids.dave, 'dave'],
    ] as const) {
      fake.addMember(ids.guildId, { id, username });
    }
    fake.addMember(ids.guildId, { id: ids.moderator, username: 'moderator', roles: [ids.staffRoleId] });
    fake.addMember(ids.guildId, { id: ids.otherBot, username: 'otherbot', bot: true });
    // As deploy-commands registers them: with their Spanish and Russian localizations.
    fake.setCommands(localizeCommands(commands));
    const bot = new TestBot(fake, clock, mkdtempSync(join(tmpdir(), 'pulse-test-')), options);
    await bot.startApp();
    return bot;
  }

  get db() {
    return this.app.database.db;
  }

  get databasePath(): string {
    return join(this.dir, 'pulse.db');
  }

  /** Errors the app logged (level 50 and up). */
  get errors(): LogLine[] {
    return this.logs.filter((l) => l.level >= 50);
  }

  /** `created` sees the new app before it starts (e.g. to watch its worker pool from the first job). */
  private async startApp(created?: (app: App) => void): Promise<void> {
    const config = loadConfig({
      DISCORD_TOKEN: 'fake-token-for-tests-0123456789',
      DISCORD_APP_ID: this.fake.appId,
      DISCORD_API_URL: this.fake.apiUrl,
      DATABASE_URL: `sqlite:${this.databasePath}`,
      LOG_LEVEL: 'debug',
    });
    const generation = ++this.generation;
    // The app's own logger (its serializers decide what a logged error carries).
    const logger = createLogger('debug', { write: (line: string) => void (generation === this.generation && this.logs.push(JSON.parse(line) as LogLine)) });
    this.app = await createApp({ config, logger, clock: this.clock, ...(this.options.features ? { features: this.options.features } : {}) });
    created?.(this.app);
    await this.app.start();
  }

  /** Stops the app (as on SIGTERM) and starts a new one on the same database. */
  async restart(between?: () => void | Promise<void>, created?: (app: App) => void): Promise<void> {
    await this.app.stop();
    await between?.();
    await this.startApp(created);
  }

  /**
   * Ends the app as kill -9 would: no feature is stopped, so in-memory work (pending edits,
   * queued writes) is lost and only what was committed stays in the database file; then starts
   * a new app on it. The old app's timers may still fire (on a closed database, a destroyed
   * client): what they log is dropped, as a killed process's would be.
   */
  async crash(): Promise<void> {
    this.generation++; // the dead app says nothing more
    await this.app.client.destroy();
    await this.app.pool.stop(0); // its threads die with it
    this.app.database.sqlite.close();
    await this.startApp();
  }

  async close(): Promise<void> {
    await this.app.stop();
    await this.fake.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export const ManageGuild = PermissionFlagsBits.ManageGuild;
