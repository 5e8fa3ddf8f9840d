// Member-provided text shown as typed: no masked link, heading or spoiler can be made of it; lists that fit a message.
import { describe, expect, it } from 'vitest';
import { fitLines, plainText } from '../src/text.js';

describe('plainText', () => {
  it.each([
    ['[click](http://evil.example)', '\\[click\\](http://evil.example)'],
    ['[a](<http://x>)', '\\[a\\](<http://x>)'],
    ['see [docs] (http://x)', 'see \\[docs\\] (http://x)'],
    ['**bold** _it_ ~~s~~ ||spoiler|| `code`', '\\*\\*bold\\*\\* \\_it\\_ \\~\\~s\\~\\~ \\|\\|spoiler\\|\\| \\`code\\`'],
    ['# Heading', '\\# Heading'],
    ['-# small', '\\-# small'],
    ['> quote', '\\> quote'],
    ['1. first', '1\\. first'],
    ['back\\slash', 'back\\\\slash'],
    ['Pizza 🍕 at 12:30 https://example.com', 'Pizza 🍕 at 12:30 https://example.com'],
  ])('%j -> %j', (input, output) => {
    expect(plainText(input)).toBe(output);
  });
});

describe('fitLines', () => {
  const more = (n: number) => `…and ${n} more.`;
  it('keeps every line when all fit', () => {
    expect(fitLines('**List**', ['a', 'b'], more, 0, 20)).toBe('**List**\na\nb');
  });
  it('never cuts a line: whole lines, then the true count of the rest, within the limit', () => {
    const lines = Array.from({ length: 30 }, (_, i) => `line ${String(i).padStart(2, '0')} ${'x'.repeat(80)}`);
    const out = fitLines('**List**', lines, more);
    expect(out.length).toBeLessThanOrEqual(2000);
    const shown = out.split('\n').slice(1, -1);
    expect(shown).toEqual(lines.slice(0, shown.length));
    expect(out.endsWith(`…and ${30 - shown.length} more.`)).toBe(true);
    expect(shown.length).toBeGreaterThan(20);
  });
  it('makes room for the note when the last line that fits would leave none', () => {
    // Header (4) + 2 lines of 5: 16 characters; the third line fits alone (22) but not with the note.
    const out = fitLines('head', ['11111', '22222', '33333', '44444'], (n) => `+${n}`, 0, 23);
    expect(out).toBe('head\n11111\n22222\n+2');
  });
  it('counts the items that were never lines, whether all lines fit or not', () => {
    expect(fitLines('head', ['a', 'b'], (n) => `+${n}`, 5)).toBe('head\na\nb\n+5');
    expect(fitLines('head', ['11111', '22222', '33333', '44444'], (n) => `+${n}`, 5, 23)).toBe('head\n11111\n22222\n+7');
  });
});
