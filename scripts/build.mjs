// Bundles Pulse into plain JavaScript for running (`npm start`, `npm run pulse`, the benchmark):
// the CLI and the entries of its threads, so no TypeScript loader sits in memory, in the main
// thread or in any worker (each tsx-loaded thread cost ~30-90 MB more), and threads start in
// milliseconds. Packages stay in node_modules; lazy imports stay lazy (code splitting).
// Usage: node scripts/build.mjs [OUTDIR] [EXTRA_ENTRY.ts ...]   (default dist/)
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Each thread's entry; src/threads.ts finds them by these names next to the bundle. */
export const ENTRIES = ['src/cli.ts', 'src/workers/worker.ts', 'src/activity/replay-worker.ts', 'src/db/checkpointer.mjs'];

export async function bundle(outdir = join(root, 'dist'), extra = []) {
  rmSync(outdir, { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: [...ENTRIES, ...extra].map((e) => resolve(root, e)),
    outdir,
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
  return outdir;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [out, ...extra] = process.argv.slice(2);
  await bundle(out ? resolve(out) : undefined, extra);
}
