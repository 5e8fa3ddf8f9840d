// Interactions after they are dispatched: the callback endpoint (with Discord's 3-second deadline and
// "already acknowledged" rule), the interaction webhook (@original, follow-ups), and InteractionHandle,
// which tests use to see how the bot answered.
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ButtonStyle,
  ComponentType,
  GatewayDispatchEvents,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  MessageReferenceType,
  MessageType,
  type APIApplicationCommandOptionChoice,
  type APIEmbed,
  type APIInteraction,
  type APIMessage,
  type APIModalInteractionResponseCallbackData,
  type RESTPostAPIInteractionCallbackWithResponseResult,
} from 'discord-api-types/v10';
import type { FakeActions, MessageInput } from './actions.js';
import type { MessageRecord, UploadedFile } from './state.js';
import { checkOptions, validateModalComponents, type ModalFieldInput } from './modals.js';
import { Errors, checkWellFormed, codePoints, isRecord, optString, pollUntil } from './util.js';

/** One accepted callback (POST /interactions/:id/:token/callback). */
export interface InteractionCallbackRecord {
  type: InteractionResponseType;
  /** The callback's `data` (for multipart requests, the parsed payload_json's data). */
  data: Record<string, unknown> | undefined;
  files: UploadedFile[];
  at: number;
  /** ms between the INTERACTION_CREATE dispatch and this callback. */
  latencyMs: number;
}

/** How the bot answered, as the user would see it. */
export interface InteractionReply {
  /** The callback type that started the answer. */
  type: InteractionResponseType;
  /** Where the user-visible answer came from. */
  via: 'callback' | 'edit-original' | 'follow-up';
  /** Message content of the answer (the resulting message's content when there is one). */
  content: string | undefined;
  embeds: APIEmbed[];
  components: unknown[];
  flags: number;
  ephemeral: boolean;
  /** The message the answer created or changed, as it was right after the answer. */
  message: APIMessage | undefined;
  /** The raw request data that produced the answer. */
  data: Record<string, unknown> | undefined;
  files: UploadedFile[];
  modal: APIModalInteractionResponseCallbackData | undefined;
  choices: APIApplicationCommandOptionChoice[] | undefined;
}

export interface InteractionContext {
  guildId: string | null;
  channelId: string;
  userId: string;
  /** Display name used in `interaction` metadata on response messages. */
  commandName: string;
  commandType: ApplicationCommandType | undefined;
  /** For components and modals submitted from a component: the message the component is on. */
  sourceMessageId: string | undefined;
}

/** Options for InteractionHandle#submitModal. */
export interface ModalSubmitOptions {
  userId?: string;
}

/** How long Discord takes follow-ups and edits of an interaction's response. */
const TOKEN_LIFETIME_MS = 15 * 60_000;

/** Tracks one dispatched interaction and exposes how the bot answered it. */
export class InteractionHandle {
  /** ms timestamp of the INTERACTION_CREATE dispatch (wall clock: the 3 s deadline is real time). */
  dispatchedAt = 0;
  /** The fake's clock at the dispatch: the token's 15 minutes run on it (tests advance it). */
  issuedAt = 0;
  /** Accepted callbacks (Discord accepts exactly one). */
  readonly callbacks: InteractionCallbackRecord[] = [];
  /** Callbacks that were refused, with the error code the fake answered. */
  readonly rejectedCallbacks: { type: number; code: number; at: number }[] = [];
  /** @internal message id of the @original response (or the component's message for types 6/7). */
  originalId: string | undefined;
  /** @internal follow-up message ids, in order. */
  readonly followUpIds: string[] = [];
  /** @internal the deferred (type 5) message has not been edited yet. */
  loading = false;
  /** @internal user-visible answers, first one first. */
  readonly answers: InteractionReply[] = [];

  constructor(
    readonly id: string,
    readonly token: string,
    readonly payload: APIInteraction,
    readonly context: InteractionContext,
    private readonly manager: InteractionManager,
  ) {}

  get type(): InteractionType {
    return this.payload.type;
  }

  get acknowledged(): boolean {
    return this.callbacks.length > 0;
  }

  /** The accepted callback's type, once there is one. */
  get responseType(): InteractionResponseType | undefined {
    return this.callbacks[0]?.type;
  }

  /** Whether the answer is ephemeral (flags & 64), once known. */
  get ephemeral(): boolean | undefined {
    const original = this.original;
    if (original) return ((original.flags ?? 0) & MessageFlags.Ephemeral) !== 0;
    const data = this.callbacks[0]?.data;
    if (data) return ((Number(data['flags']) || 0) & MessageFlags.Ephemeral) !== 0;
    return undefined;
  }

  /** Current state of the @original response message (the component's message for update callbacks). */
  get original(): APIMessage | undefined {
    return this.originalId ? this.manager.renderStored(this.originalId) : undefined;
  }

