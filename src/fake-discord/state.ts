// The fake Discord's world: users, guilds, roles, members, channels, threads, messages and
// application commands, plus the code that renders them as Discord's API payloads and computes
// permissions the way Discord does. Nothing here talks to the network or dispatches events.
import {
  ChannelType,
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  GuildMFALevel,
  GuildNSFWLevel,
  GuildPremiumTier,
  GuildSystemChannelFlags,
  GuildVerificationLevel,
  Locale,
  MessageFlags,
  OverwriteType,
  PermissionFlagsBits,
  ThreadAutoArchiveDuration,
  type RoleFlags,
  type ThreadMemberFlags,
  type UserFlags,
  type APIApplicationCommand,
  type APIBaseVoiceState,
  type APIChannel,
  type APIEmoji,
  type APIGuild,
  type APIGuildForumTag,
  type APIGuildMember,
  type APIMessage,
  type APIOverwrite,
  type APIPartialEmoji,
  type APIReaction,
  type APIRole,
  type APIThreadChannel,
  type APIThreadMember,
  type APIUser,
  type GatewayGuildCreateDispatchData,
  type GuildFeature,
} from 'discord-api-types/v10';
import type { APIGuildMemberNoUser } from 'discord-api-types/v10';
import {
  ALL_PERMISSIONS,
  DEFAULT_EVERYONE_PERMISSIONS,
  TIMED_OUT_PERMISSIONS,
  SnowflakeGenerator,
  clone,
  compareSnowflakes,
} from './util.js';

export interface FakeUser {
  id: string;
  username: string;
  globalName: string | null;
  bot: boolean;
  avatar: string | null;
}

export interface FakeMember {
  guildId: string;
  userId: string;
  nick: string | null;
  roles: string[];
  joinedAt: string;
  deaf: boolean;
  mute: boolean;
  flags: number;
  pending: boolean;
  premiumSince: string | null;
  communicationDisabledUntil: string | null;
}

export interface FakeVoiceState {
  userId: string;
  channelId: string;
  sessionId: string;
  selfMute: boolean;
  selfDeaf: boolean;
}

export interface FakeGuild {
  id: string;
  name: string;
  ownerId: string;
  /** When the bot joined this guild. */
  joinedAt: string;
  preferredLocale: Locale;
  features: GuildFeature[];
  roles: Map<string, APIRole>;
  members: Map<string, FakeMember>;
  voiceStates: Map<string, FakeVoiceState>;
  bans: Map<string, { reason: string | null }>;
  /** The server's custom emojis, by id. */
  emojis: Map<string, APIEmoji>;
  /** The managed role Discord gives the bot when it joins. */
  botRoleId: string;
  systemChannelId: string | null;
}

export interface FakeThreadInfo {
  ownerId: string;
  archived: boolean;
  locked: boolean;
  invitable: boolean;
  autoArchiveDuration: ThreadAutoArchiveDuration;
  archiveTimestamp: string;
  createTimestamp: string;
  /** user id -> join timestamp */
  members: Map<string, string>;
  messageCount: number;
  totalMessageSent: number;
  appliedTags: string[];
}

export interface FakeChannel {
  id: string;
  type: ChannelType;
  guildId: string | null;
  name: string | null;
  parentId: string | null;
  position: number;
  topic: string | null;
  nsfw: boolean;
  rateLimitPerUser: number;
  permissionOverwrites: APIOverwrite[];
  lastMessageId: string | null;
  lastPinTimestamp: string | null;
  flags: number;
  thread: FakeThreadInfo | null;
  /** DM channels: the other user. */
  recipientId: string | null;
  /** Forum / media channels. */
  availableTags: APIGuildForumTag[];
}

export interface FakeReaction {
  emoji: APIPartialEmoji;
  /** user ids in the order they reacted */
  users: string[];
}

