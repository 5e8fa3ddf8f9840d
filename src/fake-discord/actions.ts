// Things that happen in the fake Discord: each action updates the state and dispatches the gateway
// events Discord would send. Both the REST routes (the bot acting) and FakeDiscord's scripting API
// (members acting) go through here, so both produce the same payloads.
import {
  ChannelType,
  GatewayDispatchEvents,
  GatewayIntentBits,
  InteractionType,
  MessageFlags,
  MessageReferenceType,
  MessageType,
  PermissionFlagsBits,
  PollLayoutType,
  ReactionType,
  ThreadAutoArchiveDuration,
  type APIAttachment,
  type APIEmbed,
  type APIMessage,
  type APIMessageReference,
  type APIPartialEmoji,
  type APIPoll,
  type APIUser,
  type GatewayGuildMembersChunkDispatchData,
  type GatewayMessageCreateDispatchData,
  type GatewayRequestGuildMembersData,
} from 'discord-api-types/v10';
import type { FakeGateway, GatewaySession } from './gateway.js';
import {
  emojiKey,
  type FakeChannel,
  type FakeGuild,
  type FakeMember,
  type FakeState,
  type MessageRecord,
  type UploadedFile,
} from './state.js';
import { Errors, clone, isRecord, optBoolean, optNumber, optString, randomToken } from './util.js';

/** The parts of a message body the fake understands (JSON bodies are normalized into this). */
export interface MessageInput {
  content?: string;
  embeds?: APIEmbed[];
  components?: unknown[];
  /** Already-built attachments (uploads are turned into these by `buildAttachments`). */
  attachments?: APIAttachment[];
  poll?: APIPoll;
  flags?: number;
  tts?: boolean;
  nonce?: string | number;
  allowedMentions?: AllowedMentions;
}

export interface AllowedMentions {
  parse?: string[];
  users?: string[];
  roles?: string[];
  replied_user?: boolean;
}

export interface CreateMessageInput extends MessageInput {
  /** Force the message id (a forum post's starter message has the thread's id). */
  id?: string;
  channelId: string;
  authorId: string;
  /** Messages sent through a webhook: the webhook's id and display name (the author becomes the webhook). */
  webhook?: { id: string; username: string };
  /** Sets `webhook_id` without changing the author (interaction responses: the application id). */
  webhookId?: string;
  type?: MessageType;
  reference?: APIMessageReference;
  /** For interaction responses. */
  interaction?: { id: string; type: InteractionType; name: string; userId: string; interactedMessageId?: string };
  applicationId?: string;
  ephemeral?: boolean;
  /** Explicit creation time (ms); defaults to now. */
  at?: number;
}

export interface ActionsOptions {
  enforceIntents: boolean;
  /** `http://127.0.0.1:PORT`, for attachment URLs. */
  baseUrl: () => string;
}

const MESSAGE_EVENTS = new Set<string>([
  GatewayDispatchEvents.MessageCreate,
  GatewayDispatchEvents.MessageUpdate,
  GatewayDispatchEvents.MessageDelete,
  GatewayDispatchEvents.MessageDeleteBulk,
]);
const REACTION_EVENTS = new Set<string>([
  GatewayDispatchEvents.MessageReactionAdd,
  GatewayDispatchEvents.MessageReactionRemove,
  GatewayDispatchEvents.MessageReactionRemoveAll,
  GatewayDispatchEvents.MessageReactionRemoveEmoji,
]);
const GUILDS_EVENTS = new Set<string>([
  GatewayDispatchEvents.GuildCreate,
  GatewayDispatchEvents.GuildUpdate,
  GatewayDispatchEvents.GuildDelete,
  GatewayDispatchEvents.GuildRoleCreate,
  GatewayDispatchEvents.GuildRoleUpdate,
  GatewayDispatchEvents.GuildRoleDelete,
  GatewayDispatchEvents.ChannelCreate,
  GatewayDispatchEvents.ChannelUpdate,
  GatewayDispatchEvents.ChannelDelete,
  GatewayDispatchEvents.ThreadCreate,
  GatewayDispatchEvents.ThreadUpdate,
  GatewayDispatchEvents.ThreadDelete,
  GatewayDispatchEvents.ThreadListSync,
  GatewayDispatchEvents.ThreadMemberUpdate,
  GatewayDispatchEvents.ThreadMembersUpdate,
]);

