// `pulse replay FILE`.
import { existsSync } from 'node:fs';
import { UsageError, type CliCommand } from '../command-line.js';
import { migrate, openDatabase } from '../db/open.js';
import { replayFile } from './replay.js';

export const replayCommand: CliCommand = {
  summary: 'Ingest a JSON Lines file of gateway events (see docs/activity.md); safe to run twice',
  usage: 'replay FILE',
  needsDiscord: false,
  async run(args, config) {
    const [file, ...rest] = args;
    if (!file || file.startsWith('-')) throw new UsageError(file ? `Unknown option ${file}.` : 'Give the file to replay.');
    if (rest.length) throw new UsageError(`Unexpected argument ${rest[0]}.`);
    if (!existsSync(file)) throw new UsageError(`No such file: ${file}.`);
    const database = openDatabase(config.databasePath);
    try {
      await migrate(database.db);
      const started = Date.now();
      const out = await replayFile(database, file, {
        onProgress: (lines) => console.error(`replay: ${lines.toLocaleString('en-US')} lines, ${Math.round(lines / ((Date.now() - started) / 1000 || 1)).toLocaleString('en-US')} lines/s…`),
      });
      const skipped = Object.entries(out.skippedTypes)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([t, n]) => `${t} ${n}`)
        .join(', ');
      console.log(`Replayed ${out.lines} lines: ${out.ingested} ingested, ${out.duplicates} duplicates, ${out.ignored} ignored (bots, webhooks, system messages, DMs, ignored channels, opted-out members).`);
      console.log(`Skipped types: ${skipped || 'none'}.`);
      if (out.badLines) {
        console.log(`Bad lines: ${out.badLines}.`);
        for (const b of out.bad) console.log(`  line ${b.line}: ${b.reason}`);
        if (out.badLines > out.bad.length) console.log(`  … and ${out.badLines - out.bad.length} more`);
      } else {
        console.log('Bad lines: none.');
      }
      // Every line bad (a CSV, a compressed file, another format): a failure, not a replay of nothing.
      const skippedLines = Object.values(out.skippedTypes).reduce((sum, n) => sum + n, 0);
      if (out.badLines > 0 && out.ingested + out.duplicates + out.ignored + skippedLines === 0) {
        console.error(`No line of ${file} could be read: it should be JSON Lines of gateway events, one {"at", "t", "d"} object a line (docs/activity.md).`);
        return 1;
      }
    } finally {
      await database.close();
    }
  },
};