export interface MessageRecord {
  /** The stored message; `reactions`, `referenced_message`, `thread` and poll results are derived when rendered. */
  message: APIMessage;
  guildId: string | null;
  ephemeral: boolean;
  /** The interaction whose response/follow-up this is, if any. */
  interactionId: string | null;
  reactions: Map<string, FakeReaction>;
  /** poll answer id -> voter ids */
  pollVotes: Map<number, Set<string>>;
  pinnedAt: string | null;
  deleted: boolean;
}

/** An uploaded file as received in a multipart request. */
export interface UploadedFile {
  /** The multipart field name, e.g. `files[0]`. */
  name: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

/** Bytes served at an attachment's URL. */
export interface StoredAttachment {
  filename: string;
  contentType: string;
  data: Buffer;
}

/** The key a reaction is stored under: the custom emoji id, or the unicode emoji itself. */
export function emojiKey(emoji: APIPartialEmoji): string {
  return emoji.id ?? emoji.name ?? '';
}

export class FakeState {
  readonly users = new Map<string, FakeUser>();
  readonly guilds = new Map<string, FakeGuild>();
  readonly channels = new Map<string, FakeChannel>();
  /** channel id -> non-ephemeral messages, oldest first */
  readonly channelMessages = new Map<string, MessageRecord[]>();
  /** message id -> record (ephemeral ones included) */
  readonly messages = new Map<string, MessageRecord>();
  readonly globalCommands = new Map<string, APIApplicationCommand>();
  readonly guildCommands = new Map<string, Map<string, APIApplicationCommand>>();
  /** recipient user id -> DM channel id */
  readonly dmChannels = new Map<string, string>();
  readonly dmsClosed = new Set<string>();
  /** attachment id -> bytes served by the fake CDN */
  readonly attachments = new Map<string, StoredAttachment>();
  /**
   * The most a request's files may weigh together: Discord's default for a bot, 10 MiB (a server
   * at boost level 2 allows 50, level 3 100). Interactions report it as `attachment_size_limit`;
   * a request above it is refused with 413 / 40005. Tests lower it (FakeDiscord.setUploadLimit).
   */
  uploadLimitBytes = 10 * 1024 * 1024;

  constructor(
    readonly snowflakes: SnowflakeGenerator,
    readonly now: () => number,
    readonly appId: string,
    readonly botUser: FakeUser,
  ) {
    this.users.set(botUser.id, botUser);
  }

  isoNow(): string {
    return new Date(this.now()).toISOString();
  }

  // ---------------------------------------------------------------- lookups

  user(id: string): FakeUser | undefined {
    return this.users.get(id);
  }

  guild(id: string): FakeGuild | undefined {
    return this.guilds.get(id);
  }

  channel(id: string): FakeChannel | undefined {
    return this.channels.get(id);
  }

  /** Whether the bot and the user are both members of some guild (Discord lets a bot DM only such users). */
  sharesGuildWithBot(userId: string): boolean {
    for (const guild of this.guilds.values()) if (guild.members.has(this.botUser.id) && guild.members.has(userId)) return true;
    return false;
  }

  member(guildId: string, userId: string): FakeMember | undefined {
    return this.guilds.get(guildId)?.members.get(userId);
  }

  message(id: string): MessageRecord | undefined {
    const record = this.messages.get(id);
    return record && !record.deleted ? record : undefined;
  }

  requireGuild(id: string): FakeGuild {
    const guild = this.guilds.get(id);
    if (!guild) throw new Error(`FakeDiscord: unknown guild ${id}`);
    return guild;
  }

  requireChannel(id: string): FakeChannel {
    const channel = this.channels.get(id);
    if (!channel) throw new Error(`FakeDiscord: unknown channel ${id}`);
    return channel;
  }

  requireUser(id: string): FakeUser {
    const user = this.users.get(id);
    if (!user) throw new Error(`FakeDiscord: unknown user ${id}`);
    return user;
  }

