// One replay line -> its activity events or what was wrong with it: the parsing half of
// `pulse replay` (it runs in a worker thread, the storing half on the main thread). A line is
// skimmed from its bytes (replay-skim.ts) when it can be, else parsed with JSON.parse: the same
// checks follow either way. Pure.
import { normalize, type ActivityEvent } from './events.js';
import type { EventWire } from './event-wire.js';
import { zonedInstantMillis } from './instants.js';
import { lineText, type LineChunk } from './lines.js';
import { skimLine } from './replay-skim.js';

export const MAX_LISTED = 100;

/** What a chunk of lines gave: events in line order, and the lines' other outcomes. */
export interface ParsedChunk {
  lines: number;
  events: ActivityEvent[];
  /** Dispatches the normalizer ignores (bots, webhooks, DMs, system messages, …). */
  ignored: number;
  skippedTypes: Record<string, number>;
  badLines: number;
  /** Bad lines (1-based numbers), at most MAX_LISTED per chunk. */
  bad: Array<{ line: number; reason: string }>;
}

/**
 * A chunk as it crosses to the storing thread: its events flattened (event-wire.ts), with the
 * strings the dictionary numbered for them.
 */
export type WireChunk = Omit<ParsedChunk, 'events'> & { events: EventWire; eventCount: number; strings: string[] };

/** `at`: epoch milliseconds, or an ISO instant with its zone (`Z` or `±HH:MM`) of a real date. */
function parseAt(value: unknown): number {
  if (typeof value === 'number') return Number.isFinite(value) ? value : Number.NaN;
  if (typeof value === 'string') return zonedInstantMillis(value);
  return Number.NaN;
}

/**
 * Parses lines in file order; keeps the bots and webhooks it has seen across chunks, as the live
 * path does: those stored before (`known`: activity_non_members), then each one the file shows
 * first, handed on as a 'non-member' event for the storing thread to store.
 */
export class LineParser {
  private readonly knownBots: Set<string>;
  private lineNo = 0;

  constructor(known: Iterable<string> = []) {
    this.knownBots = new Set(known);
  }

  /**
   * `onEvents`, when given, takes each line's events as they come (and `events` stays empty): the
   * replay's thread flattens them at once, so a chunk's event objects never pile up.
   */
  parse(chunk: LineChunk, onEvents?: (events: ActivityEvent[]) => void): ParsedChunk {
    const { buffer, starts, ends } = chunk;
    const out: ParsedChunk = { lines: starts.length, events: [], ignored: 0, skippedTypes: {}, badLines: 0, bad: [] };
    const bad = (line: number, reason: string) => {
      out.badLines++;
      if (out.bad.length < MAX_LISTED) out.bad.push({ line, reason });
    };
    for (let i = 0; i < starts.length; i++) {
      const n = ++this.lineNo;
      // The skim, or (it gave up) the line's text through JSON.parse.
      let value: unknown = skimLine(buffer, starts[i]!, ends[i]!);
      if (value === undefined) {
        const text = lineText(chunk, i);
        if (text.trim() === '') continue;
        try {
          value = JSON.parse(text);
        } catch {
          bad(n, 'not valid JSON');
          continue;
        }
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
      // Every event at the line's `at` (METRICS.md: `at` is when the event happened).
      const result = normalize(t, d, instant, this.knownBots);
      if (result.status === 'events') {
        if (onEvents) onEvents(result.events);
        else for (const e of result.events) out.events.push(e);
      } else if (result.status === 'untracked') out.skippedTypes[t] = (out.skippedTypes[t] ?? 0) + 1;
      else if (result.status === 'invalid') bad(n, `${t}: ${result.reason}`);
      else {
        out.ignored++;
        // A bot or webhook first seen: the storing thread stores it (once per id and replay).
        if (result.learned) {
          if (onEvents) onEvents([result.learned]);
          else out.events.push(result.learned);
        }
      }
    }
    return out;
  }
}
