// The one list of permissions Pulse uses: the invite's bitfield and what /pulse about reports missing.
import { PermissionFlagsBits as P } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { t } from '../../src/i18n/index.js';
import { inviteUrl, missingPermissions, requiredPermissionBits, requiredPermissions } from '../../src/discord/permissions.js';

describe('required permissions', () => {
  it('are exactly the ones Pulse uses, and the invite asks for those bits', () => {
    expect(requiredPermissions.map((p) => t('en', p.name))).toEqual([
      'View Channels', 'Send Messages', 'Embed Links', 'Attach Files', 'Read Message History', 'Create Polls',
      'Create Public Threads', 'Send Messages in Threads', 'Manage Threads', 'Manage Channels', 'Manage Messages', 'Timeout Members',
    ]);
    const expected = P.ViewChannel | P.SendMessages | P.EmbedLinks | P.AttachFiles | P.ReadMessageHistory | P.SendPolls | P.CreatePublicThreads | P.SendMessagesInThreads | P.ManageThreads | P.ManageChannels | P.ManageMessages | P.ModerateMembers;
    expect(requiredPermissionBits).toBe(expected);
    expect(requiredPermissionBits & P.Administrator).toBe(0n);

    const url = new URL(inviteUrl('123456789012345678'));
    expect(url.origin + url.pathname).toBe('https://discord.com/oauth2/authorize');
    expect(url.searchParams.get('client_id')).toBe('123456789012345678');
    expect(url.searchParams.get('scope')).toBe('bot applications.commands');
    expect(BigInt(url.searchParams.get('permissions')!)).toBe(expected);
  });

  it('reports what is missing; Administrator covers everything', () => {
    expect(missingPermissions(requiredPermissionBits)).toEqual([]);
    expect(missingPermissions(P.Administrator)).toEqual([]);
    expect(missingPermissions(requiredPermissionBits & ~P.SendPolls & ~P.ManageThreads).map((p) => t('en', p.name))).toEqual(['Create Polls', 'Manage Threads']);
    expect(missingPermissions(0n)).toHaveLength(requiredPermissions.length);
  });
});