  requireMember(guildId: string, userId: string): FakeMember {
    const member = this.member(guildId, userId);
    if (!member) throw new Error(`FakeDiscord: user ${userId} is not a member of guild ${guildId}`);
    return member;
  }

  guildChannels(guildId: string): FakeChannel[] {
    return [...this.channels.values()].filter((c) => c.guildId === guildId);
  }

  isThread(channel: FakeChannel): boolean {
    return channel.thread !== null;
  }

  /** The channel whose permission overwrites apply (a thread's parent). */
  permissionChannel(channel: FakeChannel): FakeChannel {
    if (channel.thread && channel.parentId) return this.channels.get(channel.parentId) ?? channel;
    return channel;
  }

  commandsFor(guildId: string | null): Map<string, APIApplicationCommand> {
    if (guildId === null) return this.globalCommands;
    let map = this.guildCommands.get(guildId);
    if (!map) {
      map = new Map();
      this.guildCommands.set(guildId, map);
    }
    return map;
  }

  // ---------------------------------------------------------------- creation

  addUser(input: { id?: string; username: string; globalName?: string | null; bot?: boolean }): FakeUser {
    const id = input.id ?? this.snowflakes.next();
    const existing = this.users.get(id);
    if (existing) return existing;
    const user: FakeUser = { id, username: input.username, globalName: input.globalName ?? null, bot: input.bot ?? false, avatar: null };
    this.users.set(id, user);
    return user;
  }

  createGuild(input: { id?: string; name?: string; ownerId?: string; preferredLocale?: Locale }): FakeGuild {
    const id = input.id ?? this.snowflakes.next();
    if (this.guilds.has(id)) throw new Error(`FakeDiscord: guild ${id} already exists`);
    const ownerId = input.ownerId ?? this.addUser({ username: `owner-${id.slice(-4)}` }).id;
    if (!this.users.has(ownerId)) this.addUser({ id: ownerId, username: `owner-${ownerId.slice(-4)}` });
    const botRoleId = this.snowflakes.next();
    const everyone = this.makeRole(id, { id, name: '@everyone', permissions: DEFAULT_EVERYONE_PERMISSIONS, position: 0 });
    const botRole = this.makeRole(id, { id: botRoleId, name: this.botUser.username, permissions: PermissionFlagsBits.Administrator, position: 1 });
    botRole.managed = true;
    botRole.tags = { bot_id: this.botUser.id };
    const guild: FakeGuild = {
      id,
      name: input.name ?? `Guild ${id.slice(-4)}`,
      ownerId,
      joinedAt: this.isoNow(),
      preferredLocale: input.preferredLocale ?? Locale.EnglishUS,
      features: [],
      roles: new Map([
        [everyone.id, everyone],
        [botRole.id, botRole],
      ]),
      members: new Map(),
      voiceStates: new Map(),
      bans: new Map(),
      emojis: new Map(),
      botRoleId,
      systemChannelId: null,
    };
    this.guilds.set(id, guild);
    this.putMember(guild, ownerId, {});
    this.putMember(guild, this.botUser.id, { roles: [botRoleId] });
    return guild;
  }

  makeRole(_guildId: string, input: { id?: string; name: string; permissions?: bigint; position?: number; color?: number; hoist?: boolean; mentionable?: boolean }): APIRole {
    return {
      id: input.id ?? this.snowflakes.next(),
      name: input.name,
      color: input.color ?? 0,
      colors: { primary_color: input.color ?? 0, secondary_color: null, tertiary_color: null },
      hoist: input.hoist ?? false,
      icon: null,
      unicode_emoji: null,
      position: input.position ?? 1,
      permissions: (input.permissions ?? 0n).toString(),
      managed: false,
      mentionable: input.mentionable ?? false,
      flags: 0 as RoleFlags,
    };
  }

