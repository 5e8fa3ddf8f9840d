// Where a worker thread's entry file is: under tsx (tests, `npm run demo`) a small bootstrap that
// registers the TypeScript loader, in the built bundle (dist/, scripts/build.mjs) the plain
// JavaScript entry beside the calling chunk, by the name the build it belongs to gave it.
import { readFileSync } from 'node:fs';

/**
 * Per bundle folder, the thread entries of the build this process started from: threads.json maps
 * each entry's plain name ('./worker.mjs') to a copy named by its content ('./worker-1A2B3C4D.mjs').
 * Read once, at a folder's first thread: a rebuild while the bot runs (`npm run pulse -- backup`
 * rebuilds) replaces worker.mjs and threads.json, but a worker this bot starts later (a crashed
 * one replaced) still runs its own build's code, which scripts/build.mjs keeps beside the new one.
 */
const pins = new Map<string, Readonly<Record<string, string>>>();

function pinned(folder: URL): Readonly<Record<string, string>> {
  let map = pins.get(folder.href);
  if (!map) {
    try {
      map = JSON.parse(readFileSync(new URL('threads.json', folder), 'utf8')) as Record<string, string>;
    } catch {
      map = {}; // A bundle built before threads.json existed: the plain names.
    }
    pins.set(folder.href, map);
  }
  return map;
}

/** `from` is the caller's import.meta.url; `source` and `built` are relative to it. */
export function threadEntry(from: string, source: string, built: string): URL {
  if (from.endsWith('.ts')) return new URL(source, from);
  const folder = new URL('.', from);
  return new URL(pinned(folder)[built] ?? built, from);
}
