// A refused definition lists every problem in one pass: the schema's and the rules' together,
// positions counted from 1, and past the cap a count of the rest.
import { describe, expect, it } from 'vitest';
import { parseDefinition } from '../../src/surveys/survey.js';

const q = (id: string, extra: Record<string, unknown> = {}) => ({ id, type: 'short', label: `Question ${id}`, ...extra });

function errorsOf(input: unknown): string[] {
  const r = parseDefinition(input);
  expect(r.ok).toBe(false);
  return r.ok ? [] : r.errors;
}

describe('definition errors', () => {
  it('lists the rules’ problems next to a schema problem', () => {
    const errors = errorsOf({
      // A schema problem (no title) …
      questions: [
        q('a', { type: 'single', options: ['x'] }),
        q('a'),
        q('b', { showIf: { question: 'zz', in: ['yes'] } }),
        q('c', { label: 'x'.repeat(46), type: 'yesno' }),
        q('d', { showIf: { question: 'c', in: ['maybe'] } }),
      ],
      pages: [['a', 'b'], ['c'], ['d', 'nope']],
    });
    expect(errors).toEqual([
      '"title": Invalid input: expected string, received undefined',
      'question "c" (label): Too big: expected string to have <=45 characters',
      // … and every rule problem of the fields that did parse.
      'question "a": a single choice question needs at least 2 options',
      'question "a": the id is used twice',
      '"pages": there is no question "nope"',
      'question "b": "showIf" names no question "zz"',
      'question "d": "showIf" value "maybe" is not an answer of "c" (it takes "yes", "no")',
    ]);
  });

  it('does not blame a rule on a field the schema refused', () => {
    // The options are refused (an empty text): no "needs 2 options"; the type is refused: no type rule.
    const errors = errorsOf({ title: 'T', questions: [q('a', { type: 'single', options: ['x', ''] }), q('b', { type: 'essay', options: ['x'] }), q('c', { showIf: { question: 'b', in: ['z'] } })], pages: [['a', 'b'], ['c']] });
    expect(errors).toEqual([
      'question "a" (options.2): Too small: expected string to have >=1 characters',
      'question "b" (type): Invalid option: expected one of "single"|"multiple"|"rating"|"likert5"|"likert7"|"nps"|"csat"|"yesno"|"short"|"long"',
    ]);
  });

  it('skips page rules when "pages" itself is refused, and counts pages and options from 1', () => {
    const errors = errorsOf({ title: 'T', questions: [q('a'), q('b', { showIf: { question: 'a', in: ['x'] } })], pages: [['a'], []] });
    expect(errors).toEqual(['"pages.2": Too small: expected array to have >=1 items', 'question "b": "showIf" cannot depend on the text question "a"']);
  });

  it('names a question without an id by its place', () => {
    const errors = errorsOf({ title: 'T', questions: [q('a'), { type: 'single', label: 'L', options: ['x'] }] });
    expect(errors).toEqual(['question 2 (id): Invalid input: expected string, received undefined', 'question 2: a single choice question needs at least 2 options']);
  });

  it('lists 10 problems, then how many more there are', () => {
    const errors = errorsOf({ title: 'T', questions: Array.from({ length: 13 }, (_, i) => q(`Q${i}`)) });
    expect(errors).toHaveLength(11);
    expect(errors[0]).toMatch(/^question "Q0" \(id\): /);
    expect(errors[10]).toBe('…and 3 more');
  });
});
