// /privacy show lists every entry with its count in the member's language: a staff member active
// everywhere, in Spanish, passed one embed's 4,096 characters (the answer failed). The list now
// continues in a second embed of the same answer, within Discord's limits in every language.
import { describe, expect, it } from 'vitest';
import { languageCodes, t } from '../../src/i18n/index.js';
import { privacyEntries } from '../../src/privacy/entries.js';
import { DESCRIPTION_MAX, EMBEDS_TOTAL_MAX, showDescriptions, showLine } from '../../src/privacy/privacy.js';

describe('/privacy show fits Discord', () => {
  for (const lang of languageCodes) {
    it(`every entry with six-digit counts, opted out with a pending job, in ${lang}`, () => {
      const lines = [
        `${t(lang, 'privacy.show.optedOut')} ${t(lang, 'privacy.show.pending')}`,
        '',
        ...privacyEntries.map((e) => showLine(e, 999_999, lang)),
        '',
        t(lang, 'privacy.show.choices'),
      ];
      const descriptions = showDescriptions(lines);
      for (const d of descriptions) expect(d.length).toBeLessThanOrEqual(DESCRIPTION_MAX);
      expect(t(lang, 'privacy.show.title').length + descriptions.reduce((n, d) => n + d.length, 0)).toBeLessThanOrEqual(EMBEDS_TOTAL_MAX);
      // Whole lines, in order, none lost.
      expect(descriptions.join('\n')).toBe(lines.join('\n'));
    });
  }

  it('splits at whole lines once the next line would pass the limit', () => {
    expect(showDescriptions(['aaaa', 'bbbb', 'cc'], 9)).toEqual(['aaaa\nbbbb', 'cc']);
    expect(showDescriptions(['aaaa', 'bbbb', 'cc'], 12)).toEqual(['aaaa\nbbbb\ncc']);
    expect(showDescriptions([], 9)).toEqual([]);
  });
});
