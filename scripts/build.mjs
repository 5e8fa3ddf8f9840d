// Bundles Pulse into plain JavaScript for running (`npm start`, `npm run pulse`, the benchmark):
// the CLI and the entries of its threads, so no TypeScript loader sits in memory, in the main
// thread or in any worker (each tsx-loaded thread cost ~30-90 MB more), and threads start in
// milliseconds. Packages stay in node_modules; lazy imports stay lazy (code splitting).
// Usage: node scripts/build.mjs [OUTDIR] [EXTRA_ENTRY.ts ...]   (default dist/)
//
// A bot may be running from OUTDIR while this builds (`npm run pulse -- backup` rebuilds): its
// worker threads and lazy imports load chunk files by name on first use. So OUTDIR is never
// emptied: the build goes to a folder beside it, and its files are moved in one by one (each a
// rename, atomic), chunks before the entries that import them; a file already there with the
// same bytes is left alone (the same sources give the same build: nothing moves). Chunks are
// named by their content, so the previous build's stay harmlessly beside the new ones for a
// bot started from it; older ones are removed (.build.json lists the last two builds' files).
// The thread entries a running bot starts later (worker.mjs, replay-worker.mjs, checkpointer.mjs)
// get a copy named by their content too, and threads.json says which: a bot reads it at its first
// thread (src/threads.ts), so a worker it starts after a rebuild still runs its own build's code.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Each thread's entry; src/threads.ts finds them by these names next to the bundle. */
export const ENTRIES = ['src/cli.ts', 'src/workers/worker.ts', 'src/activity/replay-worker.ts', 'src/db/checkpointer.mjs'];

/** The files of the current and the previous build in OUTDIR (the rest is garbage). */
const MANIFEST = '.build.json';

/** Each thread entry's name by content ('./worker.mjs' -> './worker-1A2B3C4D.mjs'), read by src/threads.ts. */
const THREADS = 'threads.json';

export async function bundle(outdir = join(root, 'dist'), extra = []) {
  const entries = [...ENTRIES, ...extra];
  const next = join(dirname(outdir), `.${basename(outdir)}-next-${process.pid}`);
  rmSync(next, { recursive: true, force: true });
  try {
    await build({
      absWorkingDir: root,
      entryPoints: entries.map((e) => resolve(root, e)),
      outdir: next,
      entryNames: '[name]',
      chunkNames: '[name]-[hash]', // flat: a chunk finds the thread entries beside it
      outExtension: { '.js': '.mjs' },
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node22',
      packages: 'external',
      sourcemap: 'linked',
      logLevel: 'warning',
    });
    const nameOf = (entry) => basename(entry).replace(/\.[cm]?[jt]s$/, '');
    pinThreads(next, ENTRIES.map(nameOf).filter((name) => name !== 'cli'));
    swapIn(next, outdir, new Set(entries.map(nameOf)));
  } finally {
    rmSync(next, { recursive: true, force: true });
  }
  return outdir;
}

/**
 * Copies each thread entry under a name made from its content, beside it (so its imports of the
 * content-named chunks still resolve), and writes threads.json. The same code gives the same name.
 */
function pinThreads(next, names) {
  const pins = {};
  for (const name of names) {
    const code = readFileSync(join(next, `${name}.mjs`));
    const pinned = `${name}-${createHash('sha256').update(code).digest('hex').slice(0, 8).toUpperCase()}.mjs`;
    writeFileSync(join(next, pinned), code);
    pins[`./${name}.mjs`] = `./${pinned}`;
  }
  writeFileSync(join(next, THREADS), JSON.stringify(pins, null, 2) + '\n');
}

/** Moves the build in `next` into `outdir` without `outdir` ever missing a file a running bot may load. */
function swapIn(next, outdir, entryNames) {
  const files = readdirSync(next).sort();
  if (!existsSync(outdir)) {
    writeFileSync(join(next, MANIFEST), JSON.stringify({ current: files, previous: [] }));
    mkdirSync(dirname(outdir), { recursive: true });
    renameSync(next, outdir);
    return;
  }
  const before = readManifest(outdir);
  // Chunks (and source maps, and the content-named thread entries) first, then the entries, then
  // threads.json: an entry never names a chunk not yet there, nor threads.json a thread entry.
  const isEntry = (f) => entryNames.has(f.replace(/\.mjs(\.map)?$/, ''));
  const rest = files.filter((f) => f !== THREADS);
  for (const file of [...rest.filter((f) => !isEntry(f)), ...rest.filter(isEntry), ...files.filter((f) => f === THREADS)]) {
    const to = join(outdir, file);
    if (existsSync(to) && readFileSync(to).equals(readFileSync(join(next, file)))) continue;
    renameSync(join(next, file), to);
  }
  // The files the replaced build had stay (a bot started from it may still load them); older
  // ones go. A folder built before .build.json existed: all of its files count as the previous build.
  const same = before !== undefined && before.current.join('\n') === files.join('\n');
  const previous = same ? before.previous : (before?.current ?? readdirSync(outdir).filter((f) => f !== MANIFEST));
  const keep = new Set([...files, ...previous, MANIFEST]);
  for (const file of readdirSync(outdir)) if (!keep.has(file)) rmSync(join(outdir, file), { recursive: true, force: true });
  const manifest = JSON.stringify({ current: files, previous: previous.filter((f) => !files.includes(f)) });
  writeFileSync(join(next, MANIFEST), manifest);
  renameSync(join(next, MANIFEST), join(outdir, MANIFEST));
}

function readManifest(outdir) {
  try {
    const m = JSON.parse(readFileSync(join(outdir, MANIFEST), 'utf8'));
    return Array.isArray(m.current) && Array.isArray(m.previous) ? m : undefined;
  } catch {
    return undefined;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [out, ...extra] = process.argv.slice(2);
  await bundle(out ? resolve(out) : undefined, extra);
}
