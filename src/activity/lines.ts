// A JSON Lines file's lines, a chunk (~1 MB) at a time: one read per chunk, split at newline
// bytes (a multi-byte character is never cut), each line decoded on its own (an ASCII line stays
// a one-byte string, which JSON.parse reads fastest), a trailing CR dropped (CRLF files).
import { open } from 'node:fs/promises';

const CHUNK = 1 << 20;

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
        if (end > 0) yield [line(buffer, 0, end)];
        return;
      }
      const lastNewline = buffer.lastIndexOf(10, end - 1);
      if (lastNewline < 0) {
        held = end;
        continue;
      }
      const lines: string[] = [];
      for (let pos = 0; pos <= lastNewline; ) {
        const newline = buffer.indexOf(10, pos);
        lines.push(line(buffer, pos, newline));
        pos = newline + 1;
      }
      held = end - lastNewline - 1;
      buffer.copy(buffer, 0, lastNewline + 1, end);
      yield lines;
    }
  } finally {
    await file.close();
  }
}

function line(buffer: Buffer, start: number, end: number): string {
  return buffer.toString('utf8', start, end > start && buffer[end - 1] === 13 ? end - 1 : end);
}
