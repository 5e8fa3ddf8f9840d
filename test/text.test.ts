// Member-provided text shown as typed: no masked link, heading or spoiler can be made of it; lists that fit a message;
// text cut to a limit without leaving half an emoji.
import { describe, expect, it } from 'vitest';
import { charCount, ellipsize, fitLines, isWellFormed, plainText, plainTextWithin, truncate, truncateChars } from '../src/text.js';

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

/** True when the text has no lone surrogate (what Discord can store as UTF-8). */

describe('charCount', () => {
  it('counts code points, as Discord does', () => {
    expect(charCount('abc')).toBe(3);
    expect(charCount('🍕🍕')).toBe(2);
    expect(charCount('Привет')).toBe(6);
    expect(charCount('🍕'.slice(0, 1))).toBe(1);
  });
});

describe('truncate, ellipsize and truncateChars', () => {
  it('leave text within the limit untouched', () => {
    expect(truncate('hello', 5)).toBe('hello');
    expect(ellipsize('🍕'.repeat(20), 40)).toBe('🍕'.repeat(20));
    expect(truncateChars('🍕'.repeat(45), 45)).toBe('🍕'.repeat(45));
  });
  it('never leave half an emoji, wherever the cut falls', () => {
    // One letter, then emoji: with slice(0, n) every other limit leaves a lone surrogate.
    const text = `a${'😀🍕🎉'.repeat(20)}`;
    for (let max = 0; max <= 122; max++) {
      const cut = truncate(text, max);
      const short = ellipsize(text, max);
      const chars = truncateChars(text, max);
      expect(isWellFormed(cut), `truncate ${max}`).toBe(true);
      expect(isWellFormed(short), `ellipsize ${max}`).toBe(true);
      expect(isWellFormed(chars), `truncateChars ${max}`).toBe(true);
      // truncate and ellipsize fit in UTF-16 units (what discord.js checks); truncateChars in characters.
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(short.length).toBeLessThanOrEqual(Math.max(max, 1));
      expect(charCount(chars)).toBeLessThanOrEqual(max);
      expect(text.startsWith(cut) && text.startsWith(chars)).toBe(true);
    }
    expect(truncate('ab🍕cd', 3)).toBe('ab');
    expect(truncate('ab🍕cd', 4)).toBe('ab🍕');
    expect(ellipsize('ab🍕cd', 4)).toBe('ab…');
    expect(ellipsize('ab🍕cd', 5)).toBe('ab🍕…');
    expect(truncateChars('ab🍕cd', 3)).toBe('ab🍕');
  });
  it('keeps what Discord let through: truncateChars counts an emoji as one character', () => {
    expect(truncateChars('🍕'.repeat(300), 300)).toBe('🍕'.repeat(300));
    expect(truncateChars('🍕'.repeat(301), 300)).toBe('🍕'.repeat(300));
  });
  it('keep an emoji made of several code points whole (a family, a flag, a skin tone)', () => {
    const family = '👨‍👩‍👧';
    expect(truncate(`hi ${family}`, 6)).toBe('hi ');
    expect(truncate('🇪🇸🇪🇸', 6)).toBe('🇪🇸');
    expect(ellipsize('ok 👍🏽 then', 6)).toBe('ok …');
  });
  it('cuts a single overlong letter (a pile of accents) between code points rather than return nothing', () => {
    const zalgo = `e${'\u0301'.repeat(50)}`;
    expect(truncate(zalgo, 10)).toHaveLength(10);
  });
});

describe('plainTextWithin', () => {
  it('escapes, and shortens the text until its escaped form fits', () => {
    expect(plainTextWithin('[a](b)', 20)).toBe('\\[a\\](b)');
    const text = '**bold** '.repeat(20);
    const out = plainTextWithin(text, 50);
    expect(out.length).toBeLessThanOrEqual(50);
    expect(out.endsWith('…')).toBe(true);
    expect(out.length).toBeGreaterThan(45);
    expect(plainTextWithin('🍕'.repeat(30), 21)).toBe(`${'🍕'.repeat(10)}…`);
  });
});

describe('fitLines without a header (an embed field)', () => {
  it('lists whole lines and the count of the rest, with no empty first line', () => {
    expect(fitLines('', ['a', 'b'], (n) => `+${n}`)).toBe('a\nb');
    expect(fitLines('', ['11111', '22222', '33333'], (n) => `+${n}`, 2, 14)).toBe('11111\n22222\n+3');
    expect(fitLines('', ['11111', '22222', '33333'], (n) => `+${n}`, 2, 13)).toBe('11111\n+4');
    expect(fitLines('', ['11111'], (n) => `+${n}`, 0, 3)).toBe('+1');
  });
});
