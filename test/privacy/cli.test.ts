// `pulse privacy-export`: the admins' way to a member's export when Discord's upload limit refuses it.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { replayFile } from '../../src/activity/replay.js';
import { runCli } from '../../src/cli.js';
import { migrate, openDatabase } from '../../src/db/open.js';

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
});
