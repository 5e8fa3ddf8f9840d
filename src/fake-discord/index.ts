// A loopback fake of Discord (REST API + gateway) that an unmodified discord.js Client can log in to:
//
//   const fake = await FakeDiscord.start();
//   const guild = fake.addGuild({ name: 'Test' });
//   const client = new Client({ intents, partials, rest: { api: fake.apiUrl } });
//   await client.login('any-token');
//   fake.post({ channelId, userId, content: 'hi' });         // a member acts -> MESSAGE_CREATE
//   const h = fake.slash({ channelId, userId, name: 'ping' }); // -> INTERACTION_CREATE
//   expect((await h.reply()).content).toBe('pong');
//
// The state, payload rendering and permissions live in fake-discord-state.ts, the gateway protocol in
// fake-discord-gateway.ts, REST plumbing and routes in fake-discord-rest.ts / fake-discord-routes.ts,
// and interactions in fake-discord-interactions.ts / fake-discord-interaction-builders.ts.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ChannelType,
  type ApplicationFlags,
  GatewayCloseCodes,
  GatewayDispatchEvents,
  GatewayIntentBits,
  MessageReferenceType,
  type MessageType,
  type APIApplicationCommand,
  type APIAttachment,
  type APIChannel,
  type APIEmbed,
  type APIEmoji,
  type APIGuild,
  type APIGuildMember,
  type APIMessage,
  type APIOverwrite,
  type APIPartialEmoji,
  type APIRole,
  type APIThreadChannel,
  type APIUser,
  type GatewayReadyDispatchData,
  type RESTPostAPIApplicationCommandsJSONBody,
  type APIGuildForumTag,
  type Locale,
} from 'discord-api-types/v10';
import { FakeActions } from './actions.js';
import { overwriteCommands } from './commands.js';
import { FakeGateway, type DispatchLogEntry, type GatewaySession } from './gateway.js';
import {
  InteractionBuilder,
  type AutocompleteInput,
  type ComponentInput,
  type ContextMenuInput,
  type MessageRef,
  type ModalSubmitInput,
  type SelectInput,
  type SlashInput,
} from './interaction-builders.js';
import { InteractionManager, type InteractionHandle } from './interactions.js';
import { FakeRest, matches, type RateLimitOptions, type RecordedRequest, type RequestMatcher, type ScriptedRule } from './rest.js';
import { registerRoutes } from './routes.js';
import { FakeState, type FakeGuild, type FakeMember, type MessageRecord } from './state.js';
import { DiscordHttpError, SnowflakeGenerator, clone, pollUntil } from './util.js';

export type { DispatchLogEntry, GatewaySession } from './gateway.js';
export type { AutocompleteInput, ComponentInput, ContextMenuInput, MessageRef, ModalSubmitInput, SelectInput, SlashInput, SlashOptionValue } from './interaction-builders.js';
export { InteractionHandle, type InteractionCallbackRecord, type InteractionReply } from './interactions.js';
export type { RateLimitOptions, RecordedRequest, RequestMatcher, ScriptedRule } from './rest.js';
export type { UploadedFile } from './state.js';
export { ALL_PERMISSIONS, DEFAULT_EVERYONE_PERMISSIONS, DiscordHttpError, SnowflakeGenerator, snowflakeTime } from './util.js';

const PRIVILEGED = GatewayIntentBits.GuildMembers | GatewayIntentBits.GuildPresences | GatewayIntentBits.MessageContent;

export interface FakeDiscordOptions {
  /** Application id (also the bot user's id, as for most bots). Random snowflake by default. */
  appId?: string | undefined;
  botUsername?: string | undefined;
  /** ms the bot has to answer an interaction (Discord: 3000). */
  interactionDeadlineMs?: number | undefined;
  /** heartbeat_interval sent in HELLO (Discord: 41250). */
  heartbeatIntervalMs?: number | undefined;
  /** If set, REST and gateway reject any other token (401 / close 4004). Any token is accepted by default. */
  token?: string | undefined;
  /**
   * Apply Discord's intent rules (default true): events only reach sessions with the intent they need,
   * message content is blanked without MESSAGE_CONTENT, and GUILD_CREATE only lists every member for
   * sessions with GUILD_PRESENCES in small guilds (otherwise the bot itself and members in voice).
   */
  enforceIntents?: boolean | undefined;
  /** Privileged intents enabled for the app in the developer portal (default: all three). */
  privilegedIntents?: number | undefined;
  /** Close every gateway connection at IDENTIFY/RESUME with this code (see `refuseGateway`). */
  refuseGateway?: number | undefined;
  /** Clock for message timestamps, snowflakes and timeouts (default Date.now). */
  now?: (() => number) | undefined;
  /** Requests per bucket and window advertised in X-RateLimit-* headers (default 50 per 1000 ms). */
  rateLimitBucketSize?: number | undefined;
  rateLimitWindowMs?: number | undefined;
}

