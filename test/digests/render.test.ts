import { describe, expect, it } from 'vitest';
import {
  bestHours,
  change,
  changePoints,
  cohortTable,
  EMBED_LIMITS,
  embedLength,
  fitEmbed,
  formatMinutes,
  headline,
  periodLabel,
  rate,
  renderDigest,
  surveysField,
} from '../../src/digests/render.js';
import type { SurveySummary } from '../../src/surveys/figures.js';
import { busyReport, emptyReport } from './fixtures.js';

describe('figures and their changes', () => {
  it.each([
    [110, 100, ' · ▲ 10%'],
    [90, 100, ' · ▼ 10%'],
    [100, 100, ' · = 0%'],
    [5, 0, ' · ▲ new'],
    [0, 4, ' · ▼ 100%'],
    [0, 0, ' · = 0%'],
    [1001, 1000, ' · ▲ <1%'],
    [30, 2, ' · ▲ 1,400%'],
    [7, undefined, ''],
  ] as const)('%s against %s -> %j', (cur, prev, expected) => {
    expect(change(cur, prev)).toBe(expected);
  });

  it('a figure up from 0 reads the same after any noun (Spanish "nuevo" did not agree with Entradas, Reacciones)', () => {
    expect(change(5, 0, 'es')).toBe(' · ▲ desde 0');
    expect(change(5, 0, 'ru')).toBe(' · ▲ впервые');
  });

  it.each([
    [0.25, 0.2, ' · ▲ 5 pts'],
    [0.2, 0.25, ' · ▼ 5 pts'],
    [0.201, 0.2, ' · = 0 pts'],
    [0.2, undefined, ''],
  ] as const)('rate %s against %s -> %j', (cur, prev, expected) => {
    expect(changePoints(cur, prev)).toBe(expected);
  });

  it.each([
    [3, 4, 'digest.rateStayed', '3 of 4 stayed'],
    [4, 5, 'digest.rateStayed', '80% (4 of 5)'],
    [0, 0, 'digest.rateStayed', 'none yet'],
    [1, 300, 'digest.rateActivated', '0.3% (1 of 300)'],
  ] as const)('rate %s/%s: groups under 5 show counts', (part, whole, what, expected) => {
    expect(rate(part, whole, what)).toBe(expected);
  });

  it.each([
    [0, '0 min'],
    [47, '47 min'],
    [60, '1 h'],
    [135, '2 h 15 min'],
    [4320, '3.0 days'],
  ])('%s minutes -> %s', (m, expected) => {
    expect(formatMinutes(m)).toBe(expected);
  });

  it.each([
    ['week', '2026-11-16', '2026-11-22', 'Nov 16 – 22, 2026'],
    ['week', '2026-11-30', '2026-12-06', 'Nov 30 – Dec 6, 2026'],
    ['week', '2026-12-28', '2027-01-03', 'Dec 28, 2026 – Jan 3, 2027'],
    ['month', '2026-10-01', '2026-10-31', 'October 2026'],
    ['day', '2026-11-22', '2026-11-22', 'Nov 22, 2026'],
  ] as const)('%s label %s..%s', (kind, from, to, label) => {
    expect(periodLabel(kind, from, to)).toBe(label);
  });

  it('best hours: busiest first, ties earliest in the week, empty when silent', () => {
    const hours = Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 0));
    hours[1]![18] = 9;
    hours[0]![20] = 9;
    hours[6]![12] = 12;
    hours[3]![3] = 1;
    expect(bestHours(hours)).toEqual([
      { day: 6, hour: 12, messages: 12 },
      { day: 0, hour: 20, messages: 9 },
      { day: 1, hour: 18, messages: 9 },
    ]);
    expect(bestHours(emptyReport('2026-11-16', '2026-11-22').hour_of_week)).toEqual([]);
  });
});

