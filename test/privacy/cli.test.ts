// `pulse privacy-export`: the admins' way to a member's export when Discord's upload limit refuses it.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { replayFile } from '../../src/activity/replay.js';
import { runCli } from '../../src/cli.js';
import { migrate, openDatabase } from '../../src/db/open.js';
import { t } from '../../src/i18n/index.js';
import { updateSettings } from '../../src/settings/store.js';

const GUILD = '111111111111111111';
const ANA = '222222222222222201';
const BEN = '222222222222222202';

describe('pulse privacy-export', () => {
  let dir: string;
  let printed: string[];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pulse-privacy-cli-'));
    printed = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
    vi.spyOn(console, 'error').mockImplementation((line: string) => void printed.push(line));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });
  const env = () => ({ DATABASE_URL: `sqlite:${join(dir, 'pulse.db')}` });

  it("writes the member's export, and only theirs, to a file", async () => {
    const database = openDatabase(join(dir, 'pulse.db'));
    await migrate(database.db);
    await replayFile(database, join(import.meta.dirname, '..', '..', 'examples', 'replay.jsonl'));
    await database.close();

    const out = join(dir, 'ana.json');
    expect(await runCli(['privacy-export', '--guild', GUILD, '--user', ANA, '--out', out], env())).toBe(0);
    const data = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
    expect(data).toMatchObject({ guild_id: GUILD, user_id: ANA });
    expect((data['activity_messages'] as unknown[]).length).toBeGreaterThan(0);
    expect(JSON.stringify(data)).not.toContain(BEN);
    expect(printed.at(-1)).toMatch(new RegExp(`^Wrote ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: \\d+ rows\\.`));

    // An existing file is kept unless --force.
    expect(await runCli(['privacy-export', '--guild', GUILD, '--user', ANA, '--out', out], env())).toBe(1);
    expect(printed.at(-1)).toContain('exists: pick another --out, or add --force');
    expect(await runCli(['privacy-export', '--guild', GUILD, '--user', ANA, '--out', out, '--force'], env())).toBe(0);
  });

  it('refuses a bad command line in one line, and a missing database', async () => {
    expect(await runCli(['privacy-export', '--guild', 'abc', '--user', ANA], env())).toBe(1);
    expect(printed.join('\n')).toContain('--guild must be a server id');
    expect(await runCli(['privacy-export', '--guild', GUILD], env())).toBe(1);
    expect(printed.join('\n')).toContain("--user must be the member's id");
    expect(await runCli(['privacy-export', '--guild', GUILD, '--user', ANA, '--out', join(dir, 'x.json')], env())).toBe(1);
    expect(printed.at(-1)).toMatch(/^No database at /);
    expect(existsSync(join(dir, 'x.json'))).toBe(false);
  });

  it("writes the file's note in --lang, else in the server's language", async () => {
    const database = openDatabase(join(dir, 'pulse.db'));
    await migrate(database.db);
    await replayFile(database, join(import.meta.dirname, '..', '..', 'examples', 'replay.jsonl'));
    await database.close();
    const note = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { note: string }).note;

    expect(await runCli(['privacy-export', '--guild', GUILD, '--user', ANA, '--out', join(dir, 'en.json')], env())).toBe(0);
    expect(note(join(dir, 'en.json'))).toBe(t('en', 'privacy.export.note'));
    expect(await runCli(['privacy-export', '--guild', GUILD, '--user', ANA, '--out', join(dir, 'ru.json'), '--lang', 'ru'], env())).toBe(0);
    expect(note(join(dir, 'ru.json'))).toBe(t('ru', 'privacy.export.note'));

    const again = openDatabase(join(dir, 'pulse.db'));
    await updateSettings(again.db, GUILD, { language: 'es' }, 0);
    await again.close();
    expect(await runCli(['privacy-export', '--guild', GUILD, '--user', ANA, '--out', join(dir, 'es.json')], env())).toBe(0);
    expect(note(join(dir, 'es.json'))).toBe(t('es', 'privacy.export.note'));

    expect(await runCli(['privacy-export', '--guild', GUILD, '--user', ANA, '--out', join(dir, 'x.json'), '--lang', 'fr'], env())).toBe(1);
    expect(printed.join('\n')).toContain('--lang must be one of en, es, ru');
    expect(existsSync(join(dir, 'x.json'))).toBe(false);
  });
});

describe('pulse privacy-opt-out', () => {
  let dir: string;
  let printed: string[];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pulse-privacy-cli-'));
    printed = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
    vi.spyOn(console, 'error').mockImplementation((line: string) => void printed.push(line));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });
  const env = () => ({ DATABASE_URL: `sqlite:${join(dir, 'pulse.db')}` });

  it('with the bot stopped, records the opt-out and its job for the next start, in one line', async () => {
    const database = openDatabase(join(dir, 'pulse.db'));
    await migrate(database.db);
    await replayFile(database, join(import.meta.dirname, '..', '..', 'examples', 'replay.jsonl'));
    const messages = database.sqlite.prepare(`SELECT count(*) FROM activity_messages WHERE user_id = ?`).pluck();
    const before = messages.get(ANA) as number;
    expect(before).toBeGreaterThan(0);
    await database.close();

    expect(await runCli(['privacy-opt-out', '--guild', GUILD, '--user', ANA, '--lang', 'es'], env())).toBe(0);
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatch(new RegExp(`^Opted out member ${ANA} in server ${GUILD} \\(\\d+ records to delete or anonymise\\)\\. The bot is not running: it does so when it next starts`));

    const after = openDatabase(join(dir, 'pulse.db'));
    try {
      // Nothing deleted here (the bot does that, on start: see privacy.e2e); the opt-out and the job are durable.
      expect(after.sqlite.prepare(`SELECT user_id FROM activity_opt_outs WHERE guild_id = ?`).pluck().all(GUILD)).toEqual([ANA]);
      expect(after.sqlite.prepare(`SELECT guild_id, user_id, notify_token, notify_locale FROM privacy_opt_out_jobs`).all()).toEqual([{ guild_id: GUILD, user_id: ANA, notify_token: null, notify_locale: 'es' }]);
      expect(after.sqlite.prepare(`SELECT count(*) FROM activity_messages WHERE user_id = ?`).pluck().get(ANA)).toBe(before);
    } finally {
      await after.close();
    }
  });

  it('refuses a bad command line in one line, and a missing database', async () => {
    expect(await runCli(['privacy-opt-out', '--guild', GUILD, '--user', '12'], env())).toBe(1);
    expect(printed.join('\n')).toContain("--user must be the member's id (17 to 20 digits).");
    expect(await runCli(['privacy-opt-out', '--user', ANA], env())).toBe(1);
    expect(printed.join('\n')).toContain('--guild must be a server id');
    expect(await runCli(['privacy-opt-out', '--guild', GUILD, '--user', ANA, '--wait', 'soon'], env())).toBe(1);
    expect(printed.join('\n')).toContain('--wait must be a whole number of seconds');
    expect(await runCli(['privacy-opt-out', '--guild', GUILD, '--user', ANA, '--lang', 'de'], env())).toBe(1);
    expect(printed.join('\n')).toContain('--lang must be one of');
    expect(await runCli(['privacy-opt-out', '--guild', GUILD, '--user', ANA], env())).toBe(1);
    expect(printed.at(-1)).toMatch(/^No database at /);
    expect(existsSync(join(dir, 'pulse.db'))).toBe(false);
  });
});
