// The feedback slice's adapters: Discord as the service's ports, gateway listeners, the Feature.
import {
  ChannelFlags,
  ChannelType,
  DiscordAPIError,
  PermissionFlagsBits,
  REST,
  RESTJSONErrorCodes,
  Routes as Api,
  type Client,
  type GatewayDispatchPayload,
  type Guild,
} from 'discord.js';
import type { APIChannel, APIGuildForumTag, APIMessage, APIThreadChannel, RESTGetAPIGuildThreadsResult } from 'discord-api-types/v10';
import { MEMBER_MESSAGE_TYPES } from '../activity/events.js';
import { botMissing, botPermission, type NamedPermission } from '../discord/permissions.js';
import { snowflakeBefore } from '../discord/snowflake.js';
import type { Feature, FeatureContext } from '../feature.js';
import type { Timers } from '../polls/live.js';
import { msg } from '../i18n/index.js';
import { getSettings } from '../settings/store.js';
import { truncate } from '../text.js';
import { feedbackRoutes } from './discord-commands.js';
import { isPostMarker } from './render.js';
import { FeedbackService, RefusedError, type ChannelCheck, type FeedbackPorts, type PostContent, type Published } from './service.js';
import { onItemsAnonymised, type Item } from './store.js';

const MAX_TAGS = 20;
const RETRY_MS = 5 * 60_000;
const WEEK_MINUTES = 10080;

function code(err: unknown): number | null {
  return err instanceof DiscordAPIError && typeof err.code === 'number' ? err.code : null;
}
const isGone = (err: unknown) => code(err) === RESTJSONErrorCodes.UnknownMessage || code(err) === RESTJSONErrorCodes.UnknownChannel;
/** Discord's final no: the bot cannot see the channel, or lacks a permission (Manage Threads to lock). */
const isRefused = (err: unknown) => code(err) === RESTJSONErrorCodes.MissingAccess || code(err) === RESTJSONErrorCodes.MissingPermissions;
/** Discord's answer that a channel is not there for the bot: deleted, or hidden from it. */
const isMissingChannel = (err: unknown) => code(err) === RESTJSONErrorCodes.UnknownChannel || code(err) === RESTJSONErrorCodes.MissingAccess || (err instanceof DiscordAPIError && err.status === 404);
/**
 * A final refusal as the service knows it (Discord's words, and why in staff's language, kept when a
 * post is refused); other errors as they are.
 */
const refusal = (err: unknown) => {
  if (!isRefused(err)) return err;
  const text = code(err) === RESTJSONErrorCodes.MissingAccess ? msg('feedback.unposted.channelGone', { code: String(code(err)) }) : msg('feedback.unposted.refused', { code: String(code(err)) });
  return new RefusedError(`${(err as Error).message} (${code(err)})`, { cause: err, text });
};


/** Messages of a thread read on start: at most this many pages of 100 per thread. */
const READ_ON_PAGES = 5;

/** What posting an item needs of the bot in the feedback channel (status lines and locks are checked when they happen). */
const { view, send, embed, history, createThreads, manageThreads, manageChannels } = botPermission;
const POST_NEEDS: Record<'forum' | 'text', readonly NamedPermission[]> = { forum: [view, send, embed], text: [view, send, embed, history, createThreads] };
/** A forum that requires a tag: Pulse creates its tags (Manage Channels) and applies them, moderated (Manage Threads). */
const TAGGED_FORUM_NEEDS: readonly NamedPermission[] = [manageThreads, manageChannels];

/** Discord, as the feedback service needs it: raw REST calls with Discord's own payloads. */
export class DiscordFeedbackPorts implements FeedbackPorts {
  /** REST without discord.js's automatic retries (see publish); made on first use. */
  private once: REST | undefined;

  constructor(private readonly client: Client) {}

