// `pulse replay FILE`: JSON Lines of gateway dispatches through the live ingestion path.
import { open } from 'node:fs/promises';
import type { Database } from '../db/open.js';
import { Ingestor } from './ingest.js';
import { ActivityStore } from './store.js';
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

const MAX_LISTED = 100;

function parseAt(value: unknown): number {
  if (typeof value === 'number') return Number.isFinite(value) ? value : Number.NaN;
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) return Date.parse(value);
  return Number.NaN;
}

const CHUNK = 1 << 20;

/**
 * The file's lines, a chunk (~1 MB) at a time: one read and one UTF-8 decode per chunk, split at
 * newline bytes (so a multi-byte character is never cut), a trailing CR dropped (CRLF files).
 */
export async function* chunkedLines(path: string): AsyncGenerator<string[]> {
  const file = await open(path, 'r');
  try {
    let buffer = Buffer.allocUnsafe(CHUNK);
    let held = 0; // bytes of an unfinished line at the start of the buffer
    for (;;) {
      if (held === buffer.length) {
        // A line longer than the buffer: grow it.
        const bigger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(bigger, 0, 0, held);
        buffer = bigger;
      }
      const { bytesRead } = await file.read(buffer, held, buffer.length - held, null);
      const end = held + bytesRead;
      if (bytesRead === 0) {
        if (end > 0) yield [stripCr(buffer.toString('utf8', 0, end))];
        return;
      }
      const lastNewline = buffer.lastIndexOf(10, end - 1);
      if (lastNewline < 0) {
        held = end;
        continue;
      }
      const lines = buffer.toString('utf8', 0, lastNewline).split('\n');
      for (let i = 0; i < lines.length; i++) if (lines[i]!.endsWith('\r')) lines[i] = lines[i]!.slice(0, -1);
      held = end - lastNewline - 1;
      buffer.copy(buffer, 0, lastNewline + 1, end);
      yield lines;
    }
  } finally {
    await file.close();
  }
}

const stripCr = (line: string) => (line.endsWith('\r') ? line.slice(0, -1) : line);

export async function replayFile(database: Database, path: string, onProgress?: (lines: number, outcome: ReplayOutcome) => void): Promise<ReplayOutcome> {
  const store = new ActivityStore(database.sqlite);
  const writer = new ActivityWriter(store, { timer: false, batchSize: 5000 });
  const ingestor = new Ingestor(writer);
  const out: ReplayOutcome = { lines: 0, ingested: 0, duplicates: 0, ignored: 0, skippedTypes: {}, badLines: 0, bad: [] };
  const bad = (line: number, reason: string) => {
    out.badLines++;
    if (out.bad.length < MAX_LISTED) out.bad.push({ line, reason });
  };
  const sync = () => {
    writer.flush();
    out.ingested = writer.totals.stored;
    out.duplicates = writer.totals.duplicates;
  };
  let ignored = 0;
  for await (const chunk of chunkedLines(path)) {
    for (const text of chunk) {
    const n = ++out.lines;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      bad(n, 'not valid JSON');
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      bad(n, 'not a JSON object');
      continue;
    }
    const { at, t, d } = value as { at?: unknown; t?: unknown; d?: unknown };
    const missing = [at === undefined && 'at', t === undefined && 't', d === undefined && 'd'].filter(Boolean);
    if (missing.length) {
      bad(n, `missing ${missing.join(', ')}`);
      continue;
    }
    const instant = parseAt(at);
    if (typeof t !== 'string' || Number.isNaN(instant)) {
      bad(n, typeof t !== 'string' ? '"t" is not a string' : '"at" is not an ISO instant');
      continue;
    }
    const result = ingestor.ingest({ t, d, at: instant });
    if (result.status === 'untracked') out.skippedTypes[t] = (out.skippedTypes[t] ?? 0) + 1;
    else if (result.status === 'invalid') bad(n, `${t}: ${result.reason}`);
    else if (result.status === 'ignored') ignored++;
    if (writer.pending >= 5000) sync();
    if (onProgress && n % 100_000 === 0) onProgress(n, out);
    }
  }
  sync();
  out.ignored = ignored + writer.totals.ignored;
  return out;
}