  /** Current state of the follow-up messages. */
  get followUps(): APIMessage[] {
    return this.followUpIds.map((id) => this.manager.renderStored(id)).filter((m): m is APIMessage => m !== undefined);
  }

  /** The modal the bot opened (callback type 9). */
  get modal(): APIModalInteractionResponseCallbackData | undefined {
    const cb = this.callbacks[0];
    return cb?.type === InteractionResponseType.Modal ? (cb.data as unknown as APIModalInteractionResponseCallbackData) : undefined;
  }

  /** Autocomplete choices the bot returned (callback type 8). */
  get choices(): APIApplicationCommandOptionChoice[] | undefined {
    const cb = this.callbacks[0];
    if (cb?.type !== InteractionResponseType.ApplicationCommandAutocompleteResult) return undefined;
    return (cb.data?.['choices'] as APIApplicationCommandOptionChoice[] | undefined) ?? [];
  }

  /** Resolves with the first accepted callback; rejects after `timeoutMs` if the bot did not respond. */
  response(timeoutMs = 5000): Promise<InteractionCallbackRecord> {
    return pollUntil(
      () => {
        const accepted = this.callbacks[0];
        if (!accepted && this.rejectedCallbacks.some((r) => r.code === 10062)) {
          throw new Error(`FakeDiscord: interaction ${this.describe()} expired: its callback came after the ${this.manager.deadlineMs()} ms deadline (10062)`);
        }
        return accepted;
      },
      timeoutMs,
      () => `a callback to interaction ${this.describe()}${this.rejectionNote()}`,
    );
  }

  /**
   * Resolves with the user-visible answer: the reply (type 4), the first @original edit or follow-up after
   * a defer (types 5/6), the update (type 7), the modal (9) or the autocomplete choices (8).
   */
  async reply(timeoutMs = 5000): Promise<InteractionReply> {
    const started = Date.now();
    await this.response(timeoutMs);
    return pollUntil(
      () => this.answers[0],
      Math.max(0, timeoutMs - (Date.now() - started)),
      () => `interaction ${this.describe()} to be answered (it was acknowledged with callback type ${this.responseType}, but no @original edit or follow-up followed)`,
    );
  }

  /** Submits the modal the bot opened, mirroring its components; returns the MODAL_SUBMIT interaction. */
  submitModal(fields: Record<string, ModalFieldInput>, options: ModalSubmitOptions = {}): InteractionHandle {
    const modal = this.modal;
    if (!modal) throw new Error(`FakeDiscord: interaction ${this.describe()} did not open a modal`);
    return this.manager.submitModalFor(this, modal, fields, options);
  }

  private describe(): string {
    return `${this.id} (${InteractionType[this.payload.type]} "${this.context.commandName}")`;
  }

  private rejectionNote(): string {
    const r = this.rejectedCallbacks[0];
    return r ? ` (a callback was refused with code ${r.code})` : '';
  }
}

export interface InteractionManagerOptions {
  deadlineMs: () => number;
  submitModal: (handle: InteractionHandle, modal: APIModalInteractionResponseCallbackData, fields: Record<string, ModalFieldInput>, options: ModalSubmitOptions) => InteractionHandle;
}

/** Accepted message flags per callback/webhook kind (Discord ignores the rest). */
const REPLY_FLAGS = MessageFlags.SuppressEmbeds | MessageFlags.Ephemeral | MessageFlags.IsComponentsV2 | MessageFlags.IsVoiceMessage | MessageFlags.SuppressNotifications;

export class InteractionManager {
  readonly handles: InteractionHandle[] = [];
  private readonly byId = new Map<string, InteractionHandle>();
  private readonly byToken = new Map<string, InteractionHandle>();

  constructor(
    private readonly actions: FakeActions,
    private readonly options: InteractionManagerOptions,
  ) {}

  register(handle: InteractionHandle): InteractionHandle {
    this.handles.push(handle);
    this.byId.set(handle.id, handle);
    this.byToken.set(handle.token, handle);
    return handle;
  }

  /** Dispatches INTERACTION_CREATE and starts the deadline clock. */
  dispatch(handle: InteractionHandle): InteractionHandle {
    if (this.actions.gateway.liveSessions().length === 0) {
      throw new Error('FakeDiscord: no gateway session to deliver the interaction to (log a client in first)');
    }
    handle.dispatchedAt = Date.now();
    handle.issuedAt = this.actions.state.now();
    this.actions.dispatch(GatewayDispatchEvents.InteractionCreate, handle.payload);
    return handle;
  }

  deadlineMs(): number {
    return this.options.deadlineMs();
  }

  renderStored(messageId: string): APIMessage | undefined {
    const record = this.actions.state.message(messageId);
    return record ? this.actions.state.renderMessage(record) : undefined;
  }