/** The intent a dispatch needs (Discord only sends it to sessions that identified with it), or 0. */
export function requiredIntent(t: string, d: unknown): number {
  const inGuild = isRecord(d) && typeof d['guild_id'] === 'string';
  if (GUILDS_EVENTS.has(t)) return GatewayIntentBits.Guilds;
  if (MESSAGE_EVENTS.has(t)) return inGuild ? GatewayIntentBits.GuildMessages : GatewayIntentBits.DirectMessages;
  if (REACTION_EVENTS.has(t)) return inGuild ? GatewayIntentBits.GuildMessageReactions : GatewayIntentBits.DirectMessageReactions;
  switch (t) {
    case GatewayDispatchEvents.GuildMemberAdd:
    case GatewayDispatchEvents.GuildMemberUpdate:
    case GatewayDispatchEvents.GuildMemberRemove:
      return GatewayIntentBits.GuildMembers;
    case GatewayDispatchEvents.GuildBanAdd:
    case GatewayDispatchEvents.GuildBanRemove:
      return GatewayIntentBits.GuildModeration;
    case GatewayDispatchEvents.VoiceStateUpdate:
      return GatewayIntentBits.GuildVoiceStates;
    case GatewayDispatchEvents.PresenceUpdate:
      return GatewayIntentBits.GuildPresences;
    case GatewayDispatchEvents.TypingStart:
      return inGuild ? GatewayIntentBits.GuildMessageTyping : GatewayIntentBits.DirectMessageTyping;
    case GatewayDispatchEvents.MessagePollVoteAdd:
    case GatewayDispatchEvents.MessagePollVoteRemove:
      return inGuild ? GatewayIntentBits.GuildMessagePolls : GatewayIntentBits.DirectMessagePolls;
    case GatewayDispatchEvents.ChannelPinsUpdate:
      return inGuild ? GatewayIntentBits.Guilds : GatewayIntentBits.DirectMessages;
    default:
      return 0;
  }
}

export class FakeActions {
  constructor(
    readonly state: FakeState,
    readonly gateway: FakeGateway,
    readonly options: ActionsOptions,
  ) {}

  private get botId(): string {
    return this.state.botUser.id;
  }

  // ---------------------------------------------------------------- dispatching

  /** Sends a dispatch to every live session that has the intent it needs (all of them with `enforceIntents: false`). */
  dispatch(t: string, d: unknown, transform?: (session: GatewaySession, d: unknown) => unknown): void {
    const intent = requiredIntent(t, d);
    // The bot always hears about changes to its own member.
    const aboutBot = t === GatewayDispatchEvents.GuildMemberUpdate && isRecord(d) && isRecord(d['user']) && d['user']['id'] === this.botId;
    this.gateway.broadcast(t, (session) => {
      if (this.options.enforceIntents && intent !== 0 && !aboutBot && (session.intents & intent) === 0) return undefined;
      return transform ? transform(session, d) : d;
    });
  }

  /** MESSAGE_CREATE / MESSAGE_UPDATE with guild_id, member and mentions-with-member, content stripped for sessions without MESSAGE_CONTENT. */
  dispatchMessage(t: GatewayDispatchEvents.MessageCreate | GatewayDispatchEvents.MessageUpdate, record: MessageRecord): void {
    if (record.ephemeral) return; // Discord never dispatches ephemeral messages
    const payload = this.gatewayMessage(record);
    const botMentioned = payload.mentions.some((u) => u.id === this.botId);
    const exempt = payload.author.id === this.botId || record.guildId === null || botMentioned;
    this.dispatch(t, payload, (session, d) => {
      if (!this.options.enforceIntents || exempt || session.intents & GatewayIntentBits.MessageContent) return d;
      return stripContent(d as GatewayMessageCreateDispatchData);
    });
  }

  gatewayMessage(record: MessageRecord): GatewayMessageCreateDispatchData {
    const message = this.state.renderMessage(record);
    const guild = record.guildId ? this.state.guild(record.guildId) : undefined;
    const channel = this.state.channel(message.channel_id);
    const payload: GatewayMessageCreateDispatchData = {
      ...message,
      mentions: message.mentions.map((user) => {
        const member = guild?.members.get(user.id);
        return member ? { ...user, member: this.state.renderMemberNoUser(member) } : user;
      }),
    };
    if (channel) payload.channel_type = channel.type as GatewayMessageCreateDispatchData['channel_type'] & number;
    if (guild) {
      payload.guild_id = guild.id;
      // Webhook messages carry no member; interaction responses (webhook_id = application id) are the bot's.
      const member = message.webhook_id && message.webhook_id !== this.state.appId ? undefined : guild.members.get(message.author.id);
      if (member) payload.member = this.state.renderMemberNoUser(member);
    }
    return payload;
  }

