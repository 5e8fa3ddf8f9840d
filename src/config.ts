// Loads and validates the bot's settings from the environment; does no work at import.
import { z } from 'zod';

/** A Discord id; `what` says where to find it (shown when it is missing). */
const snowflake = (what: string) => z.string({ message: what }).regex(/^\d{17,20}$/, 'a Discord id (17 to 20 digits)');

const baseSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^sqlite:.+/, 'a SQLite URL like sqlite:data/pulse.db (or sqlite::memory:)')
    .default('sqlite:data/pulse.db'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  PULSE_WORKERS: z
    .string()
    .regex(/^[0-8]$/, 'a whole number of report worker threads from 0 to 8 (0 runs reports on the main thread)')
    .default('1'),
});

const discordSchema = z.object({
  DISCORD_TOKEN: z
    .string({ message: 'the bot token from the Discord developer portal (Bot > Token)' })
    .min(20, 'the bot token from the Discord developer portal (Bot > Token)'),
  DISCORD_APP_ID: snowflake('the Application ID from the Discord developer portal (General Information > Application ID)'),
  DISCORD_API_URL: z
    .url({ protocol: /^https?$/, message: 'an http(s) URL like http://127.0.0.1:8080/api' })
    .optional(),
  DEV_GUILD_ID: snowflake('the id of your test server').optional(),
});

/** Every environment variable Pulse reads. */
export const settingNames: readonly string[] = [...Object.keys(baseSchema.shape), ...Object.keys(discordSchema.shape)];

export interface Config {
  readonly databasePath: string;
  readonly logLevel: z.infer<typeof baseSchema>['LOG_LEVEL'];
  /** Worker threads for reports, charts and privacy reads (0: on the main thread). */
  readonly workers: number;
  readonly discord?: {
    readonly token: string;
    readonly appId: string;
    readonly apiUrl?: string;
    readonly devGuildId?: string;
  };
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

/** Empty strings in .env files mean "not set". */
function clean(env: Env): Env {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
}

function parse<T extends z.ZodType>(schema: T, env: Env): z.infer<T> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const name = String(issue.path[0] ?? 'environment');
  const value = env[name];
  const expected = issue.code === 'invalid_type' && value === undefined ? `is missing: set it to ${issue.message}` : `is invalid: expected ${issue.message}`;
  throw new ConfigError(`${name} ${expected}`);
}

/**
 * Validates the environment. `needsDiscord` is false for commands that only touch the
 * database (migrate, replay, report) so they run without a token.
 */
export function loadConfig(rawEnv: Env, { needsDiscord = true } = {}): Config {
  const env = clean(rawEnv);
  const base = parse(baseSchema, env);
  const config: Config = {
    databasePath: base.DATABASE_URL.slice('sqlite:'.length),
    logLevel: base.LOG_LEVEL,
    workers: Number(base.PULSE_WORKERS),
  };
  if (!needsDiscord) return Object.freeze(config);
  const d = parse(discordSchema, env);
  return Object.freeze({
    ...config,
    discord: Object.freeze({
      token: d.DISCORD_TOKEN,
      appId: d.DISCORD_APP_ID,
      ...(d.DISCORD_API_URL ? { apiUrl: d.DISCORD_API_URL.replace(/\/+$/, '') } : {}),
      ...(d.DEV_GUILD_ID ? { devGuildId: d.DEV_GUILD_ID } : {}),
    }),
  });
}