  submitModalFor(handle: InteractionHandle, modal: APIModalInteractionResponseCallbackData, fields: Record<string, ModalFieldInput>, options: ModalSubmitOptions): InteractionHandle {
    return this.options.submitModal(handle, modal, fields, options);
  }

  // ------------------------------------------------------------------ callback

  /** POST /interactions/:id/:token/callback */
  callback(
    id: string,
    token: string,
    body: Record<string, unknown>,
    files: UploadedFile[],
    withResponse: boolean,
  ): { status: number; body?: unknown } {
    const handle = this.byId.get(id);
    if (!handle || handle.token !== token) throw Errors.unknownInteraction();
    const type = Number(body['type']) as InteractionResponseType;
    const now = Date.now();
    const reject = (error: Error & { code?: number }): never => {
      handle.rejectedCallbacks.push({ type, code: error.code ?? 0, at: now });
      throw error;
    };
    if (now - handle.dispatchedAt > this.options.deadlineMs()) reject(Errors.unknownInteraction());
    if (handle.acknowledged) reject(Errors.alreadyAcknowledged());
    const data = isRecord(body['data']) ? body['data'] : undefined;
    try {
      this.validateCallback(handle, type, data, files.length);
    } catch (error) {
      reject(error as Error & { code?: number });
    }
    const record: InteractionCallbackRecord = { type, data, files, at: now, latencyMs: now - handle.dispatchedAt };
    handle.callbacks.push(record);
    const message = this.applyCallback(handle, record);

    if (!withResponse) return { status: 204 };
    const rendered = message ? this.actions.state.renderMessage(message) : undefined;
    const result: RESTPostAPIInteractionCallbackWithResponseResult = { interaction: { id: handle.id, type: handle.payload.type } };
    if (message) {
      result.interaction.response_message_id = message.message.id;
      result.interaction.response_message_loading = ((message.message.flags ?? 0) & MessageFlags.Loading) !== 0;
      result.interaction.response_message_ephemeral = message.ephemeral;
    }
    if (type !== InteractionResponseType.Pong) {
      result.resource = { type };
      if (rendered && (type === InteractionResponseType.ChannelMessageWithSource || type === InteractionResponseType.UpdateMessage)) {
        result.resource.message = rendered;
      }
    }
    return { status: 200, body: result };
  }

  private validateCallback(handle: InteractionHandle, type: InteractionResponseType, data: Record<string, unknown> | undefined, fileCount: number): void {
    const kind = handle.payload.type;
    const fromComponent = handle.context.sourceMessageId !== undefined;
    const invalidType = (): never => {
      throw Errors.invalidForm('type', 'Interaction response type is invalid for this interaction.', 'INTERACTION_RESPONSE_TYPE_INVALID');
    };
    // Every string of the answer, whatever its type, must be valid Unicode.
    if (data !== undefined) checkWellFormed(data, 'data');
    switch (type) {
      case InteractionResponseType.Pong:
        if (kind !== InteractionType.Ping) invalidType();
        return;
      case InteractionResponseType.ChannelMessageWithSource:
        if (kind === InteractionType.ApplicationCommandAutocomplete || kind === InteractionType.Ping) invalidType();
        if (!data) throw Errors.invalidForm('data', 'This field is required', 'BASE_TYPE_REQUIRED');
        validateMessageData(data, true, fileCount);
        return;
      case InteractionResponseType.DeferredChannelMessageWithSource:
        if (kind === InteractionType.ApplicationCommandAutocomplete || kind === InteractionType.Ping) invalidType();
        return;
      case InteractionResponseType.DeferredMessageUpdate:
      case InteractionResponseType.UpdateMessage:
        if (!fromComponent) invalidType();
        if (data) validateMessageData(data, false, 0, this.actions.state.message(handle.context.sourceMessageId ?? '')?.message.flags ?? 0);
        return;
      case InteractionResponseType.ApplicationCommandAutocompleteResult: {
        if (kind !== InteractionType.ApplicationCommandAutocomplete) invalidType();
        const choices = data?.['choices'];
        if (choices !== undefined && (!Array.isArray(choices) || choices.length > 25)) {
          throw Errors.invalidForm('data.choices', 'Must be 25 or fewer in length.', 'BASE_TYPE_MAX_LENGTH');
        }
        if (Array.isArray(choices)) checkChoices(choices, focusedOptionType(handle.payload));
        return;
      }
      case InteractionResponseType.Modal: {
        if (kind === InteractionType.ModalSubmit || kind === InteractionType.ApplicationCommandAutocomplete || kind === InteractionType.Ping) invalidType();
        const customId = optString(data?.['custom_id']);
        const title = optString(data?.['title']);
        const components = data?.['components'];
        if (!customId || codePoints(customId) > 100) throw Errors.invalidForm('data.custom_id', 'Must be between 1 and 100 in length.', 'BASE_TYPE_BAD_LENGTH');
        if (!title || codePoints(title) > 45) throw Errors.invalidForm('data.title', 'Must be between 1 and 45 in length.', 'BASE_TYPE_BAD_LENGTH');
        if (!Array.isArray(components) || components.length < 1 || components.length > 5) {
          throw Errors.invalidForm('data.components', 'Must be between 1 and 5 in length.', 'BASE_TYPE_BAD_LENGTH');
        }
        validateModalComponents(components);
        return;
      }
      case InteractionResponseType.PremiumRequired:
      case InteractionResponseType.LaunchActivity:
        if (kind === InteractionType.ApplicationCommandAutocomplete || kind === InteractionType.ModalSubmit) invalidType();
        return;
      default:
        invalidType();
    }
  }