  // ---------------------------------------------------------------- messages

  /** Creates and stores a message, then dispatches MESSAGE_CREATE. */
  createMessage(input: CreateMessageInput): MessageRecord {
    const channel = this.state.requireChannel(input.channelId);
    const guild = channel.guildId ? this.state.guild(channel.guildId) : undefined;
    const id = input.id ?? this.state.snowflakes.next(input.at);
    const timestamp = new Date(input.at ?? this.state.now()).toISOString();
    const author: APIUser = input.webhook
      ? { id: input.webhook.id, username: input.webhook.username, discriminator: '0000', global_name: null, avatar: null, bot: true }
      : this.state.renderUserById(input.authorId);
    const referenced = input.reference?.message_id ? this.state.message(input.reference.message_id) : undefined;
    const mentions = this.resolveMentions(guild, input.authorId, input.content ?? '', input.allowedMentions, referenced, input.webhook !== undefined);
    const message: APIMessage = {
      id,
      channel_id: channel.id,
      author,
      content: input.content ?? '',
      timestamp,
      edited_timestamp: null,
      tts: input.tts ?? false,
      mention_everyone: mentions.everyone,
      mentions: mentions.users.map((userId) => this.state.renderUserById(userId)),
      mention_roles: mentions.roles,
      attachments: input.attachments ?? [],
      embeds: input.embeds ?? [],
      pinned: false,
      type: input.type ?? (input.reference && input.reference.type !== MessageReferenceType.Forward ? MessageType.Reply : MessageType.Default),
      flags: input.flags ?? 0,
      components: (input.components ?? []) as APIMessage['components'] & object,
    };
    if (input.nonce !== undefined) message.nonce = input.nonce;
    const webhookId = input.webhook?.id ?? input.webhookId;
    if (webhookId) message.webhook_id = webhookId;
    if (input.reference) message.message_reference = input.reference;
    if (input.poll) message.poll = input.poll;
    if (input.applicationId) message.application_id = input.applicationId;
    if (input.interaction) {
      const user = this.state.renderUserById(input.interaction.userId);
      // A guild install: "0" -> the guild id ("0" in the bot's DMs).
      const metadata: Record<string, unknown> = {
        id: input.interaction.id,
        type: input.interaction.type,
        user,
        authorizing_integration_owners: { '0': guild ? guild.id : '0' },
      };
      if (input.interaction.interactedMessageId) metadata['interacted_message_id'] = input.interaction.interactedMessageId;
      message.interaction_metadata = metadata as unknown as NonNullable<APIMessage['interaction_metadata']>;
      // The deprecated `interaction` field is only set for application command responses.
      if (input.interaction.type === InteractionType.ApplicationCommand) {
        message.interaction = { id: input.interaction.id, type: input.interaction.type, name: input.interaction.name, user };
      }
    }
    const record: MessageRecord = {
      message,
      guildId: guild?.id ?? null,
      ephemeral: input.ephemeral ?? false,
      interactionId: input.interaction?.id ?? null,
      reactions: new Map(),
      pollVotes: new Map(),
      pinnedAt: null,
      deleted: false,
    };
    this.state.storeMessage(record);
    this.unarchiveOnActivity(channel);
    this.dispatchMessage(GatewayDispatchEvents.MessageCreate, record);
    return record;
  }

  /** Applies an edit (fields present in `patch` replace the old ones) and dispatches MESSAGE_UPDATE. */
  editMessage(record: MessageRecord, patch: MessageInput & { keepAttachmentIds?: string[]; clearLoading?: boolean }): MessageRecord {
    const message = record.message;
    if (patch.content !== undefined) {
      message.content = patch.content;
      const guild = record.guildId ? this.state.guild(record.guildId) : undefined;
      const referenced = message.message_reference?.message_id ? this.state.message(message.message_reference.message_id) : undefined;
      const mentions = this.resolveMentions(guild, message.author.id, patch.content, patch.allowedMentions, referenced, message.webhook_id !== undefined && message.interaction_metadata === undefined);
      message.mentions = mentions.users.map((id) => this.state.renderUserById(id));
      message.mention_roles = mentions.roles;
      message.mention_everyone = mentions.everyone;
    }
    if (patch.embeds !== undefined) message.embeds = patch.embeds;
    if (patch.components !== undefined) message.components = patch.components as APIMessage['components'] & object;
    if (patch.keepAttachmentIds !== undefined || patch.attachments !== undefined) {
      const keep = patch.keepAttachmentIds ? message.attachments.filter((a) => patch.keepAttachmentIds?.includes(a.id)) : message.attachments;
      message.attachments = [...keep, ...(patch.attachments ?? [])];
    }
    if (patch.flags !== undefined) {
      const editable = MessageFlags.SuppressEmbeds | MessageFlags.IsComponentsV2;
      message.flags = ((message.flags ?? 0) & ~editable) | (patch.flags & editable);
    }
    if (patch.clearLoading) message.flags = (message.flags ?? 0) & ~MessageFlags.Loading;
    if (patch.poll !== undefined && message.poll === undefined) message.poll = patch.poll;
    message.edited_timestamp = this.state.isoNow();
    this.dispatchMessage(GatewayDispatchEvents.MessageUpdate, record);
    return record;
  }

