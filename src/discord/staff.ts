// Who counts as staff: Manage Server, or the role staff configured in /settings.
import { PermissionFlagsBits, type GuildMember, type Interaction } from 'discord.js';
import type { APIInteractionGuildMember } from 'discord-api-types/v10';
import { msg } from '../i18n/index.js';
import { UserError } from './errors.js';

type MemberLike = GuildMember | APIInteractionGuildMember | null;

function roleIds(member: MemberLike): string[] {
  if (!member) return [];
  return Array.isArray(member.roles) ? member.roles : [...member.roles.cache.keys()];
}

/** Checked on our side too: default_member_permissions can be changed by server admins. */
export function isStaff(interaction: Interaction, staffRoleId: string | null): boolean {
  if (interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) return true;
  return staffRoleId !== null && roleIds(interaction.member as MemberLike).includes(staffRoleId);
}

export function requireStaff(interaction: Interaction, staffRoleId: string | null): void {
  if (!isStaff(interaction, staffRoleId)) {
    throw new UserError(msg('staff.only'));
  }
}
