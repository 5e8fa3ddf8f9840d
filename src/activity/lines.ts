// A JSON Lines file's lines, a chunk (~1 MB, the first 64 KB) at a time, the next one read meanwhile: split at newline
// bytes (a multi-byte character is never cut), a trailing CR dropped (CRLF files), a UTF-8 byte order mark at the
// file's start dropped (what Windows editors write). Each line is
// handed over as its bytes' range in the chunk's buffer (the replay skims most lines without
// making a string of them); lineText decodes one (an ASCII line stays a one-byte string, which
// JSON.parse reads fastest).
import { open } from 'node:fs/promises';

const CHUNK = 1 << 20;
/** The first read is smaller: its lines reach the replay's storing thread sooner (a cold parse of 1 MB: ~50 ms). */
const FIRST_READ = 1 << 16;

/** Line i is buffer[starts[i], ends[i]). The buffer is reused: valid until the caller asks for the next chunk. */
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
  skipBom(chunk);
  return chunk;
}

/**
 * The file's chunks of lines. The next chunk is read into a second buffer while the caller reads
 * this one's lines: a file not in the page cache (a capture copied in, or one the system has
 * paged out since: this machine drops file pages unused for a minute) is read from the disk
 * while the lines before it are parsed, not in turns. (Before this, `pulse replay` of the bench's
 * 300,000 lines ran at 112-128k lines/s from a cold file against 135-158k warm, when the disk
 * read the file at ~660 MB/s; later the disk was faster and both were within the noise.)
 */
export async function* chunkedLines(path: string): AsyncGenerator<LineChunk> {
  const file = await open(path, 'r');
  const read = (target: Buffer, at: number, length: number) => file.read(target, at, length, null).then((r) => r.bytesRead);
  let buffer = Buffer.allocUnsafe(CHUNK);
  let spare = Buffer.allocUnsafe(CHUNK);
  let held = 0; // bytes of an unfinished line at the start of the buffer
  let reading: Promise<number> | undefined = read(buffer, 0, FIRST_READ);
  let first = true; // the chunk about to be yielded starts the file (its BOM, if any, is dropped)
  try {
    for (;;) {
      const bytesRead = await reading;
      reading = undefined;
      const end = held + bytesRead;
      if (bytesRead === 0) {
        if (end > 0) {
          const last: LineChunk = { buffer, starts: [], ends: [] };
          add(last, 0, end);
          if (first) skipBom(last);
          yield last;
        }
        return;
      }
      const lastNewline = buffer.lastIndexOf(10, end - 1);
      if (lastNewline < 0) {
        held = end;
        if (held === buffer.length) {
          // A line longer than the buffer: grow it.
          const bigger = Buffer.allocUnsafe(buffer.length * 2);
          buffer.copy(bigger, 0, 0, held);
          buffer = bigger;
        }
        reading = read(buffer, held, buffer.length - held);
        continue;
      }
      // The unfinished line moves to the front of the spare buffer, and the next read starts
      // after it, while the caller reads this chunk's lines.
      const tail = end - lastNewline - 1;
      if (spare.length < buffer.length) spare = Buffer.allocUnsafe(buffer.length); // (after a long line grew the buffer)
      buffer.copy(spare, 0, lastNewline + 1, end);
      reading = read(spare, tail, spare.length - tail);
      const chunk: LineChunk = { buffer, starts: [], ends: [] };
      for (let pos = 0; pos <= lastNewline; ) {
        const newline = buffer.indexOf(10, pos);
        add(chunk, pos, newline);
        pos = newline + 1;
      }
      if (first) skipBom(chunk);
      first = false;
      yield chunk;
      // The caller is done with this chunk's lines: its buffer takes the next read.
      [buffer, spare] = [spare, buffer];
      held = tail;
    }
  } finally {
    await reading?.catch(() => undefined); // (a caller that stopped early: the read in flight ends first)
    await file.close();
  }
}

/** A UTF-8 byte order mark (EF BB BF) starting the first line: not part of it (JSON.parse would refuse it). */
function skipBom(chunk: LineChunk): void {
  const { buffer, starts, ends } = chunk;
  if (starts[0] === 0 && ends[0]! >= 3 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) starts[0] = 3;
}

function add(chunk: LineChunk, start: number, end: number): void {
  chunk.starts.push(start);
  chunk.ends.push(end > start && chunk.buffer[end - 1] === 13 ? end - 1 : end);
}
