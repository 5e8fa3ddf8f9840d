// Shared pieces of the REST routes: lookups that answer Discord's 404s, permission checks that answer
// 50001/50013 the way Discord does, and message-body parsing.
import { ChannelType, GatewayIntentBits, MessageFlags, PermissionFlagsBits, type APIMessage, type APIPartialEmoji } from 'discord-api-types/v10';
import type { FakeActions, MessageInput } from './actions.js';
import type { InteractionManager } from './interactions.js';
import type { RouteContext } from './rest.js';
import type { FakeChannel, FakeGuild, FakeMember, FakeState, MessageRecord } from './state.js';
import { Errors, clone, isRecord, optNumber, optString } from './util.js';

export interface RouteDeps {
  state: FakeState;
  actions: FakeActions;
  interactions: InteractionManager;
  gatewayUrl: () => string;
  /** Privileged intents enabled for the application (affects REST message content and app flags). */
  allowedPrivilegedIntents: number;
  applicationOwnerId: string;
}

export type RouteHelpers = ReturnType<typeof createRouteHelpers>;

/** How long `enforce_nonce` remembers a nonce (Discord: "the past few minutes"). */
export const NONCE_WINDOW_MS = 5 * 60_000;

export function createRouteHelpers(deps: RouteDeps) {
  const { state, actions } = deps;
  const bot = state.botUser;
  const channelOr404 = (id: string | undefined): FakeChannel => {
    const channel = id ? state.channel(id) : undefined;
    if (!channel) throw Errors.unknownChannel();
    return channel;
  };
  const guildOr404 = (id: string | undefined): FakeGuild => {
    const guild = id ? state.guild(id) : undefined;
    if (!guild) throw Errors.unknownGuild();
    return guild;
  };
  const guildOf = (channel: FakeChannel): FakeGuild | undefined => (channel.guildId ? state.guild(channel.guildId) : undefined);
  /** 50001 without VIEW_CHANNEL, 50013 without the rest. DM channels: only the bot's own DMs are visible. */
  const need = (channel: FakeChannel, ...perms: bigint[]): void => {
    const guild = guildOf(channel);
    if (!guild) {
      if (channel.type === ChannelType.DM && channel.recipientId) return;
      throw Errors.missingAccess();
    }
    const have = state.channelPermissions(guild, bot.id, channel);
    if (!(have & PermissionFlagsBits.ViewChannel)) throw Errors.missingAccess();
    for (const perm of perms) if ((have & perm) !== perm) throw Errors.missingPermissions();
  };
  const needGuild = (guild: FakeGuild, ...perms: bigint[]): void => {
    const have = state.basePermissions(guild, bot.id);
    for (const perm of perms) if ((have & perm) !== perm) throw Errors.missingPermissions();
  };
  /** The bot may act on a member only if its highest role is above theirs (and they are not the owner). */
  const needAbove = (guild: FakeGuild, userId: string): void => {
    if (userId === guild.ownerId) throw Errors.missingPermissions();
    if (state.highestRolePosition(guild, bot.id) <= state.highestRolePosition(guild, userId)) throw Errors.missingPermissions();
  };
  const messageOr404 = (channel: FakeChannel, id: string | undefined): MessageRecord => {
    const record = id ? state.message(id) : undefined;
    if (!record || record.message.channel_id !== channel.id || record.ephemeral) throw Errors.unknownMessage();
    return record;
  };
  const memberOr404 = (guild: FakeGuild, userId: string | undefined): FakeMember => {
    const member = userId ? guild.members.get(userId) : undefined;
    if (!member) throw Errors.unknownMember();
    return member;
  };
  const contentHidden = (record: MessageRecord): boolean =>
    (deps.allowedPrivilegedIntents & GatewayIntentBits.MessageContent) === 0 &&
    record.guildId !== null &&
    record.message.author.id !== bot.id &&
    !record.message.mentions.some((u) => u.id === bot.id);
  /** A message as REST returns it (content blanked when the app lacks the MESSAGE_CONTENT privilege). */
  const restMessage = (record: MessageRecord): APIMessage => {
    const message = state.renderMessage(record);
    if (!contentHidden(record)) return message;
    const copy: APIMessage = { ...message, content: '', embeds: [], attachments: [], components: [] };
    delete copy.poll;
    return copy;
  };
  const messageInput = (channelId: string, ctx: RouteContext, body: Record<string, unknown> = ctx.body): MessageInput => {
    const input: MessageInput = {};
    const content = optString(body['content']);
    if (content !== undefined) input.content = content;
    if (Array.isArray(body['embeds'])) input.embeds = clone(body['embeds']);
    if (Array.isArray(body['components'])) input.components = clone(body['components']);
    if (body['tts'] === true) input.tts = true;
    const nonce = body['nonce'];
    if (typeof nonce === 'string' || typeof nonce === 'number') input.nonce = nonce;
    if (isRecord(body['allowed_mentions'])) input.allowedMentions = body['allowed_mentions'];
    if (isRecord(body['poll'])) input.poll = actions.buildPoll(body['poll']);
    if (ctx.files.length > 0) input.attachments = actions.buildAttachments(channelId, ctx.files, body['attachments']);
    const flags = optNumber(body['flags']);
    if (flags !== undefined) input.flags = flags & (MessageFlags.SuppressEmbeds | MessageFlags.SuppressNotifications | MessageFlags.IsComponentsV2 | MessageFlags.IsVoiceMessage);
    return input;
  };
  /**
   * Discord's nonce rule on message create: a string of at most 25 characters or an integer (else 50035).
   * Returns the nonce as the message will carry it, or undefined when there is none.
   */
  const checkNonce = (body: Record<string, unknown>): string | number | undefined => {
    const nonce = body['nonce'];
    if (nonce === undefined || nonce === null) return undefined;
    if (typeof nonce === 'string') {
      if (nonce.length > 25) throw Errors.invalidForm('nonce', 'Must be 25 or fewer in length.', 'BASE_TYPE_MAX_LENGTH');
      return nonce;
    }
    if (typeof nonce === 'number' && Number.isInteger(nonce)) return nonce;
    throw Errors.invalidForm('nonce', 'Nonce must be an integer or a string.', 'BASE_TYPE_INVALID');
  };
  /**
   * With `enforce_nonce`, Discord checks the nonce for uniqueness over the past few minutes (the fake:
   * 5, on its own clock): the same author's message in the same channel with that nonce is returned
   * instead of creating a new one.
   */
  const nonceDuplicate = (channel: FakeChannel, authorId: string, nonce: string | number): MessageRecord | undefined => {
    const since = state.now() - NONCE_WINDOW_MS;
    return state
      .liveMessages(channel.id)
      .findLast((r) => r.message.author.id === authorId && r.message.nonce !== undefined && String(r.message.nonce) === String(nonce) && Date.parse(r.message.timestamp) >= since);
  };
  const parseEmoji = (raw: string | undefined): APIPartialEmoji => {
    const text = raw ?? '';
    const custom = /^(a:)?([^:]+):(\d+)$/.exec(text);
    if (custom) return { id: custom[3] ?? null, name: custom[2] ?? null, ...(custom[1] ? { animated: true } : {}) };
    if (!text || text.includes(':')) throw Errors.unknownEmoji();
    return { id: null, name: text };
  };
  const limitParam = (ctx: RouteContext, fallback: number, max: number): number => {
    const limit = optNumber(ctx.query.get('limit')) ?? fallback;
    if (limit < 1 || limit > max) throw Errors.invalidForm('limit', `Must be between 1 and ${max}.`, 'NUMBER_TYPE_MAX');
    return limit;
  };
  return { channelOr404, guildOr404, guildOf, need, needGuild, needAbove, messageOr404, memberOr404, contentHidden, restMessage, messageInput, checkNonce, nonceDuplicate, parseEmoji, limitParam };
}
