// Member-provided text shown as typed: no masked link, heading or spoiler can be made of it.
import { describe, expect, it } from 'vitest';
import { plainText } from '../src/text.js';

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
