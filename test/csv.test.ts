import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from '../src/csv.js';

describe('CSV cells', () => {
  it.each([
    ['plain', 'plain'],
    [42, '42'],
    [-3, '-3'],
    [null, ''],
    [undefined, ''],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    [' padded ', '" padded "'],
    // Text a spreadsheet would run as a formula.
    ['=SUM(A1)', "'=SUM(A1)"],
    ['=HYPERLINK("x")', `"'=HYPERLINK(""x"")"`],
    ['+1', "'+1"],
    ['-2', "'-2"],
    ['@cmd', "'@cmd"],
    ['\t=1', "'\t=1"],
  ] as const)('%j -> %s', (value, out) => expect(csvCell(value)).toBe(out));
});

describe('CSV files', () => {
  it('start with a UTF-8 byte order mark (Excel reads Cyrillic and accents right) and have CRLF lines', () => {
    const csv = toCsv(['a', 'b'], [[1, 'x,y'], [2, 'Ещё café']]);
    expect(csv).toBe('\uFEFFa,b\r\n1,"x,y"\r\n2,Ещё café\r\n');
    expect([...Buffer.from(csv, 'utf8').subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });
});
