// Survey scores (docs/metrics.md "Surveys (scores)"), per-role groups and the CSV export: table tests.
import { describe, expect, it } from 'vitest';
import { csat, formatNps, headlineScores, mean, median, nps, responsesCsv, roleBreakdown, scoreQuestion, scoreSurvey } from '../../src/surveys/scoring.js';
import { parseDefinition, type Answers, type Definition } from '../../src/surveys/survey.js';

function valid(input: unknown): Definition {
  const r = parseDefinition(input);
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.value;
}

describe('NPS, CSAT, mean and median', () => {
  const npsCases: Array<[number[], number | null]> = [
    [[], null],
    [[10], 100],
    [[0], -100],
    [[7, 8], 0],
    [[9, 10, 6, 7], 25],
    [[10, 9, 8, 3], 25],
    [[9, 6, 9, 6], 0],
    [[10, 0, 8], 0],
    [[9, 9, 1], 100 / 3],
  ];
  it.each(npsCases)('NPS of %j is %s', (scores, expected) => expect(nps(scores)).toBe(expected));

  const csatCases: Array<[number[], number | null]> = [
    [[], null],
    [[4, 5], 1],
    [[1, 2, 3], 0],
    [[3, 4, 5, 1], 0.5],
    [[5, 5, 2], 2 / 3],
  ];
  it.each(csatCases)('CSAT of %j is %s', (scores, expected) => expect(csat(scores)).toBe(expected));

  it('mean and median, even counts and empty', () => {
    expect([mean([]), median([])]).toEqual([null, null]);
    expect([mean([1, 2, 3, 4]), median([4, 1, 3, 2])]).toEqual([2.5, 2.5]);
    expect([mean([5]), median([5])]).toEqual([5, 5]);
    expect(median([1, 7, 7])).toBe(7);
  });
});

describe('NPS as people read it', () => {
  // Halves away from zero on both sides; what rounds to 0 has no sign.
  it.each([
    [2.5, '+3'],
    [-2.5, '-3'],
    [0.4, '0'],
    [-0.4, '0'],
    [0.5, '+1'],
    [-0.5, '-1'],
    [0, '0'],
    [100 / 3, '+33'],
    [-100, '-100'],
    [null, '–'],
  ] as const)('%s → %s', (value, shown) => expect(formatNps(value)).toBe(shown));
});

describe('scoring a survey', () => {
  const d = valid({
    title: 'T',
    questions: [
      { id: 'nps', type: 'nps', label: 'NPS' },
      { id: 'like', type: 'likert5', label: 'Likert', required: false },
      { id: 'team', type: 'single', label: 'Team', options: ['Red', 'Blue', 'Green'] },
      { id: 'why', type: 'long', label: 'Why', required: false },
      { id: 'sat', type: 'csat', label: 'CSAT', required: false },
    ],
  });

  it('an empty survey scores null and zero, never NaN', () => {
    const results = scoreSurvey(d, []);
    expect(results.map((r) => r.answered)).toEqual([0, 0, 0, 0, 0]);
    expect(results[0]).toMatchObject({ nps: null, mean: null, median: null, leaders: [] });
    expect(results[4]).toMatchObject({ csat: null });
    expect(headlineScores(d, [])).toEqual({ nps: null, csat: null });
  });

  it('skipped optional questions do not count; ties list every leader', () => {
    const responses: Answers[] = [
      { nps: 10, like: 5, team: 0, why: 'x', sat: 4 },
      { nps: 6, team: 1 },
      { nps: 8, like: 2, team: 0, sat: 2 },
      { nps: 9, team: 1 },
    ];
    const [n, like, team, why, sat] = scoreSurvey(d, responses);
    expect(n).toMatchObject({ answered: 4, nps: 25, mean: 8.25, median: 8.5 });
    expect(like).toMatchObject({ answered: 2, mean: 3.5, median: 3.5, nps: null });
    expect(like?.counts.map((c) => c.count)).toEqual([0, 1, 0, 0, 1]);
    expect(team?.leaders).toEqual(['Red', 'Blue']);
    expect(team?.counts.map((c) => c.count)).toEqual([2, 2, 0]);
    expect(why).toMatchObject({ answered: 1, counts: [] });
    expect(sat).toMatchObject({ answered: 2, csat: 0.5 });
    expect(headlineScores(d, responses)).toEqual({ nps: 25, csat: 0.5 });
  });

  it('answers to questions hidden by a condition are not counted', () => {
    const c = valid({
      title: 'T',
      questions: [
        { id: 'y', type: 'yesno', label: 'Y' },
        { id: 'r', type: 'rating', label: 'R', showIf: { question: 'y', in: ['yes'] } },
      ],
      pages: [['y'], ['r']],
    });
    expect(scoreQuestion(c, c.questions[1]!, [{ y: 'yes', r: 4 }, { y: 'no', r: 1 }]).answered).toBe(1);
  });

  it('role groups under 5 show counts only', () => {
    const rows = Array.from({ length: 6 }, (_, i) => ({ answers: { nps: i < 5 ? 10 : 0, team: 0 }, roles: i < 5 ? ['big', 'guild'] : ['small', 'guild'] }));
    const groups = roleBreakdown(d, rows, ['guild']);
    expect(groups.map((g) => [g.roleId, g.responses, g.scores === null])).toEqual([
      ['big', 5, false],
      ['small', 1, true],
    ]);
    expect(groups[0]?.scores?.find((s) => s.id === 'nps')?.nps).toBe(100);
  });
});

describe('CSV', () => {

  it('one row per response; anonymous surveys have no member or time columns', () => {
    const d = valid({ title: 'T', questions: [{ id: 'team', type: 'multiple', label: 'Team', options: ['Red', 'Blue'] }] });
    const rows = [{ number: 1, memberId: '1234', submittedAt: Date.UTC(2026, 0, 2), answers: { team: [0, 1] } }];
    expect(responsesCsv(d, rows)).toBe('\uFEFFresponse,member_id,submitted_at_utc,team\r\n1,1234,2026-01-02T00:00:00.000Z,Red; Blue\r\n');
    const anon = { ...d, anonymous: true };
    expect(responsesCsv(anon, [{ ...rows[0]!, memberId: null, submittedAt: null }])).toBe('\uFEFFresponse,team\r\n1,Red; Blue\r\n');
  });

  it('starts with a UTF-8 byte order mark, so Excel does not garble Cyrillic or accented answers', () => {
    const d = valid({ title: 'T', questions: [{ id: 'why', type: 'short', label: 'Why' }] });
    const bytes = Buffer.from(responsesCsv(d, [{ number: 1, memberId: null, submittedAt: null, answers: { why: 'Ещё café' } }]), 'utf8');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8')).toContain('Ещё café');
  });
});
