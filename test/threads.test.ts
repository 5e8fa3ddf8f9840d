// threadEntry (src/threads.ts): from the bundle, a thread starts from the content-named entry the
// build the process started from listed in threads.json, even after a rebuild replaced that file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { threadEntry } from '../src/threads.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function bundleFolder(threads?: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pulse-threads-'));
  dirs.push(dir);
  if (threads) writeFileSync(join(dir, 'threads.json'), JSON.stringify(threads));
  return dir;
}

it('from the bundle: the pinned entry of the build the process read first, kept through a rebuild', () => {
  const dir = bundleFolder({ './worker.mjs': './worker-AAAAAAAA.mjs' });
  const chunk = pathToFileURL(join(dir, 'chunk-X.mjs')).href;
  expect(threadEntry(chunk, './bootstrap.mjs', './worker.mjs').href).toBe(pathToFileURL(join(dir, 'worker-AAAAAAAA.mjs')).href);
  // A rebuild writes a new threads.json: this process keeps its own build's entry.
  writeFileSync(join(dir, 'threads.json'), JSON.stringify({ './worker.mjs': './worker-BBBBBBBB.mjs' }));
  expect(threadEntry(chunk, './bootstrap.mjs', './worker.mjs').href).toBe(pathToFileURL(join(dir, 'worker-AAAAAAAA.mjs')).href);
  // An entry it does not list: the plain name.
  expect(threadEntry(chunk, './replay-bootstrap.mjs', './replay-worker.mjs').href).toBe(pathToFileURL(join(dir, 'replay-worker.mjs')).href);
});

it('a bundle without threads.json (built before it existed) uses the plain names; under tsx, the source bootstrap', () => {
  const dir = bundleFolder();
  expect(threadEntry(pathToFileURL(join(dir, 'cli.mjs')).href, './bootstrap.mjs', './worker.mjs').href).toBe(pathToFileURL(join(dir, 'worker.mjs')).href);
  expect(threadEntry('file:///src/workers/pool.ts', './bootstrap.mjs', './worker.mjs').href).toBe('file:///src/workers/bootstrap.mjs');
});
