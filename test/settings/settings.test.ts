import { describe, expect, it } from 'vitest';
import { flagEmojiSchema } from '../../src/settings/schemas.js';
import { settingsCommand } from '../../commands/settings.js';
import { clearableSettings, clearPatch, defaultSettings, emojiMatches, isFlagEmoji, isValidTimeZone } from '../../src/settings/settings.js';
import { getSettings, updateSettings } from '../../src/settings/store.js';
import { testDatabase } from '../support/db.js';

describe('settings rules', () => {
  it.each([
    ['UTC', true],
    ['Europe/Berlin', true],
    ['Asia/Kathmandu', true],
    ['America/New_York', true],
    ['Mars/Olympus', false],
    ['', false],
    ['x'.repeat(80), false],
  ])('time zone %j valid: %s', (zone, valid) => {
    expect(isValidTimeZone(zone)).toBe(valid);
  });

  it.each([
    ['🚩', true],
    ['👍🏽', true],
    ['🇺🇸', true],
    ['<:redflag:123456789012345678>', true],
    ['<a:spin:123456789012345678>', true],
    ['flag', false],
    ['🚩🚩 x', false],
    ['<:x:12>', false],
    // One emoji exactly, as a reaction carries it: keycaps, flags, skin tones and ZWJ sequences are one.
    ['⚠️', true],
    ['🏳️‍🌈', true],
    ['1️⃣', true],
    ['#️⃣', true],
    ['🧑🏽‍💻', true],
    ['™️', true],
    ['  🚩  ', true],
    ['🚩🚩', false],
    ['🚩👍🔥', false],
    ['🇺🇸🇺🇸', false],
    ['™', false],
    ['❤', false],
    ['1', false],
    ['🇺', false],
    ['🚩<:redflag:123456789012345678>', false],
  ])('flag emoji %j valid: %s', (emoji, valid) => {
    expect(flagEmojiSchema.safeParse(emoji).success).toBe(valid);
  });

  it('the default flag emoji passes the same rule', () => {
    expect(isFlagEmoji(defaultSettings('1').flagEmoji)).toBe(true);
    expect(isFlagEmoji(clearPatch('flag_emoji').flagEmoji!)).toBe(true);
  });

  it('matches reactions against the configured emoji', () => {
    expect(emojiMatches('🚩', { id: null, name: '🚩' })).toBe(true);
    expect(emojiMatches('🚩', { id: null, name: '👍' })).toBe(false);
    expect(emojiMatches('<:redflag:123456789012345678>', { id: '123456789012345678', name: 'redflag' })).toBe(true);
    expect(emojiMatches('<:redflag:123456789012345678>', { id: null, name: 'redflag' })).toBe(false);
    expect(emojiMatches('🚩', { id: '123456789012345678', name: '🚩' })).toBe(false);
  });

  it('clears a setting back to its default', () => {
    expect(clearPatch('timezone')).toEqual({ timezone: 'UTC', timezoneChosen: false });
    expect(clearPatch('staff_role')).toEqual({ staffRoleId: null });
    expect(clearPatch('flag_threshold')).toEqual({ flagThreshold: 3 });
    expect(clearPatch('feedback_lock_on_close')).toEqual({ feedbackLockOnClose: false });
  });

  it('can clear every setting /settings set changes, and offers each as a choice', () => {
    const sub = (name: string) => settingsCommand.options.find((o) => o.name === name) as { options: ReadonlyArray<{ name: string; choices?: ReadonlyArray<{ value: string }> }> };
    const settable = sub('set').options.map((o) => o.name);
    expect(settable.filter((name) => !(clearableSettings as readonly string[]).includes(name))).toEqual([]);
    expect(sub('clear').options[0]?.choices?.map((c) => c.value)).toEqual([...clearableSettings]);
    // One setting each (clearing the zone also marks it not chosen).
    for (const setting of clearableSettings) expect(Object.keys(clearPatch(setting)).filter((key) => key !== 'timezoneChosen')).toHaveLength(1);
  });
});

describe('settings store', () => {
  it('returns defaults, then what was saved, per guild', async () => {
    const database = await testDatabase();
    expect(await getSettings(database.db, '1')).toMatchObject({ timezone: 'UTC', flagThreshold: 3, ignoredChannelIds: [] });
    await updateSettings(database.db, '1', { timezone: 'Europe/Berlin', ignoredChannelIds: ['9'] }, 1000);
    await updateSettings(database.db, '1', { flagThreshold: 5 }, 2000);
    expect(await getSettings(database.db, '1')).toMatchObject({ timezone: 'Europe/Berlin', flagThreshold: 5, ignoredChannelIds: ['9'] });
    expect(await getSettings(database.db, '2')).toMatchObject({ timezone: 'UTC', flagThreshold: 3 });
    await database.close();
  });
});