  /** Adds a role just above @everyone (below the bot's role) unless a position is given, as Discord does. */
  addRole(guild: FakeGuild, input: { id?: string; name: string; permissions?: bigint; position?: number; color?: number; hoist?: boolean; mentionable?: boolean }): APIRole {
    const position = input.position ?? 1;
    for (const role of guild.roles.values()) if (role.id !== guild.id && role.position >= position) role.position += 1;
    const role = this.makeRole(guild.id, { ...input, position });
    guild.roles.set(role.id, role);
    return role;
  }

  /**
   * Deletes a role, as Discord does: the roles above it move down one, and it leaves every member
   * who had it (Discord sends no GUILD_MEMBER_UPDATE for that: GUILD_ROLE_DELETE says it all).
   */
  deleteRole(guild: FakeGuild, roleId: string): void {
    const role = guild.roles.get(roleId);
    if (!role) return;
    guild.roles.delete(roleId);
    for (const other of guild.roles.values()) if (other.id !== guild.id && other.position > role.position) other.position -= 1;
    for (const member of guild.members.values()) if (member.roles.includes(roleId)) member.roles = member.roles.filter((r) => r !== roleId);
  }

  putMember(guild: FakeGuild, userId: string, input: { roles?: string[]; joinedAt?: Date; nick?: string | null }): FakeMember {
    const member: FakeMember = {
      guildId: guild.id,
      userId,
      nick: input.nick ?? null,
      roles: [...(input.roles ?? [])],
      joinedAt: (input.joinedAt ?? new Date(this.now())).toISOString(),
      deaf: false,
      mute: false,
      flags: 0,
      pending: false,
      premiumSince: null,
      communicationDisabledUntil: null,
    };
    guild.members.set(userId, member);
    return member;
  }

  createChannel(input: {
    id?: string;
    guildId: string | null;
    type: ChannelType;
    name: string | null;
    parentId?: string | null;
    topic?: string | null;
    position?: number;
    permissionOverwrites?: APIOverwrite[];
    thread?: FakeThreadInfo | null;
    recipientId?: string | null;
    availableTags?: APIGuildForumTag[];
    nsfw?: boolean;
    rateLimitPerUser?: number;
    /** ChannelFlags (e.g. RequireTag on a forum). */
    flags?: number;
  }): FakeChannel {
    const id = input.id ?? this.snowflakes.next();
    if (this.channels.has(id)) throw new Error(`FakeDiscord: channel ${id} already exists`);
    const siblings = input.guildId ? this.guildChannels(input.guildId).filter((c) => !c.thread) : [];
    const channel: FakeChannel = {
      id,
      type: input.type,
      guildId: input.guildId,
      name: input.name,
      parentId: input.parentId ?? null,
      position: input.position ?? siblings.length,
      topic: input.topic ?? null,
      nsfw: input.nsfw ?? false,
      rateLimitPerUser: input.rateLimitPerUser ?? 0,
      permissionOverwrites: clone(input.permissionOverwrites ?? []),
      lastMessageId: null,
      lastPinTimestamp: null,
      flags: input.flags ?? 0,
      thread: input.thread ?? null,
      recipientId: input.recipientId ?? null,
      availableTags: input.availableTags ?? [],
    };
    this.channels.set(id, channel);
    this.channelMessages.set(id, []);
    return channel;
  }

  newThreadInfo(ownerId: string, autoArchiveDuration: ThreadAutoArchiveDuration = ThreadAutoArchiveDuration.OneDay): FakeThreadInfo {
    const now = this.isoNow();
    return {
      ownerId,
      archived: false,
      locked: false,
      invitable: true,
      autoArchiveDuration,
      archiveTimestamp: now,
      createTimestamp: now,
      members: new Map(),
      messageCount: 0,
      totalMessageSent: 0,
      appliedTags: [],
    };
  }

