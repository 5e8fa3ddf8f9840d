// Survey definitions, paging, conditions and page answers: table tests of the pure rules.
import { describe, expect, it } from 'vitest';
import { render } from '../../src/i18n/index.js';
import {
  answerOf,
  missingRequired,
  newAnswers,
  nextPage,
  pagesOf,
  parseDefinition,
  parseDuration,
  previousPage,
  pruneHidden,
  readPage,
  visiblePages,
  visibleQuestions,
  widgetOf,
  type Answers,
  type Definition,
  type FieldValue,
} from '../../src/surveys/survey.js';
import { TEMPLATE_NAMES, template } from '../../src/surveys/templates.js';
import { responsesCsv, scoreQuestion } from '../../src/surveys/scoring.js';

function valid(input: unknown): Definition {
  const r = parseDefinition(input);
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.value;
}

const q = (id: string, extra: Record<string, unknown> = {}) => ({ id, type: 'short', label: `Question ${id}`, ...extra });

describe('definition validation', () => {
  const cases: Array<[string, unknown, string]> = [
    ['not an object', 'hello', 'the definition: '],
    ['no title', { questions: [q('a')] }, '"title": '],
    ['no questions', { title: 'T', questions: [] }, '"questions": '],
    ['unknown type', { title: 'T', questions: [q('a', { type: 'essay' })] }, 'question "a" (type): '],
    ['bad id', { title: 'T', questions: [q('Bad Id')] }, 'question "Bad Id" (id): an id is 1–20 characters'],
    ['label too long for a Discord label', { title: 'T', questions: [q('a', { label: 'x'.repeat(46) })] }, 'question "a" (label): '],
    ['unknown key', { title: 'T', questions: [q('a', { colour: 'red' })] }, 'question "a": '],
    ['duplicate id', { title: 'T', questions: [q('a'), q('a')] }, 'question "a": the id is used twice'],
    ['single with one option', { title: 'T', questions: [q('a', { type: 'single', options: ['x'] })] }, 'question "a": a single choice question needs at least 2 options'],
    ['duplicate options', { title: 'T', questions: [q('a', { type: 'single', options: ['x', 'x'] })] }, 'question "a": two options have the same text'],
    ['radio past 10', { title: 'T', questions: [q('a', { type: 'single', display: 'radio', options: Array.from({ length: 11 }, (_, i) => `o${i}`) })] }, 'question "a": a radio group holds at most 10 options'],
    ['select past 25', { title: 'T', questions: [q('a', { type: 'single', options: Array.from({ length: 26 }, (_, i) => `o${i}`) })] }, 'question "a": at most 25 options'],
    ['options on a scale', { title: 'T', questions: [q('a', { type: 'nps', options: ['x', 'y'] })] }, 'question "a": only single and multiple choice questions take "options"'],
    ['min above max', { title: 'T', questions: [q('a', { type: 'multiple', options: ['x', 'y', 'z'], min: 3, max: 2 })] }, 'question "a": "min" (3) is more than "max" (2)'],
    ['max above options', { title: 'T', questions: [q('a', { type: 'multiple', options: ['x', 'y'], max: 3 })] }, 'question "a": "max" (3) is more than its 2 options'],
    ['required with min 0', { title: 'T', questions: [q('a', { type: 'multiple', options: ['x', 'y'], min: 0 })] }, 'question "a": a required question needs "min" of at least 1'],
    ['min on a text question', { title: 'T', questions: [q('a', { min: 1 })] }, 'question "a": only multiple choice questions take "min" and "max"'],
    ['page names no question', { title: 'T', questions: [q('a')], pages: [['a', 'b']] }, '"pages": there is no question "b"'],
    ['question on no page', { title: 'T', questions: [q('a'), q('b')], pages: [['a']] }, 'question "b": it is on no page'],
    ['question on two pages', { title: 'T', questions: [q('a'), q('b')], pages: [['a', 'b'], ['a']] }, 'question "a": it is on 2 pages'],
    ['six on a page', { title: 'T', questions: ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => q(id)), pages: [['a', 'b', 'c', 'd', 'e', 'f']] }, '"pages.1": '],
    ['condition on a missing question', { title: 'T', questions: [q('a', { showIf: { question: 'zz', in: ['yes'] } })] }, 'question "a": "showIf" names no question "zz"'],
    ['condition on the same page', { title: 'T', questions: [q('y', { type: 'yesno' }), q('a', { showIf: { question: 'y', in: ['yes'] } })] }, 'question "a": "showIf" must name a question on an earlier page'],
    ['condition value not offered', { title: 'T', questions: [q('y', { type: 'yesno' }), q('a', { showIf: { question: 'y', in: ['maybe'] } })], pages: [['y'], ['a']] }, 'question "a": "showIf" value "maybe" is not an answer of "y"'],
    ['closes before opens', { title: 'T', questions: [q('a')], opens: '2026-12-02T00:00:00Z', closes: '2026-12-01T00:00:00Z' }, '"closes": it is not after "opens"'],
    ['opens without a zone', { title: 'T', questions: [q('a')], opens: '2026-12-02 10:00' }, '"opens": '],
    ['condition on a text answer', { title: 'T', questions: [q('t'), q('a', { showIf: { question: 't', in: ['x'] } })], pages: [['t'], ['a']] }, 'question "a": "showIf" cannot depend on the text question "t"'],
    ['the id "constructor"', { title: 'T', questions: [q('constructor')] }, 'question "constructor" (id): "constructor" and "__proto__" are reserved'],
    ['the id "__proto__"', { title: 'T', questions: [q('__proto__')] }, 'question "__proto__" (id): "constructor" and "__proto__" are reserved'],
  ];
  it.each(cases)('%s', (_name, input, message) => {
    const r = parseDefinition(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.some((e) => e.startsWith(message)), r.errors.join('\n')).toBe(true);
  });

  it('fills defaults and accepts every template', () => {
    const d = valid({ title: 'T', questions: [q('a')] });
    expect(d).toMatchObject({ anonymous: false, responses: 'one', editable: true });
    expect(d.questions[0]?.required).toBe(true);
    for (const name of TEMPLATE_NAMES) expect(parseDefinition(template(name)).ok, name).toBe(true);
  });

  it('writes templates in the creator’s language, with the same questions and answers in each', () => {
    for (const lang of ['en', 'es', 'ru'] as const) for (const name of TEMPLATE_NAMES) expect(parseDefinition(template(name, lang)).ok, `${lang} ${name}`).toBe(true);
    expect(template('nps', 'es')).toMatchObject({ title: '¿Qué probabilidad hay de que nos recomiendes?', questions: [{ id: 'score', type: 'nps' }, { id: 'why', placeholder: 'Opcional' }] });
    expect(template('event', 'ru').questions[1]).toMatchObject({ id: 'length', options: ['Слишком коротким', 'В самый раз', 'Слишком длинным'] });
    expect(template('checkin', 'es').pages).toEqual(template('checkin', 'en').pages);
  });

  it('picks the widget Discord offers for each question', () => {
    const d = valid({
      title: 'T',
      questions: [
        q('a', { type: 'single', options: ['x', 'y'] }),
        q('b', { type: 'single', options: Array.from({ length: 12 }, (_, i) => `o${i}`) }),
        q('c', { type: 'multiple', options: ['x', 'y'] }),
        q('d', { type: 'multiple', options: ['x', 'y'], display: 'select' }),
        q('e', { type: 'nps' }),
        q('f', { type: 'long' }),
        q('g', { type: 'likert7' }),
        q('h', { type: 'yesno' }),
      ],
    });
    expect(d.questions.map(widgetOf)).toEqual(['radio', 'select', 'checkbox-group', 'multi-select', 'select', 'long-text', 'radio', 'radio', 'radio'].slice(0, 8));
  });
});

