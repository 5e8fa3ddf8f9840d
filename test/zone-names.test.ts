// Time zones by their names in Pulse's languages (zone-names.ts): built from Intl without holding
// up the event loop, and found by what a Spanish or Russian member types.
import { describe, expect, it } from 'vitest';
import { languageCodes } from '../src/i18n/index.js';
import { zoneByName, zoneNames } from '../src/zone-names.js';
import { searchTimeZones, timeZoneNames } from '../src/zone.js';

describe('zoneNames', () => {
  it('gives the event loop turns while it builds, then keeps what it built', async () => {
    let turns = 0;
    const tick = setInterval(() => turns++, 0);
    const names = await zoneNames('es');
    clearInterval(tick);
    expect(turns).toBeGreaterThan(10);
    expect(await zoneNames('es')).toBe(names);
  });

  it('names only zones Pulse offers, by their current IANA names', async () => {
    const known = new Set(timeZoneNames());
    for (const lang of languageCodes) {
      const names = await zoneNames(lang);
      expect(names.size).toBeGreaterThan(300);
      expect([...names.keys()].filter((zone) => !known.has(zone))).toEqual([]);
    }
    expect((await zoneNames('ru')).get('Europe/Kyiv')).toContain('Украина');
    expect((await zoneNames('ru')).has('Europe/Kiev')).toBe(false);
  });

  it('finds the one zone a place names, in any case and with or without accents; a name of several zones is none', async () => {
    const ru = await zoneNames('ru');
    const es = await zoneNames('es');
    expect(zoneByName('Москва', ru)).toBe('Europe/Moscow');
    expect(zoneByName('  москва ', ru)).toBe('Europe/Moscow');
    expect(zoneByName('Екатеринбург', ru)).toBe('Asia/Yekaterinburg');
    expect(zoneByName('ciudad de mexico', es)).toBe('America/Mexico_City');
    expect(zoneByName('Moscú', es)).toBe('Europe/Moscow');
    expect(zoneByName('Германия', ru)).toBeNull();
    expect(zoneByName('Моск', ru)).toBeNull();
    expect(zoneByName('', ru)).toBeNull();
  });

  it('lets searchTimeZones find zones by those names, places and countries', async () => {
    const ru = await zoneNames('ru');
    expect(searchTimeZones('моск', 25, ru)).toEqual(['Europe/Moscow']);
    expect(searchTimeZones('Казахстан', 25, ru)).toContain('Asia/Almaty');
    expect(searchTimeZones('españa', 25, await zoneNames('es'))).toContain('Europe/Madrid');
    // Without them, as before: IANA names only.
    expect(searchTimeZones('моск')).toEqual([]);
  });
});