  /**
   * The channel from the cache (Pulse gets every channel of its servers), else from Discord. Only
   * Discord's "no such channel" or "no access" makes it 'bad'; any other failure is 'unknown'.
   */
  async checkChannel(guildId: string, channelId: string): Promise<ChannelCheck> {
    const cached = this.client.channels.cache.get(channelId);
    let found: { guildId: string | null; type: ChannelType; flags: number } | null = null;
    if (cached) found = { guildId: 'guildId' in cached ? cached.guildId : null, type: cached.type, flags: cached.flags?.bitfield ?? 0 };
    else {
      try {
        const channel = (await this.client.rest.get(Api.channel(channelId))) as APIChannel;
        found = { guildId: 'guild_id' in channel ? (channel.guild_id ?? null) : null, type: channel.type, flags: channel.flags ?? 0 };
      } catch (err) {
        if (isMissingChannel(err)) return 'bad';
        return 'unknown';
      }
    }
    if (found.guildId !== guildId) return 'bad';
    const kind = found.type === ChannelType.GuildForum ? 'forum' : found.type === ChannelType.GuildText || found.type === ChannelType.GuildAnnouncement ? 'text' : null;
    if (!kind) return 'bad';
    const needed = kind === 'forum' && (found.flags & ChannelFlags.RequireTag) !== 0 ? [...POST_NEEDS.forum, ...TAGGED_FORUM_NEEDS] : POST_NEEDS[kind];
    // Not known without the cached member: Discord says so when Pulse posts.
    return { kind, missing: botMissing(this.client.guilds.cache.get(guildId) ?? null, channelId, needed) ?? [] };
  }

  /**
   * A forum post in one request that Discord takes without a nonce: discord.js, which sends a
   * request again after a 5xx or a timeout, could make the post twice when Discord made it and the
   * answer was lost. This request is sent once; FeedbackService.publish tries again later, looking
   * for the post first.
   */
  private get onceRest(): REST {
    this.once ??= new REST({ ...this.client.rest.options, retries: 0, hashSweepInterval: 0, handlerSweepInterval: 0 }).setToken(this.client.token ?? '');
    return this.once;
  }

  /**
   * The forum's tag ids for the post's status and category, creating missing ones while there is
   * room (20 at most). The status tag is found by any of its names (its label in each of Pulse's
   * languages), so a tag made before the language changed, or an English one, is used again; a
   * missing one is created with the label in the server's language.
   */
  private async tagIds(forumId: string, content: PostContent): Promise<string[]> {
    const forum = (await this.client.rest.get(Api.channel(forumId))) as APIChannel & { available_tags?: APIGuildForumTag[] };
    let tags = forum.available_tags ?? [];
    // Discord's tag names are at most 20 characters: longer names are looked up by their first 20.
    const tagName = (name: string) => truncate(name, 20).toLowerCase();
    const category = tagName(content.tags.category);
    // The category keeps its own tag even when it is named like the status in another language.
    const statusNames = [content.tags.status, ...content.tags.statusNames.filter((n) => tagName(n) !== category)].map(tagName);
    const wanted = [
      { name: content.tags.status, names: statusNames },
      { name: content.tags.category, names: [category] },
    ];
    const find = (names: string[]) => names.map((n) => tags.find((t) => t.name.toLowerCase() === n)).find((t) => t !== undefined);
    const missing = wanted.filter((w) => !find(w.names)).filter((w, i, all) => all.findIndex((o) => tagName(o.name) === tagName(w.name)) === i);
    if (missing.length > 0 && tags.length < MAX_TAGS) {
      const added = missing.slice(0, MAX_TAGS - tags.length).map((w) => ({ name: truncate(w.name, 20), moderated: true }));
      const updated = (await this.client.rest.patch(Api.channel(forumId), { body: { available_tags: [...tags, ...added] } }).catch(() => null)) as
        | (APIChannel & { available_tags?: APIGuildForumTag[] })
        | null;
      if (updated?.available_tags) tags = updated.available_tags;
    }
    return [...new Set(wanted.map((w) => find(w.names)?.id).filter((id): id is string => id !== undefined))].slice(0, 5);
  }

