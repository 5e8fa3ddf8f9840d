// The bot's process settings, which Node.js and glibc read only when a process starts: V8's young
// generation kept small, and glibc's malloc in two arenas. `pulse start` gives itself whatever is
// missing by re-executing itself with it (same process id, no wrapper), so the bot has them
// however it is started: `npm start`, `npm run pulse -- start`, or `node dist/cli.mjs start` in a
// systemd unit or a container. The other commands run with Node's defaults: a one-shot command
// gains from a big young generation (`pulse replay`: ~15% faster, npm run bench).

/**
 * `--max-semi-space-size=2`: semi-spaces of 2 MB instead of up to 64 MB. The threads together hold
 * ~100 MB less, for more frequent and shorter scavenges. The flag binds every thread of the
 * process: it overrides the young-generation size a worker thread asks for.
 */
export const BOT_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2'];
/** glibc keeps two malloc arenas instead of one per thread (up to 16): the bench's bot day peaks ~20 MB lower. Other C libraries ignore it. */
export const BOT_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };

export interface Relaunch {
  execArgv: string[];
  env: Record<string, string>;
  /** What was missing, as `--flag=value` and `NAME=value`. */
  missing: string[];
}

/**
 * What the bot's process lacks of BOT_NODE_FLAGS and BOT_ENV, as the Node options and environment
 * to start again with; undefined when nothing is missing. A setting given already (another
 * semi-space size, in the command line or NODE_OPTIONS, or another arena count) is the
 * operator's choice and is kept.
 */
export function botRelaunch(execArgv: readonly string[], env: Readonly<Record<string, string | undefined>>): Relaunch | undefined {
  // (V8 takes its flags' names with '-' or '_'.)
  const given = [...execArgv, ...(env['NODE_OPTIONS'] ?? '').split(/\s+/)].map((arg) => arg.split('=')[0]!.replace(/_/g, '-'));
  const flags = BOT_NODE_FLAGS.filter((flag) => !given.includes(flag.split('=')[0]!));
  const missingEnv = Object.entries(BOT_ENV).filter(([name]) => env[name] === undefined);
  if (!flags.length && !missingEnv.length) return undefined;
  const kept = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
  return {
    execArgv: [...execArgv, ...flags],
    env: { ...kept, ...Object.fromEntries(missingEnv) },
    missing: [...flags, ...missingEnv.map(([name, value]) => `${name}=${value}`)],
  };
}

/**
 * Re-executes this process with what the bot lacks (see botRelaunch); returns only when nothing
 * is missing, or when this Node.js cannot re-execute itself (process.execve: Node 22.15 and
 * later, not on Windows), after saying so on stderr: the bot then runs with Node's defaults.
 */
export function relaunchAsBot(): void {
  const relaunch = botRelaunch(process.execArgv, process.env);
  if (!relaunch) return;
  if (typeof process.execve !== 'function' || process.platform === 'win32') {
    console.error(`Pulse runs without ${relaunch.missing.join(' ')}: this Node.js cannot re-execute itself (process.execve). Start it with them to keep its memory low.`);
    return;
  }
  process.execve(process.execPath, [process.execPath, ...relaunch.execArgv, ...process.argv.slice(1)], relaunch.env);
}