  /** Stores a message (in its channel's list unless ephemeral). */
  storeMessage(record: MessageRecord): MessageRecord {
    this.messages.set(record.message.id, record);
    if (!record.ephemeral) {
      const list = this.channelMessages.get(record.message.channel_id) ?? [];
      list.push(record);
      list.sort((a, b) => compareSnowflakes(a.message.id, b.message.id));
      this.channelMessages.set(record.message.channel_id, list);
      const channel = this.channels.get(record.message.channel_id);
      if (channel && (!channel.lastMessageId || compareSnowflakes(record.message.id, channel.lastMessageId) > 0)) {
        channel.lastMessageId = record.message.id;
      }
      // A forum post's starter message (same id as the thread) is not counted.
      if (channel?.thread && record.message.id !== channel.id) {
        channel.thread.messageCount += 1;
        channel.thread.totalMessageSent += 1;
      }
    }
    return record;
  }

  removeMessage(record: MessageRecord): void {
    record.deleted = true;
    const list = this.channelMessages.get(record.message.channel_id);
    if (list) {
      const index = list.indexOf(record);
      if (index >= 0) list.splice(index, 1);
    }
    const channel = this.channels.get(record.message.channel_id);
    if (channel?.thread && !record.ephemeral) channel.thread.messageCount = Math.max(0, channel.thread.messageCount - 1);
  }

  /** Live (non-deleted, non-ephemeral) messages of a channel, oldest first. */
  liveMessages(channelId: string): MessageRecord[] {
    return (this.channelMessages.get(channelId) ?? []).filter((r) => !r.deleted);
  }

  // ---------------------------------------------------------------- permissions

  /** Guild-level permissions (roles only, no channel overwrites). Owner and Administrator get everything. */
  basePermissions(guild: FakeGuild, userId: string): bigint {
    if (userId === guild.ownerId) return ALL_PERMISSIONS;
    const member = guild.members.get(userId);
    let perms = BigInt(guild.roles.get(guild.id)?.permissions ?? '0');
    for (const roleId of member?.roles ?? []) perms |= BigInt(guild.roles.get(roleId)?.permissions ?? '0');
    if (perms & PermissionFlagsBits.Administrator) return ALL_PERMISSIONS;
    if (member && this.isTimedOut(member)) perms &= TIMED_OUT_PERMISSIONS;
    return perms;
  }

  /** Permissions in a channel, following Discord's algorithm (@everyone, role, then member overwrites; threads use their parent). */
  channelPermissions(guild: FakeGuild, userId: string, channel: FakeChannel): bigint {
    const base = this.basePermissions(guild, userId);
    if (base === ALL_PERMISSIONS && (userId === guild.ownerId || this.isAdmin(guild, userId))) return ALL_PERMISSIONS;
    const target = this.permissionChannel(channel);
    const member = guild.members.get(userId);
    let perms = base;
    const everyone = target.permissionOverwrites.find((o) => o.id === guild.id);
    if (everyone) perms = (perms & ~BigInt(everyone.deny)) | BigInt(everyone.allow);
    let allow = 0n;
    let deny = 0n;
    for (const o of target.permissionOverwrites) {
      if (o.type === OverwriteType.Role && o.id !== guild.id && member?.roles.includes(o.id)) {
        allow |= BigInt(o.allow);
        deny |= BigInt(o.deny);
      }
    }
    perms = (perms & ~deny) | allow;
    const own = target.permissionOverwrites.find((o) => o.type === OverwriteType.Member && o.id === userId);
    if (own) perms = (perms & ~BigInt(own.deny)) | BigInt(own.allow);
    if (member && this.isTimedOut(member)) perms &= TIMED_OUT_PERMISSIONS;
    if (!(perms & PermissionFlagsBits.ViewChannel)) return 0n;
    if (!(perms & PermissionFlagsBits.SendMessages)) {
      perms &= ~(PermissionFlagsBits.MentionEveryone | PermissionFlagsBits.SendTTSMessages | PermissionFlagsBits.AttachFiles | PermissionFlagsBits.EmbedLinks);
    }
    return perms;
  }