  async publish(item: Item, content: PostContent): Promise<Published> {
    try {
      return await this.post(item, content);
    } catch (err) {
      // A forum that requires a tag Pulse could not apply refuses as finally as a missing permission.
      if (code(err) === RESTJSONErrorCodes.TagRequiredToCreateAForumPostInThisChannel) throw new RefusedError(`${(err as Error).message} (${code(err)})`, { cause: err });
      throw refusal(err);
    }
  }

  private async post(item: Item, content: PostContent): Promise<Published> {
    const message = { embeds: [content.embed], components: content.components, allowed_mentions: { parse: [] } };
    if (item.channelKind === 'forum') {
      const appliedTags = await this.tagIds(item.channelId, content);
      const thread = (await this.onceRest.post(Api.threads(item.channelId), {
        body: { name: content.name, auto_archive_duration: WEEK_MINUTES, applied_tags: appliedTags, message },
      })) as APIThreadChannel & { message?: APIMessage };
      return { threadId: thread.id, messageId: thread.message?.id ?? thread.id };
    }
    // Text channel: the embed message (its nonce drops a duplicate sent shortly after), then a public thread on it.
    const posted = (await this.client.rest.post(Api.channelMessages(item.channelId), {
      body: { ...message, nonce: `fb-${item.id}-${item.createdAt}`.slice(0, 25), enforce_nonce: true },
    })) as APIMessage;
    const thread = await this.threadOn(item, posted.id, content.name);
    return { threadId: thread, messageId: posted.id };
  }

  private async threadOn(item: Item, messageId: string, name: string): Promise<string> {
    try {
      const thread = (await this.client.rest.post(Api.threads(item.channelId, messageId), { body: { name, auto_archive_duration: WEEK_MINUTES } })) as APIThreadChannel;
      return thread.id;
    } catch (err) {
      // A thread made by an earlier attempt has the message's id.
      if (code(err) === RESTJSONErrorCodes.ThreadAlreadyCreatedForMessage) return messageId;
      throw err;
    }
  }

  async findPublished(item: Item, threadName: string): Promise<Published | null> {
    const suffix = ` · #${item.id}`;
    const bot = this.client.user?.id;
    // A failed look is no answer (posting then could make a second post): it throws, and the
    // attempt is retried later. Only a channel the bot cannot read holds nothing to find.
    const orNone = <T>(err: unknown, none: T): T => {
      if (isRefused(err) || isGone(err)) return none;
      throw err;
    };
    if (item.channelKind === 'forum') {
      const active = (await this.client.rest.get(Api.guildActiveThreads(item.guildId)).catch((err: unknown) => orNone(err, null))) as RESTGetAPIGuildThreadsResult | null;
      const archived = (await this.client.rest.get(Api.channelThreads(item.channelId, 'public')).catch((err: unknown) => orNone(err, null))) as { threads: APIChannel[] } | null;
      const threads = [...(active?.threads ?? []), ...(archived?.threads ?? [])] as APIThreadChannel[];
      const found = threads.find((t) => t.parent_id === item.channelId && t.owner_id === bot && (t.name ?? '').endsWith(suffix));
      return found ? { threadId: found.id, messageId: found.id } : null;
    }
    const recent = (await this.client.rest.get(Api.channelMessages(item.channelId), { query: new URLSearchParams({ limit: '100' }) }).catch((err: unknown) => orNone(err, []))) as APIMessage[];
    // Its footer, in any of Pulse's languages (posts made before footers were translated say "Feedback #N").
    const message = recent.find((m) => m.author.id === bot && isPostMarker(m.embeds[0]?.footer?.text, item.id));
    if (!message) return null;
    const threadId = message.thread?.id ?? (await this.threadOn(item, message.id, threadName));
    return { threadId, messageId: message.id };
  }

  async editPost(item: Item, content: PostContent): Promise<'ok' | 'gone'> {
    if (!item.messageId) return 'gone';
    // A forum post's message is in its thread.
    const threadId = item.channelKind === 'forum' ? item.threadId : null;
    const body = { embeds: [content.embed], components: content.components, allowed_mentions: { parse: [] } };
    try {
      await this.inThread(threadId, () => this.client.rest.patch(Api.channelMessage(threadId ?? item.channelId, item.messageId!), { body }), true);
      return 'ok';
    } catch (err) {
      if (isGone(err)) return 'gone';
      throw refusal(err);
    }
  }

