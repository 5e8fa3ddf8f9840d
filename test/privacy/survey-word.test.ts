// What /privacy show and export say Pulse keeps as text names surveys with each catalogue's word
// for surveys (cuestionario, анкета), never its word for polls (encuesta, опрос): "survey
// answers" read as poll answers told members their survey answers were not kept.
import { describe, expect, it } from 'vitest';
import { t, type Language } from '../../src/i18n/index.js';

const words: Record<Language, { survey: string; poll: string }> = {
  en: { survey: 'survey', poll: 'poll' },
  es: { survey: 'cuestionario', poll: 'encuesta' },
  ru: { survey: 'анкет', poll: 'опрос' },
};

describe('the privacy texts that list the text Pulse keeps', () => {
  for (const [lang, { survey, poll }] of Object.entries(words) as Array<[Language, { survey: string; poll: string }]>) {
    it(`${lang}: say "${survey}" for surveys, not "${poll}"`, () => {
      // The catalogue's own words: its survey entries and its poll entries.
      expect(t(lang, 'privacy.entry.surveys').toLowerCase()).toContain(survey);
      expect(t(lang, 'privacy.entry.polls').toLowerCase()).toContain(poll);
      for (const key of ['privacy.show.recording', 'privacy.export', 'privacy.export.note'] as const) {
        const text = t(lang, key).toLowerCase();
        expect(text, key).toContain(survey);
        expect(text, key).not.toContain(poll);
      }
    });
  }
});