  isAdmin(guild: FakeGuild, userId: string): boolean {
    const member = guild.members.get(userId);
    let perms = BigInt(guild.roles.get(guild.id)?.permissions ?? '0');
    for (const roleId of member?.roles ?? []) perms |= BigInt(guild.roles.get(roleId)?.permissions ?? '0');
    return (perms & PermissionFlagsBits.Administrator) !== 0n;
  }

  isTimedOut(member: FakeMember): boolean {
    return member.communicationDisabledUntil !== null && Date.parse(member.communicationDisabledUntil) > this.now();
  }

  /** Position of a member's highest role (owner: +Infinity). */
  highestRolePosition(guild: FakeGuild, userId: string): number {
    if (userId === guild.ownerId) return Number.POSITIVE_INFINITY;
    const member = guild.members.get(userId);
    let highest = 0;
    for (const roleId of member?.roles ?? []) highest = Math.max(highest, guild.roles.get(roleId)?.position ?? 0);
    return highest;
  }

  // ---------------------------------------------------------------- rendering

  renderUser(user: FakeUser): APIUser {
    const out: APIUser = {
      id: user.id,
      username: user.username,
      discriminator: '0',
      global_name: user.globalName,
      avatar: user.avatar,
      public_flags: 0 as UserFlags,
      flags: 0 as UserFlags,
      banner: null,
      accent_color: null,
      avatar_decoration_data: null,
      collectibles: null,
      primary_guild: null,
    };
    if (user.bot) out.bot = true;
    return out;
  }

  renderUserById(id: string): APIUser {
    const user = this.users.get(id);
    return user ? this.renderUser(user) : this.renderUser({ id, username: `user-${id.slice(-4)}`, globalName: null, bot: false, avatar: null });
  }

  renderMember(member: FakeMember): APIGuildMember {
    return { user: this.renderUserById(member.userId), ...this.renderMemberNoUser(member) };
  }

  renderMemberNoUser(member: FakeMember): APIGuildMemberNoUser {
    return {
      avatar: null,
      banner: null,
      nick: member.nick,
      roles: [...member.roles],
      joined_at: member.joinedAt,
      premium_since: member.premiumSince,
      deaf: member.deaf,
      mute: member.mute,
      flags: member.flags,
      pending: member.pending,
      communication_disabled_until: member.communicationDisabledUntil,
    };
  }

  renderChannel(channel: FakeChannel, options: { includeGuildId?: boolean } = {}): APIChannel {
    const includeGuildId = options.includeGuildId ?? true;
    if (channel.type === ChannelType.DM) {
      return {
        id: channel.id,
        type: ChannelType.DM,
        last_message_id: channel.lastMessageId,
        flags: channel.flags,
        name: null,
        recipients: channel.recipientId ? [this.renderUserById(channel.recipientId)] : [],
      };
    }
    const out: Record<string, unknown> = {
      id: channel.id,
      type: channel.type,
      name: channel.name,
      flags: channel.flags,
      parent_id: channel.parentId,
      nsfw: channel.nsfw,
      rate_limit_per_user: channel.rateLimitPerUser,
    };
    if (includeGuildId && channel.guildId) out['guild_id'] = channel.guildId;
    if (channel.thread) {
      const t = channel.thread;
      out['owner_id'] = t.ownerId;
      out['last_message_id'] = channel.lastMessageId;
      out['last_pin_timestamp'] = channel.lastPinTimestamp;
      out['message_count'] = t.messageCount;
      out['member_count'] = Math.min(t.members.size, 50);
      out['total_message_sent'] = t.totalMessageSent;
      out['thread_metadata'] = {
        archived: t.archived,
        auto_archive_duration: t.autoArchiveDuration,
        archive_timestamp: t.archiveTimestamp,
        locked: t.locked,
        create_timestamp: t.createTimestamp,
        ...(channel.type === ChannelType.PrivateThread ? { invitable: t.invitable } : {}),
      };
      if (t.appliedTags.length > 0 || this.isForumLike(channel.parentId)) out['applied_tags'] = [...t.appliedTags];
      return out as unknown as APIChannel;
    }
    out['position'] = channel.position;
    out['permission_overwrites'] = clone(channel.permissionOverwrites);
    switch (channel.type) {
      case ChannelType.GuildText:
      case ChannelType.GuildAnnouncement:
        out['topic'] = channel.topic;
        out['last_message_id'] = channel.lastMessageId;
        out['last_pin_timestamp'] = channel.lastPinTimestamp;
        out['default_auto_archive_duration'] = ThreadAutoArchiveDuration.OneDay;
        break;
      case ChannelType.GuildVoice:
      case ChannelType.GuildStageVoice:
        out['bitrate'] = 64000;
        out['user_limit'] = 0;
        out['rtc_region'] = null;
        out['last_message_id'] = channel.lastMessageId;
        break;
      case ChannelType.GuildForum:
      case ChannelType.GuildMedia:
        out['topic'] = channel.topic;
        out['last_message_id'] = channel.lastMessageId;
        out['available_tags'] = clone(channel.availableTags);
        out['default_reaction_emoji'] = null;
        out['default_sort_order'] = null;
        out['default_forum_layout'] = 0;
        out['default_thread_rate_limit_per_user'] = 0;
        break;
      default:
        break;
    }
    return out as unknown as APIChannel;
  }

