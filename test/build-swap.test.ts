// scripts/build.mjs rebuilds dist/ under a bot that may still be running from it (`npm run pulse
// -- backup` rebuilds first): the folder never disappears, the previous build's chunks stay for
// that bot's lazy imports and threads, an unchanged rebuild moves nothing, and older builds go.
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundle } from '../scripts/build.mjs';

// Inside the project, so the bundle resolves its packages from node_modules as dist/ does.
const out = join(process.cwd(), '.cache', `test-swap-${process.pid}`);
afterAll(() => rmSync(out, { recursive: true, force: true }));

const files = () => readdirSync(out).filter((f) => f.endsWith('.mjs'));
/** The files the last build wrote (scripts/build.mjs lists them). */
const built = () => (JSON.parse(readFileSync(join(out, '.build.json'), 'utf8')) as { current: string[] }).current.filter((f) => f.endsWith('.mjs'));

/** Runs a rebuild while checking, as often as the event loop lets it, that the CLI's entry is there. */
async function rebuildWatched(extra: string[] = []): Promise<{ checks: number; missing: number }> {
  let checks = 0;
  let missing = 0;
  const timer = setInterval(() => {
    checks++;
    if (!existsSync(join(out, 'cli.mjs')) || !existsSync(join(out, 'worker.mjs'))) missing++;
  }, 1);
  try {
    await bundle(out, extra);
  } finally {
    clearInterval(timer);
  }
  return { checks, missing };
}

describe('rebuilding dist/ under a running bot', () => {
  it('keeps the previous build, never empties the folder, moves nothing when unchanged, and drops older builds', { timeout: 120_000 }, async () => {
    await bundle(out);
    const first = files();
    // A lazily imported chunk of the first build (what /insights loads on first use).
    const report = first.find((f) => /^report-[A-Z0-9]+\.mjs$/.test(f));
    expect(report).toBeTruthy();
    const cliTime = statSync(join(out, 'cli.mjs')).mtimeMs;
    // Each thread entry has a copy named by its content, which threads.json names.
    const threads = () => JSON.parse(readFileSync(join(out, 'threads.json'), 'utf8')) as Record<string, string>;
    const firstThreads = threads();
    expect(Object.keys(firstThreads)).toEqual(['./worker.mjs', './replay-worker.mjs', './checkpointer.mjs']);
    for (const [entry, pinned] of Object.entries(firstThreads)) {
      expect(pinned).toMatch(/^\.\/[a-z-]+-[0-9A-F]{8}\.mjs$/);
      expect(readFileSync(join(out, pinned))).toEqual(readFileSync(join(out, entry)));
    }
    const firstWorker = readFileSync(join(out, 'worker.mjs'));

    // The same sources again: nothing is replaced (the running bot's files are the same files).
    const same = await rebuildWatched();
    expect(same.checks).toBeGreaterThan(0);
    expect(same.missing).toBe(0);
    expect(files()).toEqual(first);
    expect(statSync(join(out, 'cli.mjs')).mtimeMs).toBe(cliTime);

    // Other code (report becomes an entry of its own, so its hashed chunk is no longer built).
    const changed = await rebuildWatched(['src/insights/report.ts']);
    expect(changed.missing).toBe(0);
    const second = built();
    expect(second).toContain('report.mjs');
    expect(second).not.toContain(report);
    // The first build's chunk is still there for a bot started from it, and so is its worker
    // entry, under the name that bot read from threads.json: a worker it starts now runs its own code.
    expect(files()).toContain(report);
    expect(threads()['./worker.mjs']).not.toBe(firstThreads['./worker.mjs']);
    expect(readFileSync(join(out, firstThreads['./worker.mjs']!))).toEqual(firstWorker);
    expect(readFileSync(join(out, 'worker.mjs'))).not.toEqual(firstWorker);
    expect(readFileSync(join(out, report!), 'utf8')).toContain('buildReport');

    // A third build: the second build's files stay, the first's that neither uses are gone.
    await rebuildWatched(['src/digests/charts.ts']);
    const third = built();
    const now = files();
    for (const f of second) expect(now).toContain(f);
    expect(now.filter((f) => !second.includes(f) && !third.includes(f))).toEqual([]);
    const firstOnly = first.filter((f) => !second.includes(f) && !third.includes(f));
    expect(firstOnly.length).toBeGreaterThan(0);
    // No build folder is left beside it.
    expect(readdirSync(join(out, '..')).filter((f) => f.startsWith(`.test-swap-${process.pid}-next`))).toEqual([]);
  });
});
