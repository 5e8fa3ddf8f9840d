// `--lang` on `pulse report` and `pulse digest`, and the language setting's storage and default.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli.js';
import { UsageError } from '../../src/command-line.js';
import { ManualClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { digestCli } from '../../src/digests/cli.js';
import { migrate, openDatabase } from '../../src/db/open.js';
import { serverLanguage } from '../../src/settings/settings.js';
import { getSettings, updateSettings } from '../../src/settings/store.js';
import { busyReport } from '../digests/fixtures.js';
import { replayFile } from '../../src/activity/replay.js';
import { testDatabase } from '../support/db.js';

const G = '200000000000000001';

describe('--lang', () => {
  let dir: string;
  let out: string[];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pulse-lang-'));
    out = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });
  const env = () => ({ DATABASE_URL: `sqlite:${join(dir, 'pulse.db')}`, LOG_LEVEL: 'silent' });
  const config = () => loadConfig(env(), { needsDiscord: false });
  /** One join long before the periods asked for: the server has data, the periods are empty. */
  beforeEach(async () => {
    const path = join(dir, 'join.jsonl');
    writeFileSync(path, `${JSON.stringify({ at: '2026-01-05T10:00:00Z', t: 'GUILD_MEMBER_ADD', d: { guild_id: G, user: { id: '200000000000000101' } } })}\n`);
    const database = openDatabase(join(dir, 'pulse.db'));
    await migrate(database.db);
    await replayFile(database, path);
    await database.close();
  });

  it('pulse report --lang ru prints the report in Russian; without it, the server setting decides', async () => {
    expect(await runCli(['report', '--guild', G, '--from', '2026-11-02', '--to', '2026-11-08', '--as-of', '2026-11-09T12:00:00Z', '--lang', 'ru'], env())).toBe(0);
    const lines = out.join('\n').split('\n');
    expect(lines[0]).toBe(`Отчёт Pulse по серверу ${G}: с 2026-11-02 по 2026-11-08 (UTC), на 2026-11-09T12:00:00.000Z`);
    expect(lines).toContain('Активность     0 сообщений, 0 реакций (0 на сообщение), 0 веток, 0 мин в голосе');

    const database = openDatabase(join(dir, 'pulse.db'));
    await migrate(database.db);
    await updateSettings(database.db, G, { language: 'es' }, 1);
    await database.close();
    out = [];
    expect(await runCli(['report', '--guild', G, '--from', '2026-11-02', '--to', '2026-11-08'], env())).toBe(0);
    expect(out[0]).toMatch(/^Informe de Pulse del servidor/);
    out = [];
    expect(await runCli(['report', '--guild', G, '--from', '2026-11-02', '--to', '2026-11-08', '--lang', 'en'], env())).toBe(0);
    expect(out[0]).toMatch(/^Pulse report for guild/);
  });

  it('pulse report refuses a language Pulse does not speak', async () => {
    expect(await runCli(['report', '--guild', G, '--lang', 'de'], env())).not.toBe(0);
  });

  it('pulse digest --lang es writes the Spanish embed', async () => {
    const command = digestCli(() => (q) => busyReport(q.from, q.to, { timezone: q.timezone }), new ManualClock(Date.parse('2026-11-23T14:00:00Z')));
    const dest = join(dir, 'out');
    await command.run(['--guild', G, '--period', 'month', '--lang', 'es', '--out', dest], config());
    const embed = JSON.parse(readFileSync(join(dest, 'embed.json'), 'utf8')) as { title: string };
    expect(embed.title).toBe('Resumen mensual: octubre de 2026');
    await expect(command.run(['--guild', G, '--lang', 'xx'], config())).rejects.toThrow(UsageError);
  });
});

describe('the language setting', () => {
  it('is stored (migration 0010), read back, and cleared to null', async () => {
    const database = await testDatabase();
    expect((await getSettings(database.db, '1')).language).toBeNull();
    await updateSettings(database.db, '1', { language: 'ru' }, 1000);
    await updateSettings(database.db, '1', { timezone: 'Europe/Moscow' }, 2000);
    expect(await getSettings(database.db, '1')).toMatchObject({ language: 'ru', timezone: 'Europe/Moscow' });
    await updateSettings(database.db, '1', { language: null }, 3000);
    expect((await getSettings(database.db, '1')).language).toBeNull();
    // A value written by a newer version that this one does not speak reads as automatic.
    database.sqlite.prepare(`UPDATE guild_settings SET language = 'xx' WHERE guild_id = '1'`).run();
    expect((await getSettings(database.db, '1')).language).toBeNull();
    await database.close();
  });

  it.each([
    [null, 'es-ES', 'es'],
    [null, 'es-419', 'es'],
    [null, 'ru', 'ru'],
    [null, 'de', 'en'],
    [null, null, 'en'],
    ['ru', 'es-ES', 'ru'],
    ['en', 'ru', 'en'],
  ] as const)('setting %s with guild_locale %s -> %s', (language, guildLocale, expected) => {
    expect(serverLanguage({ language }, guildLocale)).toBe(expected);
  });
});
