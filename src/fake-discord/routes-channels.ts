// REST routes for channels, messages, reactions, pins, polls and threads.
import {
  ChannelFlags,
  ChannelType,
  GatewayDispatchEvents,
  MessageReferenceType,
  MessageType,
  PermissionFlagsBits,
  RESTJSONErrorCodes,
  ThreadAutoArchiveDuration,
  type APIMessageReference,
  type APIGuildForumTag,
  type APIOverwrite,
} from 'discord-api-types/v10';
import { validateMessageData } from './interactions.js';
import { noContent, ok, type FakeRest, type RouteContext, type RouteResult } from './rest.js';
import type { RouteDeps, RouteHelpers } from './route-helpers.js';
import type { FakeChannel, MessageRecord } from './state.js';
import { DiscordHttpError, Errors, checkWellFormed, clone, codePoints, compareSnowflakes, isRecord, optBoolean, optNumber, optString } from './util.js';

const TEXT_TYPES = new Set<ChannelType>([
  ChannelType.GuildText,
  ChannelType.GuildAnnouncement,
  ChannelType.GuildVoice,
  ChannelType.GuildStageVoice,
  ChannelType.PublicThread,
  ChannelType.PrivateThread,
  ChannelType.AnnouncementThread,
  ChannelType.DM,
  ChannelType.GroupDM,
]);

/**
 * A forum's tags as PATCH sends them: at most 20, names 1-20 characters and unique; tags without
 * an id are new and get one, tags left out are deleted.
 */
function checkAvailableTags(channel: FakeChannel, raw: unknown, next = (): string => ''): APIGuildForumTag[] {
  if (!Array.isArray(raw)) throw Errors.invalidForm('available_tags', 'Must be an array.', 'BASE_TYPE_ARRAY');
  if (raw.length > 20) throw Errors.invalidForm('available_tags', 'Must be 20 or fewer in length.', 'BASE_TYPE_MAX_LENGTH');
  const names = raw.map((tag) => (isRecord(tag) ? optString(tag['name'])?.toLowerCase() : undefined)).filter((n) => n !== undefined);
  if (new Set(names).size < names.length) throw new DiscordHttpError(400, RESTJSONErrorCodes.TagNamesMustBeUnique, 'Tag names must be unique');
  return raw.map((tag, i) => {
    if (!isRecord(tag)) throw Errors.invalidForm(`available_tags.${i}`, 'Must be an object.');
    const name = optString(tag['name']);
    if (!name || codePoints(name) > 20) throw Errors.invalidForm(`available_tags.${i}.name`, 'Must be between 1 and 20 in length.', 'BASE_TYPE_BAD_LENGTH');
    const id = optString(tag['id']);
    const known = id ? channel.availableTags.find((t) => t.id === id) : undefined;
    return {
      id: known?.id ?? next(),
      name,
      moderated: optBoolean(tag['moderated']) ?? false,
      emoji_id: optString(tag['emoji_id']) ?? null,
      emoji_name: optString(tag['emoji_name']) ?? null,
    };
  });
}

/**
 * Tags applied to a forum post: at most 5, each one of the forum's tags; adding or removing a
 * moderated tag needs Manage Threads.
 */
function checkAppliedTags(parent: FakeChannel | undefined, current: readonly string[], raw: unknown[], manageThreads: boolean): string[] {
  const ids = [...new Set(raw.map(String))];
  if (ids.length > 5) throw Errors.invalidForm('applied_tags', 'Must be 5 or fewer in length.', 'BASE_TYPE_MAX_LENGTH');
  const available = parent?.availableTags ?? [];
  for (const id of ids) if (!available.some((t) => t.id === id)) throw Errors.invalidForm('applied_tags', `Unknown tag ${id}.`);
  const changed = [...ids.filter((id) => !current.includes(id)), ...current.filter((id) => !ids.includes(id))];
  if (!manageThreads && changed.some((id) => available.find((t) => t.id === id)?.moderated)) throw Errors.missingPermissions();
  return ids;
}