  /**
   * A change in (or of) a thread, unarchiving it first when Discord refuses the change because it
   * is archived (closed by Pulse, idle for a week, or archived and locked by a moderator): Discord
   * takes no edit, message or message edit in an archived thread. With `restore`, the thread is
   * archived again afterwards (a lock stays as it was: unarchiving does not unlock), so a vote's
   * edit never reopens a thread a moderator closed; without it, the change itself says.
   */
  private async inThread<T>(threadId: string | null, change: () => Promise<T>, restore: boolean): Promise<T> {
    try {
      return await change();
    } catch (err) {
      if (threadId === null || code(err) !== RESTJSONErrorCodes.InvalidActionOnArchivedThread) throw err;
      await this.client.rest.patch(Api.channel(threadId), { body: { archived: false } });
      try {
        return await change();
      } finally {
        if (restore) await this.client.rest.patch(Api.channel(threadId), { body: { archived: true } });
      }
    }
  }

  async updateThread(item: Item, content: PostContent, state: { archived?: boolean; locked?: boolean }): Promise<'ok' | 'gone'> {
    if (!item.threadId) return 'gone';
    // Only what the status decides: an archive or a lock it says nothing of stays as it is.
    const body: Record<string, unknown> = { name: content.name, ...(state.archived !== undefined ? { archived: state.archived } : {}), ...(state.locked !== undefined ? { locked: state.locked } : {}) };
    if (item.channelKind === 'forum') body['applied_tags'] = await this.tagIds(item.channelId, content).catch(() => undefined);
    const threadId = item.threadId;
    try {
      // Unarchive before other edits: Discord refuses most edits of an archived thread.
      if (state.archived === false) await this.client.rest.patch(Api.channel(threadId), { body: { archived: false, ...(state.locked === false ? { locked: false } : {}) } });
      await this.inThread(threadId, () => this.client.rest.patch(Api.channel(threadId), { body }), state.archived === undefined);
      return 'ok';
    } catch (err) {
      if (isGone(err)) return 'gone';
      throw refusal(err);
    }
  }

  async postInThread(item: Item, content: string, mention: string | null, once?: { nonce: string; since: number | null }): Promise<'ok' | 'gone'> {
    if (!item.threadId) return 'gone';
    const threadId = item.threadId;
    const body = { content, allowed_mentions: { parse: [], users: mention ? [mention] : [] }, ...(once ? { nonce: once.nonce, enforce_nonce: true } : {}) };
    try {
      if (once?.since != null && (await this.postedSince(threadId, content, once.since))) return 'ok';
      await this.inThread(threadId, () => this.client.rest.post(Api.channelMessages(threadId), { body }), true);
      return 'ok';
    } catch (err) {
      if (isGone(err)) return 'gone';
      throw refusal(err);
    }
  }

  /**
   * Whether Pulse posted exactly this text in the channel since `since` (the first 100 messages
   * from then). A failed look throws: posting without knowing could post twice.
   */
  private async postedSince(channelId: string, content: string, since: number): Promise<boolean> {
    const bot = this.client.user?.id;
    const query = new URLSearchParams({ after: snowflakeBefore(since), limit: '100' });
    const recent = (await this.client.rest.get(Api.channelMessages(channelId), { query })) as APIMessage[];
    return recent.some((m) => m.author.id === bot && m.content === content);
  }