  deleteMessage(record: MessageRecord): void {
    if (record.deleted) return;
    this.state.removeMessage(record);
    if (record.ephemeral) return;
    const d: Record<string, unknown> = { id: record.message.id, channel_id: record.message.channel_id };
    if (record.guildId) d['guild_id'] = record.guildId;
    this.dispatch(GatewayDispatchEvents.MessageDelete, d);
  }

  bulkDelete(channel: FakeChannel, records: MessageRecord[]): void {
    for (const record of records) this.state.removeMessage(record);
    const d: Record<string, unknown> = { ids: records.map((r) => r.message.id), channel_id: channel.id };
    if (channel.guildId) d['guild_id'] = channel.guildId;
    this.dispatch(GatewayDispatchEvents.MessageDeleteBulk, d);
  }

  /** Builds attachments for uploaded files, matching `attachments: [{ id, filename, description }]` entries by index. */
  buildAttachments(channelId: string, files: UploadedFile[], described: unknown): APIAttachment[] {
    const entries = Array.isArray(described) ? described.filter(isRecord) : [];
    return files.map((file, index) => {
      const fieldIndex = /\[(\d+)\]$/.exec(file.name)?.[1] ?? String(index);
      const entry = entries.find((e) => String(e['id']) === fieldIndex);
      return this.storeAttachment(channelId, {
        filename: optString(entry?.['filename']) ?? file.filename,
        contentType: file.contentType,
        data: file.data,
        ...(optString(entry?.['description']) !== undefined ? { description: optString(entry?.['description']) as string } : {}),
        ...(optString(entry?.['title']) !== undefined ? { title: optString(entry?.['title']) as string } : {}),
      });
    });
  }

  /** Stores bytes on the fake CDN and returns the attachment object pointing at them. */
  storeAttachment(channelId: string, file: { filename: string; contentType: string; data: Buffer; description?: string; title?: string }): APIAttachment {
    const id = this.state.snowflakes.next();
    this.state.attachments.set(id, { filename: file.filename, contentType: file.contentType, data: file.data });
    const path = `/attachments/${channelId}/${id}/${encodeURIComponent(file.filename)}`;
    const expires = Math.floor(this.state.now() / 1000) + 86_400;
    const signature = `?ex=${expires.toString(16)}&is=${(expires - 86_400).toString(16)}&hm=${randomToken(16)}&`;
    const attachment: APIAttachment = {
      id,
      filename: file.filename,
      size: file.data.length,
      url: `${this.options.baseUrl()}${path}${signature}`,
      proxy_url: `${this.options.baseUrl()}/media${path}${signature}`,
      content_type: file.contentType,
    };
    if (file.description !== undefined) attachment.description = file.description;
    if (file.title !== undefined) attachment.title = file.title;
    const size = pngSize(file.data);
    if (size) {
      attachment.width = size.width;
      attachment.height = size.height;
    }
    return attachment;
  }

