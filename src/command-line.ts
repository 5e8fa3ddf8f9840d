// What a `pulse` command is, and the error for a mistake in its command line (shared by the slices' CLIs).
import type { Config } from './config.js';

export interface CliCommand {
  summary: string;
  usage: string;
  /** Whether the command talks to Discord (and so needs the token). */
  needsDiscord: boolean;
  run(args: string[], config: Config): Promise<number | void>;
}

/** A mistake in the command line: printed as one line with the usage. */
export class UsageError extends Error {}

/** For the commands that take no options: a stray argument is a mistake, not something to ignore. */
export function noArguments(args: readonly string[]): void {
  if (args.length > 0) throw new UsageError(`unexpected argument "${args[0]}": this command takes no options.`);
}
