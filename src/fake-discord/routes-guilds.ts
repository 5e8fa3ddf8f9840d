// REST routes for guilds, members, roles and bans.
import { ChannelType, GatewayDispatchEvents, GatewayIntentBits, PermissionFlagsBits, RESTJSONErrorCodes, type APIOverwrite } from 'discord-api-types/v10';
import { noContent, ok, type FakeRest, type RouteContext } from './rest.js';
import type { RouteDeps, RouteHelpers } from './route-helpers.js';
import { DiscordHttpError, Errors, clone, compareSnowflakes, optBoolean, optNumber, optString } from './util.js';

const MAX_TIMEOUT_MS = 28 * 24 * 60 * 60 * 1000;

export function registerGuildRoutes(rest: FakeRest, deps: RouteDeps, h: RouteHelpers): void {
  const { state, actions } = deps;
  const bot = state.botUser;
  const { guildOr404, needGuild, needAbove, memberOr404, limitParam } = h;

  // ---------------------------------------------------------------- guilds

  rest.route('GET', '/guilds/:guildId', (ctx) => ok(state.renderGuild(guildOr404(ctx.params['guildId']), ctx.query.get('with_counts') === 'true')));
  rest.route('GET', '/guilds/:guildId/channels', (ctx) => {
    const guild = guildOr404(ctx.params['guildId']);
    return ok(state.guildChannels(guild.id).filter((c) => !c.thread).map((c) => state.renderChannel(c)));
  });
  rest.route('POST', '/guilds/:guildId/channels', (ctx) => {
    const guild = guildOr404(ctx.params['guildId']);
    needGuild(guild, PermissionFlagsBits.ManageChannels);
    const channel = state.createChannel({
      guildId: guild.id,
      type: (optNumber(ctx.body['type']) ?? ChannelType.GuildText) as ChannelType,
      name: channelName(ctx.body['name']),
      parentId: optString(ctx.body['parent_id']) ?? null,
      topic: optString(ctx.body['topic']) ?? null,
      permissionOverwrites: Array.isArray(ctx.body['permission_overwrites']) ? (ctx.body['permission_overwrites'] as APIOverwrite[]) : [],
    });
    actions.dispatch(GatewayDispatchEvents.ChannelCreate, state.renderChannel(channel));
    return ok(state.renderChannel(channel), 201);
  });
  rest.route('GET', '/guilds/:guildId/threads/active', (ctx) => {
    const guild = guildOr404(ctx.params['guildId']);
    const threads = state.guildChannels(guild.id).filter((c) => c.thread && !c.thread.archived);
    const members = threads.filter((t) => t.thread?.members.has(bot.id)).map((t) => state.renderThreadMember(t, bot.id, false));
    return ok({ threads: threads.map((t) => state.renderChannel(t)), members });
  });
  rest.route('GET', '/guilds/:guildId/roles', (ctx) => ok([...guildOr404(ctx.params['guildId']).roles.values()].map((r) => clone(r))));
  rest.route('POST', '/guilds/:guildId/roles', (ctx) => {
    const guild = guildOr404(ctx.params['guildId']);
    needGuild(guild, PermissionFlagsBits.ManageRoles);
    const role = state.addRole(guild, {
      name: optString(ctx.body['name']) ?? 'new role',
      permissions: BigInt(optString(ctx.body['permissions']) ?? state.guild(guild.id)?.roles.get(guild.id)?.permissions ?? '0'),
      color: optNumber(ctx.body['color']) ?? 0,
      hoist: optBoolean(ctx.body['hoist']) ?? false,
      mentionable: optBoolean(ctx.body['mentionable']) ?? false,
    });
    actions.dispatch(GatewayDispatchEvents.GuildRoleCreate, { guild_id: guild.id, role: clone(role) });
    return ok(clone(role));
  });
  rest.route('DELETE', '/guilds/:guildId/roles/:roleId', (ctx) => {
    const guild = guildOr404(ctx.params['guildId']);
    needGuild(guild, PermissionFlagsBits.ManageRoles);
    const role = guild.roles.get(ctx.params['roleId'] ?? '');
    if (!role) throw Errors.unknownRole();
    if (role.id === guild.id || role.managed) throw Errors.invalidRole();
    if (role.position >= state.highestRolePosition(guild, bot.id)) throw Errors.missingPermissions();
    state.deleteRole(guild, role.id);
    actions.dispatch(GatewayDispatchEvents.GuildRoleDelete, { guild_id: guild.id, role_id: role.id });
    return noContent;
  });
  rest.route('GET', '/guilds/:guildId/emojis', (ctx) => ok([...guildOr404(ctx.params['guildId']).emojis.values()].map((e) => clone(e))));
  rest.route('GET', '/guilds/:guildId/emojis/:emojiId', (ctx) => {
    const emoji = guildOr404(ctx.params['guildId']).emojis.get(ctx.params['emojiId'] ?? '');
    if (!emoji) throw new DiscordHttpError(404, RESTJSONErrorCodes.UnknownEmoji, 'Unknown Emoji');
    return ok(clone(emoji));
  });

  rest.route('GET', '/guilds/:guildId/members/:userId', (ctx) => {
    const guild = guildOr404(ctx.params['guildId']);
    return ok(state.renderMember(memberOr404(guild, ctx.params['userId'])));
  });
  rest.route('GET', '/guilds/:guildId/members', (ctx) => {
    const guild = guildOr404(ctx.params['guildId']);
    if (!(deps.allowedPrivilegedIntents & GatewayIntentBits.GuildMembers)) throw Errors.missingAccess();
    const limit = limitParam(ctx, 1, 1000);
    const after = ctx.query.get('after') ?? '0';
    const members = [...guild.members.values()]
      .sort((a, b) => compareSnowflakes(a.userId, b.userId))
      .filter((m) => compareSnowflakes(m.userId, after) > 0)
      .slice(0, limit);
    return ok(members.map((m) => state.renderMember(m)));
  });
  rest.route('GET', '/guilds/:guildId/members/search', (ctx) => {
    const guild = guildOr404(ctx.params['guildId']);
    const query = (ctx.query.get('query') ?? '').toLowerCase();
    const limit = limitParam(ctx, 1, 1000);
    const members = [...guild.members.values()].filter((m) => {
      const user = state.renderUserById(m.userId);
      return user.username.toLowerCase().startsWith(query) || (user.global_name ?? '').toLowerCase().startsWith(query) || (m.nick ?? '').toLowerCase().startsWith(query);
    });
    return ok(members.slice(0, limit).map((m) => state.renderMember(m)));
  });

  rest.route('PATCH', '/guilds/:guildId/members/@me', (ctx) => {
    const guild = guildOr404(ctx.params['guildId']);
    const member = memberOr404(guild, bot.id);
    if ('nick' in ctx.body) {
      needGuild(guild, PermissionFlagsBits.ChangeNickname);
      member.nick = optString(ctx.body['nick']) || null;
      actions.guildMemberUpdate(guild, member);
    }
    return ok(state.renderMember(member));
  });

  rest.route('PATCH', '/guilds/:guildId/members/:userId', (ctx) => {
    const guild = guildOr404(ctx.params['guildId']);
    const member = memberOr404(guild, ctx.params['userId']);
    const body = ctx.body;
    let changed = false;
    if ('communication_disabled_until' in body) {
      needGuild(guild, PermissionFlagsBits.ModerateMembers);
      const until = body['communication_disabled_until'];
      if (until !== null && until !== undefined) {
        needAbove(guild, member.userId);
        if (state.isAdmin(guild, member.userId)) throw Errors.missingPermissions();
        const at = Date.parse(String(until));
        if (Number.isNaN(at)) throw Errors.invalidForm('communication_disabled_until', 'Could not parse ' + String(until) + '. Should be ISO8601.', 'DATE_TIME_TYPE_PARSE');
        if (at - state.now() > MAX_TIMEOUT_MS) {
          throw Errors.invalidForm('communication_disabled_until', 'Invalid communication disabled timestamp', 'COMMUNICATION_DISABLED_TIMESTAMP_TOO_LARGE');
        }
        member.communicationDisabledUntil = at > state.now() ? new Date(at).toISOString() : null;
      } else {
        needAbove(guild, member.userId);
        member.communicationDisabledUntil = null;
      }
      changed = true;
    }
    if ('nick' in body) {
      needGuild(guild, PermissionFlagsBits.ManageNicknames);
      if (member.userId !== bot.id) needAbove(guild, member.userId);
      member.nick = optString(body['nick']) || null;
      changed = true;
    }
    if (Array.isArray(body['roles'])) {
      needGuild(guild, PermissionFlagsBits.ManageRoles);
      const roles = body['roles'].map(String);
      const top = state.highestRolePosition(guild, bot.id);
      const touched = [...roles.filter((r) => !member.roles.includes(r)), ...member.roles.filter((r) => !roles.includes(r))];
      for (const roleId of touched) {
        const role = guild.roles.get(roleId);
        if (!role) throw Errors.unknownRole();
        if (role.managed || role.position >= top) throw Errors.missingPermissions();
      }
      member.roles = roles;
      changed = true;
    }
    const mute = optBoolean(body['mute']);
    if (mute !== undefined) {
      needGuild(guild, PermissionFlagsBits.MuteMembers);
      member.mute = mute;
      changed = true;
    }
    const deaf = optBoolean(body['deaf']);
    if (deaf !== undefined) {
      needGuild(guild, PermissionFlagsBits.DeafenMembers);
      member.deaf = deaf;
      changed = true;
    }
    if (changed) actions.guildMemberUpdate(guild, member);
    if ('channel_id' in body) {
      needGuild(guild, PermissionFlagsBits.MoveMembers);
      if (!guild.voiceStates.has(member.userId)) throw new DiscordHttpError(400, 40032, 'Target user is not connected to voice.');
      const target = optString(body['channel_id']) ?? null;
      actions.voice(guild, member.userId, target);
    }
    return ok(state.renderMember(member));
  });

  const memberRole = (ctx: RouteContext, add: boolean) => {
    const guild = guildOr404(ctx.params['guildId']);
    const member = memberOr404(guild, ctx.params['userId']);
    needGuild(guild, PermissionFlagsBits.ManageRoles);
    const role = guild.roles.get(ctx.params['roleId'] ?? '');
    if (!role) throw Errors.unknownRole();
    if (role.managed || role.position >= state.highestRolePosition(guild, bot.id)) throw Errors.missingPermissions();
    const has = member.roles.includes(role.id);
    if (add && !has) member.roles = [...member.roles, role.id];
    if (!add && has) member.roles = member.roles.filter((r) => r !== role.id);
    if (add !== has) actions.guildMemberUpdate(guild, member);
    return noContent;
  };
  rest.route('PUT', '/guilds/:guildId/members/:userId/roles/:roleId', (ctx) => memberRole(ctx, true));
  rest.route('DELETE', '/guilds/:guildId/members/:userId/roles/:roleId', (ctx) => memberRole(ctx, false));

  rest.route('DELETE', '/guilds/:guildId/members/:userId', (ctx) => {
    const guild = guildOr404(ctx.params['guildId']);
    const member = memberOr404(guild, ctx.params['userId']);
    needGuild(guild, PermissionFlagsBits.KickMembers);
    needAbove(guild, member.userId);
    actions.guildMemberRemove(guild, member.userId);
    return noContent;
  });

  rest.route('PUT', '/guilds/:guildId/bans/:userId', (ctx) => {
    const guild = guildOr404(ctx.params['guildId']);
    needGuild(guild, PermissionFlagsBits.BanMembers);
    const userId = ctx.params['userId'] ?? '';
    if (!state.user(userId)) throw Errors.unknownUser();
    if (guild.members.has(userId)) needAbove(guild, userId);
    guild.bans.set(userId, { reason: ctx.headers['x-audit-log-reason'] ? decodeURIComponent(ctx.headers['x-audit-log-reason']) : null });
    actions.dispatch(GatewayDispatchEvents.GuildBanAdd, { guild_id: guild.id, user: state.renderUserById(userId) });
    const seconds = optNumber(ctx.body['delete_message_seconds']) ?? 0;
    if (seconds > 0) {
      const since = state.now() - seconds * 1000;
      for (const channel of state.guildChannels(guild.id)) {
        const doomed = state.liveMessages(channel.id).filter((r) => r.message.author.id === userId && Date.parse(r.message.timestamp) >= since);
        if (doomed.length === 1 && doomed[0]) actions.deleteMessage(doomed[0]);
        else if (doomed.length > 1) actions.bulkDelete(channel, doomed);
      }
    }
    if (guild.members.has(userId)) actions.guildMemberRemove(guild, userId);
    return noContent;
  });
  rest.route('DELETE', '/guilds/:guildId/bans/:userId', (ctx) => {
    const guild = guildOr404(ctx.params['guildId']);
    needGuild(guild, PermissionFlagsBits.BanMembers);
    const userId = ctx.params['userId'] ?? '';
    if (!guild.bans.delete(userId)) throw Errors.unknownBan();
    actions.dispatch(GatewayDispatchEvents.GuildBanRemove, { guild_id: guild.id, user: state.renderUserById(userId) });
    return noContent;
  });
  rest.route('GET', '/guilds/:guildId/bans/:userId', (ctx) => {
    const guild = guildOr404(ctx.params['guildId']);
    needGuild(guild, PermissionFlagsBits.BanMembers);
    const ban = guild.bans.get(ctx.params['userId'] ?? '');
    if (!ban) throw Errors.unknownBan();
    return ok({ reason: ban.reason, user: state.renderUserById(ctx.params['userId'] ?? '') });
  });

}

function channelName(value: unknown): string {
  const name = optString(value);
  if (!name || name.length > 100) throw Errors.invalidForm('name', 'Must be between 1 and 100 in length.', 'BASE_TYPE_BAD_LENGTH');
  return name;
}
