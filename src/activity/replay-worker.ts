// The parsing thread of `pulse replay`: reads the file, parses and validates each line, and
// posts each chunk's events (one flat array, event-wire.ts) to the main thread, which stores
// them. At most AHEAD chunks wait unstored: memory stays flat when storing is the slower half,
// yet this thread keeps parsing while the main thread writes a 5,000-event transaction (~5
// chunks of the bench's lines) instead of stalling at each one.
import { parentPort, workerData } from 'node:worker_threads';
import { chunkedLines } from './lines.js';
import { flattenEvents, WireStrings, type EventWire } from './event-wire.js';
import { LineParser, type WireChunk } from './replay-lines.js';

const AHEAD = 8;
const port = parentPort!;
/** `nonMembers`: the bots and webhooks earlier processes stored (activity_non_members). */
const { path, nonMembers } = workerData as { path: string; nonMembers?: string[] };
let credits = AHEAD;
let wake: (() => void) | undefined;
port.on('message', () => {
  credits++;
  wake?.();
});

try {
  const parser = new LineParser(nonMembers);
  const strings = new WireStrings();
  for await (const lines of chunkedLines(path)) {
    // (Parsed before the next chunk is read: the lines are ranges of a reused buffer.)
    while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
    wake = undefined;
    credits--;
    const wire: EventWire = [];
    let eventCount = 0;
    const { events: _none, ...rest } = parser.parse(lines, (events) => {
      flattenEvents(events, strings, wire);
      eventCount += events.length;
    });
    const chunk: WireChunk = { ...rest, events: wire, eventCount, strings: strings.take() };
    port.postMessage({ chunk });
  }
  port.postMessage({ done: true });
} catch (err) {
  port.postMessage({ error: err instanceof Error ? err.message : String(err) });
}
