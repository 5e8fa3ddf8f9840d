// The stand-in server the playground shows: one guild, its roles, channels and a few hundred members.
import { ChannelType, PermissionFlagsBits } from 'discord-api-types/v10';
import { requiredPermissionBits } from '../discord/permissions.js';
import type { FakeDiscord } from '../fake-discord/index.js';

const DAY = 86_400_000;

export const ids = {
  guild: '1100000000000000001',
  owner: '1100000000000000010',
  moderatorRole: '1100000000000000020',
  general: '1100000000000000100',
  random: '1100000000000000101',
  showcase: '1100000000000000102',
  announcements: '1100000000000000103',
  staff: '1100000000000000104',
  mod: '1100000000000000105',
  lounge: '1100000000000000106',
  feedback: '1100000000000000107',
  moderator: '1100000000000000201',
} as const;

/** Channels members chat in (the history generator spreads activity over them). */
export const chatChannels = [ids.general, ids.random, ids.showcase, ids.announcements] as const;

/** Someone the visitor can be. */
export interface Persona {
  id: string;
  name: string;
  role: 'owner' | 'moderator' | 'member';
}

export interface Member {
  id: string;
  name: string;
  joinedAt: number;
}

export interface World {
  guildId: string;
  personas: Persona[];
  /** Everyone in the server now (personas included), the owner first. */
  members: Member[];
  /** People who joined and left during the history (not members any more). */
  departed: Member[];
}

const FIRST = ['alex', 'sam', 'jo', 'kim', 'lee', 'max', 'ren', 'ari', 'nia', 'tom', 'eva', 'ivy', 'leo', 'mia', 'noa', 'oli', 'pia', 'ray', 'sky', 'zoe', 'finn', 'ines', 'yuki', 'omar', 'lena'];
const LAST = ['fox', 'oak', 'ray', 'sun', 'byte', 'wave', 'moss', 'reed', 'star', 'pine', 'dune', 'lake'];

/** A member id: stable, so a kept playground database still matches a new run's world. */
const memberId = (i: number) => String(1100000000000001000n + BigInt(i));

/** Builds the guild in the fake. `now` anchors join dates; the world is the same for the same size. */
export function buildWorld(fake: FakeDiscord, now: number, size = 300): World {
  const guild = fake.addGuild({ id: ids.guild, name: 'Pixel Makers', ownerId: ids.owner, ownerName: 'olivia' });
  // Exactly what `pulse invite` asks for, not the stand-in's default Administrator.
  fake.setBotPermissions(ids.guild, requiredPermissionBits);
  fake.addRole(ids.guild, {
    id: ids.moderatorRole,
    name: 'Moderators',
    permissions: PermissionFlagsBits.ManageMessages | PermissionFlagsBits.KickMembers | PermissionFlagsBits.ModerateMembers,
    color: 0x3ba55c,
    hoist: true,
  });
  const staffOnly = [
    { id: ids.guild, type: 0 as const, allow: '0', deny: String(PermissionFlagsBits.ViewChannel) },
    { id: ids.moderatorRole, type: 0 as const, allow: String(PermissionFlagsBits.ViewChannel), deny: '0' },
    { id: guild.botRoleId, type: 0 as const, allow: String(PermissionFlagsBits.ViewChannel), deny: '0' },
  ];
  const channels: Array<{ id: string; name: string; topic?: string; type?: ChannelType; permissionOverwrites?: typeof staffOnly }> = [
    { id: ids.general, name: 'general', topic: 'Say hi, share what you are making' },
    { id: ids.random, name: 'random', topic: 'Anything goes' },
    { id: ids.showcase, name: 'showcase', topic: 'Show your work' },
    { id: ids.announcements, name: 'announcements', topic: 'News from the team' },
    // A forum: /feedback submit opens a post here; Pulse creates its status and category tags.
    { id: ids.feedback, name: 'feedback', type: ChannelType.GuildForum, topic: 'Ideas and bugs: /feedback submit opens a post' },
    { id: ids.staff, name: 'staff', topic: 'Staff only: digests land here', permissionOverwrites: staffOnly },
    { id: ids.mod, name: 'mod-review', topic: 'Staff only: flagged messages to review', permissionOverwrites: staffOnly },
    { id: ids.lounge, name: 'Lounge', type: ChannelType.GuildVoice },
  ];
  for (const [position, c] of channels.entries()) fake.addChannel(ids.guild, { ...c, position });

  const personas: Persona[] = [
    { id: ids.owner, name: 'olivia', role: 'owner' },
    { id: ids.moderator, name: 'marco', role: 'moderator' },
  ];
  const members: Member[] = [{ id: ids.owner, name: 'olivia', joinedAt: now - 400 * DAY }];
  fake.addMember(ids.guild, { id: ids.moderator, username: 'marco', roles: [ids.moderatorRole], joinedAt: new Date(now - 380 * DAY) });
  members.push({ id: ids.moderator, name: 'marco', joinedAt: now - 380 * DAY });
  const departed: Member[] = [];
  const leaving = Math.round(size / 15);
  for (let i = 0; i < size + leaving; i++) {
    const name = `${FIRST[i % FIRST.length]!}${i >= FIRST.length ? `_${LAST[Math.floor(i / FIRST.length) % LAST.length]!}${i >= FIRST.length * LAST.length ? i : ''}` : ''}`;
    // The first ~70% were there before the history starts; the rest joined during it.
    const joinedAt = i < size * 0.7 ? now - (100 + ((i * 37) % 300)) * DAY : now - (((i * 53) % 89) + 1) * DAY;
    const member = { id: memberId(i), name, joinedAt };
    if (i >= size) {
      departed.push(member);
      continue;
    }
    fake.addMember(ids.guild, { id: member.id, username: name, joinedAt: new Date(joinedAt) });
    members.push(member);
    if (i < 4) personas.push({ id: member.id, name, role: 'member' });
  }
  return { guildId: ids.guild, personas, members, departed };
}
