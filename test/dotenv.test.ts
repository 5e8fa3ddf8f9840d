// The .env file as `pulse` loads it (src/cli.ts loadDotEnv).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadDotEnv, SETTINGS } from '../src/cli.js';
import { settingNames } from '../src/config.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  vi.restoreAllMocks();
  delete process.env['MY_TEST_DOTENV'];
  delete process.env['DATABSE_URL'];
  delete process.env['PULSE_WORKER'];
});
function dir(): string {
  const d = mkdtempSync(join(tmpdir(), 'pulse-dotenv-'));
  dirs.push(d);
  return d;
}

describe('.env', () => {
  it('is loaded, and each variable that looks like a setting but is none is named on stderr', () => {
    const path = join(dir(), '.env');
    writeFileSync(path, 'MY_TEST_DOTENV=yes\nDATABSE_URL=sqlite:/srv/pulse.db\nPULSE_WORKER=4\nTZ_UNRELATED=1\n');
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => void errors.push(line));
    expect(loadDotEnv(path)).toBeNull();
    expect(process.env['MY_TEST_DOTENV']).toBe('yes');
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^Pulse: .*\.env sets DATABSE_URL, which Pulse does not read \(its settings: .*DATABASE_URL/);
    expect(errors[1]).toMatch(/sets PULSE_WORKER, which Pulse does not read/);
  });

  it('that cannot be read (a folder) gives one line, not a stack', () => {
    const path = join(dir(), '.env');
    mkdirSync(path);
    expect(loadDotEnv(path)).toMatch(/^Pulse cannot start: cannot read .*\.env: /);
  });

  it('is optional', () => expect(loadDotEnv(join(dir(), '.env'))).toBeNull());

  it('is checked against every setting Pulse reads', () => expect([...SETTINGS].sort()).toEqual([...settingNames].sort()));
});