  /** Carries out an accepted callback; returns the message it created or changed, if any. */
  private applyCallback(handle: InteractionHandle, cb: InteractionCallbackRecord): MessageRecord | undefined {
    const data = cb.data ?? {};
    switch (cb.type) {
      case InteractionResponseType.ChannelMessageWithSource: {
        const record = this.createResponseMessage(handle, data, cb.files, (Number(data['flags']) || 0) & REPLY_FLAGS);
        handle.originalId = record.message.id;
        this.answer(handle, cb.type, 'callback', record, data, cb.files);
        return record;
      }
      case InteractionResponseType.DeferredChannelMessageWithSource: {
        const flags = ((Number(data['flags']) || 0) & MessageFlags.Ephemeral) | MessageFlags.Loading;
        const record = this.createResponseMessage(handle, {}, [], flags);
        handle.originalId = record.message.id;
        handle.loading = true;
        return record;
      }
      case InteractionResponseType.DeferredMessageUpdate:
        handle.originalId = handle.context.sourceMessageId;
        return undefined;
      case InteractionResponseType.UpdateMessage: {
        handle.originalId = handle.context.sourceMessageId;
        const record = handle.originalId ? this.actions.state.message(handle.originalId) : undefined;
        if (record) this.editFromBody(record, data, cb.files);
        this.answer(handle, cb.type, 'callback', record, data, cb.files);
        return record;
      }
      default:
        this.answer(handle, cb.type, 'callback', undefined, data, cb.files);
        return undefined;
    }
  }

  private createResponseMessage(handle: InteractionHandle, data: Record<string, unknown>, files: UploadedFile[], flags: number): MessageRecord {
    const ctx = handle.context;
    const input = this.messageInput(ctx.channelId, data, files);
    const source = ctx.sourceMessageId ? this.actions.state.message(ctx.sourceMessageId) : undefined;
    const type =
      handle.payload.type === InteractionType.ApplicationCommand
        ? ctx.commandType === ApplicationCommandType.ChatInput
          ? MessageType.ChatInputCommand
          : MessageType.ContextMenuCommand
        : source
          ? MessageType.Reply
          : MessageType.Default;
    return this.actions.createMessage({
      ...input,
      flags,
      channelId: ctx.channelId,
      authorId: this.actions.state.botUser.id,
      type,
      ...(type === MessageType.Reply && source
        ? { reference: { type: MessageReferenceType.Default, message_id: source.message.id, channel_id: source.message.channel_id, ...(source.guildId ? { guild_id: source.guildId } : {}) } }
        : {}),
      interaction: {
        id: handle.id,
        type: handle.payload.type,
        name: ctx.commandName,
        userId: ctx.userId,
        ...(handle.payload.type === InteractionType.MessageComponent && ctx.sourceMessageId ? { interactedMessageId: ctx.sourceMessageId } : {}),
      },
      applicationId: this.actions.state.appId,
      webhookId: this.actions.state.appId,
      ephemeral: (flags & MessageFlags.Ephemeral) !== 0,
    });
  }

  private answer(handle: InteractionHandle, type: InteractionResponseType, via: InteractionReply['via'], record: MessageRecord | undefined, data: Record<string, unknown>, files: UploadedFile[]): void {
    const message = record ? this.actions.state.renderMessage(record) : undefined;
    const isModal = type === InteractionResponseType.Modal;
    const isChoices = type === InteractionResponseType.ApplicationCommandAutocompleteResult;
    handle.answers.push({
      type,
      via,
      content: message ? message.content : optString(data['content']),
      embeds: message ? message.embeds : ((data['embeds'] as APIEmbed[] | undefined) ?? []),
      components: message ? (message.components ?? []) : ((data['components'] as unknown[] | undefined) ?? []),
      flags: message ? (message.flags ?? 0) : Number(data['flags']) || 0,
      ephemeral: message ? ((message.flags ?? 0) & MessageFlags.Ephemeral) !== 0 : ((Number(data['flags']) || 0) & MessageFlags.Ephemeral) !== 0,
      message,
      data,
      files,
      modal: isModal ? (data as unknown as APIModalInteractionResponseCallbackData) : undefined,
      choices: isChoices ? ((data['choices'] as APIApplicationCommandOptionChoice[] | undefined) ?? []) : undefined,
    });
  }