  private isForumLike(channelId: string | null): boolean {
    const type = channelId ? this.channels.get(channelId)?.type : undefined;
    return type === ChannelType.GuildForum || type === ChannelType.GuildMedia;
  }

  renderThreadMember(thread: FakeChannel, userId: string, withMember: boolean): APIThreadMember {
    const joined = thread.thread?.members.get(userId) ?? this.isoNow();
    const out: APIThreadMember = { id: thread.id, user_id: userId, join_timestamp: joined, flags: 0 as ThreadMemberFlags };
    const member = thread.guildId ? this.member(thread.guildId, userId) : undefined;
    if (withMember && member) out.member = this.renderMember(member);
    return out;
  }

  renderGuild(guild: FakeGuild, withCounts = false): APIGuild {
    const out: APIGuild = {
      id: guild.id,
      name: guild.name,
      icon: null,
      icon_hash: null,
      splash: null,
      discovery_splash: null,
      owner_id: guild.ownerId,
      afk_channel_id: null,
      afk_timeout: 300,
      widget_enabled: false,
      widget_channel_id: null,
      verification_level: GuildVerificationLevel.None,
      default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
      explicit_content_filter: GuildExplicitContentFilter.Disabled,
      roles: [...guild.roles.values()].map((r) => clone(r)),
      emojis: [...guild.emojis.values()].map((e) => clone(e)),
      features: [...guild.features],
      mfa_level: GuildMFALevel.None,
      application_id: null,
      system_channel_id: guild.systemChannelId,
      // With a system channel, Discord posts "X joined the server" (type 7) there for each join.
      system_channel_flags: guild.systemChannelId ? (0 as GuildSystemChannelFlags) : GuildSystemChannelFlags.SuppressJoinNotifications,
      rules_channel_id: null,
      max_presences: null,
      max_members: 500000,
      vanity_url_code: null,
      description: null,
      banner: null,
      premium_tier: GuildPremiumTier.None,
      premium_subscription_count: 0,
      preferred_locale: guild.preferredLocale,
      public_updates_channel_id: null,
      max_video_channel_users: 25,
      max_stage_video_channel_users: 50,
      nsfw_level: GuildNSFWLevel.Default,
      stickers: [],
      premium_progress_bar_enabled: false,
      hub_type: null,
      safety_alerts_channel_id: null,
      incidents_data: null,
    };
    if (withCounts) {
      out.approximate_member_count = guild.members.size;
      out.approximate_presence_count = 0;
    }
    return out;
  }

