import { describe, expect, it } from 'vitest';
import { en, type MessageKey } from '../../src/i18n/en.js';
import { formatMessage, placeholders, pluralCases } from '../../src/i18n/format.js';
import { formatDate, formatList, languageCodes, languageForLocale, languageOf, languages, msg, render, t } from '../../src/i18n/index.js';

const keys = Object.keys(en) as MessageKey[];

describe('catalogues', () => {
  it.each(languageCodes)('%s has every key of English and no other', (code) => {
    const catalogue: Record<string, string> = languages[code].catalogue;
    expect(Object.keys(catalogue).sort()).toEqual([...keys].sort());
  });

  it.each(languageCodes.filter((c) => c !== 'en'))('%s uses the same placeholders as English, key by key', (code) => {
    const catalogue: Record<string, string> = languages[code].catalogue;
    const mismatched = keys.filter((key) => JSON.stringify(placeholders(catalogue[key]!)) !== JSON.stringify(placeholders(en[key])));
    expect(mismatched).toEqual([]);
  });

  it.each(languageCodes)('%s: every plural gives each integer category of the language', (code) => {
    const catalogue: Record<string, string> = languages[code].catalogue;
    // The categories whole numbers fall into (ru: one, few, many; en and es: one, other).
    const needed = [...new Set(Array.from({ length: 200 }, (_, n) => new Intl.PluralRules(languages[code].intl).select(n)))];
    const gaps = keys.flatMap((key) =>
      pluralCases(catalogue[key]!)
        .filter((p) => needed.some((c) => !p.cases.includes(c)))
        .map((p) => `${key} {${p.arg}}: ${p.cases.join('/')}`),
    );
    expect(gaps).toEqual([]);
  });

  it('renders English for a key with parameters, and keeps member text as it is', () => {
    expect(t('en', 'settings.ignored', { channel: '123' })).toBe('Activity in <#123> is no longer recorded.');
    const memberText = '{count} <@&1> **bold** {weird';
    expect(t('es', 'digest.error.cronInvalid', { expression: memberText, reason: 'x' })).toContain(memberText);
  });

  it('formats numbers for the language', () => {
    expect(t('en', 'digest.voters', { count: 12345 })).toBe('12,345 voters');
    expect(t('es', 'digest.voters', { count: 12345 })).toBe('12.345 votantes');
    expect(t('ru', 'digest.voters', { count: 12345 }).replace(/\s/g, ' ')).toBe('12 345 проголосовали');
  });

  it('writes ids as their digits, in every language (they are typed back: #1234, survey:1234)', () => {
    expect(t('en', 'feedback.reply.statusSet', { id: 12345, status: 'Done' })).toBe('Item #12345 is now **Done**.');
    expect(t('es', 'feedback.reply.statusSet', { id: 12345, status: 'Hecha' })).toBe('La sugerencia #12345 ahora está **Hecha**.');
    expect(t('ru', 'feedback.reply.statusSet', { id: 12345, status: 'Готово' })).toBe('У отзыва #12345 теперь статус **Готово**.');
    expect(t('en', 'feedback.thread.see', { original: 1234 })).toBe('See #1234.');
  });

  it('numbers polls and surveys as each language does (n.º 12, №12), never #12, which is for feedback items', () => {
    const hashed = (code: 'es' | 'ru') => keys.filter((key) => /^(polls|surveys)\./.test(key) && /#\{id\}/.test(languages[code].catalogue[key]));
    expect(hashed('es')).toEqual([]);
    expect(hashed('ru')).toEqual([]);
    // The survey is "el cuestionario": start it again is "inícialo".
    expect(t('es', 'surveys.notice.cardFailed', { id: 12, title: 'T', channel: '5', reason: 'R.' })).toBe(
      'No pude publicar la tarjeta del cuestionario n.º 12 **T** en <#5>: R. Ha vuelto a ser un borrador: inícialo de nuevo con `/cuestionario iniciar cuestionario:12` en un canal donde pueda publicar.',
    );
    expect(t('ru', 'surveys.notice.cardFailed', { id: 12, title: 'T', channel: '5', reason: 'R.' })).toMatch(/^Не удалось опубликовать карточку анкеты №12 \*\*T\*\*/);
  });

  it('counts characters in Russian with its plural forms', () => {
    expect(t('ru', 'polls.create.longChoice', { n: 2, length: 81, max: 80 })).toBe('Вариант 2: 81 символ, а предел — 80.');
    expect(t('ru', 'polls.create.longChoice', { n: 2, length: 82, max: 80 })).toBe('Вариант 2: 82 символа, а предел — 80.');
    expect(t('ru', 'polls.create.longChoice', { n: 2, length: 85, max: 80 })).toBe('Вариант 2: 85 символов, а предел — 80.');
    expect(t('ru', 'feedback.reply.votesMoved', { count: 1234, original: 1234 }).replace(/\s/g, ' ')).toMatch(/^1 234 .* #1234\.$/);
  });

  it('falls back to English for a key a language lacks', () => {
    const lacking = { ...languages.es.catalogue } as Partial<Record<MessageKey, string>>;
    delete lacking['settings.saved'];
    const original = languages.es.catalogue;
    (languages.es as { catalogue: unknown }).catalogue = lacking;
    try {
      expect(t('es', 'settings.saved')).toBe('Settings saved.');
      expect(t('es', 'settings.cleared')).toBe('Ajuste restablecido a su valor por defecto.');
    } finally {
      (languages.es as { catalogue: unknown }).catalogue = original;
    }
  });

  it('renders nested texts and lists in the reader language', () => {
    const text = msg('perm.cantPost', { channel: '5', missing: [msg('perm.viewChannel'), msg('perm.sendMessages')] });
    expect(render('en', text)).toBe("I can't post in <#5>: I need View Channel and Send Messages there. Ask an admin, or pick another channel.");
    expect(render('es', text)).toContain('Ver canal y Enviar mensajes');
    expect(formatList('ru', ['a', 'b', 'c'])).toBe('a, b и c');
  });
});

describe('Russian plurals (one / few / many)', () => {
  it.each([
    [1, '1 сообщение'],
    [2, '2 сообщения'],
    [5, '5 сообщений'],
    [11, '11 сообщений'],
    [21, '21 сообщение'],
    [22, '22 сообщения'],
    [25, '25 сообщений'],
    [111, '111 сообщений'],
  ])('%i -> %s', (n, expected) => {
    expect(t('ru', 'digest.msgs', { count: n })).toBe(expected);
  });

  it.each([
    [{ votes: 1, voters: 1, polls: 1 }, 'Встроенные опросы: 1 голос от 1 участника в 1 опросе'],
    [{ votes: 3, voters: 2, polls: 2 }, 'Встроенные опросы: 3 голоса от 2 участников в 2 опросах'],
    [{ votes: 12, voters: 9, polls: 5 }, 'Встроенные опросы: 12 голосов от 9 участников в 5 опросах'],
    [{ votes: 21, voters: 21, polls: 21 }, 'Встроенные опросы: 21 голос от 21 участника в 21 опросе'],
  ])('native polls in the digest: %j', (counts, expected) => {
    expect(t('ru', 'digest.nativePolls', counts)).toBe(expected);
  });

  it('native polls in the digest, in Spanish: encuestas', () => {
    expect(t('es', 'digest.nativePolls', { votes: 12, voters: 9, polls: 2 })).toBe('Encuestas nativas: 12 votos de 9 miembros en 2 encuestas');
    expect(t('es', 'digest.nativePolls', { votes: 1, voters: 1, polls: 1 })).toBe('Encuestas nativas: 1 voto de 1 miembro en 1 encuesta');
  });

  it('Spanish and English: one and other', () => {
    expect([1, 2, 0].map((n) => t('es', 'digest.voters', { count: n }))).toEqual(['1 votante', '2 votantes', '0 votantes']);
    expect([1, 2, 0].map((n) => t('en', 'digest.voters', { count: n }))).toEqual(['1 voter', '2 voters', '0 voters']);
  });

  it('an exact =N case wins over the category', () => {
    expect(formatMessage('en', '{n, plural, =0 {nothing} one {# thing} other {# things}}', { n: 0 })).toBe('nothing');
    expect(formatMessage('ru', '{n, plural, one {# день} few {# дня} many {# дней} other {# дня}}', { n: 1.5 })).toBe('1,5 дня');
  });

  it('refuses a broken message', () => {
    expect(() => placeholders('{n, plural, one {# x}}')).toThrow(/other/);
    expect(() => placeholders('oops {name')).toThrow();
  });
});

describe('Discord locales to languages', () => {
  it.each([
    ['es-ES', 'es'],
    ['es-419', 'es'],
    ['ru', 'ru'],
    ['en-US', 'en'],
    ['en-GB', 'en'],
    ['fr', 'en'],
    ['pt-BR', 'en'],
    ['zh-CN', 'en'],
    [null, 'en'],
  ] as const)('%s -> %s', (locale, lang) => {
    expect(languageOf(locale)).toBe(lang);
  });

  it('tells a language Pulse speaks from one it does not', () => {
    expect(languageForLocale('es-419')).toBe('es');
    expect(languageForLocale('de')).toBeNull();
  });

  it('formats dates with Intl', () => {
    expect(formatDate('en', '2026-11-02', { month: 'short', day: 'numeric' })).toBe('Nov 2');
    expect(formatDate('es', '2026-11-02', { month: 'long', year: 'numeric' })).toBe('noviembre de 2026');
    expect(formatDate('ru', '2026-11-02', { month: 'long', year: 'numeric' })).toBe('ноябрь 2026 г.');
  });
});

describe('every key is used', () => {
  /**
   * Keys written ahead for the slices phase two converts (copied from their current English):
   * allowed to be unused until then. Phase two removes each prefix as its slice starts using them.
   */
  const WRITTEN_AHEAD: string[] = [];

  it('each English key appears in src/ outside the catalogues', async () => {
    const { readdirSync, readFileSync, statSync } = await import('node:fs');
    const { join } = await import('node:path');
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) return path.endsWith('i18n') ? [] : files(path);
        return path.endsWith('.ts') ? [path] : [];
      });
    const source = files(join(import.meta.dirname, '../../src')).map((f) => readFileSync(f, 'utf8')).join('\n');
    const unused = keys.filter((key) => !WRITTEN_AHEAD.some((p) => key.startsWith(p)) && !source.includes(`'${key}'`));
    expect(unused).toEqual([]);
  });
});
