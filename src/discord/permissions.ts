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
  sendInThreads: [PermissionFlagsBits.SendMessagesInThreads, 'perm.sendMessagesInThreads'],
  manageThreads: [PermissionFlagsBits.ManageThreads, 'perm.manageThreads'],
  manageChannels: [PermissionFlagsBits.ManageChannels, 'perm.manageChannels'],
  history: [PermissionFlagsBits.ReadMessageHistory, 'perm.readMessageHistory'],
} as const satisfies Record<string, NamedPermission>;

/** A server-wide permission Pulse asks for in its invite, and what it is for (catalogue keys). */
export interface RequiredPermission {
  readonly flag: bigint;
  readonly name: MessageKey;
  readonly why: MessageKey;
}

/**
 * Every permission Pulse uses, and nothing more: the one list behind `pulse invite` (the
 * OAuth2 URL's bitfield), `/pulse about` (what is missing) and the README.
 */
export const requiredPermissions: readonly RequiredPermission[] = [
  { flag: PermissionFlagsBits.ViewChannel, name: 'perm.viewChannels', why: 'perm.why.view' },
  { flag: PermissionFlagsBits.SendMessages, name: 'perm.sendMessages', why: 'perm.why.send' },
  { flag: PermissionFlagsBits.EmbedLinks, name: 'perm.embedLinks', why: 'perm.why.embed' },
  { flag: PermissionFlagsBits.AttachFiles, name: 'perm.attachFiles', why: 'perm.why.attach' },
  { flag: PermissionFlagsBits.ReadMessageHistory, name: 'perm.readMessageHistory', why: 'perm.why.history' },
  { flag: PermissionFlagsBits.SendPolls, name: 'perm.createPolls', why: 'perm.why.polls' },
  { flag: PermissionFlagsBits.CreatePublicThreads, name: 'perm.createPublicThreads', why: 'perm.why.createThreads' },
  { flag: PermissionFlagsBits.SendMessagesInThreads, name: 'perm.sendMessagesInThreads', why: 'perm.why.sendInThreads' },
  { flag: PermissionFlagsBits.ManageThreads, name: 'perm.manageThreads', why: 'perm.why.manageThreads' },
  { flag: PermissionFlagsBits.ManageChannels, name: 'perm.manageChannels', why: 'perm.why.manageChannels' },
  { flag: PermissionFlagsBits.ManageMessages, name: 'perm.manageMessages', why: 'perm.why.manageMessages' },
  { flag: PermissionFlagsBits.ModerateMembers, name: 'perm.moderateMembers', why: 'perm.why.moderate' },
];

/** The invite's permissions bitfield: every required permission. */
export const requiredPermissionBits: bigint = requiredPermissions.reduce((bits, p) => bits | p.flag, 0n);

/** The OAuth2 URL that adds Pulse to a server with exactly the permissions it uses. */
export function inviteUrl(appId: string): string {
  const query = new URLSearchParams({ client_id: appId, scope: 'bot applications.commands', permissions: requiredPermissionBits.toString() });
  return `https://discord.com/oauth2/authorize?${query.toString()}`;
}

/** The required permissions missing from a server-wide permission set (Administrator has them all). */
export function missingPermissions(granted: bigint): RequiredPermission[] {
  if (granted & PermissionFlagsBits.Administrator) return [];
  return requiredPermissions.filter((p) => (granted & p.flag) !== p.flag);
}

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
