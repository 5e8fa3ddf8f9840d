import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

const valid = {
  DISCORD_TOKEN: 'MTIzNDU2Nzg5MDEyMzQ1Njc4.abcdef.ghijklmnopqrstuvwxyz',
  DISCORD_APP_ID: '123456789012345678',
};

function errorOf(env: Record<string, string | undefined>, needsDiscord = true): string {
  try {
    loadConfig(env, { needsDiscord });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('reads PULSE_WORKERS (0 to 8) and refuses anything else', () => {
    expect(loadConfig({ PULSE_WORKERS: '0' }, { needsDiscord: false }).workers).toBe(0);
    expect(loadConfig({ PULSE_WORKERS: '3' }, { needsDiscord: false }).workers).toBe(3);
    expect(() => loadConfig({ PULSE_WORKERS: 'many' }, { needsDiscord: false })).toThrow(/PULSE_WORKERS is invalid: expected a whole number of report worker threads from 0 to 8/);
  });

  it('applies defaults and freezes the result', () => {
    const config = loadConfig(valid);
    expect(config).toEqual({
      databasePath: 'data/pulse.db',
      logLevel: 'info',
      workers: 1,
      discord: { token: valid.DISCORD_TOKEN, appId: valid.DISCORD_APP_ID },
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.discord)).toBe(true);
  });

  it('reads every optional setting and trims a trailing slash from the API URL', () => {
    const config = loadConfig({
      ...valid,
      DATABASE_URL: 'sqlite:/var/lib/pulse/pulse.db',
      DISCORD_API_URL: 'http://127.0.0.1:8080/api/',
      DEV_GUILD_ID: '223456789012345678',
      LOG_LEVEL: 'debug',
    });
    expect(config.databasePath).toBe('/var/lib/pulse/pulse.db');
    expect(config.logLevel).toBe('debug');
    expect(config.discord).toMatchObject({ apiUrl: 'http://127.0.0.1:8080/api', devGuildId: '223456789012345678' });
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ ...valid, DEV_GUILD_ID: '', DISCORD_API_URL: '  ', DATABASE_URL: '' }).discord).not.toHaveProperty('devGuildId');
  });

  it.each([
    [{ DISCORD_APP_ID: valid.DISCORD_APP_ID }, /^DISCORD_TOKEN is missing/],
    [{ ...valid, DISCORD_TOKEN: 'short' }, /^DISCORD_TOKEN is invalid/],
    [{ DISCORD_TOKEN: valid.DISCORD_TOKEN }, /^DISCORD_APP_ID is missing: set it to the Application ID from the Discord developer portal \(General Information > Application ID\)$/],
    [{ ...valid, DISCORD_APP_ID: 'my-app' }, /^DISCORD_APP_ID is invalid: expected a Discord id/],
    [{ ...valid, DEV_GUILD_ID: '42' }, /^DEV_GUILD_ID is invalid/],
    [{ ...valid, DISCORD_API_URL: 'ftp://example' }, /^DISCORD_API_URL is invalid: expected an http\(s\) URL/],
    [{ ...valid, DATABASE_URL: 'postgres://x' }, /^DATABASE_URL is invalid: expected a SQLite URL/],
    [{ ...valid, LOG_LEVEL: 'loud' }, /^LOG_LEVEL is invalid: expected one of fatal/],
  ])('names the variable and what is expected (%#)', (env, message) => {
    expect(errorOf(env)).toMatch(message);
  });

  it('needs no Discord settings for database-only commands', () => {
    expect(loadConfig({}, { needsDiscord: false })).toEqual({ databasePath: 'data/pulse.db', logLevel: 'info', workers: 1 });
    expect(errorOf({ LOG_LEVEL: 'x' }, false)).toMatch(/^LOG_LEVEL/);
  });
});
