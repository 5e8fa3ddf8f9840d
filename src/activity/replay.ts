// `pulse replay FILE`: JSON Lines of gateway dispatches through the live ingestion path. A worker
// thread reads and parses the lines (src/activity/replay-worker.ts) while this thread stores the
// events with the live writer: the two halves run at once.
import { closeSync, openSync, readSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { startCheckpoints } from '../db/checkpoints.js';
import type { Database } from '../db/open.js';
import { silentLogger } from '../log.js';
import { ignoredChannelsReader } from '../settings/store.js';
import { threadEntry } from '../threads.js';
import { unflattenEvents, WireTable, type EventWire } from './event-wire.js';
import type { ActivityEvent } from './events.js';
import { MAX_LISTED, type WireChunk } from './replay-lines.js';
import { ActivityStore, knownNonMembers } from './store.js';
import { ActivityWriter } from './writer.js';

export interface ReplayOutcome {
  lines: number;
  ingested: number;
  duplicates: number;
  /** Bots, webhooks, DMs, ignored channels, opted-out members, threads not newly created. */
  ignored: number;
  skippedTypes: Record<string, number>;
  badLines: number;
  /** The first bad lines, with their line numbers (1-based). */
  bad: Array<{ line: number; reason: string }>;
}

const BATCH = 5000;
const FOLD_EVERY = 64;
const PARSER = threadEntry(import.meta.url, './replay-bootstrap.mjs', './replay-worker.mjs');
/**
 * The parsing thread's young generation (V8's default grows to several times this): its garbage
 * (each line's parsed JSON) dies young either way, and the replay's peak RSS drops (npm run
 * bench: typically ~295 -> ~225 MB) at no measurable cost in CPU time. (A process-wide
 * --max-semi-space-size would override it, and make both threads collect far more often: the
 * bot's BOT_NODE_FLAGS cost the replay ~15%. `pulse replay` runs without it, see bot-process.ts.)
 */
const PARSER_YOUNG_MB = 16;
/**
 * The WAL's checkpoints run in a thread of their own while the replay writes (as the bot's do):
 * SQLite's automatic one would copy ~40 MB back into the database file, and fsync it, inside
 * one of the replay's commits (a copy of the bench database on disk, 3 runs each: median
 * ~88k -> ~92k lines/s, peak RSS ~205 -> ~228 MB).
 */
const CHECKPOINT_MS = 250;
/**
 * Batches stored between two checkpoints on this thread, which keep the WAL bounded. The thread
 * above copies the WAL's frames back while the replay writes, but SQLite starts the WAL over only
 * at a write transaction that finds every frame copied, which a writer storing batch after batch
 * never does: the WAL grew with the file until the close (~70 MB for the bench's 300,000 lines,
 * ~2.3 GB for 10 million). Between two batches, most frames are copied already; once this
 * thread's checkpoint has copied the rest, the next batch starts the WAL over, so it holds ~32
 * batches' frames (~40 MB, under the 64 MB the bot keeps it to). Each such checkpoint costs this
 * thread ~14 ms (the copy of the last frames, and the database file's fsync): every 8 batches
 * (~10 MB), the replay ran ~4% slower than without (10 alternating pairs: 134k against 140k
 * lines/s on average).
 */
const RESTART_WAL_EVERY = 32;

export interface ReplayOptions {
  /** Told every 100,000 lines. */
  onProgress?: (lines: number, outcome: ReplayOutcome) => void;
  /** Batches between this thread's checkpoints (default RESTART_WAL_EVERY; tests). */
  restartWalEvery?: number;
  /** The checkpoint thread's interval (default CHECKPOINT_MS; tests). */
  checkpointMs?: number;
}

export async function replayFile(database: Database, path: string, options: ReplayOptions = {}): Promise<ReplayOutcome> {
  // The parsing thread first: it takes ~0.2 s to start, which this thread spends getting ready.
  // It knows the bots and webhooks stored before (a few rows: a reaction to a bot's message, or a
  // bot's thread, in this file is then no member's), and hands on those it sees first.
  const nonMembers = knownNonMembers(database.sqlite);
  const parser = new Worker(PARSER, { workerData: { path, nonMembers }, resourceLimits: { maxYoungGenerationSizeMb: PARSER_YOUNG_MB } });
  // (storeParsed listens for its failures; should storeParsed fail first, one while the thread is
  // being terminated is not the replay's error.)
  parser.on('error', () => undefined);
  try {
    return await storeParsed(database, parser, path, options);
  } finally {
    await parser.terminate();
  }
}

/**
 * The first server id the file names in its first 64 KB: a hint, not a parse (a file it cannot
 * read is the parsing thread's to report).
 */
function firstGuildId(path: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buffer = Buffer.alloc(1 << 16);
    const text = buffer.toString('latin1', 0, readSync(fd, buffer, 0, buffer.length, 0));
    return /"guild_id"\s*:\s*"(\d{1,20})"/.exec(text)?.[1];
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

async function storeParsed(database: Database, parser: Worker, path: string, { onProgress, restartWalEvery = RESTART_WAL_EVERY, checkpointMs = CHECKPOINT_MS }: ReplayOptions): Promise<ReplayOutcome> {
  // The servers' ignored channels (and their threads) are left out, as the live bot leaves them out.
  const store = new ActivityStore(database.sqlite, { ignoredChannels: ignoredChannelsReader(database.sqlite) });
  // Meanwhile: the integers of the server the file starts with (usually its only one), which the
  // first batch would read (~50,000 members: ~120 ms while the parsing thread starts, which takes
  // ~150 ms to its first chunk).
  const guildId = firstGuildId(path);
  if (guildId) store.loadIds(guildId);
  const writer = new ActivityWriter(store, { timer: false, batchSize: BATCH });
  const out: ReplayOutcome = { lines: 0, ingested: 0, duplicates: 0, ignored: 0, skippedTypes: {}, badLines: 0, bad: [] };
  let flushes = 0;
  // The per-member totals' log is folded every FOLD_EVERY flushes (a member active across them is
  // added once) and at the end.
  const fold = () => store.totals.foldSome({ budgetMs: Number.POSITIVE_INFINITY, rows: FOLD_EVERY });
  // Due after every restartWalEvery batches, and after each batch until one finds no other
  // checkpointer at work (the thread, or the bot's next to the replay) and no reader holding
  // frames back.
  let restartDue = false;
  const sync = () => {
    writer.flush();
    if (++flushes % FOLD_EVERY === 0) fold();
    if (flushes % restartWalEvery === 0) restartDue = true;
    if (restartDue) {
      const [row] = database.sqlite.pragma('wal_checkpoint(PASSIVE)') as Array<{ busy: number; log: number; checkpointed: number }>;
      restartDue = !row || row.busy !== 0 || row.checkpointed < row.log;
    }
    out.ingested = writer.totals.stored;
    out.duplicates = writer.totals.duplicates;
  };
  let ignored = 0;
  const table = new WireTable();
  // Chunks wait as their wire (a compact array) until a batch is due: their events are made just
  // before they are written, and die young instead of surviving the garbage collections between
  // batches (each such survivor is copied, then moved to the old generation).
  let waiting: EventWire[] = [];
  let waitingEvents = 0;
  // (The loop over a chunk's events in a function of its own: as the inner loop of the one over
  // chunks, V8's code compiled on the fly for it was left at the end of each chunk.)
  const push = (events: readonly ActivityEvent[]) => {
    for (const event of events) {
      writer.push(event);
      if (writer.pending >= BATCH) sync();
    }
  };
  const drain = () => {
    for (const wire of waiting) push(unflattenEvents(wire, table));
    waiting = [];
    waitingEvents = 0;
  };
  const apply = (chunk: WireChunk) => {
    const before = out.lines;
    out.lines += chunk.lines;
    ignored += chunk.ignored;
    for (const [t, n] of Object.entries(chunk.skippedTypes)) out.skippedTypes[t] = (out.skippedTypes[t] ?? 0) + n;
    out.badLines += chunk.badLines;
    for (const b of chunk.bad) if (out.bad.length < MAX_LISTED) out.bad.push(b);
    table.add(chunk.strings);
    waiting.push(chunk.events);
    waitingEvents += chunk.eventCount;
    if (writer.pending + waitingEvents >= BATCH) drain();
    if (onProgress && Math.floor(out.lines / 100_000) > Math.floor(before / 100_000)) onProgress(out.lines, out);
  };
  // Its failures are not the replay's: a checkpoint that finds the bot's checkpointer busy is
  // skipped, and if the thread stops, SQLite's automatic checkpoints are back on.
  const checkpoints = startCheckpoints(database, silentLogger, checkpointMs);
  try {
    await new Promise<void>((resolve, reject) => {
      parser.on('message', (m: { chunk?: WireChunk; done?: true; error?: string }) => {
        if (m.error !== undefined) return reject(new Error(m.error));
        if (m.done) return resolve();
        try {
          apply(m.chunk!);
          parser.postMessage('more');
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      });
      parser.on('error', reject);
      parser.on('exit', (code) => reject(new Error(`the replay's parsing thread stopped (exit code ${code})`)));
    });
    drain();
    sync();
    fold();
  } finally {
    await checkpoints?.stop();
  }
  out.ignored = ignored + writer.totals.ignored;
  return out;
}
