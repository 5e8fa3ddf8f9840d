// A JSON Lines file's lines, a chunk (~1 MB, the first 64 KB) at a time: one read per chunk, split at newline
// bytes (a multi-byte character is never cut), a trailing CR dropped (CRLF files). Each line is
// handed over as its bytes' range in the chunk's buffer (the replay skims most lines without
// making a string of them); lineText decodes one (an ASCII line stays a one-byte string, which
// JSON.parse reads fastest).
import { open } from 'node:fs/promises';

const CHUNK = 1 << 20;
/** The first read is smaller: its lines reach the replay's storing thread sooner (a cold parse of 1 MB: ~50 ms). */
const FIRST_READ = 1 << 16;

/** Line i is buffer[starts[i], ends[i]). The buffer is reused: valid until the next chunk is read. */
export interface LineChunk {
  buffer: Buffer;
  starts: number[];
  ends: number[];
}

export function lineText(chunk: LineChunk, i: number): string {
  return chunk.buffer.toString('utf8', chunk.starts[i], chunk.ends[i]);
}

/** The chunk's lines as strings (tests, and callers that want text). */
export function lineTexts(chunk: LineChunk): string[] {
  return chunk.starts.map((_, i) => lineText(chunk, i));
}

/** A chunk of the given lines (tests): `text` split at "\n", each CR before it dropped. */
export function linesOf(text: string): LineChunk {
  const buffer = Buffer.from(text);
  const chunk: LineChunk = { buffer, starts: [], ends: [] };
  let pos = 0;
  for (let newline = buffer.indexOf(10); newline >= 0; newline = buffer.indexOf(10, pos)) {
    add(chunk, pos, newline);
    pos = newline + 1;
  }
  if (pos < buffer.length) add(chunk, pos, buffer.length);
  return chunk;
}

export async function* chunkedLines(path: string): AsyncGenerator<LineChunk> {
  const file = await open(path, 'r');
  try {
    let buffer = Buffer.allocUnsafe(CHUNK);
    let held = 0; // bytes of an unfinished line at the start of the buffer
    let first = true;
    for (;;) {
      if (held === buffer.length) {
        // A line longer than the buffer: grow it.
        const bigger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(bigger, 0, 0, held);
        buffer = bigger;
      }
      const { bytesRead } = await file.read(buffer, held, first ? FIRST_READ : buffer.length - held, null);
      first = false;
      const end = held + bytesRead;
      if (bytesRead === 0) {
        if (end > 0) {
          const last: LineChunk = { buffer, starts: [], ends: [] };
          add(last, 0, end);
          yield last;
        }
        return;
      }
      const lastNewline = buffer.lastIndexOf(10, end - 1);
      if (lastNewline < 0) {
        held = end;
        continue;
      }
      const chunk: LineChunk = { buffer, starts: [], ends: [] };
      for (let pos = 0; pos <= lastNewline; ) {
        const newline = buffer.indexOf(10, pos);
        add(chunk, pos, newline);
        pos = newline + 1;
      }
      yield chunk;
      // The caller is done with this chunk's lines: the unfinished one moves to the front.
      held = end - lastNewline - 1;
      buffer.copy(buffer, 0, lastNewline + 1, end);
    }
  } finally {
    await file.close();
  }
}

function add(chunk: LineChunk, start: number, end: number): void {
  chunk.starts.push(start);
  chunk.ends.push(end > start && chunk.buffer[end - 1] === 13 ? end - 1 : end);
}