  // ------------------------------------------------------------------ webhook

  /** The interaction behind a webhook token (404 Unknown Webhook if none, or before the interaction is acknowledged). */
  private webhookHandle(appId: string, token: string): InteractionHandle {
    const handle = this.byToken.get(token);
    if (!handle || appId !== this.actions.state.appId || !handle.acknowledged) throw Errors.unknownWebhook();
    // An interaction's token takes follow-ups and edits for 15 minutes.
    if (this.actions.state.now() - handle.issuedAt > TOKEN_LIFETIME_MS) throw Errors.invalidWebhookToken();
    return handle;
  }

  private webhookMessage(handle: InteractionHandle, messageId: string): MessageRecord {
    const id = messageId === '@original' ? handle.originalId : messageId;
    if (!id || (messageId !== '@original' && id !== handle.originalId && !handle.followUpIds.includes(id))) throw Errors.unknownMessage();
    const record = this.actions.state.message(id);
    if (!record) throw Errors.unknownMessage();
    return record;
  }

  getMessage(appId: string, token: string, messageId: string): APIMessage {
    const handle = this.webhookHandle(appId, token);
    return this.actions.state.renderMessage(this.webhookMessage(handle, messageId));
  }

  editMessage(appId: string, token: string, messageId: string, body: Record<string, unknown>, files: UploadedFile[]): APIMessage {
    const handle = this.webhookHandle(appId, token);
    const record = this.webhookMessage(handle, messageId);
    const isOriginal = record.message.id === handle.originalId;
    const wasLoading = isOriginal && handle.loading;
    validateMessageData(body, false, files.length, record.message.flags ?? 0);
    this.editFromBody(record, body, files, wasLoading);
    if (wasLoading) handle.loading = false;
    const firstAnswerPending = handle.answers.length === 0;
    if (isOriginal && firstAnswerPending) this.answer(handle, handle.responseType ?? InteractionResponseType.ChannelMessageWithSource, 'edit-original', record, body, files);
    return this.actions.state.renderMessage(record);
  }

  deleteMessage(appId: string, token: string, messageId: string): void {
    const handle = this.webhookHandle(appId, token);
    const record = this.webhookMessage(handle, messageId);
    this.actions.deleteMessage(record);
  }

  /** POST /webhooks/:app/:token — a follow-up (or, right after a defer, the deferred message's content). */
  followUp(appId: string, token: string, body: Record<string, unknown>, files: UploadedFile[]): APIMessage {
    const handle = this.webhookHandle(appId, token);
    validateMessageData(body, true, files.length);
    if (handle.loading && handle.originalId) {
      // Discord: a follow-up right after DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE edits the loading message instead
      // (keeping the defer's ephemeral state).
      const record = this.webhookMessage(handle, '@original');
      this.editFromBody(record, { ...body, flags: undefined }, files, true);
      handle.loading = false;
      if (handle.answers.length === 0) this.answer(handle, handle.responseType ?? InteractionResponseType.DeferredChannelMessageWithSource, 'follow-up', record, body, files);
      return this.actions.state.renderMessage(record);
    }
    const flags = (Number(body['flags']) || 0) & REPLY_FLAGS;
    const record = this.createResponseMessage(handle, body, files, flags);
    handle.followUpIds.push(record.message.id);
    if (handle.answers.length === 0) this.answer(handle, handle.responseType ?? InteractionResponseType.ChannelMessageWithSource, 'follow-up', record, body, files);
    return this.actions.state.renderMessage(record);
  }

  private messageInput(channelId: string, data: Record<string, unknown>, files: UploadedFile[]): MessageInput {
    const input: MessageInput = {};
    const content = optString(data['content']);
    if (content !== undefined) input.content = content;
    if (Array.isArray(data['embeds'])) input.embeds = data['embeds'] as APIEmbed[];
    if (Array.isArray(data['components'])) input.components = data['components'];
    if (data['tts'] === true) input.tts = true;
    if (isRecord(data['allowed_mentions'])) input.allowedMentions = data['allowed_mentions'];
    if (isRecord(data['poll'])) input.poll = this.actions.buildPoll(data['poll']);
    if (files.length > 0) input.attachments = this.actions.buildAttachments(channelId, files, data['attachments']);
    return input;
  }