  /**
   * GUILD_CREATE as sent to a session. `memberFilter` decides which members are included (Discord only
   * sends everyone to sessions with the GUILD_PRESENCES intent in small guilds).
   */
  renderGuildCreate(guild: FakeGuild, includeMember: (member: FakeMember) => boolean, large: boolean): GatewayGuildCreateDispatchData {
    const channels = this.guildChannels(guild.id);
    const voiceStates: APIBaseVoiceState[] = [...guild.voiceStates.values()].map((v) => this.renderVoiceState(guild, v, false));
    const base = this.renderGuild(guild);
    return {
      ...base,
      joined_at: guild.joinedAt,
      large,
      unavailable: false,
      member_count: guild.members.size,
      voice_states: voiceStates,
      members: [...guild.members.values()].filter(includeMember).map((m) => this.renderMember(m)),
      channels: channels.filter((c) => !c.thread).map((c) => this.renderChannel(c, { includeGuildId: false })) as GatewayGuildCreateDispatchData['channels'],
      threads: channels
        .filter((c) => c.thread && !c.thread.archived)
        .map((c) => this.renderChannel(c)) as GatewayGuildCreateDispatchData['threads'],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  renderVoiceState(guild: FakeGuild, state: FakeVoiceState | { userId: string; channelId: null; sessionId: string; selfMute: boolean; selfDeaf: boolean }, withMember: boolean): APIBaseVoiceState {
    const member = guild.members.get(state.userId);
    const out: APIBaseVoiceState = {
      channel_id: state.channelId,
      user_id: state.userId,
      session_id: state.sessionId,
      deaf: member?.deaf ?? false,
      mute: member?.mute ?? false,
      self_deaf: state.selfDeaf,
      self_mute: state.selfMute,
      self_video: false,
      suppress: false,
      request_to_speak_timestamp: null,
    };
    if (withMember && member) out.member = this.renderMember(member);
    return out;
  }

  /** A message as the REST API returns it (reactions, reply, thread and poll results derived from state). */
  renderMessage(record: MessageRecord, depth = 0): APIMessage {
    const message = clone(record.message);
    if (record.reactions.size > 0) {
      message.reactions = [...record.reactions.values()]
        .filter((r) => r.users.length > 0)
        .map(
          (r): APIReaction => ({
            count: r.users.length,
            count_details: { burst: 0, normal: r.users.length },
            me: r.users.includes(this.botUser.id),
            me_burst: false,
            emoji: clone(r.emoji),
            burst_colors: [],
          }),
        );
      if (message.reactions.length === 0) delete message.reactions;
    }
    const reference = record.message.message_reference;
    if (reference?.message_id && depth === 0 && (message.type === 19 || message.type === 21)) {
      const referenced = this.message(reference.message_id);
      message.referenced_message = referenced ? this.renderMessage(referenced, depth + 1) : null;
    }
    const thread = this.channels.get(record.message.id);
    if (thread?.thread && thread.parentId === record.message.channel_id) {
      message.thread = this.renderChannel(thread);
      message.flags = (message.flags ?? 0) | MessageFlags.HasThread;
    }
    if (message.poll) {
      const counts = [...record.pollVotes.entries()]
        .filter(([, voters]) => voters.size > 0)
        .map(([id, voters]) => ({ id, count: voters.size, me_voted: voters.has(this.botUser.id) }));
      message.poll.results = { is_finalized: message.poll.results?.is_finalized ?? false, answer_counts: counts };
    }
    return message;
  }

  /** Renders a thread channel (throws if it is not one). */
  renderThread(channel: FakeChannel): APIThreadChannel {
    if (!channel.thread) throw new Error(`FakeDiscord: channel ${channel.id} is not a thread`);
    return this.renderChannel(channel) as APIThreadChannel;
  }
}
