// `pulse invite`: prints the invite URL with the required permissions; refuses a bad Application ID.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli.js';
import { requiredPermissionBits } from '../../src/discord/permissions.js';

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

function capture() {
  const out: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  return out;
}

describe('pulse invite', () => {
  it('prints the OAuth2 URL with exactly the permissions Pulse uses, without a token', async () => {
    const out = capture();
    expect(await runCli(['invite', '--app-id', '123456789012345678'], {})).toBe(0);
    const url = new URL(out[0]!);
    expect(url.searchParams.get('client_id')).toBe('123456789012345678');
    expect(url.searchParams.get('permissions')).toBe(String(requiredPermissionBits));
    expect(out.join('\n')).toContain('Manage Threads');
  });

  it('takes DISCORD_APP_ID when no --app-id is given, and refuses a bad id with the usage', async () => {
    vi.stubEnv('DISCORD_APP_ID', '223456789012345678');
    let out = capture();
    expect(await runCli(['invite'], {})).toBe(0);
    expect(out[0]).toContain('client_id=223456789012345678');
    vi.restoreAllMocks();
    out = capture();
    expect(await runCli(['invite', '--app-id', 'abc'], {})).toBe(1);
    expect(out.join('\n')).toMatch(/"abc" is not an Application ID[\s\S]*Usage: pulse invite/);
  });

  it('takes --app-id=ID as every command takes its options, and refuses an unknown one', async () => {
    let out = capture();
    expect(await runCli(['invite', '--app-id=323456789012345678'], {})).toBe(0);
    expect(out[0]).toContain('client_id=323456789012345678');
    vi.restoreAllMocks();
    out = capture();
    expect(await runCli(['invite', '--appid', '323456789012345678'], {})).toBe(1);
    expect(out.join('\n')).toMatch(/Unknown option '--appid'[\s\S]*Usage: pulse invite/);
  });
});