  /** Who a message mentions: members' messages mention everything they contain, apps follow `allowed_mentions`. */
  private resolveMentions(
    guild: FakeGuild | undefined,
    authorId: string,
    content: string,
    allowed: AllowedMentions | undefined,
    referenced: MessageRecord | undefined,
    isWebhook: boolean,
  ): { users: string[]; roles: string[]; everyone: boolean } {
    const userIds = unique([...content.matchAll(/<@!?(\d{15,21})>/g)].map((m) => m[1] ?? '')).filter((id) => this.state.users.has(id));
    const roleIds = unique([...content.matchAll(/<@&(\d{15,21})>/g)].map((m) => m[1] ?? '')).filter((id) => guild?.roles.has(id) ?? false);
    const wantsEveryone = /@(everyone|here)/.test(content);
    const channelOk = (perm: bigint): boolean => {
      if (!guild) return true;
      return (this.state.basePermissions(guild, authorId) & perm) !== 0n || isWebhook;
    };
    let users: string[];
    let roles: string[];
    let everyone: boolean;
    let repliedUser: boolean;
    if (allowed === undefined) {
      users = userIds;
      roles = roleIds.filter((id) => guild?.roles.get(id)?.mentionable || channelOk(PermissionFlagsBits.MentionEveryone));
      everyone = wantsEveryone && channelOk(PermissionFlagsBits.MentionEveryone);
      repliedUser = true;
    } else {
      const parse = allowed.parse ?? [];
      users = parse.includes('users') ? userIds : userIds.filter((id) => allowed.users?.includes(id));
      roles = parse.includes('roles') ? roleIds : roleIds.filter((id) => allowed.roles?.includes(id));
      everyone = parse.includes('everyone') && wantsEveryone && channelOk(PermissionFlagsBits.MentionEveryone);
      repliedUser = allowed.replied_user ?? false;
    }
    if (repliedUser && referenced && !users.includes(referenced.message.author.id) && !referenced.message.webhook_id) {
      users = [...users, referenced.message.author.id];
    }
    return { users, roles, everyone };
  }

  // ---------------------------------------------------------------- reactions

  /** Adds a reaction; returns false when the user had already reacted with it. */
  addReaction(record: MessageRecord, userId: string, emoji: APIPartialEmoji): boolean {
    const key = emojiKey(emoji);
    let reaction = record.reactions.get(key);
    if (!reaction) {
      reaction = { emoji: normalizeEmoji(emoji), users: [] };
      record.reactions.set(key, reaction);
    }
    if (reaction.users.includes(userId)) return false;
    reaction.users.push(userId);
    const d: Record<string, unknown> = {
      user_id: userId,
      channel_id: record.message.channel_id,
      message_id: record.message.id,
      emoji: normalizeEmoji(emoji),
      burst: false,
      burst_colors: [],
      type: ReactionType.Normal,
      message_author_id: record.message.author.id,
    };
    if (record.guildId) {
      d['guild_id'] = record.guildId;
      const member = this.state.member(record.guildId, userId);
      if (member) d['member'] = this.state.renderMember(member);
    }
    if (!record.ephemeral) this.dispatch(GatewayDispatchEvents.MessageReactionAdd, d);
    return true;
  }

  removeReaction(record: MessageRecord, userId: string, emoji: APIPartialEmoji): boolean {
    const key = emojiKey(emoji);
    const reaction = record.reactions.get(key);
    if (!reaction?.users.includes(userId)) return false;
    reaction.users = reaction.users.filter((id) => id !== userId);
    if (reaction.users.length === 0) record.reactions.delete(key);
    const d: Record<string, unknown> = {
      user_id: userId,
      channel_id: record.message.channel_id,
      message_id: record.message.id,
      emoji: normalizeEmoji(emoji),
      burst: false,
      type: ReactionType.Normal,
    };
    if (record.guildId) d['guild_id'] = record.guildId;
    if (!record.ephemeral) this.dispatch(GatewayDispatchEvents.MessageReactionRemove, d);
    return true;
  }

  removeAllReactions(record: MessageRecord, emoji?: APIPartialEmoji): void {
    const d: Record<string, unknown> = { channel_id: record.message.channel_id, message_id: record.message.id };
    if (record.guildId) d['guild_id'] = record.guildId;
    if (emoji) {
      record.reactions.delete(emojiKey(emoji));
      d['emoji'] = normalizeEmoji(emoji);
      this.dispatch(GatewayDispatchEvents.MessageReactionRemoveEmoji, d);
    } else {
      record.reactions.clear();
      this.dispatch(GatewayDispatchEvents.MessageReactionRemoveAll, d);
    }
  }

  // ---------------------------------------------------------------- polls