export interface GuildInfo {
  id: string;
  name: string;
  ownerId: string;
  /** The @everyone role (same id as the guild). */
  everyoneRoleId: string;
  /** The managed role Discord gave the bot (Administrator unless changed with setBotPermissions). */
  botRoleId: string;
}

export interface PostInput {
  guildId?: string;
  channelId: string;
  userId: string;
  content?: string;
  /** Reply to this message id (same channel). */
  replyTo?: string;
  /** A number of generated files, or explicit ones. */
  attachments?: number | { filename: string; contentType?: string; data?: Buffer | string }[];
  embeds?: APIEmbed[];
  /** Post as a webhook with this id (author is the webhook, no member). */
  webhookId?: string;
  webhookName?: string;
  tts?: boolean;
  /** Back-date the message (its id and timestamp). */
  at?: Date;
  /** A system message in the member's name (a pin, a thread rename, a member added: 6, 4, 7…); default 0 (or 19, a reply). */
  type?: MessageType;
}

export interface ReactInput {
  guildId?: string;
  channelId: string;
  messageId: string;
  userId: string;
  /** A unicode emoji or a custom emoji. */
  emoji: string | { id: string; name: string; animated?: boolean };
}

export interface PollVoteInput {
  channelId: string;
  messageId: string;
  userId: string;
  answerId: number;
}

export class FakeDiscord {
  readonly appId: string;
  /** ms the bot has to answer an interaction; may be changed at any time. */
  interactionDeadlineMs: number;
  private readonly state: FakeState;
  private readonly gateway: FakeGateway;
  private readonly actions: FakeActions;
  private readonly rest: FakeRest;
  private readonly manager: InteractionManager;
  private readonly builder: InteractionBuilder;
  private readonly options: FakeDiscordOptions;
  private readonly server: Server;
  private port = 0;
  private readonly consumedRequests = new WeakSet<RecordedRequest>();

  private constructor(options: FakeDiscordOptions) {
    this.options = options;
    const now = options.now ?? Date.now;
    const snowflakes = new SnowflakeGenerator(now);
    this.appId = options.appId ?? snowflakes.next();
    this.interactionDeadlineMs = options.interactionDeadlineMs ?? 3000;
    const enforceIntents = options.enforceIntents ?? true;
    const privileged = options.privilegedIntents ?? PRIVILEGED;
    this.state = new FakeState(snowflakes, now, this.appId, { id: this.appId, username: options.botUsername ?? 'Pulse', globalName: null, bot: true, avatar: null });
    this.gateway = new FakeGateway(
      { heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250, token: options.token, allowedPrivilegedIntents: privileged, refuseCode: options.refuseGateway ?? null },
      {
        onIdentify: (session) => this.onIdentify(session),
        onRequestGuildMembers: (session, data) => this.actions.requestGuildMembers(session, data),
      },
    );
    this.actions = new FakeActions(this.state, this.gateway, { enforceIntents, baseUrl: () => this.baseUrl });
    this.manager = new InteractionManager(this.actions, {
      deadlineMs: () => this.interactionDeadlineMs,
      submitModal: (handle, modal, fields, opts) =>
        this.builder.submitModal({
          userId: opts.userId ?? handle.context.userId,
          ...(handle.context.guildId ? { guildId: handle.context.guildId } : {}),
          channelId: handle.context.channelId,
          customId: modal.custom_id,
          fields,
          modal,
          ...(handle.context.sourceMessageId ? { message: { channelId: handle.context.channelId, messageId: handle.context.sourceMessageId } } : {}),
          // The same member's client submits the form: Discord sends their locale again.
          ...(!opts.userId && 'locale' in handle.payload && typeof handle.payload.locale === 'string' ? { locale: handle.payload.locale } : {}),
        }),
    });
    this.builder = new InteractionBuilder(this.actions, this.manager);
    this.rest = new FakeRest(this.state, { token: options.token, bucketLimit: options.rateLimitBucketSize ?? 50, bucketWindowMs: options.rateLimitWindowMs ?? 1000 });
    const owner = this.state.addUser({ username: 'app-owner' });
    registerRoutes(this.rest, {
      state: this.state,
      actions: this.actions,
      interactions: this.manager,
      gatewayUrl: () => this.gatewayUrl,
      allowedPrivilegedIntents: privileged,
      applicationOwnerId: owner.id,
    });
    this.server = createServer((req, res) => void this.rest.handle(req, res));
    this.gateway.attach(this.server);
  }

