// The feedback slice's adapters: Discord as the service's ports, gateway listeners, the Feature.
import {
  ChannelType,
  DiscordAPIError,
  PermissionFlagsBits,
  RESTJSONErrorCodes,
  Routes as Api,
  type Client,
  type GatewayDispatchPayload,
  type Guild,
} from 'discord.js';
import type { APIChannel, APIGuildForumTag, APIMessage, APIThreadChannel, RESTGetAPIGuildThreadsResult } from 'discord-api-types/v10';
import { MEMBER_MESSAGE_TYPES } from '../activity/events.js';
import type { Feature, FeatureContext } from '../feature.js';
import type { Timers } from '../polls/live.js';
import { getSettings } from '../settings/store.js';
import { feedbackRoutes } from './discord-commands.js';
import { postMarker } from './feedback.js';
import { FeedbackService, type FeedbackPorts, type PostContent, type Published } from './service.js';
import type { Item } from './store.js';

const MAX_TAGS = 20;
const RETRY_MS = 5 * 60_000;
const WEEK_MINUTES = 10080;

function code(err: unknown): number | null {
  return err instanceof DiscordAPIError && typeof err.code === 'number' ? err.code : null;
}
const isGone = (err: unknown) => code(err) === RESTJSONErrorCodes.UnknownMessage || code(err) === RESTJSONErrorCodes.UnknownChannel;

/** Discord, as the feedback service needs it: raw REST calls with Discord's own payloads. */
export class DiscordFeedbackPorts implements FeedbackPorts {
  constructor(private readonly client: Client) {}

  async channelKind(guildId: string, channelId: string): Promise<'forum' | 'text' | null> {
    const channel = (await this.client.rest.get(Api.channel(channelId)).catch(() => null)) as APIChannel | null;
    if (!channel || !('guild_id' in channel) || channel.guild_id !== guildId) return null;
    if (channel.type === ChannelType.GuildForum) return 'forum';
    if (channel.type === ChannelType.GuildText || channel.type === ChannelType.GuildAnnouncement) return 'text';
    return null;
  }

  /** The forum's tag ids for these names, creating missing ones while there is room (20 at most). */
  private async tagIds(forumId: string, names: string[]): Promise<string[]> {
    const forum = (await this.client.rest.get(Api.channel(forumId))) as APIChannel & { available_tags?: APIGuildForumTag[] };
    let tags = forum.available_tags ?? [];
    // Discord's tag names are at most 20 characters: longer names are looked up by their first 20.
    const tagName = (name: string) => name.slice(0, 20).toLowerCase();
    const missing = [...new Set(names.map(tagName))].filter((n) => !tags.some((t) => t.name.toLowerCase() === n));
    if (missing.length > 0 && tags.length < MAX_TAGS) {
      const added = missing.slice(0, MAX_TAGS - tags.length).map((n) => ({ name: names.find((name) => tagName(name) === n)!.slice(0, 20), moderated: true }));
      const updated = (await this.client.rest.patch(Api.channel(forumId), { body: { available_tags: [...tags, ...added] } }).catch(() => null)) as
        | (APIChannel & { available_tags?: APIGuildForumTag[] })
        | null;
      if (updated?.available_tags) tags = updated.available_tags;
    }
    return names.map((n) => tags.find((t) => t.name.toLowerCase() === tagName(n))?.id).filter((id): id is string => id !== undefined).slice(0, 5);
  }