  /** Builds a poll object from a REST poll body (throws 50035 on invalid input). */
  buildPoll(body: unknown): APIPoll {
    const poll = isRecord(body) ? body : {};
    const question = isRecord(poll['question']) ? poll['question'] : {};
    const questionText = optString(question['text']);
    if (!questionText || questionText.length > 300) throw Errors.invalidForm('poll.question.text', 'Must be between 1 and 300 in length.', 'BASE_TYPE_BAD_LENGTH');
    const answers = Array.isArray(poll['answers']) ? poll['answers'].filter(isRecord) : [];
    if (answers.length < 1 || answers.length > 10) throw Errors.invalidForm('poll.answers', 'Must be between 1 and 10 in length.', 'BASE_TYPE_BAD_LENGTH');
    const duration = optNumber(poll['duration']) ?? 24;
    if (duration < 1 || duration > 768) throw Errors.invalidForm('poll.duration', 'Must be between 1 and 768.', 'NUMBER_TYPE_MAX');
    return {
      question: { text: questionText },
      answers: answers.map((answer, index) => ({ answer_id: index + 1, poll_media: clone(isRecord(answer['poll_media']) ? answer['poll_media'] : {}) })),
      expiry: new Date(this.state.now() + duration * 3_600_000).toISOString(),
      allow_multiselect: optBoolean(poll['allow_multiselect']) ?? false,
      layout_type: (optNumber(poll['layout_type']) ?? PollLayoutType.Default) as PollLayoutType,
      results: { is_finalized: false, answer_counts: [] },
    };
  }

  vote(record: MessageRecord, userId: string, answerId: number): void {
    const poll = record.message.poll;
    if (!poll) throw new Error(`FakeDiscord: message ${record.message.id} has no poll`);
    if (poll.results?.is_finalized) throw new Error(`FakeDiscord: the poll on ${record.message.id} has ended`);
    if (!poll.answers.some((a) => a.answer_id === answerId)) throw new Error(`FakeDiscord: poll has no answer ${answerId}`);
    if (!poll.allow_multiselect) {
      for (const [other, voters] of record.pollVotes) if (other !== answerId && voters.has(userId)) this.unvote(record, userId, other);
    }
    const voters = record.pollVotes.get(answerId) ?? new Set<string>();
    if (voters.has(userId)) return;
    voters.add(userId);
    record.pollVotes.set(answerId, voters);
    this.dispatch(GatewayDispatchEvents.MessagePollVoteAdd, this.voteEvent(record, userId, answerId));
  }

  unvote(record: MessageRecord, userId: string, answerId: number): void {
    const voters = record.pollVotes.get(answerId);
    if (!voters?.delete(userId)) return;
    this.dispatch(GatewayDispatchEvents.MessagePollVoteRemove, this.voteEvent(record, userId, answerId));
  }

  private voteEvent(record: MessageRecord, userId: string, answerId: number): Record<string, unknown> {
    const d: Record<string, unknown> = { user_id: userId, channel_id: record.message.channel_id, message_id: record.message.id, answer_id: answerId };
    if (record.guildId) d['guild_id'] = record.guildId;
    return d;
  }

  /** Ends a poll: finalizes results, dispatches MESSAGE_UPDATE and posts Discord's poll-result system message. */
  endPoll(record: MessageRecord): void {
    const poll = record.message.poll;
    if (!poll) throw Errors.unknownMessage();
    if (poll.results?.is_finalized) throw Errors.pollExpired();
    poll.expiry = this.state.isoNow();
    poll.results = { is_finalized: true, answer_counts: [] };
    this.dispatchMessage(GatewayDispatchEvents.MessageUpdate, record);
    const counts = poll.answers.map((a) => ({ answer: a, votes: record.pollVotes.get(a.answer_id)?.size ?? 0 }));
    const total = counts.reduce((sum, c) => sum + c.votes, 0);
    const winner = counts.reduce<(typeof counts)[number] | undefined>((best, c) => (c.votes > (best?.votes ?? 0) ? c : best), undefined);
    const fields = [
      { name: 'poll_question_text', value: poll.question.text ?? '', inline: false },
      { name: 'victor_answer_votes', value: String(winner?.votes ?? 0), inline: false },
      { name: 'total_votes', value: String(total), inline: false },
    ];
    if (winner) {
      fields.push({ name: 'victor_answer_id', value: String(winner.answer.answer_id), inline: false });
      fields.push({ name: 'victor_answer_text', value: winner.answer.poll_media.text ?? '', inline: false });
    }
    this.createMessage({
      channelId: record.message.channel_id,
      authorId: record.message.author.id,
      type: MessageType.PollResult,
      embeds: [{ type: 'poll_result' as APIEmbed['type'] & string, fields } as APIEmbed],
      reference: { type: MessageReferenceType.Default, message_id: record.message.id, channel_id: record.message.channel_id, ...(record.guildId ? { guild_id: record.guildId } : {}) },
      allowedMentions: { parse: [] },
    });
  }

  // ---------------------------------------------------------------- members & guilds