  /** Applies an edit body (content/embeds/components/attachments/flags) to a message. */
  editFromBody(record: MessageRecord, body: Record<string, unknown>, files: UploadedFile[], clearLoading = false): void {
    const patch = this.messageInput(record.message.channel_id, body, files);
    if (body['content'] === null) patch.content = '';
    if (body['embeds'] === null) patch.embeds = [];
    if (body['components'] === null) patch.components = [];
    const flags = body['flags'];
    if (typeof flags === 'number') patch.flags = flags;
    const kept = Array.isArray(body['attachments'])
      ? body['attachments'].filter(isRecord).map((a) => String(a['id'])).filter((id) => record.message.attachments.some((att) => att.id === id))
      : undefined;
    this.actions.editMessage(record, { ...patch, ...(kept !== undefined ? { keepAttachmentIds: kept } : {}), clearLoading });
  }
}

/**
 * Discord's embed total: the characters (code points, as Discord counts them) of every title,
 * description, field name and value, footer text and author name, across all of a message's embeds.
 */
function embedsSize(embeds: unknown[]): number {
  const len = (v: unknown) => (typeof v === 'string' ? codePoints(v) : 0);
  let total = 0;
  for (const e of embeds) {
    if (!isRecord(e)) continue;
    total += len(e['title']) + len(e['description']);
    if (isRecord(e['footer'])) total += len(e['footer']['text']);
    if (isRecord(e['author'])) total += len(e['author']['name']);
    if (Array.isArray(e['fields'])) for (const f of e['fields']) if (isRecord(f)) total += len(f['name']) + len(f['value']);
  }
  return total;
}

/** A string field of at most `max` code points (and at least `min` when given, which also makes it required). */
function checkText(path: string, value: unknown, max: number, min = 0): void {
  if (value === undefined || value === null) {
    if (min > 0) throw Errors.invalidForm(path, 'This field is required', 'BASE_TYPE_REQUIRED');
    return;
  }
  if (typeof value !== 'string') throw Errors.invalidForm(path, 'Could not interpret "' + String(value) + '" as string.', 'BASE_TYPE_STRING');
  const n = codePoints(value);
  if (min > 0 && (n < min || n > max)) throw Errors.invalidForm(path, `Must be between ${min} and ${max} in length.`, 'BASE_TYPE_BAD_LENGTH');
  if (n > max) throw Errors.invalidForm(path, `Must be ${max} or fewer in length.`, 'BASE_TYPE_MAX_LENGTH');
}

/** Discord's per-embed limits: title 256, description 4096, 25 fields (name 1-256, value 1-1024), footer 2048, author 256. */
function checkEmbeds(embeds: unknown[]): void {
  embeds.forEach((e, i) => {
    const at = `embeds.${i}`;
    if (!isRecord(e)) throw Errors.invalidForm(at, 'Must be an object.', 'MODEL_TYPE_CONVERT');
    checkText(`${at}.title`, e['title'], 256);
    checkText(`${at}.description`, e['description'], 4096);
    if (isRecord(e['footer'])) checkText(`${at}.footer.text`, e['footer']['text'], 2048, 1);
    if (isRecord(e['author'])) checkText(`${at}.author.name`, e['author']['name'], 256, 1);
    const fields = e['fields'];
    if (fields === undefined || fields === null) return;
    if (!Array.isArray(fields)) throw Errors.invalidForm(`${at}.fields`, 'Must be an array.', 'BASE_TYPE_ARRAY');
    if (fields.length > 25) throw Errors.invalidForm(`${at}.fields`, 'Must be 25 or fewer in length.', 'BASE_TYPE_MAX_LENGTH');
    fields.forEach((f, j) => {
      if (!isRecord(f)) throw Errors.invalidForm(`${at}.fields.${j}`, 'Must be an object.', 'MODEL_TYPE_CONVERT');
      checkText(`${at}.fields.${j}.name`, f['name'], 256, 1);
      checkText(`${at}.fields.${j}.value`, f['value'], 1024, 1);
    });
  });
}

/** The type of the option a member is typing into (the focused one, however deep in subcommands). */
function focusedOptionType(payload: APIInteraction): ApplicationCommandOptionType | undefined {
  const walk = (options: unknown): ApplicationCommandOptionType | undefined => {
    if (!Array.isArray(options)) return undefined;
    for (const o of options) {
      if (!isRecord(o)) continue;
      if (o['focused'] === true) return o['type'] as ApplicationCommandOptionType;
      const inner = walk(o['options']);
      if (inner !== undefined) return inner;
    }
    return undefined;
  };
  return isRecord(payload.data) ? walk((payload.data as Record<string, unknown>)['options']) : undefined;
}

/**
 * Autocomplete choices as Discord checks them: a name of 1-100 characters, and a value of the
 * option's type (a string of at most 100 characters, an integer, or a number).
 */
