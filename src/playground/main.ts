// `npm run demo`: the playground. Prints the page's URL; Ctrl-C stops it and deletes the data.
import '../node-version.js';
import { startPlayground } from './playground.js';

const usage = `Usage: npm run demo [-- --keep DIR] [--port N]

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
    } else return `Unknown option "${arg}".\n\n${usage}`;
  }
  return out;
}

const args = parseArgs(process.argv.slice(2));
if (typeof args === 'string') {
  console.log(args);
  process.exit(args === usage ? 0 : 1);
}
const started = Date.now();
console.log('Starting the Pulse playground (a stand-in Discord on this machine; no token needed)…');
try {
  const playground = await startPlayground({ ...args, onProgress: (step) => console.log(`  ${step}…`) });
  // Handlers first: the URL line tells the caller it may press Ctrl-C at once.
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping…');
    void playground.stop().then(() => process.exit(0), (err: unknown) => {
      console.error(err);
      process.exit(1);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // One write, so whoever reads the URL line has the data line too.
  console.log(`\nPulse playground ready in ${((Date.now() - started) / 1000).toFixed(1)} s: open ${playground.url}\n\n${args.keep ? `Data kept in ${playground.dir}. Press Ctrl-C to stop.` : `Press Ctrl-C to stop; the throwaway data in ${playground.dir} is then deleted.`}`);
} catch (error) {
  console.error(`The playground could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