describe('the digest embed', () => {
  const current = busyReport('2026-11-16', '2026-11-22');
  const previous = busyReport('2026-11-09', '2026-11-15', { seed: 3, scale: 0.8 });

  it('leads with what changed, then every section', () => {
    const embed = renderDigest({ kind: 'week', report: current, previous, imageName: 'digest.png' });
    expect(embed.title).toBe('Weekly digest: Nov 16 – 22, 2026');
    expect(embed.description).toMatch(/^\*\*What changed:\*\* /);
    expect(embed.image).toEqual({ url: 'attachment://digest.png' });
    expect(embed.fields!.map((f) => f.name)).toEqual([
      '👥 Members',
      '📈 Activity',
      '💬 Engagement',
      '🌱 New members',
      '🧮 Cohort retention (weekly)',
      '⚠️ At-risk regulars',
      '🏆 Top contributors',
      '📣 Top channels',
      '🕒 Best hours to post',
      '🚩 Self-moderation',
    ]);
    const value = (name: string) => embed.fields!.find((f) => f.name === name)!.value;
    expect(value('👥 Members')).toContain(`Joined **${current.members.joined}** · ▲`);
    expect(value('📈 Activity')).toContain('Stickiness **');
    expect(value('💬 Engagement')).toContain(`Messages **${current.activity.messages.toLocaleString('en-US')}**`);
    // At-risk: ten mentions as text, and the rest counted.
    expect(value('⚠️ At-risk regulars').match(/<@\d+>/g)).toHaveLength(10);
    expect(value('⚠️ At-risk regulars')).toContain('and 4 more');
    expect(value('🚩 Self-moderation')).toContain('Median time to resolution **47 min**');
    expect(embed.fields!.some((f) => f.name.includes('Polls'))).toBe(false);
    expect(embedLength(embed)).toBeLessThanOrEqual(EMBED_LIMITS.total);
  });

  it('names flags.reached_threshold for what it is (messages at the flag threshold, not review cases), in every language', () => {
    const self = (language: 'en' | 'es' | 'ru') => renderDigest({ kind: 'week', report: current, previous, language }).fields!.find((f) => f.name.startsWith('🚩'))!.value;
    expect(self('en')).toContain('Messages that reached the flag threshold **4** · reviews closed **3** (2 actioned, 1 dismissed)');
    expect(self('es')).toContain('Mensajes que alcanzaron el umbral de reportes **4** · revisiones cerradas **3** (2 con medidas, 1 descartada)');
    expect(self('ru')).toContain('Сообщения, достигшие порога жалоб: **4** · проверок закрыто: **3** (меры приняты: 2, отклонено: 1)');
    for (const language of ['en', 'es', 'ru'] as const) expect(self(language)).not.toMatch(/Cases opened|Casos abiertos|Открыто случаев/);
    // The comparison line ends with one period, also after a Russian date's "г.".
    for (const kind of ['week', 'month'] as const) {
      const line = renderDigest({ kind, report: current, previous, language: 'ru' }).description!.split('\n').find((l) => l.startsWith('Изменения'))!;
      expect(line).toMatch(/г\.$/);
    }
  });

  it('is a pure function of its input', () => {
    const a = renderDigest({ kind: 'week', report: current, previous });
    const b = renderDigest({ kind: 'week', report: structuredClone(current), previous: structuredClone(previous) });
    expect(a).toEqual(b);
  });

  it('marks a late digest and states gaps in data collection', () => {
    const withGaps = {
      ...current,
      gaps: [
        { from: '2026-11-18T02:00:00.000Z', to: '2026-11-18T05:30:00.000Z' },
        { from: '2026-11-19T02:00:00.000Z', to: '2026-11-19T02:00:20.000Z' }, // a quick restart: left out
      ],
    };
    const embed = renderDigest({ kind: 'week', report: withGaps, previous, lateDueAt: Date.parse('2026-11-23T08:00:00Z') });
    expect(embed.description).toContain('⏰ **Late**: this digest was due <t:1795420800:f>');
    const gaps = embed.fields!.find((f) => f.name.includes('Gaps'));
    const unix = (iso: string) => Date.parse(iso) / 1000;
    expect(gaps?.value).toContain(`<t:${unix('2026-11-18T02:00:00Z')}:f> → <t:${unix('2026-11-18T05:30:00Z')}:f> (3 h 30 min)`);
    expect(gaps?.value).not.toContain(String(unix('2026-11-19T02:00:00Z')));
    expect(renderDigest({ kind: 'week', report: { ...current, gaps: [withGaps.gaps[1]!] }, previous }).fields!.some((f) => f.name.includes('Gaps'))).toBe(false);
  });

  it('says when the changes compare with a period Pulse did not fully listen to, or come from one', () => {
    const gap = { from: '2026-11-11T02:00:00.000Z', to: '2026-11-11T05:30:00.000Z' };
    const quick = { from: '2026-11-19T02:00:00.000Z', to: '2026-11-19T02:00:20.000Z' }; // a quick restart: not a gap that counts
    const lines = (report: typeof current, prev: typeof previous, language?: 'es' | 'ru') => renderDigest({ kind: 'week', report, previous: prev, ...(language ? { language } : {}) }).description!.split('\n');
    expect(lines(current, previous).some((l) => l.startsWith('⚠️'))).toBe(false);
    expect(lines({ ...current, gaps: [quick] }, { ...previous, gaps: [quick] }).some((l) => l.startsWith('⚠️'))).toBe(false);

    const before = lines(current, { ...previous, gaps: [gap] });
    expect(before.filter((l) => l.startsWith('⚠️'))).toEqual([expect.stringMatching(/^⚠️ Pulse was not listening for 3 h 30 min of .+: the changes partly reflect that, not the server\.$/)]);
    const now = lines({ ...current, gaps: [{ from: '2026-11-18T02:00:00.000Z', to: '2026-11-18T03:00:00.000Z' }, quick] }, previous);
    expect(now.filter((l) => l.startsWith('⚠️'))).toEqual(['⚠️ Pulse was not listening for 1 h of this period (see the gaps below): the changes partly reflect that, not the server.']);
    // No comparison, no caveat.
    expect(renderDigest({ kind: 'week', report: { ...current, gaps: [gap] }, previous: null }).description).not.toContain('⚠️');
    for (const language of ['es', 'ru'] as const) {
      const caveat = lines(current, { ...previous, gaps: [gap] }, language).find((l) => l.startsWith('⚠️'))!;
      expect(caveat).not.toMatch(/[{}]/);
      expect(caveat).toContain('Pulse');
    }
  });

  it('counts only the part of a gap inside the period, and overlapping gaps once', () => {
    const lines = (report: typeof current, prev: typeof previous) => renderDigest({ kind: 'week', report, previous: prev }).description!.split('\n').filter((l) => l.startsWith('⚠️'));
    const utc = { ...current, timezone: 'UTC' };
    // 14 h gap, of which 4 h fall on the period's last day (2026-11-22, UTC).
    const tail = { from: '2026-11-22T20:00:00.000Z', to: '2026-11-23T10:00:00.000Z' };
    expect(lines({ ...utc, gaps: [tail] }, previous)).toEqual(['⚠️ Pulse was not listening for 4 h of this period (see the gaps below): the changes partly reflect that, not the server.']);
    // The same span listed twice, and a gap inside another, count once.
    expect(lines({ ...utc, gaps: [tail, tail, { from: '2026-11-22T21:00:00.000Z', to: '2026-11-22T22:00:00.000Z' }] }, previous)).toEqual(['⚠️ Pulse was not listening for 4 h of this period (see the gaps below): the changes partly reflect that, not the server.']);
    // The previous period's line is cut to that period too: 2 h before 2026-11-09 do not count.
    const head = { from: '2026-11-08T22:00:00.000Z', to: '2026-11-09T03:00:00.000Z' };
    expect(lines(utc, { ...previous, timezone: 'UTC', gaps: [head] })).toEqual([expect.stringMatching(/^⚠️ Pulse was not listening for 3 h of /)]);
  });

  it('a first digest and an empty guild read sensibly', () => {
    const empty = emptyReport('2026-11-16', '2026-11-22');
    const embed = renderDigest({ kind: 'week', report: empty, previous: null });
    expect(embed.description).toBe('First digest: there is no earlier period to compare with yet.');
    const value = (name: string) => embed.fields!.find((f) => f.name === name)!.value;
    expect(value('📈 Activity')).toContain('Stickiness n/a (MAU under 5)');
    expect(value('🌱 New members')).toContain('Activated (a message within 7 days): none yet');
    expect(value('⚠️ At-risk regulars')).toContain('None');
    expect(value('🕒 Best hours to post')).toBe('Not enough messages yet.');
    expect(value('🚩 Self-moderation')).toContain('Median time to resolution **—**');
    expect(embed.fields!.some((f) => f.name.includes('Cohort'))).toBe(false);
    expect(embed.fields!.some((f) => f.name.includes('Top'))).toBe(false);
  });

  it('small groups show counts, not percentages', () => {
    const small = emptyReport('2026-11-16', '2026-11-22');
    small.new_members = { cohort: 4, activated: 3, pending: 1, retained_week1: 2, activation_rate: 0.75, week1_retention: 2 / 3 };
    small.cohorts = [{ week_start: '2026-11-16', size: 4, active_by_week: [3, null, null, null, null] }];
    const embed = renderDigest({ kind: 'week', report: small, previous: null });
    const nm = embed.fields!.find((f) => f.name === '🌱 New members')!.value;
    expect(nm).toContain('3 of 4 activated');
    expect(nm).toContain('2 of 3 stayed');
    expect(nm).not.toMatch(/\d+%/);
    expect(cohortTable(small)).toMatch(/Nov 16 +4 +3 +· +· +· +·/);
  });

  it('the cohort triangle shows shares for groups of 5 or more', () => {
    const table = cohortTable(current)!;
    expect(table).toContain('week of  size   w0   w1   w2   w3   w4');
    expect(table).toMatch(/Nov 2 +3 +2 +1 +1 +· +·/);
    expect(table).toMatch(/Nov 16 +\d+ +7\d% +· +· +· +·/);
  });

  it('the cohort table keeps its columns when dates are longer (Russian "14 сент." is 8 characters)', () => {
    const r = emptyReport('2026-09-28', '2026-10-04');
    r.cohorts = [
      { week_start: '2026-09-07', size: 12, active_by_week: [9, 6, 5, 4, 3] },
      { week_start: '2026-09-14', size: 10, active_by_week: [8, 5, 4, 3, null] },
      { week_start: '2026-09-21', size: 3, active_by_week: [2, 1, null, null, null] },
    ];
    for (const lang of ['en', 'es', 'ru'] as const) {
      const lines = cohortTable(r, lang)!.split('\n').slice(1, 5);
      // Header and rows: every column ends at the same place as the header's.
      const ends = (line: string) => [...line.matchAll(/\S+(?= |$)/g)].map((m) => m.index + m[0].length).slice(-6);
      const header = ends(lines[0]!);
      for (const row of lines.slice(1)) expect(ends(row), `${lang}: ${row}`).toEqual(header);
    }
    expect(cohortTable(r, 'ru')).toContain('14 сент.');
  });

  it('cohort shares are written as the language writes a percentage, in columns wide enough for "100 %"', () => {
    const r = emptyReport('2026-09-28', '2026-10-04');
    r.cohorts = [
      { week_start: '2026-09-07', size: 12, active_by_week: [12, 9, null, null, null] },
      { week_start: '2026-09-14', size: 1234, active_by_week: [3, 1, null, null, null] },
    ];
    expect(cohortTable(r, 'en')).toMatch(/Sep 7 +12 +100% +75% +·/);
    // Spanish and Russian put a (no-break) space before %: "75 %", never "75%" next to "21 %" elsewhere.
    expect(cohortTable(r, 'es')).toContain('7 sept     12 100\u00a0%  75\u00a0%     ·');
    expect(cohortTable(r, 'ru')).toMatch(/7 сент\. +12 100\u00a0% +75\u00a0%/);
    expect(cohortTable(r, 'ru')).toMatch(/14 сент\. +1\u00a0234 +0\u00a0%/);
    expect(cohortTable(r, 'es')).not.toMatch(/\d%/);
  });

  it('polls closed in the period, with turnout when the group is big enough', () => {
    const embed = renderDigest({
      kind: 'week',
      report: current,
      previous,
      polls: [
        { question: 'Next game night?', voters: 42, eligible: 120 },
        { question: 'Tiny poll', voters: 2, eligible: 3 },
      ],
    });
    const polls = embed.fields!.find((f) => f.name === '🗳️ Polls closed')!.value;
    expect(polls).toContain('“Next game night?”: 42 voters (35% turnout)');
    expect(polls).toContain('“Tiny poll”: 2 voters');
    expect(polls).not.toContain('Tiny poll”: 2 voters (');
  });

  it('native polls: one line of counts under the polls, only when there were votes', () => {
    const field = (input: Partial<Parameters<typeof renderDigest>[0]>) => renderDigest({ kind: 'week', report: current, previous, ...input }).fields!.find((f) => f.name === '🗳️ Polls closed');
    const native = { votes: 12, voters: 9, polls: 2 };
    expect(field({ polls: [{ question: 'Next game night?', voters: 42, eligible: 120 }], nativePolls: native })?.value).toBe(
      '“Next game night?”: 42 voters (35% turnout)\nNative polls: 12 votes by 9 members in 2 polls',
    );
    expect(field({ polls: [], nativePolls: { votes: 1, voters: 1, polls: 1 } })?.value).toBe('None in this period.\nNative polls: 1 vote by 1 member in 1 poll');
    // The section without the closed-polls list: the native line alone.
    expect(field({ nativePolls: native })?.value).toBe('Native polls: 12 votes by 9 members in 2 polls');
    expect(field({ polls: [], nativePolls: { votes: 0, voters: 0, polls: 0 } })?.value).toBe('None in this period.');
    expect(field({ nativePolls: { votes: 0, voters: 0, polls: 0 } })).toBeUndefined();
  });

  it('keeps the native polls line whole when the list above it is cut', () => {
    // Member text made of markdown characters: escaped, each one takes two.
    const polls = Array.from({ length: 30 }, () => ({ question: '*'.repeat(300), voters: 123456, eligible: 999999 }));
    const pollsValue = (nativePolls?: { votes: number; voters: number; polls: number }) =>
      renderDigest({ kind: 'week', report: current, previous, polls, nativePolls }).fields!.find((f) => f.name === '🗳️ Polls closed')!.value;
    const line = 'Native polls: 1,000,000,000 votes by 1,000,000,000 members in 1,000,000,000 polls';
    // The list alone fits, the list and the line would not.
    expect(pollsValue().length + line.length + 1).toBeGreaterThan(EMBED_LIMITS.fieldValue);
    const value = pollsValue({ votes: 1e9, voters: 1e9, polls: 1e9 });
    expect(value.length).toBeLessThanOrEqual(EMBED_LIMITS.fieldValue);
    expect(value.endsWith(`…\n${line}`)).toBe(true);
  });

  it('headline: steady when nothing moved', () => {
    expect(headline(current, structuredClone(current))).toMatch(/^Steady/);
  });

  it('respects Discord limits however large the input', () => {
    const huge = busyReport('2026-10-01', '2026-10-31');
    huge.gaps = Array.from({ length: 200 }, (_, i) => ({ from: new Date(Date.UTC(2026, 9, 1, i)).toISOString(), to: new Date(Date.UTC(2026, 9, 1, i, 30)).toISOString() }));
    huge.timezone = 'X'.repeat(3000);
    huge.cohorts = Array.from({ length: 60 }, (_, i) => ({ week_start: '2026-10-05', size: 10 + i, active_by_week: [5, 4, 3, 2, 1] }));
    const embed = renderDigest({
      kind: 'month',
      report: huge,
      previous: huge,
      polls: Array.from({ length: 30 }, () => ({ question: 'Q'.repeat(300), voters: 1, eligible: null })),
      nativePolls: { votes: 1e9, voters: 1e9, polls: 1e9 },
    });
    expect(embedLength(embed)).toBeLessThanOrEqual(EMBED_LIMITS.total);
    expect(embed.fields!.length).toBeLessThanOrEqual(EMBED_LIMITS.fields);
    for (const f of embed.fields!) {
      expect(f.value.length).toBeLessThanOrEqual(EMBED_LIMITS.fieldValue);
      expect((f.value.match(/```/g)?.length ?? 0) % 2).toBe(0);
    }
    expect(embed.footer!.text.length).toBeLessThanOrEqual(EMBED_LIMITS.footer);
  });

  it('fitEmbed caps fields at 25 and values at 1024', () => {
    const fitted = fitEmbed({ title: 't', fields: Array.from({ length: 40 }, (_, i) => ({ name: `f${i}`, value: 'word '.repeat(400) })) });
    expect(fitted.fields!.length).toBeLessThanOrEqual(25);
    expect(fitted.fields!.every((f) => f.value.length <= 1024)).toBe(true);
    expect(embedLength(fitted)).toBeLessThanOrEqual(6000);
  });
});

describe('survey scores in the digest', () => {
  const survey = (nps: number, previous: number | null): SurveySummary => ({
    id: '7',
    title: 'Pulse',
    responses: 10,
    nps,
    csat: null,
    status: 'closed',
    openedInPeriod: false,
    closedInPeriod: true,
    rate: null,
    previous: previous === null ? null : { nps: previous, csat: null },
  });
  // NPS is shown as /survey results shows it: halves away from zero, no sign on 0.
  it.each([
    [2.5, null, 'NPS +3'],
    [-2.5, null, 'NPS -3'],
    [0.4, null, 'NPS 0'],
    [-0.4, null, 'NPS 0'],
    [-12.5, -2.5, 'NPS -13 (▼ 10 vs last run)'],
  ] as const)('NPS %s (previous %s) -> %s', (nps, previous, shown) => {
    expect(surveysField([survey(nps, previous)])?.value).toContain(shown);
  });
});