  guildMemberAdd(guild: FakeGuild, member: FakeMember): void {
    this.dispatch(GatewayDispatchEvents.GuildMemberAdd, { ...this.state.renderMember(member), guild_id: guild.id });
    // Like Discord: the "X joined the server" system message (type 7, the joiner as author) in
    // the system channel, when the guild has one.
    const system = guild.systemChannelId ? this.state.channel(guild.systemChannelId) : undefined;
    if (system) this.createMessage({ channelId: system.id, authorId: member.userId, type: MessageType.UserJoin, content: '', allowedMentions: { parse: [] } });
  }

  guildMemberUpdate(guild: FakeGuild, member: FakeMember): void {
    this.dispatch(GatewayDispatchEvents.GuildMemberUpdate, { ...this.state.renderMember(member), guild_id: guild.id });
  }

  guildMemberRemove(guild: FakeGuild, userId: string): void {
    if (guild.voiceStates.has(userId)) this.voice(guild, userId, null);
    guild.members.delete(userId);
    for (const channel of this.state.guildChannels(guild.id)) channel.thread?.members.delete(userId);
    this.dispatch(GatewayDispatchEvents.GuildMemberRemove, { guild_id: guild.id, user: this.state.renderUserById(userId) });
  }

  /** Moves a member into a voice channel (or out with null) and dispatches VOICE_STATE_UPDATE. */
  voice(guild: FakeGuild, userId: string, channelId: string | null, options: { selfMute?: boolean; selfDeaf?: boolean } = {}): void {
    const previous = guild.voiceStates.get(userId);
    const sessionId = previous?.sessionId ?? randomToken(16);
    const state = { userId, channelId, sessionId, selfMute: options.selfMute ?? previous?.selfMute ?? false, selfDeaf: options.selfDeaf ?? previous?.selfDeaf ?? false };
    if (channelId === null) guild.voiceStates.delete(userId);
    else guild.voiceStates.set(userId, { ...state, channelId });
    this.dispatch(GatewayDispatchEvents.VoiceStateUpdate, { ...this.state.renderVoiceState(guild, state, true), guild_id: guild.id });
  }

  /** Answers REQUEST_GUILD_MEMBERS with GUILD_MEMBERS_CHUNK events (1000 members per chunk). */
  requestGuildMembers(session: GatewaySession, data: GatewayRequestGuildMembersData): void {
    const guild = this.state.guild(String(data.guild_id));
    if (!guild) return;
    const request = data as unknown as Record<string, unknown>;
    const userIds = request['user_ids'];
    const wanted = userIds === undefined ? undefined : Array.isArray(userIds) ? userIds.map(String) : [String(userIds)];
    const query = optString(request['query'])?.toLowerCase();
    const limit = optNumber(request['limit']) ?? 0;
    let members = [...guild.members.values()];
    if (wanted) members = members.filter((m) => wanted.includes(m.userId));
    else if (query) members = members.filter((m) => this.state.renderUserById(m.userId).username.toLowerCase().startsWith(query) || m.nick?.toLowerCase().startsWith(query));
    if (limit > 0) members = members.slice(0, limit);
    const chunks: FakeMember[][] = [];
    for (let i = 0; i < members.length; i += 1000) chunks.push(members.slice(i, i + 1000));
    if (chunks.length === 0) chunks.push([]);
    chunks.forEach((chunk, index) => {
      const d: GatewayGuildMembersChunkDispatchData = {
        guild_id: guild.id,
        members: chunk.map((m) => this.state.renderMember(m)),
        chunk_index: index,
        chunk_count: chunks.length,
      };
      if (wanted) d.not_found = wanted.filter((id) => !guild.members.has(id));
      if (optBoolean(request['presences'])) d.presences = [];
      const nonce = optString(request['nonce']);
      if (nonce !== undefined) d.nonce = nonce;
      this.gateway.send(session, GatewayDispatchEvents.GuildMembersChunk, d);
    });
  }

  // ---------------------------------------------------------------- threads & channels