  /** Starts the fake on 127.0.0.1 with a random port. */
  static async start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const fake = new FakeDiscord(options);
    await new Promise<void>((resolve, reject) => {
      fake.server.once('error', reject);
      fake.server.listen(0, '127.0.0.1', () => resolve());
    });
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  /** Stops the HTTP server and drops every gateway connection. */
  async close(): Promise<void> {
    await this.gateway.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** `http://127.0.0.1:PORT/api` — for discord.js `rest.api` (it appends `/v10`). */
  get apiUrl(): string {
    return `${this.baseUrl}/api`;
  }

  /** `http://127.0.0.1:PORT` (attachments are served under it). */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The `url` GET /gateway/bot returns. */
  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** The `resume_gateway_url` sent in READY. */
  get resumeGatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}/resume`;
  }

  /** The bot user (id = appId). */
  get botUser(): APIUser {
    return this.state.renderUser(this.state.botUser);
  }

  // ================================================================ world setup

  /** Adds a guild with @everyone, the bot's managed Administrator role, and the owner and bot as members. After login: GUILD_CREATE. */
  /** `preferredLocale` is the server's language in Discord (`guild_locale` on interactions). */
  addGuild(input: { id?: string; name?: string; ownerId?: string; ownerName?: string; preferredLocale?: Locale } = {}): GuildInfo {
    if (input.ownerId && input.ownerName) this.state.addUser({ id: input.ownerId, username: input.ownerName });
    const guild = this.state.createGuild(input);
    for (const session of this.gateway.liveSessions()) this.sendGuildCreate(session, guild);
    return { id: guild.id, name: guild.name, ownerId: guild.ownerId, everyoneRoleId: guild.id, botRoleId: guild.botRoleId };
  }

  /** Adds a channel (text by default). After login: CHANNEL_CREATE. */
  addChannel(
    guildId: string,
    input: {
      id?: string;
      name: string;
      type?: ChannelType;
      parentId?: string;
      topic?: string;
      position?: number;
      permissionOverwrites?: APIOverwrite[];
      nsfw?: boolean;
      availableTags?: APIGuildForumTag[];
      /** ChannelFlags, e.g. ChannelFlags.RequireTag (16) on a forum: posts must carry a tag. */
      flags?: number;
    },
  ): APIChannel {
    this.state.requireGuild(guildId);
    const channel = this.state.createChannel({
      ...(input.id ? { id: input.id } : {}),
      guildId,
      type: input.type ?? ChannelType.GuildText,
      name: input.name,
      parentId: input.parentId ?? null,
      topic: input.topic ?? null,
      ...(input.position !== undefined ? { position: input.position } : {}),
      permissionOverwrites: input.permissionOverwrites ?? [],
      nsfw: input.nsfw ?? false,
      ...(input.availableTags ? { availableTags: input.availableTags } : {}),
      ...(input.flags !== undefined ? { flags: input.flags } : {}),
    });
    this.actions.dispatch(GatewayDispatchEvents.ChannelCreate, this.state.renderChannel(channel));
    return this.state.renderChannel(channel);
  }

  /**
   * Adds a custom emoji to a guild (in its GUILD_CREATE and the emoji routes). No
   * GUILD_EMOJIS_UPDATE: it needs the GuildExpressions intent.
   */
  addEmoji(guildId: string, input: { id?: string; name: string; animated?: boolean; available?: boolean }): APIEmoji {
    const guild = this.state.requireGuild(guildId);
    const emoji: APIEmoji = { id: input.id ?? this.state.snowflakes.next(), name: input.name, roles: [], require_colons: true, managed: false, animated: input.animated ?? false, available: input.available ?? true };
    guild.emojis.set(emoji.id!, emoji);
    return clone(emoji);
  }

  /** Adds a role just above @everyone (below the bot's role). After login: GUILD_ROLE_CREATE. */
  addRole(guildId: string, input: { id?: string; name: string; permissions?: string | bigint; position?: number; color?: number; mentionable?: boolean; hoist?: boolean }): APIRole {
    const guild = this.state.requireGuild(guildId);
    const role = this.state.addRole(guild, { ...input, permissions: BigInt(input.permissions ?? 0n) });
    this.actions.dispatch(GatewayDispatchEvents.GuildRoleCreate, { guild_id: guildId, role: clone(role) });
    return clone(role);
  }

  /** Deletes a role (someone did, in the server's settings). After login: GUILD_ROLE_DELETE. */
  deleteRole(guildId: string, roleId: string): void {
    const guild = this.state.requireGuild(guildId);
    if (roleId === guildId || guild.roles.get(roleId)?.managed) throw new Error(`FakeDiscord: role ${roleId} cannot be deleted`);
    if (!guild.roles.has(roleId)) throw new Error(`FakeDiscord: unknown role ${roleId}`);
    this.state.deleteRole(guild, roleId);
    this.actions.dispatch(GatewayDispatchEvents.GuildRoleDelete, { guild_id: guildId, role_id: roleId });
  }

  /** Sets (or clears) the guild's system channel, where joins post a type-7 message. After login: GUILD_UPDATE. */
  setSystemChannel(guildId: string, channelId: string | null): void {
    const guild = this.state.requireGuild(guildId);
    if (channelId !== null && this.state.requireChannel(channelId).guildId !== guildId) throw new Error(`FakeDiscord: channel ${channelId} is not in guild ${guildId}`);
    guild.systemChannelId = channelId;
    this.actions.dispatch(GatewayDispatchEvents.GuildUpdate, this.state.renderGuild(guild));
  }

  /** Adds a member silently (no event; it shows up in GUILD_CREATE and REST). */
  addMember(guildId: string, input: { id?: string; username: string; globalName?: string; roles?: string[]; bot?: boolean; joinedAt?: Date; nick?: string }): APIGuildMember {
    const guild = this.state.requireGuild(guildId);
    const user = this.state.addUser({ ...(input.id ? { id: input.id } : {}), username: input.username, globalName: input.globalName ?? null, bot: input.bot ?? false });
    for (const roleId of input.roles ?? []) if (!guild.roles.has(roleId)) throw new Error(`FakeDiscord: unknown role ${roleId} in guild ${guildId}`);
    const member = this.state.putMember(guild, user.id, { roles: input.roles ?? [], ...(input.joinedAt ? { joinedAt: input.joinedAt } : {}), nick: input.nick ?? null });
    return this.state.renderMember(member);
  }

  /** Adds a user who is in no guild (e.g. to DM). */
  addUser(input: { id?: string; username: string; globalName?: string; bot?: boolean }): APIUser {
    return this.state.renderUser(this.state.addUser({ ...input, globalName: input.globalName ?? null }));
  }

  /** With DMs closed, sending to the user's DM channel answers 403 50007. */
  setDmsClosed(userId: string, closed = true): void {
    if (closed) this.state.dmsClosed.add(userId);
    else this.state.dmsClosed.delete(userId);
  }

  /**
   * The most a request's files may weigh (default 10 MiB, Discord's for a bot on an unboosted
   * server): new interactions carry it as attachment_size_limit, and a request above it answers
   * 413 / 40005 Request entity too large.
   */
  setUploadLimit(bytes: number): void {
    this.state.uploadLimitBytes = bytes;
  }

  /** Sets the permissions of the bot's managed role. After login: GUILD_ROLE_UPDATE. */
  setBotPermissions(guildId: string, permissions: bigint | string): void {
    const guild = this.state.requireGuild(guildId);
    const role = guild.roles.get(guild.botRoleId);
    if (!role) throw new Error('FakeDiscord: the bot role is gone');
    role.permissions = BigInt(permissions).toString();
    this.actions.dispatch(GatewayDispatchEvents.GuildRoleUpdate, { guild_id: guildId, role: clone(role) });
  }

  /** Sets a role's permissions. After login: GUILD_ROLE_UPDATE. */
  setRolePermissions(guildId: string, roleId: string, permissions: bigint | string): void {
    const role = this.state.requireGuild(guildId).roles.get(roleId);
    if (!role) throw new Error(`FakeDiscord: unknown role ${roleId}`);
    role.permissions = BigInt(permissions).toString();
    this.actions.dispatch(GatewayDispatchEvents.GuildRoleUpdate, { guild_id: guildId, role: clone(role) });
  }

  /** Replaces a channel's permission overwrites. After login: CHANNEL_UPDATE. */
  setChannelOverwrites(channelId: string, overwrites: APIOverwrite[]): void {
    const channel = this.state.requireChannel(channelId);
    channel.permissionOverwrites = clone(overwrites);
    this.actions.channelUpdate(channel);
  }

  /**
   * Registers command definitions as if the bot had bulk-overwritten them (global, or for a guild).
   * Definitions go through the same validation as PUT /applications/:app/commands, so invalid ones throw.
   */
  setCommands(defs: readonly (RESTPostAPIApplicationCommandsJSONBody | Partial<APIApplicationCommand> | { toJSON(): unknown })[], guildId?: string): APIApplicationCommand[] {
    const plain = defs.map((def) => ('toJSON' in def && typeof def.toJSON === 'function' ? def.toJSON() : def));
    try {
      return overwriteCommands(this.state, plain, guildId ?? null);
    } catch (error) {
      if (error instanceof DiscordHttpError) throw new Error(`FakeDiscord: invalid command definitions: ${JSON.stringify(error.toJSON())}`);
      throw error;
    }
  }

  /** Commands currently registered (global, or for a guild). */
  commands(guildId?: string): APIApplicationCommand[] {
    return [...this.state.commandsFor(guildId ?? null).values()].map((c) => clone(c));
  }

  // ================================================================ gateway

  get identifyCount(): number {
    return this.gateway.identifyCount;
  }

  get resumeCount(): number {
    return this.gateway.resumeCount;
  }

  /** Every dispatch sent (and replayed), in order. */
  get gatewayLog(): readonly DispatchLogEntry[] {
    return this.gateway.log;
  }

  /**
   * Like a gateway that will not take the bot: every IDENTIFY/RESUME is answered by closing the
   * socket with `code` (default 4000, which clients retry); null accepts connections again.
   */
  refuseGateway(code: number | null = GatewayCloseCodes.UnknownError): void {
    this.gateway.refuse(code);
  }

  /** How many IDENTIFY/RESUME the gateway refused. */
  get refusedConnections(): number {
    return this.gateway.refusedCount;
  }

  /** Gateway sessions (one per IDENTIFY). */
  get sessions(): GatewaySession[] {
    return [...this.gateway.sessions.values()];
  }

  /** Resolves once a client has identified and been sent READY and its GUILD_CREATEs. */
  waitForReady(timeoutMs = 5000): Promise<void> {
    return pollUntil(() => this.gateway.liveSessions().length > 0, timeoutMs, () => 'a client to identify').then(() => undefined);
  }

  /** Closes the gateway connections with a resumable code (default 4000) so clients RESUME. */
  dropConnection(options: { code?: number | 'abnormal' } = {}): void {
    this.gateway.drop(options.code);
  }

  /** Sends op 7 RECONNECT (clients reconnect and resume). */
  requestReconnect(): void {
    this.gateway.requestReconnect();
  }

  /** Sends op 9 INVALID_SESSION; with `resumable: false` clients must identify again. */
  invalidateSession(resumable = false): void {
    this.gateway.invalidateSessions(resumable);
  }

  /** Sends any dispatch, as is, to every ready session. */
  dispatch(t: string, d: unknown): void {
    this.gateway.broadcast(t, () => d);
  }

  private onIdentify(session: GatewaySession): void {
    const ready: GatewayReadyDispatchData & Record<string, unknown> = {
      v: 10,
      user: { ...this.state.renderUser(this.state.botUser), verified: true, mfa_enabled: false, email: null },
      guilds: [...this.state.guilds.values()].map((g) => ({ id: g.id, unavailable: true })),
      session_id: session.id,
      resume_gateway_url: this.resumeGatewayUrl,
      shard: session.identify.shard ?? [0, 1],
      application: { id: this.appId, flags: 0 as ApplicationFlags, flags_new: '0' },
      private_channels: [],
      presences: [],
      relationships: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      session_type: 'normal',
      auth: {},
      _trace: ['fake-discord'],
    };
    this.gateway.send(session, GatewayDispatchEvents.Ready, ready);
    for (const guild of this.state.guilds.values()) this.sendGuildCreate(session, guild);
  }

  private sendGuildCreate(session: GatewaySession, guild: FakeGuild): void {
    const enforce = this.options.enforceIntents ?? true;
    if (enforce && !(session.intents & GatewayIntentBits.Guilds)) return;
    const large = guild.members.size > session.largeThreshold;
    const everyone = !enforce || ((session.intents & GatewayIntentBits.GuildPresences) !== 0 && !large);
    const include = (m: FakeMember): boolean => everyone || m.userId === this.state.botUser.id || guild.voiceStates.has(m.userId);
    this.gateway.send(session, GatewayDispatchEvents.GuildCreate, this.state.renderGuildCreate(guild, include, large));
  }

  // ================================================================ members acting

  /** A member (or webhook) posts a message: stored, then MESSAGE_CREATE. */
  post(input: PostInput): APIMessage {
    const channel = this.state.requireChannel(input.channelId);
    const guildId = input.guildId ?? channel.guildId ?? undefined;
    if (guildId && channel.guildId !== guildId) throw new Error(`FakeDiscord: channel ${input.channelId} is not in guild ${guildId}`);
    if (!input.webhookId) {
      if (guildId) this.state.requireMember(guildId, input.userId);
      else this.state.requireUser(input.userId);
    }
    let reference: APIMessage['message_reference'];
    if (input.replyTo) {
      const target = this.state.message(input.replyTo);
      if (!target || target.message.channel_id !== channel.id) throw new Error(`FakeDiscord: no message ${input.replyTo} in channel ${channel.id} to reply to`);
      reference = { type: MessageReferenceType.Default, message_id: target.message.id, channel_id: channel.id, ...(guildId ? { guild_id: guildId } : {}) };
    }
    const files = typeof input.attachments === 'number'
      ? Array.from({ length: input.attachments }, (_, i) => ({ filename: `file${i + 1}.txt`, contentType: 'text/plain; charset=utf-8', data: Buffer.from(`attachment ${i + 1}\n`) }))
      : (input.attachments ?? []).map((f) => ({ filename: f.filename, contentType: f.contentType ?? 'application/octet-stream', data: Buffer.isBuffer(f.data) ? f.data : Buffer.from(f.data ?? f.filename) }));
    const attachments: APIAttachment[] = files.map((f) => this.actions.storeAttachment(channel.id, f));
    const record = this.actions.createMessage({
      channelId: channel.id,
      authorId: input.webhookId ?? input.userId,
      ...(input.webhookId ? { webhook: { id: input.webhookId, username: input.webhookName ?? 'Webhook' } } : {}),
      content: input.content ?? '',
      attachments,
      ...(input.embeds ? { embeds: input.embeds } : {}),
      ...(reference ? { reference } : {}),
      ...(input.tts ? { tts: true } : {}),
      ...(input.at ? { at: input.at.getTime() } : {}),
      ...(input.type !== undefined ? { type: input.type } : {}),
    });
    return this.state.renderMessage(record);
  }

  /** A user DMs the bot (creating the DM channel if needed): MESSAGE_CREATE without guild_id. */
  dm(input: { userId: string; content: string; at?: Date }): APIMessage {
    this.state.requireUser(input.userId);
    let channelId = this.state.dmChannels.get(input.userId);
    if (!channelId) {
      channelId = this.state.createChannel({ guildId: null, type: ChannelType.DM, name: null, recipientId: input.userId }).id;
      this.state.dmChannels.set(input.userId, channelId);
    }
    const record = this.actions.createMessage({ channelId, authorId: input.userId, content: input.content, ...(input.at ? { at: input.at.getTime() } : {}) });
    return this.state.renderMessage(record);
  }

  /** Edits a message as its author: MESSAGE_UPDATE. */
  editMessage(channelId: string, messageId: string, patch: { content?: string; embeds?: APIEmbed[] }): APIMessage {
    const record = this.requireRecord(channelId, messageId);
    this.actions.editMessage(record, { ...(patch.content !== undefined ? { content: patch.content } : {}), ...(patch.embeds ? { embeds: patch.embeds } : {}) });
    return this.state.renderMessage(record);
  }

  /** Deletes a message: MESSAGE_DELETE. */
  deleteMessage(channelId: string, messageId: string): void {
    this.actions.deleteMessage(this.requireRecord(channelId, messageId));
  }

  /** A member reacts: MESSAGE_REACTION_ADD (with member, message_author_id, burst false, type 0). */
  react(input: ReactInput): void {
    const record = this.requireRecord(input.channelId, input.messageId);
    if (record.guildId) this.state.requireMember(record.guildId, input.userId);
    this.actions.addReaction(record, input.userId, toEmoji(input.emoji));
  }

  /** A member removes their reaction: MESSAGE_REACTION_REMOVE. */
  unreact(input: ReactInput): void {
    this.actions.removeReaction(this.requireRecord(input.channelId, input.messageId), input.userId, toEmoji(input.emoji));
  }

  /** A member votes in a poll: MESSAGE_POLL_VOTE_ADD (switching a single-choice vote removes the old one first). */
  vote(input: PollVoteInput): void {
    this.actions.vote(this.requireRecord(input.channelId, input.messageId), input.userId, input.answerId);
  }

  /** A member removes a poll vote: MESSAGE_POLL_VOTE_REMOVE. */
  unvote(input: PollVoteInput): void {
    this.actions.unvote(this.requireRecord(input.channelId, input.messageId), input.userId, input.answerId);
  }

  /** The poll's time runs out: MESSAGE_UPDATE with final results, then the POLL_RESULT system message. */
  endPoll(channelId: string, messageId: string): void {
    this.actions.endPoll(this.requireRecord(channelId, messageId));
  }

  /** Someone joins: GUILD_MEMBER_ADD (with joined_at). */
  join(guildId: string, input: { id?: string; username: string; globalName?: string; bot?: boolean; joinedAt?: Date }): APIGuildMember {
    const guild = this.state.requireGuild(guildId);
    const user = this.state.addUser({ ...(input.id ? { id: input.id } : {}), username: input.username, globalName: input.globalName ?? null, bot: input.bot ?? false });
    if (guild.members.has(user.id)) throw new Error(`FakeDiscord: ${user.id} is already a member of ${guildId}`);
    const member = this.state.putMember(guild, user.id, input.joinedAt ? { joinedAt: input.joinedAt } : {});
    this.actions.guildMemberAdd(guild, member);
    return this.state.renderMember(member);
  }

  /** A member leaves: GUILD_MEMBER_REMOVE (after a VOICE_STATE_UPDATE if they were in voice). */
  leave(guildId: string, userId: string): void {
    const guild = this.state.requireGuild(guildId);
    this.state.requireMember(guildId, userId);
    this.actions.guildMemberRemove(guild, userId);
  }

  /** A member joins/moves/leaves voice: VOICE_STATE_UPDATE. */
  voice(guildId: string, userId: string, channelId: string | null, options: { selfMute?: boolean; selfDeaf?: boolean } = {}): void {
    const guild = this.state.requireGuild(guildId);
    this.state.requireMember(guildId, userId);
    if (channelId !== null) {
      const channel = this.state.requireChannel(channelId);
      if (channel.type !== ChannelType.GuildVoice && channel.type !== ChannelType.GuildStageVoice) throw new Error(`FakeDiscord: ${channelId} is not a voice channel`);
    }
    this.actions.voice(guild, userId, channelId, options);
  }

  /** A member creates a thread: THREAD_CREATE (newly_created). Forum/media parents get a starter message. */
  createThread(input: {
    guildId?: string;
    parentId: string;
    ownerId: string;
    name: string;
    messageId?: string;
    type?: ChannelType.PublicThread | ChannelType.PrivateThread;
    content?: string;
    appliedTags?: string[];
  }): APIThreadChannel {
    const parent = this.state.requireChannel(input.parentId);
    if (parent.guildId) this.state.requireMember(parent.guildId, input.ownerId);
    if (input.messageId) this.requireRecord(parent.id, input.messageId);
    const thread = this.actions.createThread({
      parent,
      ownerId: input.ownerId,
      name: input.name,
      ...(input.messageId ? { messageId: input.messageId } : {}),
      ...(input.type ? { type: input.type } : {}),
      ...(input.appliedTags ? { appliedTags: input.appliedTags } : {}),
      ...(input.content !== undefined ? { starter: { content: input.content } } : {}),
    });
    return this.state.renderThread(thread);
  }

  /** A moderator deletes a channel or thread: CHANNEL_DELETE or THREAD_DELETE. */
  deleteChannel(channelId: string): void {
    this.actions.deleteChannel(this.state.requireChannel(channelId));
  }

  /** A moderator archives/unarchives (and optionally locks) a thread: THREAD_UPDATE. */
  setThreadArchived(threadId: string, archived: boolean, locked?: boolean): APIThreadChannel {
    const thread = this.state.requireChannel(threadId);
    if (!thread.thread) throw new Error(`FakeDiscord: ${threadId} is not a thread`);
    thread.thread.archived = archived;
    thread.thread.archiveTimestamp = this.state.isoNow();
    if (locked !== undefined) thread.thread.locked = locked;
    this.actions.threadUpdate(thread);
    return this.state.renderThread(thread);
  }

  /** Changes a member's roles: GUILD_MEMBER_UPDATE. */
  setMemberRoles(guildId: string, userId: string, roles: string[]): APIGuildMember {
    const guild = this.state.requireGuild(guildId);
    const member = this.state.requireMember(guildId, userId);
    for (const roleId of roles) if (!guild.roles.has(roleId)) throw new Error(`FakeDiscord: unknown role ${roleId}`);
    member.roles = [...roles];
    this.actions.guildMemberUpdate(guild, member);
    return this.state.renderMember(member);
  }

  /** Someone times a member out (or clears it with null): GUILD_MEMBER_UPDATE. */
  setMemberTimeout(guildId: string, userId: string, until: Date | null): APIGuildMember {
    const guild = this.state.requireGuild(guildId);
    const member = this.state.requireMember(guildId, userId);
    member.communicationDisabledUntil = until ? until.toISOString() : null;
    this.actions.guildMemberUpdate(guild, member);
    return this.state.renderMember(member);
  }

  // ================================================================ interactions

  /** A member runs a slash command: INTERACTION_CREATE (APPLICATION_COMMAND). */
  slash(input: SlashInput): InteractionHandle {
    return this.builder.slash(input);
  }

  /** A member types into an autocomplete option: INTERACTION_CREATE (APPLICATION_COMMAND_AUTOCOMPLETE). */
  autocomplete(input: AutocompleteInput): InteractionHandle {
    return this.builder.autocomplete(input);
  }

  /** A member uses a message context-menu command (resolved.messages includes content). */
  messageCommand(input: ContextMenuInput & { message: MessageRef }): InteractionHandle {
    return this.builder.messageCommand(input);
  }

  /** A member uses a user context-menu command. */
  userCommand(input: ContextMenuInput & { targetId: string }): InteractionHandle {
    return this.builder.userCommand(input);
  }

  /** A member clicks a button on a message (throws if there is no such enabled button). */
  click(input: ComponentInput): InteractionHandle {
    return this.builder.click(input);
  }

  /** A member picks values in a select menu (string/user/role/mentionable/channel). */
  select(input: SelectInput): InteractionHandle {
    return this.builder.select(input);
  }

  /** A member submits a modal (see also InteractionHandle#submitModal, which mirrors the bot's modal). */
  submitModal(input: ModalSubmitInput): InteractionHandle {
    return this.builder.submitModal(input);
  }

  /** Every interaction dispatched so far. */
  get interactions(): readonly InteractionHandle[] {
    return this.manager.handles;
  }

  // ================================================================ reading what the bot did

  /** Every REST request received, in order. */
  get requests(): readonly RecordedRequest[] {
    return this.rest.requests;
  }

  requestsMatching(method: string, path: RegExp | string): RecordedRequest[] {
    return this.rest.requests.filter((r) => matches({ method, path }, r));
  }

  /**
   * Resolves with the earliest matching request not already returned by a previous waitForRequest call
   * (so it finds requests that arrived before the call, and successive calls walk through them).
   */
  waitForRequest(method: string, path: RegExp | string, timeoutMs = 5000): Promise<RecordedRequest> {
    return pollUntil(
      () => {
        const found = this.rest.requests.find((r) => r.status !== 0 && !this.consumedRequests.has(r) && matches({ method, path }, r));
        if (found) this.consumedRequests.add(found);
        return found;
      },
      timeoutMs,
      () => `a ${method} ${String(path)} request`,
    );
  }

  /** Polls `predicate` until it returns a value other than undefined/null/false. */
  waitFor<T>(predicate: () => T | undefined | null | false, timeoutMs = 5000): Promise<T> {
    return pollUntil(predicate, timeoutMs, () => `condition ${predicate.toString().slice(0, 200)}`);
  }

  /** The next matching request answers 429 (discord.js should wait retry_after seconds and retry). */
  rateLimitNext(matcher: RequestMatcher, options: RateLimitOptions): ScriptedRule {
    return this.rest.rateLimitNext(matcher, options);
  }

  /** The next matching request fails with a Discord error `{ message, code, errors? }`. */
  failNext(matcher: RequestMatcher, error: { status: number; code?: number; message?: string; errors?: Record<string, unknown> }): ScriptedRule {
    const body = { message: error.message ?? `${error.status}: error`, code: error.code ?? 0, ...(error.errors ? { errors: error.errors } : {}) };
    return this.rest.failNext(matcher, error.status, body);
  }

  /**
   * The next matching request is carried out, then answered with a Discord error: Discord did it,
   * but the bot never heard (a 502 from a proxy, a timeout).
   */
  failAfterNext(matcher: RequestMatcher, error: { status: number; code?: number; message?: string }): ScriptedRule {
    return this.rest.failAfterNext(matcher, error.status, { message: error.message ?? `${error.status}: error`, code: error.code ?? 0 });
  }

  /** Current (non-ephemeral) messages of a channel, oldest first. */
  channelMessages(channelId: string): APIMessage[] {
    return this.state.liveMessages(channelId).map((r) => this.state.renderMessage(r));
  }

  /** A message (ephemeral ones included), or undefined. */
  message(channelId: string, messageId: string): APIMessage | undefined {
    const record = this.state.message(messageId);
    return record && record.message.channel_id === channelId ? this.state.renderMessage(record) : undefined;
  }

  /** Ephemeral messages the bot sent (optionally for one interaction), oldest first. */
  ephemeralMessages(interactionId?: string): APIMessage[] {
    return [...this.state.messages.values()]
      .filter((r) => r.ephemeral && !r.deleted && (interactionId === undefined || r.interactionId === interactionId))
      .map((r) => this.state.renderMessage(r));
  }

  guild(guildId: string): APIGuild | undefined {
    const guild = this.state.guild(guildId);
    return guild ? this.state.renderGuild(guild) : undefined;
  }

  channel(channelId: string): APIChannel | undefined {
    const channel = this.state.channel(channelId);
    return channel ? this.state.renderChannel(channel) : undefined;
  }

  /** A guild's channels and threads, in creation order. */
  channels(guildId: string): APIChannel[] {
    return this.state.guildChannels(guildId).map((c) => this.state.renderChannel(c));
  }

  /** The DM channel id between the bot and a user, if one was opened. */
  dmChannelId(userId: string): string | undefined {
    return this.state.dmChannels.get(userId);
  }

  member(guildId: string, userId: string): APIGuildMember | undefined {
    const member = this.state.member(guildId, userId);
    return member ? this.state.renderMember(member) : undefined;
  }

  roles(guildId: string): APIRole[] {
    return [...this.state.requireGuild(guildId).roles.values()].map((r) => clone(r));
  }

  members(guildId: string): APIGuildMember[] {
    return [...this.state.requireGuild(guildId).members.values()].map((m) => this.state.renderMember(m));
  }

  /** A member's permissions in a channel (or guild-wide without a channel), as Discord computes them. */
  permissions(guildId: string, userId: string, channelId?: string): bigint {
    const guild = this.state.requireGuild(guildId);
    return channelId ? this.state.channelPermissions(guild, userId, this.state.requireChannel(channelId)) : this.state.basePermissions(guild, userId);
  }

  /** Bytes of an attachment the fake stores (by attachment id). */
  attachmentData(attachmentId: string): Buffer | undefined {
    return this.state.attachments.get(attachmentId)?.data;
  }

  private requireRecord(channelId: string, messageId: string): MessageRecord {
    const record = this.state.message(messageId);
    if (!record || record.message.channel_id !== channelId) throw new Error(`FakeDiscord: no message ${messageId} in channel ${channelId}`);
    return record;
  }
}

function toEmoji(emoji: ReactInput['emoji']): APIPartialEmoji {
  return typeof emoji === 'string' ? { id: null, name: emoji } : { id: emoji.id, name: emoji.name, ...(emoji.animated ? { animated: true } : {}) };
}