  async publish(item: Item, content: PostContent): Promise<Published> {
    const message = { embeds: [content.embed], components: content.components, allowed_mentions: { parse: [] } };
    if (item.channelKind === 'forum') {
      const appliedTags = await this.tagIds(item.channelId, [content.tags.status, content.tags.category]);
      const thread = (await this.client.rest.post(Api.threads(item.channelId), {
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

  async findPublished(item: Item): Promise<Published | null> {
    const marker = postMarker(item.id);
    const suffix = ` · #${item.id}`;
    const bot = this.client.user?.id;
    if (item.channelKind === 'forum') {
      const active = (await this.client.rest.get(Api.guildActiveThreads(item.guildId)).catch(() => null)) as RESTGetAPIGuildThreadsResult | null;
      const archived = (await this.client.rest.get(Api.channelThreads(item.channelId, 'public')).catch(() => null)) as { threads: APIChannel[] } | null;
      const threads = [...(active?.threads ?? []), ...(archived?.threads ?? [])] as APIThreadChannel[];
      const found = threads.find((t) => t.parent_id === item.channelId && t.owner_id === bot && (t.name ?? '').endsWith(suffix));
      return found ? { threadId: found.id, messageId: found.id } : null;
    }
    const recent = (await this.client.rest.get(Api.channelMessages(item.channelId), { query: new URLSearchParams({ limit: '100' }) }).catch(() => [])) as APIMessage[];
    const message = recent.find((m) => m.author.id === bot && m.embeds[0]?.footer?.text === marker);
    if (!message) return null;
    const threadId = message.thread?.id ?? (await this.threadOn(item, message.id, item.title.slice(0, 90) + suffix));
    return { threadId, messageId: message.id };
  }

  async editPost(item: Item, content: PostContent): Promise<'ok' | 'gone'> {
    if (!item.messageId) return 'gone';
    // A forum post's message is in its thread.
    const threadId = item.channelKind === 'forum' ? item.threadId : null;
    const body = { embeds: [content.embed], components: content.components, allowed_mentions: { parse: [] } };
    try {
      await this.inThread(threadId, () => this.client.rest.patch(Api.channelMessage(threadId ?? item.channelId, item.messageId!), { body }));
      return 'ok';
    } catch (err) {
      if (isGone(err)) return 'gone';
      throw err;
    }
  }

  /**
   * A change in (or of) a thread, unarchiving it first when Discord refuses the change because it
   * is archived (closed by Pulse, idle for a week, or archived and locked by a moderator): Discord
   * takes no edit, message or message edit in an archived thread. Whoever wants it archived again
   * says so (updateThread, as the item's status decides).
   */
  private async inThread<T>(threadId: string | null, change: () => Promise<T>): Promise<T> {
    try {
      return await change();
    } catch (err) {
      if (threadId === null || code(err) !== RESTJSONErrorCodes.InvalidActionOnArchivedThread) throw err;
      await this.client.rest.patch(Api.channel(threadId), { body: { archived: false } });
      return change();
    }
  }

  async updateThread(item: Item, content: PostContent, state: { archived: boolean; locked: boolean }): Promise<'ok' | 'gone'> {
    if (!item.threadId) return 'gone';
    const body: Record<string, unknown> = { name: content.name, archived: state.archived, locked: state.locked };
    if (item.channelKind === 'forum') body['applied_tags'] = await this.tagIds(item.channelId, [content.tags.status, content.tags.category]).catch(() => undefined);
    const threadId = item.threadId;
    try {
      // Unarchive before other edits: Discord refuses most edits of an archived thread.
      if (!state.archived) await this.client.rest.patch(Api.channel(threadId), { body: { archived: false, locked: false } });
      await this.inThread(threadId, () => this.client.rest.patch(Api.channel(threadId), { body }));
      return 'ok';
    } catch (err) {
      if (isGone(err)) return 'gone';
      throw err;
    }
  }

  async postInThread(item: Item, content: string, mention: string | null): Promise<boolean> {
    if (!item.threadId) return false;
    const threadId = item.threadId;
    try {
      await this.inThread(threadId, () => this.client.rest.post(Api.channelMessages(threadId), { body: { content, allowed_mentions: { parse: [], users: mention ? [mention] : [] } } }));
      return true;
    } catch {
      return false;
    }
  }

  async sendDm(userId: string, content: string): Promise<'sent' | 'closed'> {
    try {
      await this.client.users.send(userId, { content, allowedMentions: { parse: [] } });
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

export function feedbackFeature(ctx: FeatureContext, options: FeedbackOptions = {}): FeedbackFeature {
  const service = new FeedbackService({
    db: ctx.db,
    clock: ctx.clock,
    logger: ctx.logger,
    ports: new DiscordFeedbackPorts(ctx.client),
    guildLocale: (guildId) => ctx.client.guilds.cache.get(guildId)?.preferredLocale ?? null,
    ...(options.liveIntervalMs !== undefined ? { liveIntervalMs: options.liveIntervalMs } : {}),
    ...(options.timers ? { timers: options.timers } : {}),
  });
  let retry: ReturnType<typeof setInterval> | undefined;
  const onRaw = (packet: GatewayDispatchPayload) => {
    const d = packet.d as RawMessage;
    let work: Promise<unknown> | null = null;
    if (packet.t === 'MESSAGE_CREATE' && d.channel_id && service.isItemThread(d.channel_id)) {
      if (!d.id || !d.author?.id || d.author.bot || d.webhook_id || !d.guild_id) return;
      // System messages (a pin, a rename, a member added) carry the staff member who did it: not an answer.
      if (d.type != null && !MEMBER_MESSAGE_TYPES.has(d.type)) return;
      const { id, channel_id: channelId, guild_id: guildId } = d;
      const userId = d.author.id;
      const roles = d.member?.roles ?? [];
      const at = d.timestamp ? Date.parse(d.timestamp) : ctx.clock.now();
      work = getSettings(ctx.db, guildId).then((s) =>
        service.onThreadMessage({ channelId, messageId: id, userId, at: Number.isFinite(at) ? at : ctx.clock.now(), staff: isStaffMember(ctx.client.guilds.cache.get(guildId), userId, roles, s.staffRoleId) }),
      );
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
  return {
    name: 'feedback',
    service,
    routes: feedbackRoutes({ db: ctx.db, clock: ctx.clock, service }),
    attach(client) {
      client.on('raw', onRaw);
    },
    async onReady() {
      await service.catchUp();
      retry = setInterval(() => service.track(service.catchUp(false).catch((err: unknown) => ctx.logger.error({ err }, 'feedback.retry-failed'))), RETRY_MS);
      retry.unref();
    },
    async stop() {
      if (retry) clearInterval(retry);
      await service.stop();
    },
  };
}
