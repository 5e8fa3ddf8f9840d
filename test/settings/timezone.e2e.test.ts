// /settings set timezone: zones are offered and taken as people write them (any case, spaces, a
// city, an old name, a name in the member's language) and stored by their current IANA name,
// which is what every message shows.
import { Locale } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getSettings } from '../../src/settings/store.js';
import { zoneNames } from '../../src/zone-names.js';
import { TestBot } from '../support/bot.js';

describe('/settings set timezone', () => {
  let bot: TestBot;
  beforeEach(async () => {
    bot = await TestBot.start();
  });
  afterEach(() => bot.close());

  const offered = async (value: string, locale: Locale = Locale.EnglishUS) =>
    (await bot.fake.autocomplete({ guildId: bot.ids.guildId, channelId: bot.ids.general, userId: bot.ids.ownerId, name: 'settings', subcommand: 'set', focused: 'timezone', value, locale }).reply()).choices;
  const set = (timezone: string, locale: Locale = Locale.EnglishUS) => bot.fake.slash({ channelId: bot.ids.general, userId: bot.ids.ownerId, name: 'settings', subcommand: 'set', options: { timezone }, locale }).reply();
  const stored = async () => (await bot.db.selectFrom('guild_settings').select('timezone').where('guild_id', '=', bot.ids.guildId).executeTakeFirst())?.timezone;

  it('offers current names, found as people write them', async () => {
    expect(await offered('Kolkata')).toEqual([{ name: 'Asia/Kolkata', value: 'Asia/Kolkata' }]);
    expect(await offered('kathmandu')).toEqual([{ name: 'Asia/Kathmandu', value: 'Asia/Kathmandu' }]);
    expect(await offered('Kiev')).toEqual([{ name: 'Europe/Kyiv', value: 'Europe/Kyiv' }]);
    expect(await offered('Ho Chi Minh')).toEqual([{ name: 'Asia/Ho_Chi_Minh', value: 'Asia/Ho_Chi_Minh' }]);
    expect(await offered('new york')).toEqual([{ name: 'America/New_York', value: 'America/New_York' }]);
    expect(await offered('Mexico City')).toEqual([{ name: 'America/Mexico_City', value: 'America/Mexico_City' }]);
  });

  it.each([
    ['europe/madrid', 'Europe/Madrid'],
    ['Asia/Calcutta', 'Asia/Kolkata'],
    ['New York', 'America/New_York'],
    ['Kyiv', 'Europe/Kyiv'],
  ])('stores %j as %s and shows that', async (typed, zone) => {
    const reply = await set(typed);
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toBe('Settings saved.');
    expect(reply.embeds[0]?.fields?.find((f) => f.name === 'Time zone')?.value).toBe(zone);
    expect(await stored()).toBe(zone);
  });

  it('refuses a name that is no zone, with the reason, and keeps the setting', async () => {
    await set('Europe/Berlin');
    const reply = await set('Mars/Olympus');
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toContain('`Mars/Olympus` is not a time zone I know');
    expect(await stored()).toBe('Europe/Berlin');
  });

  it('offers zones by their names in the member\'s language, and shows those names next to them', async () => {
    // The first keystroke in a language starts building its names (the answer cannot wait for
    // them: Discord gives it 3 seconds); the next ones find them.
    expect(await offered('моск', Locale.Russian)).toEqual([]);
    await Promise.all([zoneNames('ru'), zoneNames('es'), zoneNames('en')]);
    expect(await offered('моск', Locale.Russian)).toEqual([{ name: 'Europe/Moscow · Москва', value: 'Europe/Moscow' }]);
    expect(await offered('Мехико', Locale.Russian)).toEqual([{ name: 'America/Mexico_City · Мехико', value: 'America/Mexico_City' }]);
    // A country finds its zones; accents are optional.
    expect((await offered('Германия', Locale.Russian))?.map((c) => c.value)).toEqual(['Europe/Berlin', 'Europe/Busingen']);
    expect(await offered('ciudad de mexico', Locale.SpanishES)).toEqual([{ name: 'America/Mexico_City · Ciudad de México', value: 'America/Mexico_City' }]);
    expect(await offered('Bogotá', Locale.SpanishES)).toEqual([{ name: 'America/Bogota · Colombia', value: 'America/Bogota' }]);
    // English members see the IANA names alone, as before; a name in another language finds nothing for them.
    expect(await offered('Moscow')).toEqual([{ name: 'Europe/Moscow', value: 'Europe/Moscow' }]);
    expect(await offered('Москва')).toEqual([]);
  });

  it('takes a zone\'s name in the member\'s language when it names one zone, and refuses one that names several', async () => {
    const moscow = await set('москва', Locale.Russian);
    expect(moscow.content?.split('\n')[0]).toBe('Настройки сохранены.');
    expect(await stored()).toBe('Europe/Moscow');
    await set('Ciudad de México', Locale.SpanishES);
    expect(await stored()).toBe('America/Mexico_City');
    const germany = await set('Германия', Locale.Russian);
    expect(germany.ephemeral).toBe(true);
    expect(germany.content).toContain('`Германия`');
    expect(await stored()).toBe('America/Mexico_City');
  });

  it('a zone stored as typed before is read by its current name', async () => {
    await bot.db.insertInto('guild_settings').values({ guild_id: bot.ids.guildId, timezone: 'asia/calcutta', updated_at: 1 }).execute();
    expect((await getSettings(bot.db, bot.ids.guildId)).timezone).toBe('Asia/Kolkata');
  });
});
