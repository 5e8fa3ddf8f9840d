// Who may read a private thread: channel permissions alone are the parent's, so membership counts too.
import { ChannelType, PermissionFlagsBits, type GuildBasedChannel, type PermissionsBitField } from 'discord.js';

/**
 * Whether thread membership lets the member read `channel`, given their permissions there
 * (`channel.permissionsFor`, which for a thread are its parent's): true for any channel but a
 * private thread, and in a private thread for members who manage threads or belong to it.
 * False when membership cannot be read.
 */
export async function threadLetsIn(channel: GuildBasedChannel, memberId: string, permissions: Readonly<PermissionsBitField>): Promise<boolean> {
  if (channel.type !== ChannelType.PrivateThread || permissions.has(PermissionFlagsBits.ManageThreads)) return true;
  return (await channel.members.fetch({ member: memberId }).catch(() => null)) !== null;
}