function checkChoices(choices: unknown[], type: ApplicationCommandOptionType | undefined): void {
  choices.forEach((c, i) => {
    const at = `data.choices.${i}`;
    if (!isRecord(c)) throw Errors.invalidForm(at, 'Must be an object.', 'MODEL_TYPE_CONVERT');
    checkText(`${at}.name`, c['name'], 100, 1);
    const value = c['value'];
    if (type === ApplicationCommandOptionType.Integer || type === ApplicationCommandOptionType.Number) {
      const ok = typeof value === 'number' && Number.isFinite(value) && (type === ApplicationCommandOptionType.Number || Number.isInteger(value));
      if (!ok) throw Errors.invalidForm(`${at}.value`, `Value "${String(value)}" is not ${type === ApplicationCommandOptionType.Integer ? 'int' : 'a number'}.`, 'NUMBER_TYPE_COERCE');
    } else if (type !== undefined || typeof value !== 'number') {
      if (typeof value !== 'string') throw Errors.invalidForm(`${at}.value`, 'Could not interpret "' + String(value) + '" as string.', 'BASE_TYPE_STRING');
      checkText(`${at}.value`, value, 100);
    }
  });
}

const SELECT_TYPES = new Set<number>([ComponentType.StringSelect, ComponentType.UserSelect, ComponentType.RoleSelect, ComponentType.MentionableSelect, ComponentType.ChannelSelect]);

/** A button: label ≤ 80; link buttons carry a url and no custom_id, premium buttons a sku_id, the others a custom_id of 1-100. */
function checkButton(at: string, b: Record<string, unknown>): void {
  const style = b['style'];
  if (style === ButtonStyle.Premium) {
    if (b['custom_id'] !== undefined || b['url'] !== undefined || b['label'] !== undefined) {
      throw Errors.invalidForm(at, 'A premium button cannot have a custom id, url or label.', 'BUTTON_COMPONENT_INVALID');
    }
    if (typeof b['sku_id'] !== 'string') throw Errors.invalidForm(`${at}.sku_id`, 'This field is required', 'BASE_TYPE_REQUIRED');
    return;
  }
  checkText(`${at}.label`, b['label'], 80);
  if (style === ButtonStyle.Link) {
    if (b['custom_id'] !== undefined) throw Errors.invalidForm(`${at}.custom_id`, 'A custom id and url cannot both be specified', 'BUTTON_COMPONENT_CUSTOM_ID_URL_CONFLICT');
    checkText(`${at}.url`, b['url'], 512, 1);
    return;
  }
  if (b['url'] !== undefined) throw Errors.invalidForm(`${at}.url`, 'A custom id and url cannot both be specified', 'BUTTON_COMPONENT_CUSTOM_ID_URL_CONFLICT');
  checkText(`${at}.custom_id`, b['custom_id'], 100, 1);
}

/** A select menu in a message: custom_id 1-100, placeholder ≤ 150, min_values 0-25, max_values 1-25; a string select's 1-25 options bound them. */
function checkSelect(at: string, s: Record<string, unknown>): void {
  checkText(`${at}.custom_id`, s['custom_id'], 100, 1);
  checkText(`${at}.placeholder`, s['placeholder'], 150);
  const min = s['min_values'];
  const max = s['max_values'];
  if (min !== undefined && (typeof min !== 'number' || !Number.isInteger(min) || min < 0 || min > 25)) {
    throw Errors.invalidForm(`${at}.min_values`, 'Must be between 0 and 25.', 'NUMBER_TYPE_MAX');
  }
  if (max !== undefined && (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 25)) {
    throw Errors.invalidForm(`${at}.max_values`, 'Must be between 1 and 25.', 'NUMBER_TYPE_MAX');
  }
  const minValues = typeof min === 'number' ? min : 1;
  const maxValues = typeof max === 'number' ? max : 1;
  if (minValues > maxValues) throw Errors.invalidForm(`${at}.min_values`, 'min_values must be less than or equal to max_values.', 'SELECT_COMPONENT_MIN_VALUES_TOO_LARGE');
  if (s['type'] !== ComponentType.StringSelect) return;
  const options = checkOptions(at, s['options'], 1, 25);
  if (maxValues > options.length) throw Errors.invalidForm(`${at}.max_values`, `Must be less than or equal to ${options.length}.`, 'NUMBER_TYPE_MAX');
  if (minValues > options.length) throw Errors.invalidForm(`${at}.min_values`, `Must be less than or equal to ${options.length}.`, 'NUMBER_TYPE_MAX');
}

