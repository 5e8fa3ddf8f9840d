// `pulse report` period limits at their edges: a period of exactly 366 days is a report (367 is
// refused), and --from one day after --to is refused, not a report of no days.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli.js';
import { migrate, openDatabase } from '../../src/db/open.js';

const G = '100000000000000001';
const asOf = ['--as-of', '2026-11-23T12:00:00Z'];

let dir: string;
let env: Record<string, string>;
let out: string[];
let err: string[];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pulse-report-limits-'));
  env = { DATABASE_URL: `sqlite:${join(dir, 'pulse.db')}`, LOG_LEVEL: 'silent' };
  out = [];
  err = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  const database = openDatabase(join(dir, 'pulse.db'));
  await migrate(database.db);
  await database.close();
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

describe('pulse report period limits', () => {
  it('a period of exactly 366 days is reported, day by day; 367 days are refused', async () => {
    expect(await runCli(['report', '--guild', G, '--json', '--from', '2025-11-08', '--to', '2026-11-08', ...asOf], env)).toBe(0);
    const report = JSON.parse(out.join('\n')) as { period: { from: string; to: string }; activity: { dau: unknown[] } };
    expect(report.period).toEqual({ from: '2025-11-08', to: '2026-11-08' });
    expect(report.activity.dau).toHaveLength(366);

    out = [];
    err = [];
    expect(await runCli(['report', '--guild', G, '--json', '--from', '2025-11-07', '--to', '2026-11-08', ...asOf], env)).toBe(1);
    expect(out).toEqual([]);
    expect(err[0]!.split('\n')[0]).toBe('The period may be at most 366 days.');
  });

  it('--from the day after --to is refused in one line, and nothing is printed', async () => {
    expect(await runCli(['report', '--guild', G, '--json', '--from', '2026-11-09', '--to', '2026-11-08', ...asOf], env)).toBe(1);
    expect(out).toEqual([]);
    expect(err[0]!.split('\n')[0]).toBe('--from (2026-11-09) must not be after --to (2026-11-08).');
  });
});
