// GET .../commands as Discord answers it: localization dictionaries only with ?with_localizations=true,
// otherwise each name and description in the requester's language.
import { afterEach, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../../src/fake-discord/index.js';

let fake: FakeDiscord | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('listing application commands', () => {
  it('gives the dictionaries only when asked for them', async () => {
    fake = await FakeDiscord.start();
    const f = fake;
    f.setCommands([
      {
        name: 'pulse',
        name_localizations: { ru: 'пульс' },
        description: 'About Pulse',
        description_localizations: { ru: 'О Pulse', 'es-ES': 'Acerca de Pulse' },
        options: [{ type: 3, name: 'what', description: 'What', choices: [{ name: 'All', name_localizations: { ru: 'Всё' }, value: 'all' }] }],
      },
    ]);
    const list = async (query: string, locale?: string) => {
      const headers: Record<string, string> = { authorization: 'Bot fake-token-for-tests-0123456789' };
      if (locale) headers['x-discord-locale'] = locale;
      const res = await fetch(`${f.apiUrl}/v10/applications/${f.appId}/commands${query}`, { headers });
      expect(res.status).toBe(200);
      return (await res.json()) as Array<Record<string, unknown>>;
    };

    const full = (await list('?with_localizations=true'))[0]!;
    expect(full).toMatchObject({ name_localizations: { ru: 'пульс' }, description_localizations: { ru: 'О Pulse', 'es-ES': 'Acerca de Pulse' } });
    expect(full).not.toHaveProperty('name_localized');
    expect(JSON.stringify(full.options)).toContain('"name_localizations":{"ru":"Всё"}');

    const russian = (await list('', 'ru'))[0]!;
    expect(russian).not.toHaveProperty('name_localizations');
    expect(russian).not.toHaveProperty('description_localizations');
    expect(russian).toMatchObject({ name: 'pulse', name_localized: 'пульс', description_localized: 'О Pulse' });
    expect(JSON.stringify(russian.options)).not.toContain('_localizations');
    expect(russian.options).toMatchObject([{ choices: [{ name: 'All', name_localized: 'Всё' }] }]);

    // No locale: the default texts.
    expect((await list('?with_localizations=false'))[0]).toMatchObject({ name_localized: 'pulse', description_localized: 'About Pulse' });
  });
});