/** An action row in a message: 1-5 buttons, or exactly one select menu. */
function checkActionRow(at: string, row: Record<string, unknown>): void {
  const children = row['components'];
  if (!Array.isArray(children) || children.length < 1 || children.length > 5) throw Errors.invalidForm(`${at}.components`, 'Must be between 1 and 5 in length.', 'BASE_TYPE_BAD_LENGTH');
  const hasSelect = children.some((c) => isRecord(c) && SELECT_TYPES.has(Number(c['type'])));
  if (hasSelect && children.length > 1) throw Errors.invalidForm(`${at}.components`, 'The specified component exceeds the maximum width', 'COMPONENT_LAYOUT_WIDTH_EXCEEDED');
  children.forEach((c, j) => {
    const cp = `${at}.components.${j}`;
    if (!isRecord(c)) throw Errors.invalidForm(cp, 'Must be an object.', 'MODEL_TYPE_CONVERT');
    if (c['type'] === ComponentType.Button) checkButton(cp, c);
    else if (SELECT_TYPES.has(Number(c['type']))) checkSelect(cp, c);
    else throw Errors.invalidForm(`${cp}.type`, 'Value of field "type" must be one of (2, 3, 5, 6, 7, 8).', 'BASE_TYPE_CHOICES');
  });
}

/**
 * A message's components: without the IS_COMPONENTS_V2 flag, at most 5 top-level action rows; with
 * it, the rows found at the top level, in containers and the buttons as section accessories.
 */
function checkComponents(components: unknown[], componentsV2: boolean): void {
  if (!componentsV2) {
    if (components.length > 5) throw Errors.invalidForm('components', 'Must be 5 or fewer in length.', 'BASE_TYPE_MAX_LENGTH');
    components.forEach((row, i) => {
      if (!isRecord(row)) throw Errors.invalidForm(`components.${i}`, 'Must be an object.', 'MODEL_TYPE_CONVERT');
      if (row['type'] !== ComponentType.ActionRow) {
        throw Errors.invalidForm(`components.${i}.type`, 'Value of field "type" must be one of (1,).', 'BASE_TYPE_CHOICES');
      }
      checkActionRow(`components.${i}`, row);
    });
    return;
  }
  const walk = (list: unknown[], path: string): void => {
    list.forEach((c, i) => {
      const at = `${path}.${i}`;
      if (!isRecord(c)) return;
      if (c['type'] === ComponentType.ActionRow) checkActionRow(at, c);
      else if (c['type'] === ComponentType.Container && Array.isArray(c['components'])) walk(c['components'], `${at}.components`);
      else if (c['type'] === ComponentType.Section && isRecord(c['accessory']) && c['accessory']['type'] === ComponentType.Button) checkButton(`${at}.accessory`, c['accessory']);
    });
  };
  walk(components, 'components');
}

/**
 * Discord's checks on a message body: non-empty (when creating), content length, the embeds' limits and
 * the components' limits. `currentFlags` are the edited message's flags (a Components V2 message stays one).
 */
export function validateMessageData(data: Record<string, unknown>, creating: boolean, fileCount = 0, currentFlags = 0): void {
  const content = data['content'];
  checkWellFormed(data);
  if (typeof content === 'string' && codePoints(content) > 2000) {
    throw Errors.invalidForm('content', 'Must be 2000 or fewer in length.', 'BASE_TYPE_MAX_LENGTH');
  }
  const embeds = data['embeds'];
  if (Array.isArray(embeds) && embeds.length > 10) throw Errors.invalidForm('embeds', 'Must be 10 or fewer in length.', 'BASE_TYPE_MAX_LENGTH');
  if (Array.isArray(embeds)) checkEmbeds(embeds);
  if (Array.isArray(embeds) && embedsSize(embeds) > 6000) throw Errors.invalidForm('embeds', 'Embed size exceeds maximum size of 6000', 'MAX_EMBED_SIZE_EXCEEDED');
  const components = data['components'];
  if (Array.isArray(components) && components.length > 40) throw Errors.invalidForm('components', 'Must be 40 or fewer in length.', 'BASE_TYPE_MAX_LENGTH');
  const flags = (typeof data['flags'] === 'number' ? data['flags'] : 0) | currentFlags;
  if (Array.isArray(components)) checkComponents(components, (flags & MessageFlags.IsComponentsV2) !== 0);
  if (!creating) return;
  const hasContent = typeof content === 'string' && content.length > 0;
  const hasEmbeds = Array.isArray(embeds) && embeds.length > 0;
  const hasComponents = Array.isArray(components) && components.length > 0;
  const hasAttachments = fileCount > 0 || (Array.isArray(data['attachments']) && data['attachments'].length > 0);
  const hasPoll = isRecord(data['poll']);
  const hasStickers = Array.isArray(data['sticker_ids']) && data['sticker_ids'].length > 0;
  if (!hasContent && !hasEmbeds && !hasComponents && !hasAttachments && !hasPoll && !hasStickers) throw Errors.emptyMessage();
}

