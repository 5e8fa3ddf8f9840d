// Checks of the bot's own permissions in a channel before it promises to post there.
import { PermissionFlagsBits, type Guild } from 'discord.js';
import { msg, type MessageKey } from '../i18n/index.js';
import { UserError } from './errors.js';

/** A permission with the catalogue key of the name Discord's settings show for it. */
export type NamedPermission = readonly [flag: bigint, name: MessageKey];

export const botPermission = {
  view: [PermissionFlagsBits.ViewChannel, 'perm.viewChannel'],
  send: [PermissionFlagsBits.SendMessages, 'perm.sendMessages'],
  embed: [PermissionFlagsBits.EmbedLinks, 'perm.embedLinks'],
  attach: [PermissionFlagsBits.AttachFiles, 'perm.attachFiles'],
  createThreads: [PermissionFlagsBits.CreatePublicThreads, 'perm.createPublicThreads'],
  polls: [PermissionFlagsBits.SendPolls, 'perm.createPolls'],
} as const satisfies Record<string, NamedPermission>;

/**
 * The names of the permissions the bot lacks in a channel, or null when the channel or the
 * bot's member is not cached (Discord then tells at send time, and the error boundary says so).
 */
export function botMissing(guild: Guild | null, channelId: string, needed: readonly NamedPermission[]): MessageKey[] | null {
  const channel = guild?.channels.cache.get(channelId);
  const me = guild?.members.me;
  if (!channel || !me || !('permissionsFor' in channel)) return null;
  const perms = channel.permissionsFor(me);
  return needed.filter(([flag]) => !perms?.has(flag)).map(([, name]) => name);
}

/** Refuses, with what to fix, when the bot lacks any of `needed` in the channel. */
export function requireBotCan(guild: Guild | null, channelId: string, needed: readonly NamedPermission[]): void {
  const missing = botMissing(guild, channelId, needed);
  if (missing?.length) {
    throw new UserError(msg('perm.cantPost', { channel: channelId, missing: missing.map((key) => msg(key)) }));
  }
}
