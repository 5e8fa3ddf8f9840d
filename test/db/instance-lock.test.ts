// One running bot per database (src/db/instance-lock.ts).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockInstance, lockPath } from '../../src/db/instance-lock.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function databasePath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pulse-lock-'));
  dirs.push(dir);
  return join(dir, 'data', 'pulse.db');
}

describe('the instance lock', () => {
  it('is held by one holder at a time, and free again once released', () => {
    const path = databasePath();
    const first = lockInstance(path);
    expect(first).not.toBeNull();
    expect(lockInstance(path)).toBeNull();
    first!.release();
    const again = lockInstance(path);
    expect(again).not.toBeNull();
    again!.release();
  });

  it('is dropped when its process is killed (kill -9), so a restart is never refused', async () => {
    const path = databasePath();
    lockInstance(path)!.release(); // creates the folder and the file
    const child = spawn(process.execPath, ['-e', `const D = require('better-sqlite3'); const d = new D(${JSON.stringify(lockPath(path))}); d.exec('BEGIN EXCLUSIVE'); console.log('held'); setInterval(() => {}, 1000);`], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout.on('data', () => resolve()));
    expect(lockInstance(path)).toBeNull();
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const after = lockInstance(path);
    expect(after).not.toBeNull();
    after!.release();
  });

  it('is not needed for an in-memory database', () => {
    const a = lockInstance(':memory:');
    const b = lockInstance(':memory:');
    expect(a).not.toBeNull();
    expect(b).not.toBeNull();
  });
});