describe('paging and conditions', () => {
  const twelve = valid({ title: 'T', questions: Array.from({ length: 12 }, (_, i) => q(`q${i}`)) });
  it('pages fill up with 5 questions when none are given', () => {
    expect(pagesOf(twelve).map((p) => p.length)).toEqual([5, 5, 2]);
    expect(nextPage(twelve, 0, {})).toBe(1);
    expect(nextPage(twelve, 2, {})).toBeNull();
    expect(previousPage(twelve, 0, {})).toBeNull();
    expect(previousPage(twelve, 2, {})).toBe(1);
  });

  const branching = valid({
    title: 'T',
    questions: [
      { id: 'again', type: 'yesno', label: 'Again?' },
      { id: 'team', type: 'single', label: 'Team', options: ['Red', 'Blue'] },
      { id: 'why', type: 'long', label: 'Why not?', showIf: { question: 'again', in: ['no'] } },
      { id: 'red', type: 'rating', label: 'Red rating', showIf: { question: 'team', in: ['Red'] } },
      { id: 'deep', type: 'short', label: 'Deeper', required: false, showIf: { question: 'red', in: ['1', '2'] } },
      { id: 'end', type: 'short', label: 'Anything else?', required: false },
    ],
    pages: [['again', 'team'], ['why'], ['red'], ['deep', 'end']],
  });

  const table: Array<[string, Record<string, number | string>, number[], string[]]> = [
    ['nothing answered: later conditional pages hide', {}, [0, 3], ['again', 'team']],
    ['yes and Blue: no "why", no "red"', { again: 'yes', team: 1 }, [0, 3], []],
    ['no and Red: both branches', { again: 'no', team: 0 }, [0, 1, 2, 3], ['why', 'red']],
    ['a low Red rating shows the follow-up', { again: 'yes', team: 0, red: 2 }, [0, 2, 3], []],
  ];
  it.each(table)('%s', (_name, answers, pages, missing) => {
    expect(visiblePages(branching, answers)).toEqual(pages);
    expect(missingRequired(branching, answers).map((x) => x.id)).toEqual(missing);
  });

  it('a chained condition hides when its target hides, and pruning drops stale answers', () => {
    const answers = { again: 'yes', team: 1, red: 1, deep: 'x', end: 'ok' };
    expect(visibleQuestions(branching, 3, answers).map((x) => x.id)).toEqual(['end']);
    expect(pruneHidden(branching, answers)).toEqual({ again: 'yes', team: 1, end: 'ok' });
  });
});

