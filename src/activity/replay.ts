// `pulse replay FILE`: JSON Lines of gateway dispatches through the live ingestion path.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
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
  const input = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const text of input) {
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
  sync();
  out.ignored = ignored + writer.totals.ignored;
  return out;
}
