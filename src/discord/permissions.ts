// Checks of the bot's own permissions in a channel before it promises to post there.
import { PermissionFlagsBits, type Guild } from 'discord.js';
import { UserError } from './errors.js';

/** A permission with the name Discord's settings show for it. */
export type NamedPermission = readonly [flag: bigint, name: string];

export const botPermission = {
  view: [PermissionFlagsBits.ViewChannel, 'View Channel'],
  send: [PermissionFlagsBits.SendMessages, 'Send Messages'],
  embed: [PermissionFlagsBits.EmbedLinks, 'Embed Links'],
  attach: [PermissionFlagsBits.AttachFiles, 'Attach Files'],
  createThreads: [PermissionFlagsBits.CreatePublicThreads, 'Create Public Threads'],
  polls: [PermissionFlagsBits.SendPolls, 'Create Polls'],
  sendInThreads: [PermissionFlagsBits.SendMessagesInThreads, 'Send Messages in Threads'],
  manageThreads: [PermissionFlagsBits.ManageThreads, 'Manage Threads'],
  manageChannels: [PermissionFlagsBits.ManageChannels, 'Manage Channels'],
  history: [PermissionFlagsBits.ReadMessageHistory, 'Read Message History'],
} as const satisfies Record<string, NamedPermission>;

/**
 * The names of the permissions the bot lacks in a channel, or null when the channel or the
 * bot's member is not cached (Discord then tells at send time, and the error boundary says so).
 */
export function botMissing(guild: Guild | null, channelId: string, needed: readonly NamedPermission[]): string[] | null {
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
    throw new UserError(`I can't post in <#${channelId}>: I need ${missing.join(', ')} there. Ask an admin, or pick another channel.`);
  }
}
