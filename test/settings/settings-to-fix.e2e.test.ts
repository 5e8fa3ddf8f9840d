// Settings that stopped working since staff set them (a channel or the staff role deleted, a
// channel the bot was shut out of) are named to staff in /pulse about and /settings answers.
import { ChannelType, PermissionFlagsBits } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { updateSettings } from '../../src/settings/store.js';
import { TestBot } from '../support/bot.js';

describe('settings to fix', () => {
  let bot: TestBot;

  beforeEach(async () => {
    bot = await TestBot.start();
  });
  afterEach(async () => {
    const errors = bot.errors;
    await bot.close();
    expect(errors).toEqual([]);
  });

  const fields = async (userId: string, name: 'pulse' | 'settings', subcommand: string, locale?: string) =>
    (await bot.fake.slash({ guildId: bot.ids.guildId, channelId: bot.ids.general, userId, name, subcommand, ...(locale ? { locale } : {}) }).reply()).embeds[0]?.fields ?? [];
  const toFix = async (userId: string, name: 'pulse' | 'settings', subcommand: string, locale?: string) =>
    (await fields(userId, name, subcommand, locale)).find((f) => ['Settings to fix', 'Ajustes que corregir', 'Настройки, которые нужно исправить'].includes(f.name))?.value;

  it('names a deleted channel, a channel the bot cannot use and a deleted staff role, to staff only', async () => {
    const { ids, fake } = bot;
    await updateSettings(bot.db, ids.guildId, { staffChannelId: ids.staffChannel, modChannelId: ids.modChannel }, bot.clock.now());
    // The moderation channel for moderators only (and Pulse): all is well, no note.
    const everyoneHidden = { id: ids.guildId, type: 0, allow: '0', deny: String(PermissionFlagsBits.ViewChannel) } as const;
    fake.setChannelOverwrites(ids.modChannel, [everyoneHidden, { id: fake.appId, type: 1, allow: String(PermissionFlagsBits.ViewChannel), deny: '0' }]);
    await fake.waitFor(() => bot.app.client.guilds.cache.get(ids.guildId)?.channels.cache.get(ids.modChannel)?.permissionsFor(ids.guildId)?.has(PermissionFlagsBits.ViewChannel) === false);
    expect(await toFix(ids.ownerId, 'pulse', 'about')).toBeUndefined();
    expect(await toFix(ids.ownerId, 'settings', 'show')).toBeUndefined();

    fake.deleteChannel(ids.staffChannel);
    fake.setChannelOverwrites(ids.modChannel, [everyoneHidden, { id: fake.appId, type: 1, allow: '0', deny: String(PermissionFlagsBits.ViewChannel) }]);
    const client = bot.app.client;
    await fake.waitFor(() => !client.channels.cache.has(ids.staffChannel) && client.guilds.cache.get(ids.guildId)?.channels.cache.get(ids.modChannel)?.permissionsFor(fake.appId)?.has(PermissionFlagsBits.ViewChannel) === false);

    const expected = [
      '**Staff channel (digests)**: that channel no longer exists. Pick another with `/settings set`, or `/settings clear` it.',
      `**Moderation channel**: I need View Channel in <#${ids.modChannel}>. Ask an admin, or pick another channel.`,
    ].join('\n');
    const about = await fields(ids.ownerId, 'pulse', 'about');
    // Server-wide the bot has everything: the channels are what needs fixing.
    expect(about).toEqual([
      { name: 'Permissions (shown to staff)', value: 'Server-wide, I have every permission I use.' },
      { name: 'Settings to fix', value: expected },
    ]);
    expect(await toFix(ids.ownerId, 'settings', 'show')).toBe(expected);

    // The staff role, deleted (roles all come with the server: one the bot does not know is gone).
    await updateSettings(bot.db, ids.guildId, { staffRoleId: '900000000000009999' }, bot.clock.now());
    expect(await toFix(ids.ownerId, 'settings', 'show')).toBe(
      `${expected}\n**Staff role**: that role no longer exists, so only members with Manage Server count as staff. Pick another with \`/settings set\`, or \`/settings clear\` it.`,
    );
    // In the reader's language.
    expect(await toFix(ids.ownerId, 'pulse', 'about', 'es-ES')).toBe(
      [
        '**Canal del equipo (resúmenes)**: ese canal ya no existe. Elige otro con `/ajustes cambiar` o restablécelo con `/ajustes restablecer`.',
        `**Canal de moderación**: necesito Ver canal en <#${ids.modChannel}>. Pídeselo a un administrador o elige otro canal.`,
        '**Rol del equipo**: ese rol ya no existe, así que solo los miembros con Gestionar servidor cuentan como equipo. Elige otro con `/ajustes cambiar` o restablécelo con `/ajustes restablecer`.',
      ].join('\n'),
    );
    expect(await toFix(ids.ownerId, 'settings', 'show', 'ru')).toContain('**Канал команды (сводки)**: этого канала больше нет.');

    // Not for members.
    expect(await fields(ids.alice, 'pulse', 'about')).toEqual([]);
  });

  it('checks a forum feedback channel against what feedback needs there, and a fix clears the note', async () => {
    const { ids, fake } = bot;
    const forum = fake.addChannel(ids.guildId, { name: 'ideas', type: ChannelType.GuildForum });
    await updateSettings(bot.db, ids.guildId, { feedbackChannelId: forum.id }, bot.clock.now());
    fake.setChannelOverwrites(forum.id, [{ id: fake.appId, type: 1, allow: '0', deny: String(PermissionFlagsBits.ManageThreads | PermissionFlagsBits.ManageChannels) }]);
    await fake.waitFor(() => bot.app.client.guilds.cache.get(ids.guildId)?.channels.cache.get(forum.id)?.permissionsFor(fake.appId)?.has(PermissionFlagsBits.ManageThreads) === false);
    expect(await toFix(ids.ownerId, 'settings', 'show')).toBe(`**Feedback channel**: I need Manage Threads and Manage Channels in <#${forum.id}>. Ask an admin, or pick another channel.`);

    // Cleared: nothing left to fix (the answer to the clear says so already).
    const cleared = await bot.fake.slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.ownerId, name: 'settings', subcommand: 'clear', options: { setting: 'feedback_channel' } }).reply();
    expect(cleared.content).toBe('Setting reset to its default.');
    expect(cleared.embeds[0]?.fields?.map((f) => f.name)).not.toContain('Settings to fix');
  });


  it('a moderation channel everyone can read is named in the settings to fix, in the reader\'s language: its cases name who flagged privately', async () => {
    const { ids, fake } = bot;
    await updateSettings(bot.db, ids.guildId, { modChannelId: ids.modChannel }, bot.clock.now());
    // The fake's channels have no overwrites: everyone can read #mod.
    expect(await toFix(ids.ownerId, 'settings', 'show')).toBe(
      `**Moderation channel**: everyone can read <#${ids.modChannel}>, and flag cases there name who flagged privately and what they wrote. Make the channel visible to moderators only, or pick another.`,
    );
    expect(await toFix(ids.ownerId, 'settings', 'show', 'ru')).toContain(`видят все`);
    // Hidden from @everyone, shown to Pulse: nothing to fix.
    fake.setChannelOverwrites(ids.modChannel, [
      { id: ids.guildId, type: 0, allow: '0', deny: String(PermissionFlagsBits.ViewChannel) },
      { id: fake.appId, type: 1, allow: String(PermissionFlagsBits.ViewChannel), deny: '0' },
    ]);
    await fake.waitFor(() => bot.app.client.guilds.cache.get(ids.guildId)?.channels.cache.get(ids.modChannel)?.permissionsFor(ids.guildId)?.has(PermissionFlagsBits.ViewChannel) === false);
    expect(await toFix(ids.ownerId, 'settings', 'show')).toBeUndefined();
  });
});