  /**
   * A page of a thread's messages after `after`, oldest first (up to 100); null when the thread
   * cannot be read (deleted, or no access).
   */
  async threadMessagesAfter(threadId: string, after: string): Promise<APIMessage[] | null> {
    try {
      const page = (await this.client.rest.get(Api.channelMessages(threadId), { query: new URLSearchParams({ after, limit: '100' }) })) as APIMessage[];
      return [...page].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : BigInt(a.id) > BigInt(b.id) ? 1 : 0));
    } catch (err) {
      if (isGone(err) || isRefused(err)) return null;
      throw err;
    }
  }

  async sendDm(userId: string, content: string, once: { nonce: string; since: number | null }): Promise<'sent' | 'closed'> {
    try {
      // Not cached (see src/discord/dm.ts); with its nonce, discord.js's own retries send it once.
      const channel = await this.client.users.createDM(userId, { cache: false });
      if (once.since !== null && (await this.postedSince(channel.id, content, once.since))) return 'sent';
      await channel.send({ content, allowedMentions: { parse: [] }, nonce: once.nonce, enforceNonce: true });
      return 'sent';
    } catch (err) {
      if (code(err) === RESTJSONErrorCodes.CannotSendMessagesToThisUser) return 'closed';
      throw err;
    }
  }
}

/** Staff at the time of a message: the guild owner, Manage Server (or Administrator) from the cached roles, or the staff role. */
export function isStaffMember(guild: Guild | undefined, userId: string, roleIds: readonly string[], staffRoleId: string | null): boolean {
  if (staffRoleId !== null && roleIds.includes(staffRoleId)) return true;
  if (!guild) return false;
  if (guild.ownerId === userId) return true;
  for (const id of [guild.id, ...roleIds]) {
    const perms = guild.roles.cache.get(id)?.permissions;
    if (perms?.has(PermissionFlagsBits.Administrator) || perms?.has(PermissionFlagsBits.ManageGuild)) return true;
  }
  return false;
}

export interface FeedbackOptions {
  liveIntervalMs?: number;
  timers?: Timers;
}

export interface FeedbackFeature extends Feature {
  readonly service: FeedbackService;
}

interface RawMessage {
  id?: string;
  channel_id?: string;
  guild_id?: string;
  author?: { id?: string; bot?: boolean };
  webhook_id?: string;
  type?: number;
  member?: { roles?: string[] };
  timestamp?: string;
  ids?: string[];
}

/** A member's message as the thread handler takes it: none for bots, webhooks and system messages. */
function memberMessage(d: RawMessage, now: number): { id: string; channelId: string; guildId: string; userId: string; at: number } | null {
  if (!d.id || !d.channel_id || !d.author?.id || d.author.bot || d.webhook_id || !d.guild_id) return null;
  // System messages (a pin, a rename, a member added) carry the staff member who did it: not an answer.
  if (d.type != null && !MEMBER_MESSAGE_TYPES.has(d.type)) return null;
  const at = d.timestamp ? Date.parse(d.timestamp) : now;
  return { id: d.id, channelId: d.channel_id, guildId: d.guild_id, userId: d.author.id, at: Number.isFinite(at) ? at : now };
}