  /** Creates a thread (from a message when `messageId` is given) and dispatches THREAD_CREATE. */
  createThread(input: {
    parent: FakeChannel;
    ownerId: string;
    name: string;
    type?: ChannelType.PublicThread | ChannelType.PrivateThread | ChannelType.AnnouncementThread;
    messageId?: string;
    autoArchiveDuration?: ThreadAutoArchiveDuration;
    invitable?: boolean;
    appliedTags?: string[];
    rateLimitPerUser?: number;
    /** Forum/media posts: the starter message. */
    starter?: MessageInput;
  }): FakeChannel {
    const parent = input.parent;
    const forum = parent.type === ChannelType.GuildForum || parent.type === ChannelType.GuildMedia;
    const type =
      input.type ??
      (parent.type === ChannelType.GuildAnnouncement && input.messageId ? ChannelType.AnnouncementThread : ChannelType.PublicThread);
    const info = this.state.newThreadInfo(input.ownerId, input.autoArchiveDuration ?? ThreadAutoArchiveDuration.OneDay);
    info.invitable = input.invitable ?? true;
    info.appliedTags = [...(input.appliedTags ?? [])];
    info.members.set(input.ownerId, this.state.isoNow());
    const thread = this.state.createChannel({
      ...(input.messageId ? { id: input.messageId } : {}),
      guildId: parent.guildId,
      type,
      name: input.name,
      parentId: parent.id,
      thread: info,
      rateLimitPerUser: input.rateLimitPerUser ?? 0,
    });
    this.dispatch(GatewayDispatchEvents.ThreadCreate, { ...this.state.renderThread(thread), newly_created: true });
    if (forum) {
      // A forum post's starter message has the thread's id.
      this.createMessage({ ...(input.starter ?? { content: '' }), id: thread.id, channelId: thread.id, authorId: input.ownerId });
    } else if (!input.messageId && type === ChannelType.PublicThread && parent.type === ChannelType.GuildText) {
      // "X started a thread" system message in the parent.
      this.createMessage({
        channelId: parent.id,
        authorId: input.ownerId,
        type: MessageType.ThreadCreated,
        content: input.name,
        reference: { type: MessageReferenceType.Default, channel_id: thread.id, ...(parent.guildId ? { guild_id: parent.guildId } : {}) },
        allowedMentions: { parse: [] },
      });
    }
    return thread;
  }

  threadUpdate(thread: FakeChannel): void {
    this.dispatch(GatewayDispatchEvents.ThreadUpdate, this.state.renderThread(thread));
  }

  channelUpdate(channel: FakeChannel): void {
    if (channel.thread) this.threadUpdate(channel);
    else this.dispatch(GatewayDispatchEvents.ChannelUpdate, this.state.renderChannel(channel));
  }

  /** Adds/removes thread members and dispatches THREAD_MEMBERS_UPDATE. */
  threadMembers(thread: FakeChannel, change: { add?: string; remove?: string }): void {
    const info = thread.thread;
    if (!info) return;
    const d: Record<string, unknown> = { id: thread.id, guild_id: thread.guildId };
    if (change.add !== undefined) {
      if (info.members.has(change.add)) return;
      info.members.set(change.add, this.state.isoNow());
      d['added_members'] = [this.state.renderThreadMember(thread, change.add, true)];
    }
    if (change.remove !== undefined) {
      if (!info.members.delete(change.remove)) return;
      d['removed_member_ids'] = [change.remove];
    }
    d['member_count'] = Math.min(info.members.size, 50);
    this.dispatch(GatewayDispatchEvents.ThreadMembersUpdate, d);
  }

  deleteChannel(channel: FakeChannel): void {
    this.state.channels.delete(channel.id);
    const d = channel.thread
      ? { id: channel.id, guild_id: channel.guildId, parent_id: channel.parentId, type: channel.type }
      : this.state.renderChannel(channel);
    this.dispatch(channel.thread ? GatewayDispatchEvents.ThreadDelete : GatewayDispatchEvents.ChannelDelete, d);
  }

  /** Posting in an archived (unlocked) thread unarchives it, as on Discord. */
  private unarchiveOnActivity(channel: FakeChannel): void {
    if (channel.thread?.archived && !channel.thread.locked) {
      channel.thread.archived = false;
      channel.thread.archiveTimestamp = this.state.isoNow();
      this.threadUpdate(channel);
    }
  }
}

/** Without MESSAGE_CONTENT, Discord blanks content, embeds, attachments, components and polls. */
function stripContent(d: GatewayMessageCreateDispatchData): GatewayMessageCreateDispatchData {
  const copy: GatewayMessageCreateDispatchData = { ...d, content: '', embeds: [], attachments: [], components: [] };
  delete copy.poll;
  return copy;
}

function normalizeEmoji(emoji: APIPartialEmoji): APIPartialEmoji {
  return emoji.id ? { id: emoji.id, name: emoji.name, ...(emoji.animated ? { animated: true } : {}) } : { id: null, name: emoji.name };
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

/** Width/height of a PNG, if the bytes are one. */
function pngSize(data: Buffer): { width: number; height: number } | undefined {
  if (data.length < 24 || data.readUInt32BE(0) !== 0x89504e47 || data.toString('ascii', 12, 16) !== 'IHDR') return undefined;
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}
