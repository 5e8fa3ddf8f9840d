// Registering commands against the fake Discord, which lists them as Discord does: the
// localization dictionaries only when asked for with ?with_localizations=true.
import { afterEach, describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.js';
import { deployCommands, syncCommands } from '../../src/discord/deploy.js';
import { FakeDiscord } from '../../src/fake-discord/index.js';
import { localizeCommands } from '../../src/i18n/commands.js';

let fake: FakeDiscord | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('deploying commands', () => {
  it('uploads localized commands once, and a second deploy of the same commands changes nothing', async () => {
    fake = await FakeDiscord.start();
    const discord = { token: 'fake-token-for-tests-0123456789', appId: fake.appId, apiUrl: fake.apiUrl };
    const names = commands.map((c) => c.name);

    const first = await syncCommands(discord);
    expect(first).toMatchObject({ scope: 'global', added: names, updated: [], removed: [] });
    expect(fake.commands().find((c) => c.name === 'settings')?.description_localizations).toMatchObject({ 'es-ES': expect.any(String), ru: expect.any(String) });

    const second = await syncCommands(discord);
    expect(second).toEqual({ scope: 'global', added: [], updated: [], removed: [], unchanged: names });
    expect(fake.requestsMatching('PUT', /commands/)).toHaveLength(1);
    // It asked for the dictionaries it compares against.
    expect(fake.requestsMatching('GET', /commands/).every((r) => r.query['with_localizations'] === 'true')).toBe(true);
  });

  it('still sees a changed translation as a change', async () => {
    fake = await FakeDiscord.start();
    const discord = { token: 'fake-token-for-tests-0123456789', appId: fake.appId, apiUrl: fake.apiUrl };
    const localized = localizeCommands(commands);
    await deployCommands(discord, localized);
    const edited = localized.map((c) => (c.name === 'pulse' ? { ...c, description_localizations: { ...c.description_localizations, ru: 'Другое описание' } } : c));
    const outcome = await deployCommands(discord, edited);
    expect(outcome.updated).toEqual(['pulse']);
    expect(fake.requestsMatching('PUT', /commands/)).toHaveLength(2);
    expect(fake.commands().find((c) => c.name === 'pulse')?.description_localizations?.ru).toBe('Другое описание');
  });
});