describe('reading a page', () => {
  const d = valid({
    title: 'T',
    questions: [
      { id: 'nps', type: 'nps', label: 'NPS' },
      { id: 'pick', type: 'multiple', label: 'Pick', options: ['a', 'b', 'c'], min: 1, max: 2 },
      { id: 'yn', type: 'yesno', label: 'Y/N', required: false },
      { id: 'text', type: 'short', label: 'Text', required: false },
    ],
  });
  const fields = (o: Record<string, FieldValue>) => new Map(Object.entries(o));
  const cases: Array<[string, Record<string, FieldValue>, { ok: true; value: Record<string, unknown> } | { ok: false; error: string }]> = [
    ['all answered', { nps: ['9'], pick: ['2', '0'], yn: 'no', text: ' hi ' }, { ok: true, value: { nps: 9, pick: [0, 2], yn: 'no', text: 'hi' } }],
    ['optional skipped', { nps: ['0'], pick: ['1'], yn: null, text: '' }, { ok: true, value: { nps: 0, pick: [1] } }],
    ['required missing', { pick: ['1'] }, { ok: false, error: '“NPS” needs an answer.' }],
    ['value not offered', { nps: ['11'], pick: ['1'] }, { ok: false, error: '“NPS” got an answer it does not offer.' }],
    ['too many picks', { nps: ['5'], pick: ['0', '1', '2'] }, { ok: false, error: '“Pick” takes 1 to 2 choices.' }],
    ['duplicate picks', { nps: ['5'], pick: ['0', '0'] }, { ok: false, error: '“Pick” got an answer it does not offer.' }],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    const r = readPage(d.questions, fields(input));
    if (expected.ok) expect(r).toEqual(expected);
    else {
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors.map((e) => render('en', e)).join(' ')).toContain(expected.error);
    }
  });

  // Definitions stored before such ids were refused: answers are kept by question id, and a plain
  // object would read an unanswered "constructor" from its prototype and set its prototype for "__proto__".
  it('question ids that a plain object already has are answers like any other', () => {
    const old: Definition = {
      title: 'T',
      anonymous: false,
      responses: 'one',
      editable: true,
      questions: [
        { id: 'constructor', type: 'rating', label: 'Optional', required: false },
        { id: '__proto__', type: 'short', label: 'Required', required: true },
        { id: 'later', type: 'yesno', label: 'Later', required: false, showIf: { question: 'constructor', in: ['5'] } },
      ],
    };
    const skipped = readPage(old.questions.slice(0, 2), new Map<string, FieldValue>([['constructor', null], ['__proto__', 'hello']]));
    expect(skipped.ok).toBe(true);
    if (!skipped.ok) return;
    expect(Object.keys(skipped.value)).toEqual(['__proto__']);
    expect(skipped.value['__proto__']).toBe('hello');
    expect(missingRequired(old, skipped.value)).toEqual([]);
    expect(missingRequired(old, {}).map((x) => x.id)).toEqual(['__proto__']);
    // Stored as JSON and read back (as the store does), the answers say the same.
    const stored = newAnswers(JSON.parse(JSON.stringify(skipped.value)) as Answers);
    expect(stored['__proto__']).toBe('hello');
    expect(answerOf(stored, 'constructor')).toBeUndefined();
    expect(pruneHidden(old, stored)).toEqual(stored);
    expect(visibleQuestions(old, 0, stored).map((x) => x.id)).toEqual(['constructor', '__proto__']);
    // Scores and the export count only what was answered.
    const given = [stored, newAnswers({ constructor: 5, later: 'yes' })];
    expect(scoreQuestion(old, old.questions[0]!, given)).toMatchObject({ answered: 1, mean: 5 });
    expect(scoreQuestion(old, old.questions[1]!, given).answered).toBe(1);
    expect(scoreQuestion(old, old.questions[2]!, given).answered).toBe(1);
    const csv = responsesCsv(old, given.map((answers, i) => ({ number: i + 1, memberId: null, submittedAt: null, answers })));
    expect(csv.split('\r\n').slice(1, 3)).toEqual(['1,,,,hello,', '2,,,5,,Yes']);
  });

  it('durations', () => {
    expect([parseDuration('30m'), parseDuration('2h'), parseDuration('3d'), parseDuration('1w')]).toEqual([1_800_000, 7_200_000, 259_200_000, 604_800_000]);
    expect([parseDuration('0m'), parseDuration('91d'), parseDuration('soon')]).toEqual([null, null, null]);
  });
});
