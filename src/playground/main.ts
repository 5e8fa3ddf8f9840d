// `npm run demo`: the playground. Prints the page's URL; Ctrl-C stops it and deletes the data.
// Run as `node --import tsx src/playground/main.ts` (package.json), not through the `tsx` command:
// its wrapper kills this process if it does not confirm a signal within milliseconds while busy,
// which left the throwaway folder behind.
import '../node-version.js';
import { startPlayground, type Playground } from './playground.js';

const usage = `Usage: npm run demo [-- [--keep DIR] [--port N]]

Starts Pulse against a local stand-in for Discord, on a throwaway database seeded with a
realistic community, and serves a page on 127.0.0.1 to try it. Nothing leaves this machine.

  --keep DIR  keep the database in DIR (a new or empty folder) instead of deleting it on exit
  --port N    serve the page on this port (default: any free port)
  --help      show this help`;

function parseArgs(argv: string[]): { keep?: string; port?: number } | string {
  const out: { keep?: string; port?: number } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return usage;
    if (arg === '--keep' || arg === '--port') {
      const value = argv[++i];
      if (!value) return `${arg} needs a value.\n\n${usage}`;
      if (arg === '--keep') out.keep = value;
      else {
        const port = Number(value);
        if (!Number.isInteger(port) || port < 1 || port > 65535) return `--port must be a number from 1 to 65535.\n\n${usage}`;
        out.port = port;
      }
    } else return `Unknown option "${arg}" (with npm, put -- before the options: npm run demo -- --port 9000).\n\n${usage}`;
  }
  return out;
}

const args = parseArgs(process.argv.slice(2));
if (typeof args === 'string') {
  console.log(args);
  process.exit(args === usage ? 0 : 1);
}

// Handlers first, before anything is started: a Ctrl-C (SIGINT), a `kill` (SIGTERM) or a closed
// terminal (SIGHUP) during the start-up stops it at its next step, and deletes the throwaway data.
const starting = new AbortController();
let playground: Playground | undefined;
let stopping = 0;
const stopPlayground = (p: Playground) =>
  p.stop().then(() => process.exit(0), (err: unknown) => {
    console.error(err);
    process.exit(1);
  });
const stop = () => {
  if (stopping) {
    // npm passes the terminal's Ctrl-C on too: a second signal at once is the same one. A later one
    // quits now (the throwaway data is still deleted on exit).
    if (Date.now() - stopping > 1000) process.exit(130);
    return;
  }
  stopping = Date.now();
  console.log('\nStopping…');
  if (playground) void stopPlayground(playground);
  else starting.abort();
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, stop);

const started = Date.now();
console.log('Starting the Pulse playground (a stand-in Discord on this machine; no token needed)…');
try {
  playground = await startPlayground({ ...args, signal: starting.signal, onProgress: (step) => console.log(`  ${step}…`) });
} catch (error) {
  if (starting.signal.aborted) process.exit(0); // stopped during the start-up; startPlayground cleaned up
  console.error(`The playground could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
// A signal during its last step: it resolved all the same, so it stops now.
if (starting.signal.aborted) await stopPlayground(playground);
// One write, so whoever reads the URL line has the data line too.
console.log(`\nPulse playground ready in ${((Date.now() - started) / 1000).toFixed(1)} s: open ${playground.url}\n\n${args.keep ? `Data kept in ${playground.dir}. Press Ctrl-C to stop.` : `Press Ctrl-C to stop; the throwaway data in ${playground.dir} is then deleted.`}`);
