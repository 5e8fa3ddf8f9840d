// The replay's file reader (lines.ts): lines as byte ranges of ~1 MB chunks, CR before LF dropped,
// a last line without a newline kept, a line longer than a chunk read whole.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chunkedLines, lineTexts } from '../../src/activity/lines.js';

describe('chunkedLines', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pulse-lines-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Every line of the file, read chunk by chunk (each chunk decoded before the next is read). */
  async function read(content: string | Buffer): Promise<{ lines: string[]; chunks: number }> {
    const path = join(dir, 'f.jsonl');
    writeFileSync(path, content);
    const lines: string[] = [];
    let chunks = 0;
    for await (const chunk of chunkedLines(path)) {
      chunks++;
      lines.push(...lineTexts(chunk));
    }
    return { lines, chunks };
  }

  it('splits at LF, drops the CR of CRLF, keeps blank lines and a last line without a newline', async () => {
    expect((await read('{"a":1}\r\n\r\n{"b":"é👍"}\n  \nlast')).lines).toEqual(['{"a":1}', '', '{"b":"é👍"}', '  ', 'last']);
    expect((await read('')).lines).toEqual([]);
    expect((await read('one\n')).lines).toEqual(['one']);
    expect((await read('a\rb\n')).lines).toEqual(['a\rb']); // a CR inside a line stays
  });

  it("drops a UTF-8 byte order mark at the file's start, only there", async () => {
    const bom = '\uFEFF';
    expect((await read(`${bom}{"a":1}\n${bom}{"b":2}\n`)).lines).toEqual(['{"a":1}', `${bom}{"b":2}`]);
    expect((await read(`${bom}{"a":1}`)).lines).toEqual(['{"a":1}']); // no newline: the last-line path
    expect((await read(`${bom}\r\n{"a":1}\n`)).lines).toEqual(['', '{"a":1}']);
    const long = `{"x":"${'y'.repeat(1_500_000)}"}`; // a first line longer than a chunk
    expect((await read(`${bom}${long}\nnext\n`)).lines).toEqual([long, 'next']);
  });

  it('reads a file of many chunks, and a line longer than a chunk, whole and in order', async () => {
    const long = `{"x":"${'ü'.repeat(700_000)}"}`; // ~1.4 MB: longer than a chunk
    const many = Array.from({ length: 30_000 }, (_, i) => `{"n":${i},"s":"${'abc🎉'.repeat(i % 17)}"}`);
    const expected = [...many.slice(0, 15_000), long, ...many.slice(15_000)];
    const { lines, chunks } = await read(expected.join('\r\n') + '\r\n');
    expect(chunks).toBeGreaterThan(2);
    expect(lines.length).toBe(expected.length);
    expect(lines).toEqual(expected);
  });
});
