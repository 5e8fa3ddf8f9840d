// `npm run demo` as a newcomer runs it: a child process prints a 127.0.0.1 URL, serves the page,
// and on Ctrl-C (SIGINT) stops and deletes its throwaway data, or keeps it with --keep DIR.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function demo(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/playground/main.ts', ...args], { cwd: process.cwd(), env: { PATH: process.env['PATH'] ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  cleanups.push(() => child.kill('SIGKILL'));
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL within 120 s:\n${output}`)), 120_000);
    child.stdout.on('data', () => {
      const m = /open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  });
  return { child, url, exited, output: () => output };
}

describe('npm run demo', () => {
  it('prints a local URL, serves the seeded server, and deletes its data on Ctrl-C', { timeout: 180_000 }, async () => {
    const run = demo([]);
    const url = await run.url;
    const world = (await (await fetch(`${url}api/world`)).json()) as { guild: { name: string }; channels: Array<{ name: string }>; events: number };
    expect(world.guild.name).toBe('Pixel Makers');
    expect(world.channels.map((c) => c.name)).toContain('mod-review');
    expect(world.events).toBeGreaterThan(5000);
    const dir = /throwaway data in (\S+) is then deleted/.exec(run.output())?.[1];
    expect(dir && existsSync(join(dir, 'pulse.db'))).toBe(true);
    run.child.kill('SIGINT');
    expect(await run.exited, run.output()).toBe(0);
    expect(existsSync(dir!)).toBe(false);
  });

  it('keeps the database with --keep DIR, and refuses a folder that is not empty', { timeout: 180_000 }, async () => {
    const keep = join(mkdtempSync(join(tmpdir(), 'pulse-demo-')), 'kept');
    cleanups.push(() => rmSync(join(keep, '..'), { recursive: true, force: true }));
    const run = demo(['--keep', keep]);
    await run.url;
    run.child.kill('SIGINT');
    expect(await run.exited, run.output()).toBe(0);
    expect(existsSync(join(keep, 'pulse.db'))).toBe(true);

    const again = demo(['--keep', keep]);
    expect(await again.exited).toBe(1);
    expect(again.output()).toContain('the folder is not empty');
  });
});