export function feedbackFeature(ctx: FeatureContext, options: FeedbackOptions = {}): FeedbackFeature {
  const ports = new DiscordFeedbackPorts(ctx.client);
  const service = new FeedbackService({
    db: ctx.db,
    clock: ctx.clock,
    logger: ctx.logger,
    ports,
    guildLocale: (guildId) => ctx.client.guilds.cache.get(guildId)?.preferredLocale ?? null,
    ...(options.liveIntervalMs !== undefined ? { liveIntervalMs: options.liveIntervalMs } : {}),
    ...(options.timers ? { timers: options.timers } : {}),
  });
  let retry: ReturnType<typeof setInterval> | undefined;
  /** The one handler of thread messages, live (roles from the event) and read on start (roles looked up). */
  const onThreadMessage = async (m: NonNullable<ReturnType<typeof memberMessage>>, roles: readonly string[]): Promise<void> => {
    const settings = await getSettings(ctx.db, m.guildId);
    await service.onThreadMessage({ channelId: m.channelId, messageId: m.id, userId: m.userId, at: m.at, staff: isStaffMember(ctx.client.guilds.cache.get(m.guildId), m.userId, roles, settings.staffRoleId) });
  };
  /**
   * Start-up: replies posted in open items' threads while Pulse was down, read from the newest
   * message it saw there (at most READ_ON_PAGES pages of 100 per thread), one thread after
   * another in the background, through the same handler as live messages (by message id: once).
   * REST messages carry no member: their author's current roles decide whether they are staff.
   */
  const readOn = async (): Promise<void> => {
    const roles = new Map<string, Promise<string[]>>();
    const rolesOf = (guildId: string, userId: string) => {
      const key = `${guildId}:${userId}`;
      let found = roles.get(key);
      if (!found) {
        const guild = ctx.client.guilds.cache.get(guildId);
        found = guild ? guild.members.fetch(userId).then((m) => [...m.roles.cache.keys()], () => []) : Promise.resolve([]);
        roles.set(key, found);
      }
      return found;
    };
    let total = 0;
    for (const thread of await service.threadsToReadOn()) {
      let after = thread.after;
      try {
        for (let page = 0; page < READ_ON_PAGES && !service.stopped; page++) {
          const messages = await ports.threadMessagesAfter(thread.threadId, after);
          if (!messages) break;
          for (const message of messages) {
            const m = memberMessage({ ...(message as RawMessage), channel_id: thread.threadId, guild_id: thread.guildId }, ctx.clock.now());
            if (!m) continue;
            await onThreadMessage(m, await rolesOf(m.guildId, m.userId));
            total++;
          }
          if (messages.length < 100) break;
          after = messages.at(-1)!.id;
        }
      } catch (err) {
        ctx.logger.warn({ err, item: thread.itemId, thread: thread.threadId }, 'feedback.read-on-failed');
      }
      if (service.stopped) return;
    }
    if (total > 0) ctx.logger.info({ messages: total }, 'feedback.read-on');
  };
  const onRaw = (packet: GatewayDispatchPayload) => {
    const d = packet.d as RawMessage;
    let work: Promise<unknown> | null = null;
    if (packet.t === 'MESSAGE_CREATE' && d.channel_id && service.isItemThread(d.channel_id)) {
      const m = memberMessage(d, ctx.clock.now());
      if (!m) return;
      work = onThreadMessage(m, d.member?.roles ?? []);
    } else if (packet.t === 'MESSAGE_DELETE' && d.id && d.channel_id && d.guild_id) {
      work = service.onMessageDeleted(d.channel_id, d.id);
    } else if (packet.t === 'MESSAGE_DELETE_BULK' && d.ids && d.channel_id) {
      const channelId = d.channel_id;
      work = Promise.all(d.ids.map((id) => service.onMessageDeleted(channelId, id)));
    } else if (packet.t === 'THREAD_DELETE' && d.id) {
      work = service.onThreadDeleted(d.id);
    }
    if (work) service.track(work.catch((err: unknown) => ctx.logger.error({ err, event: packet.t }, 'feedback.event-failed')));
  };
  // Opt-out steps (on this thread, on this database) hand over the items whose author they replaced.
  onItemsAnonymised(ctx.database.sqlite, (itemIds) => service.authorsAnonymised(itemIds));
  return {
    name: 'feedback',
    service,
    routes: feedbackRoutes({ db: ctx.db, clock: ctx.clock, service }),
    attach(client) {
      client.on('raw', onRaw);
    },
    async onReady() {
      await service.catchUp();
      service.track(readOn().catch((err: unknown) => ctx.logger.error({ err }, 'feedback.read-on-failed')));
      retry = setInterval(() => service.track(service.catchUp(false).catch((err: unknown) => ctx.logger.error({ err }, 'feedback.retry-failed'))), RETRY_MS);
      retry.unref();
    },
    // A new session after a connection Discord would not resume: the thread replies of the gap
    // (first staff answers) are read, as at start.
    async onReconnect() {
      service.track(readOn().catch((err: unknown) => ctx.logger.error({ err }, 'feedback.read-on-failed')));
    },
    async stop() {
      if (retry) clearInterval(retry);
      onItemsAnonymised(ctx.database.sqlite, null);
      await service.stop();
    },
  };
}
