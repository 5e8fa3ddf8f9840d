// Types of scripts/build.mjs (the bundler behind `npm start`, the benchmark and a test).
export declare const ENTRIES: string[];
/** Bundles the CLI, the thread entries and `extra` entries into `outdir` (emptied first); returns it. */
export declare function bundle(outdir?: string, extra?: string[]): Promise<string>;