export function registerChannelRoutes(rest: FakeRest, deps: RouteDeps, h: RouteHelpers): void {
  const { state, actions } = deps;
  const bot = state.botUser;
  const { channelOr404, guildOf, need, messageOr404, restMessage, messageInput, checkNonce, nonceDuplicate, parseEmoji, limitParam } = h;

  // ---------------------------------------------------------------- channels

  rest.route('GET', '/channels/:channelId', (ctx) => {
    const channel = channelOr404(ctx.params['channelId']);
    need(channel);
    return ok(state.renderChannel(channel));
  });

  rest.route('PATCH', '/channels/:channelId', (ctx) => {
    const channel = channelOr404(ctx.params['channelId']);
    const body = ctx.body;
    const guild = guildOf(channel);
    if (!guild) throw Errors.missingAccess();
    const perms = state.channelPermissions(guild, bot.id, channel);
    if (!(perms & PermissionFlagsBits.ViewChannel)) throw Errors.missingAccess();
    checkWellFormed(body);
    const name = optString(body['name']);
    if (name !== undefined && (name.length < 1 || codePoints(name) > 100)) throw Errors.invalidForm('name', 'Must be between 1 and 100 in length.', 'BASE_TYPE_BAD_LENGTH');
    if (channel.thread) {
      const t = channel.thread;
      const manage = (perms & PermissionFlagsBits.ManageThreads) !== 0n;
      const owner = t.ownerId === bot.id;
      const onlyUnarchive = Object.keys(body).every((k) => k === 'archived') && body['archived'] === false && !t.locked;
      if ('locked' in body || 'invitable' in body) {
        if (!manage) throw Errors.missingPermissions();
      }
      if (!manage && !owner && !(onlyUnarchive && perms & PermissionFlagsBits.SendMessagesInThreads)) throw Errors.missingPermissions();
      if (t.locked && !manage && body['archived'] === false) throw Errors.missingPermissions();
      // An archived thread takes no edit unless the same request unarchives it.
      if (t.archived && body['archived'] !== false) throw Errors.threadArchived();
      if (name !== undefined) channel.name = name;
      const archived = optBoolean(body['archived']);
      if (archived !== undefined && archived !== t.archived) {
        t.archived = archived;
        t.archiveTimestamp = state.isoNow();
      }
      const locked = optBoolean(body['locked']);
      if (locked !== undefined) t.locked = locked;
      const invitable = optBoolean(body['invitable']);
      if (invitable !== undefined) t.invitable = invitable;
      const duration = optNumber(body['auto_archive_duration']);
      if (duration !== undefined) {
        if (![60, 1440, 4320, 10080].includes(duration)) throw Errors.invalidForm('auto_archive_duration', 'Value must be one of {60, 1440, 4320, 10080}.', 'BASE_TYPE_CHOICES');
        t.autoArchiveDuration = duration as ThreadAutoArchiveDuration;
      }
      if (Array.isArray(body['applied_tags'])) {
        const parent = channel.parentId ? state.channel(channel.parentId) : undefined;
        t.appliedTags = checkAppliedTags(parent, t.appliedTags, body['applied_tags'], manage);
      }
    } else {
      if (!(perms & PermissionFlagsBits.ManageChannels)) throw Errors.missingPermissions();
      if (name !== undefined) channel.name = name;
      if ('topic' in body) channel.topic = optString(body['topic']) ?? null;
      const nsfw = optBoolean(body['nsfw']);
      if (nsfw !== undefined) channel.nsfw = nsfw;
      const position = optNumber(body['position']);
      if (position !== undefined) channel.position = position;
      if ('parent_id' in body) channel.parentId = optString(body['parent_id']) ?? null;
      if (Array.isArray(body['permission_overwrites'])) channel.permissionOverwrites = clone(body['permission_overwrites'] as APIOverwrite[]);
      if ('available_tags' in body) {
        if (channel.type !== ChannelType.GuildForum && channel.type !== ChannelType.GuildMedia) throw Errors.invalidForm('available_tags', 'Only forum and media channels have tags.');
        channel.availableTags = checkAvailableTags(channel, body['available_tags'], () => state.snowflakes.next());
      }
    }
    const slowmode = optNumber(body['rate_limit_per_user']);
    if (slowmode !== undefined) channel.rateLimitPerUser = slowmode;
    actions.channelUpdate(channel);
    return ok(state.renderChannel(channel));
  });

  rest.route('DELETE', '/channels/:channelId', (ctx) => {
    const channel = channelOr404(ctx.params['channelId']);
    need(channel, channel.thread ? PermissionFlagsBits.ManageThreads : PermissionFlagsBits.ManageChannels);
    const rendered = state.renderChannel(channel);
    actions.deleteChannel(channel);
    return ok(rendered);
  });

  rest.route('PUT', '/channels/:channelId/permissions/:overwriteId', (ctx) => {
    const channel = channelOr404(ctx.params['channelId']);
    need(channel, PermissionFlagsBits.ManageRoles);
    const id = ctx.params['overwriteId'] ?? '';
    const overwrite: APIOverwrite = {
      id,
      type: optNumber(ctx.body['type']) ?? 0,
      allow: String(ctx.body['allow'] ?? '0'),
      deny: String(ctx.body['deny'] ?? '0'),
    };
    channel.permissionOverwrites = [...channel.permissionOverwrites.filter((o) => o.id !== id), overwrite];
    actions.channelUpdate(channel);
    return noContent;
  });

  rest.route('DELETE', '/channels/:channelId/permissions/:overwriteId', (ctx) => {
    const channel = channelOr404(ctx.params['channelId']);
    need(channel, PermissionFlagsBits.ManageRoles);
    channel.permissionOverwrites = channel.permissionOverwrites.filter((o) => o.id !== ctx.params['overwriteId']);
    actions.channelUpdate(channel);
    return noContent;
  });

  rest.route('POST', '/channels/:channelId/typing', (ctx) => {
    const channel = channelOr404(ctx.params['channelId']);
    need(channel, channel.thread ? PermissionFlagsBits.SendMessagesInThreads : PermissionFlagsBits.SendMessages);
    return noContent;
  });

  // ---------------------------------------------------------------- messages

  rest.route('GET', '/channels/:channelId/messages', (ctx) => {
    const channel = channelOr404(ctx.params['channelId']);
    need(channel);
    const guild = guildOf(channel);
    if (guild && !(state.channelPermissions(guild, bot.id, channel) & PermissionFlagsBits.ReadMessageHistory)) return ok([]);
    const limit = limitParam(ctx, 50, 100);
    const all = state.liveMessages(channel.id); // oldest first
    const before = ctx.query.get('before');
    const after = ctx.query.get('after');
    const around = ctx.query.get('around');
    let picked: MessageRecord[];
    if (around) {
      const older = all.filter((r) => compareSnowflakes(r.message.id, around) < 0).slice(-Math.floor(limit / 2));
      const rest2 = all.filter((r) => compareSnowflakes(r.message.id, around) >= 0).slice(0, limit - older.length);
      picked = [...older, ...rest2];
    } else if (after) {
      picked = all.filter((r) => compareSnowflakes(r.message.id, after) > 0).slice(0, limit);
    } else {
      const pool = before ? all.filter((r) => compareSnowflakes(r.message.id, before) < 0) : all;
      picked = pool.slice(-limit);
    }
    // Discord returns newest first.
    return ok(picked.reverse().map(restMessage));
  });

  rest.route('GET', '/channels/:channelId/messages/:messageId', (ctx) => {
    const channel = channelOr404(ctx.params['channelId']);
    need(channel, PermissionFlagsBits.ReadMessageHistory);
    return ok(restMessage(messageOr404(channel, ctx.params['messageId'])));
  });

  rest.route('POST', '/channels/:channelId/messages', (ctx) => {
    const channel = channelOr404(ctx.params['channelId']);
    const body = ctx.body;
    if (channel.type === ChannelType.DM) {
      const recipient = channel.recipientId ? state.user(channel.recipientId) : undefined;
      // A bot may DM only users it shares a server with (50007 otherwise, as with DMs closed).
      if (!recipient || recipient.bot || state.dmsClosed.has(recipient.id) || !state.sharesGuildWithBot(recipient.id)) throw Errors.cannotSendToUser();
    } else {
      need(channel);
      if (!TEXT_TYPES.has(channel.type)) throw new DiscordHttpError(400, 50008, 'Cannot send messages in a non-text channel');
      need(channel, channel.thread ? PermissionFlagsBits.SendMessagesInThreads : PermissionFlagsBits.SendMessages);
      if (ctx.files.length > 0) need(channel, PermissionFlagsBits.AttachFiles);
      if (Array.isArray(body['embeds']) && body['embeds'].length > 0) need(channel, PermissionFlagsBits.EmbedLinks);
      if (isRecord(body['poll'])) need(channel, PermissionFlagsBits.SendPolls);
      if (channel.thread?.archived && channel.thread.locked) throw Errors.threadArchived();
    }
    validateMessageData(body, true, ctx.files.length);
    const nonce = checkNonce(body);
    if (nonce !== undefined && body['enforce_nonce'] === true) {
      const existing = nonceDuplicate(channel, bot.id, nonce);
      if (existing) return ok(state.renderMessage(existing));
    }
    const input = messageInput(channel.id, ctx);
    let reference: APIMessageReference | undefined;
    if (isRecord(body['message_reference'])) {
      const ref = body['message_reference'];
      const messageId = optString(ref['message_id']);
      const refChannelId = optString(ref['channel_id']) ?? channel.id;
      const target = messageId ? state.message(messageId) : undefined;
      if (!target || target.message.channel_id !== refChannelId || target.ephemeral) {
        if (ref['fail_if_not_exists'] !== false) {
          throw Errors.invalidForm('message_reference', 'Unknown message', 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE');
        }
      } else {
        reference = { type: MessageReferenceType.Default, message_id: target.message.id, channel_id: target.message.channel_id };
        if (target.guildId) reference.guild_id = target.guildId;
      }
    }
    const record = actions.createMessage({ ...input, channelId: channel.id, authorId: bot.id, ...(reference ? { reference } : {}) });
    return ok(state.renderMessage(record));
  });

  rest.route('PATCH', '/channels/:channelId/messages/:messageId', (ctx) => {
    const channel = channelOr404(ctx.params['channelId']);
    need(channel);
    const record = messageOr404(channel, ctx.params['messageId']);
    // Discord refuses changes to a message in an archived thread (unarchive it first).
    if (channel.thread?.archived) throw Errors.threadArchived();
    const body = ctx.body;
    const own = record.message.author.id === bot.id;
    if (!own) {
      const onlyFlags = Object.keys(body).every((k) => k === 'flags') && ctx.files.length === 0;
      if (!onlyFlags) throw Errors.cannotEditOthersMessage();
      need(channel, PermissionFlagsBits.ManageMessages);
    }
    validateMessageData(body, false, ctx.files.length, record.message.flags ?? 0);
    const patch = messageInput(channel.id, ctx);
    if (body['content'] === null) patch.content = '';
    if (body['embeds'] === null) patch.embeds = [];
    if (body['components'] === null) patch.components = [];
    const flags = optNumber(body['flags']);
    if (flags !== undefined) patch.flags = flags;
    const kept = Array.isArray(body['attachments'])
      ? body['attachments'].filter(isRecord).map((a) => String(a['id'])).filter((id) => record.message.attachments.some((att) => att.id === id))
      : undefined;
    actions.editMessage(record, { ...patch, ...(kept !== undefined ? { keepAttachmentIds: kept } : {}) });
    return ok(state.renderMessage(record));
  });

  rest.route('DELETE', '/channels/:channelId/messages/:messageId', (ctx) => {
    const channel = channelOr404(ctx.params['channelId']);
    need(channel);
    const record = messageOr404(channel, ctx.params['messageId']);
    if (channel.thread?.archived) throw Errors.threadArchived();
    if (record.message.author.id !== bot.id) need(channel, PermissionFlagsBits.ManageMessages);
    actions.deleteMessage(record);
    return noContent;
  });

  rest.route('POST', '/channels/:channelId/messages/bulk-delete', (ctx) => {
    const channel = channelOr404(ctx.params['channelId']);
    need(channel, PermissionFlagsBits.ManageMessages);
    const ids = Array.isArray(ctx.body['messages']) ? ctx.body['messages'].map(String) : [];
    if (ids.length < 2 || ids.length > 100) throw Errors.invalidForm('messages', 'Must be between 2 and 100 in length.', 'BASE_TYPE_BAD_LENGTH');
    const records = ids.map((id) => state.message(id)).filter((r): r is MessageRecord => r !== undefined && r.message.channel_id === channel.id);
    actions.bulkDelete(channel, records);
    return noContent;
  });

  // ---------------------------------------------------------------- reactions

  rest.route('PUT', '/channels/:channelId/messages/:messageId/reactions/:emoji/@me', (ctx) => {
    const channel = channelOr404(ctx.params['channelId']);
    need(channel, PermissionFlagsBits.ReadMessageHistory);
    const record = messageOr404(channel, ctx.params['messageId']);
    const emoji = parseEmoji(ctx.params['emoji']);
    if (!record.reactions.has(emoji.id ?? emoji.name ?? '')) need(channel, PermissionFlagsBits.AddReactions);
    actions.addReaction(record, bot.id, emoji);
    return noContent;
  });

  rest.route('DELETE', '/channels/:channelId/messages/:messageId/reactions/:emoji/@me', (ctx) => {
    const channel = channelOr404(ctx.params['channelId']);
    need(channel);
    const record = messageOr404(channel, ctx.params['messageId']);
    actions.removeReaction(record, bot.id, parseEmoji(ctx.params['emoji']));
    return noContent;
  });

  rest.route('DELETE', '/channels/:channelId/messages/:messageId/reactions/:emoji/:userId', (ctx) => {
    const channel = channelOr404(ctx.params['channelId']);
    need(channel, PermissionFlagsBits.ManageMessages);
    const record = messageOr404(channel, ctx.params['messageId']);
    actions.removeReaction(record, ctx.params['userId'] ?? '', parseEmoji(ctx.params['emoji']));
    return noContent;
  });

  rest.route('DELETE', '/channels/:channelId/messages/:messageId/reactions/:emoji', (ctx) => {
    const channel = channelOr404(ctx.params['channelId']);
    need(channel, PermissionFlagsBits.ManageMessages);
    actions.removeAllReactions(messageOr404(channel, ctx.params['messageId']), parseEmoji(ctx.params['emoji']));
    return noContent;
  });

  rest.route('DELETE', '/channels/:channelId/messages/:messageId/reactions', (ctx) => {
    const channel = channelOr404(ctx.params['channelId']);
    need(channel, PermissionFlagsBits.ManageMessages);
    actions.removeAllReactions(messageOr404(channel, ctx.params['messageId']));
    return noContent;
  });

  rest.route('GET', '/channels/:channelId/messages/:messageId/reactions/:emoji', (ctx) => {
    const channel = channelOr404(ctx.params['channelId']);
    need(channel, PermissionFlagsBits.ReadMessageHistory);
    const record = messageOr404(channel, ctx.params['messageId']);
    const emoji = parseEmoji(ctx.params['emoji']);
    const limit = limitParam(ctx, 25, 100);
    const after = ctx.query.get('after');
    if (ctx.query.get('type') === '1') return ok([]);
    const users = [...(record.reactions.get(emoji.id ?? emoji.name ?? '')?.users ?? [])]
      .sort(compareSnowflakes)
      .filter((id) => !after || compareSnowflakes(id, after) > 0)
      .slice(0, limit)
      .map((id) => state.renderUserById(id));
    return ok(users);
  });

  // ---------------------------------------------------------------- pins

  const listPins = (channel: FakeChannel): MessageRecord[] =>
    state
      .liveMessages(channel.id)
      .filter((r) => r.message.pinned)
      .sort((a, b) => (b.pinnedAt ?? '').localeCompare(a.pinnedAt ?? ''));
  const pin = (ctx: RouteContext, pinned: boolean): RouteResult => {
    const channel = channelOr404(ctx.params['channelId']);
    need(channel, PermissionFlagsBits.PinMessages);
    const record = messageOr404(channel, ctx.params['messageId']);
    if (record.message.pinned === pinned) return noContent;
    record.message.pinned = pinned;
    record.pinnedAt = pinned ? state.isoNow() : null;
    channel.lastPinTimestamp = listPins(channel)[0]?.pinnedAt ?? null;
    actions.dispatchMessage(GatewayDispatchEvents.MessageUpdate, record);
    actions.dispatch(GatewayDispatchEvents.ChannelPinsUpdate, {
      ...(channel.guildId ? { guild_id: channel.guildId } : {}),
      channel_id: channel.id,
      last_pin_timestamp: channel.lastPinTimestamp,
    });
    if (pinned) {
      actions.createMessage({
        channelId: channel.id,
        authorId: bot.id,
        type: MessageType.ChannelPinnedMessage,
        reference: { type: MessageReferenceType.Default, message_id: record.message.id, channel_id: channel.id, ...(channel.guildId ? { guild_id: channel.guildId } : {}) },
        allowedMentions: { parse: [] },
      });
    }
    return noContent;
  };
  rest.route('PUT', '/channels/:channelId/messages/pins/:messageId', (ctx) => pin(ctx, true));
  rest.route('DELETE', '/channels/:channelId/messages/pins/:messageId', (ctx) => pin(ctx, false));
  rest.route('PUT', '/channels/:channelId/pins/:messageId', (ctx) => pin(ctx, true));
  rest.route('DELETE', '/channels/:channelId/pins/:messageId', (ctx) => pin(ctx, false));
  rest.route('GET', '/channels/:channelId/messages/pins', (ctx) => {
    const channel = channelOr404(ctx.params['channelId']);
    need(channel, PermissionFlagsBits.ReadMessageHistory);
    const limit = limitParam(ctx, 50, 50);
    const before = ctx.query.get('before');
    const pins = listPins(channel).filter((r) => !before || (r.pinnedAt ?? '') < before);
    return ok({ items: pins.slice(0, limit).map((r) => ({ pinned_at: r.pinnedAt, message: restMessage(r) })), has_more: pins.length > limit });
  });
  rest.route('GET', '/channels/:channelId/pins', (ctx) => {
    const channel = channelOr404(ctx.params['channelId']);
    need(channel, PermissionFlagsBits.ReadMessageHistory);
    return ok(listPins(channel).map(restMessage));
  });

  // ---------------------------------------------------------------- polls

  rest.route('POST', '/channels/:channelId/polls/:messageId/expire', (ctx) => {
    const channel = channelOr404(ctx.params['channelId']);
    need(channel);
    const record = messageOr404(channel, ctx.params['messageId']);
    if (!record.message.poll) throw Errors.unknownMessage();
    if (record.message.author.id !== bot.id) throw Errors.missingPermissions();
    actions.endPoll(record);
    return ok(state.renderMessage(record));
  });

  rest.route('GET', '/channels/:channelId/polls/:messageId/answers/:answerId', (ctx) => {
    const channel = channelOr404(ctx.params['channelId']);
    need(channel, PermissionFlagsBits.ReadMessageHistory);
    const record = messageOr404(channel, ctx.params['messageId']);
    const answerId = Number(ctx.params['answerId']);
    if (!record.message.poll?.answers.some((a) => a.answer_id === answerId)) throw Errors.unknownMessage();
    const limit = limitParam(ctx, 25, 100);
    const after = ctx.query.get('after');
    const voters = [...(record.pollVotes.get(answerId) ?? [])]
      .sort(compareSnowflakes)
      .filter((id) => !after || compareSnowflakes(id, after) > 0)
      .slice(0, limit);
    return ok({ users: voters.map((id) => state.renderUserById(id)) });
  });

  // ---------------------------------------------------------------- threads

  /** The new thread's name, 1-100 characters (code points); every string of the request valid Unicode. */
  const threadName = (body: Record<string, unknown>): string => {
    checkWellFormed(body);
    const name = optString(body['name']);
    if (!name || codePoints(name) > 100) throw Errors.invalidForm('name', 'Must be between 1 and 100 in length.', 'BASE_TYPE_BAD_LENGTH');
    return name;
  };
  const archiveDuration = (body: Record<string, unknown>): ThreadAutoArchiveDuration | undefined => {
    const duration = optNumber(body['auto_archive_duration']);
    if (duration === undefined) return undefined;
    if (![60, 1440, 4320, 10080].includes(duration)) throw Errors.invalidForm('auto_archive_duration', 'Value must be one of {60, 1440, 4320, 10080}.', 'BASE_TYPE_CHOICES');
    return duration as ThreadAutoArchiveDuration;
  };

  rest.route('POST', '/channels/:channelId/messages/:messageId/threads', (ctx) => {
    const channel = channelOr404(ctx.params['channelId']);
    need(channel, PermissionFlagsBits.CreatePublicThreads, PermissionFlagsBits.ReadMessageHistory);
    if (channel.type !== ChannelType.GuildText && channel.type !== ChannelType.GuildAnnouncement) {
      throw new DiscordHttpError(400, 50024, 'Cannot execute action on this channel type');
    }
    const record = messageOr404(channel, ctx.params['messageId']);
    if (state.channel(record.message.id)) throw Errors.threadAlreadyCreated();
    const duration = archiveDuration(ctx.body);
    const slowmode = optNumber(ctx.body['rate_limit_per_user']);
    const thread = actions.createThread({
      parent: channel,
      ownerId: bot.id,
      name: threadName(ctx.body),
      messageId: record.message.id,
      ...(duration !== undefined ? { autoArchiveDuration: duration } : {}),
      ...(slowmode !== undefined ? { rateLimitPerUser: slowmode } : {}),
    });
    actions.dispatchMessage(GatewayDispatchEvents.MessageUpdate, record);
    return ok(state.renderChannel(thread), 201);
  });

  rest.route('POST', '/channels/:channelId/threads', (ctx) => {
    const channel = channelOr404(ctx.params['channelId']);
    const body = ctx.body;
    const forum = channel.type === ChannelType.GuildForum || channel.type === ChannelType.GuildMedia;
    const duration = archiveDuration(body);
    const slowmode = optNumber(body['rate_limit_per_user']);
    const common = {
      parent: channel,
      ownerId: bot.id,
      name: threadName(body),
      ...(duration !== undefined ? { autoArchiveDuration: duration } : {}),
      ...(slowmode !== undefined ? { rateLimitPerUser: slowmode } : {}),
    };
    if (forum) {
      need(channel, PermissionFlagsBits.SendMessages);
      const message = isRecord(body['message']) ? body['message'] : undefined;
      if (!message) throw Errors.invalidForm('message', 'This field is required', 'BASE_TYPE_REQUIRED');
      validateMessageData(message, true, ctx.files.length);
      const starter = messageInput(channel.id, ctx, message);
      const guild = guildOf(channel);
      const manage = guild ? (state.channelPermissions(guild, bot.id, channel) & PermissionFlagsBits.ManageThreads) !== 0n : false;
      const tags = Array.isArray(body['applied_tags']) ? checkAppliedTags(channel, [], body['applied_tags'], manage) : [];
      if (tags.length === 0 && (channel.flags & ChannelFlags.RequireTag) !== 0) {
        throw new DiscordHttpError(400, RESTJSONErrorCodes.TagRequiredToCreateAForumPostInThisChannel, 'A tag is required to create a forum post in this channel');
      }
      const thread = actions.createThread({ ...common, appliedTags: tags, starter });
      const starterRecord = state.message(thread.id);
      return ok({ ...state.renderChannel(thread), ...(starterRecord ? { message: state.renderMessage(starterRecord) } : {}) }, 201);
    }
    if (channel.type !== ChannelType.GuildText && channel.type !== ChannelType.GuildAnnouncement) {
      throw new DiscordHttpError(400, 50024, 'Cannot execute action on this channel type');
    }
    // Discord defaults `type` to PRIVATE_THREAD here.
    const type = (optNumber(body['type']) ?? ChannelType.PrivateThread) as ChannelType.PublicThread | ChannelType.PrivateThread | ChannelType.AnnouncementThread;
    need(channel, type === ChannelType.PrivateThread ? PermissionFlagsBits.CreatePrivateThreads : PermissionFlagsBits.CreatePublicThreads);
    const invitable = optBoolean(body['invitable']);
    const thread = actions.createThread({ ...common, type, ...(invitable !== undefined ? { invitable } : {}) });
    return ok(state.renderChannel(thread), 201);
  });

  const threadOr404 = (id: string | undefined): FakeChannel => {
    const channel = channelOr404(id);
    if (!channel.thread) throw new DiscordHttpError(400, 50024, 'Cannot execute action on this channel type');
    return channel;
  };
  const threadMember = (ctx: RouteContext, add: boolean): RouteResult => {
    const thread = threadOr404(ctx.params['channelId']);
    const userId = ctx.params['userId'] === '@me' || ctx.params['userId'] === undefined ? bot.id : ctx.params['userId'];
    need(thread);
    const info = thread.thread;
    if (info?.archived) throw Errors.threadArchived();
    if (userId !== bot.id) {
      const guild = guildOf(thread);
      if (!guild?.members.has(userId)) throw Errors.unknownMember();
      const perms = guild ? state.channelPermissions(guild, bot.id, thread) : 0n;
      const canManage = (perms & PermissionFlagsBits.ManageThreads) !== 0n;
      if (add && !(perms & PermissionFlagsBits.SendMessagesInThreads)) throw Errors.missingPermissions();
      if (!add && !canManage && !(thread.type === ChannelType.PrivateThread && info?.ownerId === bot.id)) throw Errors.missingPermissions();
    }
    actions.threadMembers(thread, add ? { add: userId } : { remove: userId });
    return noContent;
  };
  rest.route('PUT', '/channels/:channelId/thread-members/@me', (ctx) => threadMember(ctx, true));
  rest.route('DELETE', '/channels/:channelId/thread-members/@me', (ctx) => threadMember(ctx, false));
  rest.route('PUT', '/channels/:channelId/thread-members/:userId', (ctx) => threadMember(ctx, true));
  rest.route('DELETE', '/channels/:channelId/thread-members/:userId', (ctx) => threadMember(ctx, false));
  rest.route('GET', '/channels/:channelId/thread-members', (ctx) => {
    const thread = threadOr404(ctx.params['channelId']);
    need(thread);
    const withMember = ctx.query.get('with_member') === 'true';
    return ok([...(thread.thread?.members.keys() ?? [])].map((id) => state.renderThreadMember(thread, id, withMember)));
  });
  rest.route('GET', '/channels/:channelId/thread-members/:userId', (ctx) => {
    const thread = threadOr404(ctx.params['channelId']);
    need(thread);
    const userId = ctx.params['userId'] ?? '';
    if (!thread.thread?.members.has(userId)) throw Errors.unknownMember();
    return ok(state.renderThreadMember(thread, userId, ctx.query.get('with_member') === 'true'));
  });
  const archivedThreads = (ctx: RouteContext, type: ChannelType): RouteResult => {
    const channel = channelOr404(ctx.params['channelId']);
    need(channel, PermissionFlagsBits.ReadMessageHistory);
    const threads = state.guildChannels(channel.guildId ?? '').filter((c) => c.parentId === channel.id && c.thread?.archived && c.type === type);
    return ok({ threads: threads.map((t) => state.renderChannel(t)), members: [], has_more: false });
  };
  rest.route('GET', '/channels/:channelId/threads/archived/public', (ctx) => archivedThreads(ctx, ChannelType.PublicThread));
  rest.route('GET', '/channels/:channelId/threads/archived/private', (ctx) => archivedThreads(ctx, ChannelType.PrivateThread));

}
