// The pool's worker threads load only what their jobs need: zod (the command and gateway
// schemas) stays out of them, and out of the replay's parsing thread until a line needs it. Each thread has its own copy of every module it loads, and zod
// alone is ~12 MB of a worker's memory.
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

/** Every module a thread started at `entry` can load (its jobs' dynamic imports included), and what they import. */
async function moduleGraph(entry: string): Promise<{ modules: string[]; imports: Set<string> }> {
  const result = await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', packages: 'external', metafile: true, write: false, outdir: 'out', logLevel: 'silent' });
  const imports = new Set<string>();
  for (const input of Object.values(result.metafile.inputs)) for (const i of input.imports) imports.add(i.path);
  return { modules: Object.keys(result.metafile.inputs), imports };
}

describe('worker thread imports', () => {
  it('the pool worker loads no zod, whatever job it runs', async () => {
    const { modules, imports } = await moduleGraph('src/workers/worker.ts');
    expect(modules).toContain('src/insights/report.ts');
    expect(modules).toContain('src/privacy/entries.ts');
    expect(modules).toContain('src/surveys/charts.ts');
    expect(imports).toContain('kysely');
    expect(imports).not.toContain('zod');
  });

  it("the replay's parsing thread starts without zod: it loads it only for a line its own checks refuse", async () => {
    const { modules, imports } = await moduleGraph('src/activity/replay-worker.ts');
    expect(modules).toContain('src/activity/events.ts');
    expect(modules).toContain('src/activity/replay-skim.ts');
    expect(imports).not.toContain('zod');
  });
});
