// `npm run demo` as a newcomer runs it: a child process prints a 127.0.0.1 URL, serves the page,
// and on Ctrl-C (SIGINT) stops and deletes its throwaway data, or keeps it with --keep DIR.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** A fresh TMPDIR for the child: its throwaway folder (pulse-playground-*) is made there. */
function tempRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pulse-demo-tmp-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
const throwaways = (root: string) => readdirSync(root).filter((f) => f.startsWith('pulse-playground-'));

// The command package.json's "demo" runs: node with tsx's loader, not the `tsx` command (its
// wrapper SIGKILLs a busy child that does not answer a signal within milliseconds).
const command = ['--import', 'tsx', 'src/playground/main.ts'];

function demo(args: string[], tmp?: string) {
  const child = spawn(process.execPath, [...command, ...args], { cwd: process.cwd(), env: { PATH: process.env['PATH'] ?? '', ...(tmp ? { TMPDIR: tmp } : {}) }, stdio: ['ignore', 'pipe', 'pipe'] });
  cleanups.push(() => child.kill('SIGKILL'));
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  // 'close', not 'exit': the output is all read by then.
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL within 120 s:\n${output}`)), 120_000);
    child.on('exit', () => {
      clearTimeout(timer);
      reject(new Error(`exited without a URL:\n${output}`));
    });
    child.stdout.on('data', () => {
      const m = /open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  });
  url.catch(() => {}); // awaited only by the tests that expect one
  return { child, url, exited, output: () => output };
}

describe('npm run demo', () => {
  it('runs main.ts under node --import tsx', () => {
    const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['demo']).toBe(`node ${command.join(' ')}`);
  });

  it('stops on Ctrl-C during the start-up and deletes its throwaway folder', { timeout: 60_000 }, async () => {
    const tmp = tempRoot();
    const run = demo([], tmp);
    await new Promise<void>((resolve) => run.child.stdout.on('data', () => run.output().includes('replaying history') && resolve()));
    expect(throwaways(tmp)).toHaveLength(1);
    run.child.kill('SIGINT');
    expect(await run.exited, run.output()).toBe(0);
    expect(run.output()).not.toContain('ready');
    expect(throwaways(tmp)).toEqual([]);
  });

  it('says at once that a busy --port is in use', { timeout: 60_000 }, async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => busy.close());
    const port = (busy.address() as AddressInfo).port;
    const tmp = tempRoot();
    const run = demo(['--port', String(port)], tmp);
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain(`Port ${port} is in use: pick another with --port N, or leave --port out.`);
    expect(run.output()).not.toContain('replaying history');
    expect(throwaways(tmp)).toEqual([]);
  });

  it('explains npm\'s -- when an option is unknown', { timeout: 30_000 }, async () => {
    const run = demo(['9000']);
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('Unknown option "9000" (with npm, put -- before the options: npm run demo -- --port 9000)');
    expect(run.output()).toContain('Usage: npm run demo [-- [--keep DIR] [--port N]]');
  });

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

  it('keeps the database with --keep DIR (a closed terminal stops it too), and refuses a folder that is not empty', { timeout: 180_000 }, async () => {
    const keep = join(mkdtempSync(join(tmpdir(), 'pulse-demo-')), 'kept');
    cleanups.push(() => rmSync(join(keep, '..'), { recursive: true, force: true }));
    const run = demo(['--keep', keep]);
    await run.url;
    run.child.kill('SIGHUP');
    expect(await run.exited, run.output()).toBe(0);
    expect(existsSync(join(keep, 'pulse.db'))).toBe(true);

    const again = demo(['--keep', keep]);
    expect(await again.exited).toBe(1);
    expect(again.output()).toContain('the folder is not empty');
  });
});
