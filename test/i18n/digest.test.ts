import { describe, expect, it } from 'vitest';
import { digestSvg, renderDigestPng } from '../../src/digests/charts.js';
import { EMBED_LIMITS, embedLength, renderDigest } from '../../src/digests/render.js';
import { languageCodes, t, weekdayNames, type Language } from '../../src/i18n/index.js';
import { busyReport } from '../digests/fixtures.js';

const current = busyReport('2026-11-16', '2026-11-22');
const previous = busyReport('2026-11-09', '2026-11-15', { seed: 3, scale: 0.8 });
// Member text: never translated or altered, whatever it contains.
const question = 'Game night {when}? #1 — ¿noche de juegos? Игра?';
const polls = [{ question, voters: 42, eligible: 120 }];

const expected: Record<Language, { title: string; fields: string[] }> = {
  en: { title: 'Weekly digest: Nov 16 – 22, 2026', fields: ['👥 Members', '📈 Activity', '💬 Engagement', '🌱 New members'] },
  es: { title: 'Resumen semanal: 16–22 nov 2026', fields: ['👥 Miembros', '📈 Actividad', '💬 Participación', '🌱 Miembros nuevos'] },
  ru: { title: 'Сводка за неделю: 16–22 нояб. 2026 г.', fields: ['👥 Участники', '📈 Активность', '💬 Вовлечённость', '🌱 Новые участники'] },
};

describe('a digest in each language', () => {
  it.each(languageCodes)('%s: title, fields, numbers and member text', (lang) => {
    const embed = renderDigest({ kind: 'week', report: current, previous, polls, nativePolls: { votes: 12, voters: 9, polls: 2 }, language: lang, footerNote: 'week:2026-11-16' });
    expect(embed.title).toBe(expected[lang].title);
    expect(embed.fields!.slice(0, 4).map((f) => f.name)).toEqual(expected[lang].fields);
    expect(embed.description).toContain(t(lang, 'digest.whatChanged', { list: '' }).trim());
    const pollsField = embed.fields!.find((f) => f.name === t(lang, 'digest.polls'))!;
    expect(pollsField.value).toContain(`“${question}”`);
    expect(pollsField.value).toContain(t(lang, 'digest.voters', { count: 42 }));
    expect(pollsField.value).toContain(`\n${t(lang, 'digest.nativePolls', { votes: 12, voters: 9, polls: 2 })}`);
    // The footer keeps the run marker the runner looks for after a restart.
    expect(embed.footer!.text.endsWith(' · week:2026-11-16')).toBe(true);
    expect(embedLength(embed)).toBeLessThanOrEqual(EMBED_LIMITS.total);
    const messages = embed.fields!.find((f) => f.name === t(lang, 'digest.engagement'))!.value;
    const formatted = new Intl.NumberFormat(lang === 'en' ? 'en-US' : lang).format(current.activity.messages);
    expect(messages).toContain(`**${formatted}**`);
    if (lang !== 'en') {
      for (const english of ['Members', 'Activity', 'Engagement', 'New members', 'Top contributors', 'Best hours', 'Self-moderation', 'Polls closed', 'Native polls', 'Weekly digest']) {
        expect(JSON.stringify(embed)).not.toContain(english);
      }
    }
  });

  it.each(languageCodes)('%s: chart titles and axis labels', (lang) => {
    const { svg } = digestSvg(current, previous, lang);
    for (const text of [t(lang, 'chart.dau'), t(lang, 'chart.heatmap'), t(lang, 'chart.cohorts'), t(lang, 'chart.week', { k: 1 }), weekdayNames(lang)[0]!]) {
      expect(svg).toContain(text);
    }
    if (lang !== 'en') expect(svg).not.toMatch(/Daily active members|When members post|Cohort retention|>Mon</);
  });

  it('renders the Russian chart image (the bundled font has Cyrillic)', async () => {
    const png = await renderDigestPng(current, previous, 'ru');
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  });
});
