// The staff role decides who is staff: only members with Manage Server (or Administrator) may
// change or clear it, not a member who is staff through the role alone.
import { PermissionFlagsBits } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getSettings, updateSettings } from '../../src/settings/store.js';
import { TestBot } from '../support/bot.js';

describe('/settings and the staff role', () => {
  let bot: TestBot;

  beforeEach(async () => {
    bot = await TestBot.start();
    await updateSettings(bot.db, bot.ids.guildId, { staffRoleId: bot.ids.staffRoleId }, bot.clock.now());
  });
  afterEach(async () => {
    const errors = bot.errors;
    await bot.close();
    expect(errors).toEqual([]);
  });

  const settings = (userId: string, subcommand: string, options: Record<string, string | number | boolean>, locale?: string) =>
    bot.fake.slash({ guildId: bot.ids.guildId, channelId: bot.ids.general, userId, name: 'settings', subcommand, options, ...(locale ? { locale } : {}) }).reply();
  const stored = async () => await getSettings(bot.db, bot.ids.guildId);

  it('refuses a moderator who is staff through the role alone, and changes nothing', async () => {
    const { ids, fake } = bot;
    const everyone = fake.addRole(ids.guildId, { name: 'Members' });
    const REFUSED = 'Only members with Manage Server can change the staff role: it decides who counts as staff.';

    // Together with another setting: the whole change is refused, none of it saved.
    const set = await settings(ids.moderator, 'set', { staff_role: everyone.id, flag_threshold: 7 });
    expect(set.ephemeral).toBe(true);
    expect(set.content).toBe(REFUSED);
    const cleared = await settings(ids.moderator, 'clear', { setting: 'staff_role' });
    expect(cleared.ephemeral).toBe(true);
    expect(cleared.content).toBe(REFUSED);
    expect(await stored()).toMatchObject({ staffRoleId: ids.staffRoleId, flagThreshold: 3 });

    // In the moderator's language.
    expect((await settings(ids.moderator, 'set', { staff_role: everyone.id }, 'es-ES')).content).toBe(
      'Solo los miembros con Gestionar servidor pueden cambiar el rol del equipo: decide quién cuenta como equipo.',
    );
    expect((await settings(ids.moderator, 'clear', { setting: 'staff_role' }, 'ru')).content).toBe(
      'Менять роль команды могут только участники с правом «Управлять сервером»: она решает, кто считается командой.',
    );
    expect((await stored()).staffRoleId).toBe(ids.staffRoleId);

    // The moderator still changes the other settings.
    // (With no moderation channel set, a flag setting's answer says where cases wait.)
    expect((await settings(ids.moderator, 'set', { flag_threshold: 7 })).content).toBe('Settings saved.\n⚠️ No moderation channel is set: new flag cases wait unseen in `/flags queue`. Set one with `/settings set mod_channel`.');
    expect((await settings(ids.moderator, 'clear', { setting: 'flag_threshold' })).content).toBe('Setting reset to its default.\n⚠️ No moderation channel is set: new flag cases wait unseen in `/flags queue`. Set one with `/settings set mod_channel`.');
  });

  it('lets Manage Server and Administrator change and clear it', async () => {
    const { ids, fake } = bot;
    const other = fake.addRole(ids.guildId, { name: 'Helpers' });
    const admin = fake.addRole(ids.guildId, { name: 'Admins', permissions: PermissionFlagsBits.Administrator });
    fake.setMemberRoles(ids.guildId, ids.dave, [admin.id]);

    expect((await settings(ids.ownerId, 'set', { staff_role: other.id })).content).toBe('Settings saved.');
    expect((await stored()).staffRoleId).toBe(other.id);
    expect((await settings(ids.dave, 'set', { staff_role: ids.staffRoleId })).content).toBe('Settings saved.');
    expect((await stored()).staffRoleId).toBe(ids.staffRoleId);
    expect((await settings(ids.dave, 'clear', { setting: 'staff_role' })).content).toBe('Setting reset to its default.');
    expect((await stored()).staffRoleId).toBeNull();
  });
});
