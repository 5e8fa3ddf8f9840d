// Builds faithful INTERACTION_CREATE payloads from the fake's state: slash commands (option types
// taken from the registered command definitions, `resolved` filled in), context-menu commands,
// autocomplete, button clicks, select menus and modal submits.
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ChannelType,
  ComponentType,
  InteractionContextType,
  InteractionType,
  type APIApplicationCommand,
  type APIApplicationCommandOption,
  type APIAttachment,
  type APIInteraction,
  type APIInteractionDataResolved,
  type APIInteractionDataResolvedChannel,
  type APIModalInteractionResponseCallbackData,
} from 'discord-api-types/v10';
import type { FakeActions } from './actions.js';
import { localizedName } from './commands.js';
import { InteractionHandle, type InteractionContext, type InteractionManager } from './interactions.js';
import type { FakeChannel, FakeGuild, MessageRecord } from './state.js';
import { submittedComponent, type ModalFieldInput } from './modals.js';
import { clone, codePoints, isRecord, optNumber, optString, randomToken } from './util.js';

export type SlashOptionValue = string | number | boolean;

export interface SlashInput {
  guildId?: string;
  channelId: string;
  userId: string;
  /**
   * The command, subcommand and option names as the member types them: canonical, or localized
   * for `locale` (as Discord's client shows them). The payload carries the canonical names.
   */
  name: string;
  group?: string;
  subcommand?: string;
  /** Option values by name; USER/CHANNEL/ROLE/MENTIONABLE take ids, ATTACHMENT takes a file name. */
  options?: Record<string, SlashOptionValue>;
  /** Contents of uploaded files by file name (ATTACHMENT options); a placeholder text otherwise. */
  uploads?: Record<string, string | Buffer>;
  locale?: string;
}

export interface AutocompleteInput extends SlashInput {
  /** The option being typed in. */
  focused: string;
  /** What the user has typed so far. */
  value: string;
}

export interface ContextMenuInput {
  guildId?: string;
  channelId: string;
  userId: string;
  name: string;
  locale?: string;
}

/** A message: an APIMessage, a discord.js Message (`id` + `channelId`), or `{ channelId, messageId }`. */
export type MessageRef = { id: string; channel_id: string } | { id: string; channelId: string } | { channelId: string; messageId: string };

export interface ComponentInput {
  userId: string;
  message: MessageRef;
  customId: string;
  locale?: string;
  /**
   * A hand-made click (a modified client or a replayed request) with a custom_id the message
   * does not show: skips the check that the message has this button, to test that the bot
   * never trusts a custom_id.
   */
  forged?: boolean;
}

export interface SelectInput extends ComponentInput {
  values: string[];
}

export interface ModalSubmitInput {
  userId: string;
  guildId?: string;
  channelId: string;
  customId: string;
  /**
   * Values by the inputs' custom_id: text for text inputs, one value (or null) for radio groups,
   * arrays for selects and checkbox groups, a boolean for a checkbox.
   */
  fields: Record<string, ModalFieldInput>;
  /** The message whose component opened the modal, if any. */
  message?: MessageRef;
  /** The modal the bot sent, to mirror its layout (defaults to one action row per field). */
  modal?: APIModalInteractionResponseCallbackData;
  locale?: string;
}

export class InteractionBuilder {
  constructor(
    private readonly actions: FakeActions,
    private readonly manager: InteractionManager,
  ) {}

  private get state() {
    return this.actions.state;
  }

  // ------------------------------------------------------------------ commands

  slash(input: SlashInput): InteractionHandle {
    return this.command(input, InteractionType.ApplicationCommand, undefined);
  }

  autocomplete(input: AutocompleteInput): InteractionHandle {
    return this.command(input, InteractionType.ApplicationCommandAutocomplete, { name: input.focused, value: input.value });
  }

  private command(input: SlashInput, kind: InteractionType.ApplicationCommand | InteractionType.ApplicationCommandAutocomplete, focus: { name: string; value: string } | undefined): InteractionHandle {
    const { guild, channel } = this.where(input.guildId, input.channelId);
    input = this.canonicalSlash(guild?.id ?? null, input);
    if (focus && 'focused' in input && typeof input.focused === 'string') focus = { ...focus, name: input.focused };
    const def = this.findCommand(guild?.id ?? null, input.name, ApplicationCommandType.ChatInput);
    const resolved: APIInteractionDataResolved = {};
    let optionDefs: APIApplicationCommandOption[] | undefined = def?.options;
    const wrap: { type: ApplicationCommandOptionType; name: string }[] = [];
    if (input.group !== undefined) {
      const groupDef = optionDefs?.find((o) => o.name === input.group && o.type === ApplicationCommandOptionType.SubcommandGroup);
      if (def && !groupDef) throw new Error(`FakeDiscord: /${input.name} has no subcommand group "${input.group}"`);
      optionDefs = groupDef && 'options' in groupDef ? (groupDef.options as APIApplicationCommandOption[] | undefined) : undefined;
      wrap.push({ type: ApplicationCommandOptionType.SubcommandGroup, name: input.group });
    }
    if (input.subcommand !== undefined) {
      const subDef = optionDefs?.find((o) => o.name === input.subcommand && o.type === ApplicationCommandOptionType.Subcommand);
      if (def && !subDef) throw new Error(`FakeDiscord: /${input.name}${input.group ? ` ${input.group}` : ''} has no subcommand "${input.subcommand}"`);
      optionDefs = subDef && 'options' in subDef ? (subDef.options as APIApplicationCommandOption[] | undefined) : undefined;
      wrap.push({ type: ApplicationCommandOptionType.Subcommand, name: input.subcommand });
    } else if (def && optionDefs?.some((o) => o.type === ApplicationCommandOptionType.Subcommand || o.type === ApplicationCommandOptionType.SubcommandGroup)) {
      throw new Error(`FakeDiscord: /${input.name} needs a subcommand`);
    }

    const values = { ...(input.options ?? {}) };
    if (focus) values[focus.name] = focus.value;
    const leaf: Record<string, unknown>[] = [];
    for (const [name, raw] of Object.entries(values)) {
      const optionDef = optionDefs?.find((o) => o.name === name);
      if (def && !optionDef) throw new Error(`FakeDiscord: /${input.name} has no option "${name}"`);
      const type = optionDef?.type ?? inferOptionType(raw);
      const focused = focus?.name === name;
      const value = focused ? String(raw) : this.coerceOption(type, raw, name, guild, input.userId, channel.id, resolved, input.uploads);
      if (!focused && optionDef && 'choices' in optionDef && Array.isArray(optionDef.choices) && optionDef.choices.length > 0) {
        if (!optionDef.choices.some((c) => c.value === value)) throw new Error(`FakeDiscord: ${JSON.stringify(value)} is not a choice of option "${name}"`);
      }
      leaf.push({ name, type, value, ...(focused ? { focused: true } : {}) });
    }
    if (def && kind === InteractionType.ApplicationCommand) {
      for (const o of optionDefs ?? []) {
        if ('required' in o && o.required && !(o.name in values)) throw new Error(`FakeDiscord: /${input.name} option "${o.name}" is required`);
      }
    }
    let options: Record<string, unknown>[] = leaf;
    for (const level of [...wrap].reverse()) options = [{ type: level.type, name: level.name, options }];

    const data: Record<string, unknown> = { id: def?.id ?? this.state.snowflakes.next(), name: input.name, type: ApplicationCommandType.ChatInput };
    if (def?.guild_id) data['guild_id'] = def.guild_id;
    if (options.length > 0) data['options'] = options;
    if (Object.keys(resolved).length > 0 && kind === InteractionType.ApplicationCommand) data['resolved'] = resolved;
    const commandName = [input.name, input.group, input.subcommand].filter((p) => p !== undefined).join(' ');
    return this.create(kind, data, { guild, channel, userId: input.userId, commandName, commandType: ApplicationCommandType.ChatInput, source: undefined, locale: input.locale });
  }

  messageCommand(input: ContextMenuInput & { message: MessageRef }): InteractionHandle {
    const { guild, channel } = this.where(input.guildId, input.channelId);
    const target = this.requireMessage(input.message);
    input = { ...input, name: this.canonicalName(guild?.id ?? null, input.name, ApplicationCommandType.Message, input.locale) };
    const def = this.findCommand(guild?.id ?? null, input.name, ApplicationCommandType.Message);
    const data: Record<string, unknown> = {
      id: def?.id ?? this.state.snowflakes.next(),
      name: input.name,
      type: ApplicationCommandType.Message,
      target_id: target.message.id,
      // Interactions always carry message content, whatever the intents.
      resolved: { messages: { [target.message.id]: this.state.renderMessage(target) } },
    };
    if (def?.guild_id) data['guild_id'] = def.guild_id;
    return this.create(InteractionType.ApplicationCommand, data, { guild, channel, userId: input.userId, commandName: input.name, commandType: ApplicationCommandType.Message, source: undefined, locale: input.locale });
  }

  userCommand(input: ContextMenuInput & { targetId: string }): InteractionHandle {
    const { guild, channel } = this.where(input.guildId, input.channelId);
    const def = this.findCommand(guild?.id ?? null, input.name, ApplicationCommandType.User);
    const resolved: APIInteractionDataResolved = {};
    this.resolveUser(input.targetId, guild, channel.id, resolved);
    const data: Record<string, unknown> = { id: def?.id ?? this.state.snowflakes.next(), name: input.name, type: ApplicationCommandType.User, target_id: input.targetId, resolved };
    if (def?.guild_id) data['guild_id'] = def.guild_id;
    return this.create(InteractionType.ApplicationCommand, data, { guild, channel, userId: input.userId, commandName: input.name, commandType: ApplicationCommandType.User, source: undefined, locale: input.locale });
  }

  // ------------------------------------------------------------------ components

  click(input: ComponentInput): InteractionHandle {
    const record = this.requireMessage(input.message);
    if (input.forged) return this.component(record, input, { custom_id: input.customId, component_type: ComponentType.Button });
    const component = this.requireComponent(record, input.customId);
    if (component['type'] !== ComponentType.Button) throw new Error(`FakeDiscord: "${input.customId}" is not a button (use select())`);
    return this.component(record, input, { custom_id: input.customId, component_type: ComponentType.Button });
  }

  select(input: SelectInput): InteractionHandle {
    const record = this.requireMessage(input.message);
    const component = this.requireComponent(record, input.customId);
    const type = Number(component['type']) as ComponentType;
    const min = optNumber(component['min_values']) ?? 1;
    const max = optNumber(component['max_values']) ?? 1;
    if (input.values.length < min || input.values.length > max) {
      throw new Error(`FakeDiscord: select "${input.customId}" takes ${min}..${max} values, got ${input.values.length}`);
    }
    const data: Record<string, unknown> = { custom_id: input.customId, component_type: type, values: [...input.values] };
    const channel = this.state.requireChannel(record.message.channel_id);
    const guild = record.guildId ? this.state.guild(record.guildId) : undefined;
    const resolved: APIInteractionDataResolved = {};
    switch (type) {
      case ComponentType.StringSelect: {
        const options = Array.isArray(component['options']) ? component['options'].filter(isRecord) : [];
        for (const value of input.values) {
          if (!options.some((o) => o['value'] === value)) throw new Error(`FakeDiscord: "${value}" is not an option of select "${input.customId}"`);
        }
        break;
      }
      case ComponentType.UserSelect:
        for (const id of input.values) this.resolveUser(id, guild, channel.id, resolved);
        break;
      case ComponentType.RoleSelect:
        for (const id of input.values) this.resolveRole(id, guild, resolved);
        break;
      case ComponentType.MentionableSelect:
        for (const id of input.values) {
          if (guild?.roles.has(id)) this.resolveRole(id, guild, resolved);
          else this.resolveUser(id, guild, channel.id, resolved);
        }
        break;
      case ComponentType.ChannelSelect:
        for (const id of input.values) this.resolveChannel(id, guild, input.userId, resolved);
        break;
      default:
        throw new Error(`FakeDiscord: "${input.customId}" is not a select menu (use click())`);
    }
    if (type !== ComponentType.StringSelect) data['resolved'] = resolved;
    return this.component(record, input, data);
  }

  submitModal(input: ModalSubmitInput): InteractionHandle {
    const { guild, channel } = this.where(input.guildId, input.channelId);
    const source = input.message ? this.requireMessage(input.message) : undefined;
    let nextId = 1;
    const fieldValue = (customId: string): ModalFieldInput | undefined => input.fields[customId];
    const textInput = (c: Record<string, unknown>): Record<string, unknown> => {
      const customId = String(c['custom_id']);
      const raw = fieldValue(customId);
      if (typeof raw === 'boolean') throw new Error(`FakeDiscord: modal input "${customId}" is a text input: give text`);
      const value = Array.isArray(raw) ? raw.join(',') : (raw ?? optString(c['value']) ?? '');
      const required = c['required'] !== false;
      if (required && value === '') throw new Error(`FakeDiscord: modal input "${customId}" is required`);
      const min = optNumber(c['min_length']);
      const max = optNumber(c['max_length']) ?? 4000;
      // Discord's client counts what is typed in code points (an emoji is one character).
      const typed = codePoints(value);
      if ((min !== undefined && typed < min && value !== '') || typed > max) {
        throw new Error(`FakeDiscord: modal input "${customId}" must be ${min ?? 0}..${max} characters`);
      }
      return { type: ComponentType.TextInput, id: optNumber(c['id']) ?? nextId++, custom_id: customId, value };
    };
    const inner = (c: Record<string, unknown>): Record<string, unknown> => {
      if (c['type'] === ComponentType.TextInput) return textInput(c);
      return submittedComponent(c, fieldValue(String(c['custom_id'])), optNumber(c['id']) ?? nextId++);
    };
    let components: Record<string, unknown>[];
    if (input.modal) {
      const known = new Set<string>();
      for (const top of input.modal.components as unknown as Record<string, unknown>[]) {
        const children = Array.isArray(top['components']) ? top['components'].filter(isRecord) : isRecord(top['component']) ? [top['component']] : [];
        for (const child of children) known.add(String(child['custom_id']));
      }
      for (const name of Object.keys(input.fields)) {
        if (!known.has(name)) throw new Error(`FakeDiscord: the modal "${input.modal.custom_id}" has no input "${name}"`);
      }
      components = input.modal.components.map((top) => {
        const c = top as unknown as Record<string, unknown>;
        const id = optNumber(c['id']) ?? nextId++;
        if (c['type'] === ComponentType.ActionRow) {
          const children = Array.isArray(c['components']) ? c['components'].filter(isRecord) : [];
          return { type: ComponentType.ActionRow, id, components: children.map(inner) };
        }
        if (c['type'] === ComponentType.Label && isRecord(c['component'])) {
          return { type: ComponentType.Label, id, component: inner(c['component']) };
        }
        return { type: c['type'], id };
      });
    } else {
      components = Object.keys(input.fields).map((customId) => ({ type: ComponentType.ActionRow, id: nextId++, components: [textInput({ custom_id: customId })] }));
    }
    const data: Record<string, unknown> = { custom_id: input.customId, components };
    return this.create(InteractionType.ModalSubmit, data, { guild, channel, userId: input.userId, commandName: input.customId, commandType: undefined, source, locale: input.locale });
  }

  private component(record: MessageRecord, input: ComponentInput, data: Record<string, unknown>): InteractionHandle {
    const channel = this.state.requireChannel(record.message.channel_id);
    const guild = record.guildId ? this.state.guild(record.guildId) : undefined;
    return this.create(InteractionType.MessageComponent, data, { guild, channel, userId: input.userId, commandName: input.customId, commandType: undefined, source: record, locale: input.locale });
  }

  requireMessage(ref: MessageRef): MessageRecord {
    const [channelId, messageId] = 'messageId' in ref ? [ref.channelId, ref.messageId] : 'channel_id' in ref ? [ref.channel_id, ref.id] : [ref.channelId, ref.id];
    const record = this.state.message(messageId);
    if (!record || record.message.channel_id !== channelId) throw new Error(`FakeDiscord: no message ${messageId} in channel ${channelId}`);
    return record;
  }

  private requireComponent(record: MessageRecord, customId: string): Record<string, unknown> {
    const found = findComponent(record.message.components ?? [], customId);
    if (!found) throw new Error(`FakeDiscord: message ${record.message.id} has no component with custom_id "${customId}"`);
    if (found['disabled'] === true) throw new Error(`FakeDiscord: component "${customId}" is disabled and can't be used`);
    return found;
  }

  // ------------------------------------------------------------------ shared

  private where(guildId: string | undefined, channelId: string): { guild: FakeGuild | undefined; channel: FakeChannel } {
    const channel = this.state.requireChannel(channelId);
    const id = guildId ?? channel.guildId ?? undefined;
    const guild = id ? this.state.requireGuild(id) : undefined;
    if (guild && channel.guildId !== guild.id) throw new Error(`FakeDiscord: channel ${channelId} is not in guild ${guild.id}`);
    return { guild, channel };
  }

  /** A command's canonical name from the name a member typed in their locale. */
  private canonicalName(guildId: string | null, typed: string, type: ApplicationCommandType, locale: string | undefined): string {
    if (!locale || this.findCommand(guildId, typed, type)) return typed;
    const all = [...(guildId ? this.state.commandsFor(guildId).values() : []), ...this.state.globalCommands.values()];
    const found = all.find((c) => (c.type ?? ApplicationCommandType.ChatInput) === type && localizedName(c as unknown as Record<string, unknown>, locale) === typed);
    return found?.name ?? typed;
  }

  /** Maps localized command, subcommand and option names to the canonical ones Discord sends. */
  private canonicalSlash<T extends SlashInput>(guildId: string | null, input: T): T {
    const locale = input.locale;
    if (!locale) return input;
    const name = this.canonicalName(guildId, input.name, ApplicationCommandType.ChatInput, locale);
    const def = this.findCommand(guildId, name, ApplicationCommandType.ChatInput);
    if (!def) return input;
    const pick = (options: readonly APIApplicationCommandOption[] | undefined, typed: string | undefined) =>
      typed === undefined ? undefined : options?.find((o) => o.name === typed || localizedName(o as unknown as Record<string, unknown>, locale) === typed);
    let level: readonly APIApplicationCommandOption[] | undefined = def.options;
    const group = pick(level, input.group);
    if (group && 'options' in group) level = group.options as APIApplicationCommandOption[] | undefined;
    const sub = pick(level, input.subcommand);
    if (sub && 'options' in sub) level = sub.options as APIApplicationCommandOption[] | undefined;
    const options = input.options
      ? Object.fromEntries(Object.entries(input.options).map(([typed, value]) => [pick(level, typed)?.name ?? typed, value]))
      : undefined;
    const focused = 'focused' in input && typeof input.focused === 'string' ? { focused: pick(level, input.focused)?.name ?? input.focused } : {};
    return { ...input, ...focused, name, group: group?.name ?? input.group, subcommand: sub?.name ?? input.subcommand, options };
  }

  private findCommand(guildId: string | null, name: string, type: ApplicationCommandType): APIApplicationCommand | undefined {
    const match = (c: APIApplicationCommand): boolean => c.name === name && (c.type ?? ApplicationCommandType.ChatInput) === type;
    const guildCommands = guildId ? [...this.state.commandsFor(guildId).values()] : [];
    return guildCommands.find(match) ?? [...this.state.globalCommands.values()].find(match);
  }

  private create(
    type: InteractionType,
    data: Record<string, unknown>,
    where: { guild: FakeGuild | undefined; channel: FakeChannel; userId: string; commandName: string; commandType: ApplicationCommandType | undefined; source: MessageRecord | undefined; locale: string | undefined },
  ): InteractionHandle {
    const { guild, channel, userId } = where;
    const user = this.state.requireUser(userId);
    const id = this.state.snowflakes.next();
    const token = Buffer.from(`interaction:${id}:${randomToken(48)}`).toString('base64url');
    const payload: Record<string, unknown> = {
      id,
      application_id: this.state.appId,
      type,
      data,
      channel_id: channel.id,
      token,
      version: 1,
      locale: where.locale ?? 'en-US',
      entitlements: [],
      attachment_size_limit: this.state.uploadLimitBytes,
    };
    if (guild) {
      const member = this.state.member(guild.id, userId);
      if (!member) throw new Error(`FakeDiscord: user ${userId} is not a member of guild ${guild.id}`);
      const perms = this.state.channelPermissions(guild, userId, channel);
      payload['guild'] = { id: guild.id, locale: guild.preferredLocale, features: [...guild.features] };
      payload['guild_id'] = guild.id;
      payload['guild_locale'] = guild.preferredLocale;
      payload['member'] = { ...this.state.renderMember(member), permissions: perms.toString() };
      payload['app_permissions'] = this.state.channelPermissions(guild, this.state.botUser.id, channel).toString();
      payload['channel'] = { ...this.state.renderChannel(channel), permissions: perms.toString() };
      payload['authorizing_integration_owners'] = { '0': guild.id };
      payload['context'] = InteractionContextType.Guild;
    } else {
      payload['user'] = this.state.renderUser(user);
      payload['app_permissions'] = '1126607488'; // what Discord reports for DMs with the bot
      payload['channel'] = this.state.renderChannel(channel);
      payload['authorizing_integration_owners'] = { '0': '0' };
      payload['context'] = InteractionContextType.BotDM;
    }
    if (where.source) payload['message'] = this.state.renderMessage(where.source);
    const context: InteractionContext = {
      guildId: guild?.id ?? null,
      channelId: channel.id,
      userId,
      commandName: where.commandName,
      commandType: where.commandType,
      sourceMessageId: where.source?.message.id,
    };
    const handle = new InteractionHandle(id, token, payload as unknown as APIInteraction, context, this.manager);
    this.manager.register(handle);
    return this.manager.dispatch(handle);
  }

  private coerceOption(
    type: ApplicationCommandOptionType,
    raw: SlashOptionValue,
    name: string,
    guild: FakeGuild | undefined,
    userId: string,
    channelId: string,
    resolved: APIInteractionDataResolved,
    uploads?: Record<string, string | Buffer>,
  ): SlashOptionValue {
    switch (type) {
      case ApplicationCommandOptionType.String:
        return String(raw);
      case ApplicationCommandOptionType.Integer: {
        const n = Number(raw);
        if (!Number.isInteger(n)) throw new Error(`FakeDiscord: option "${name}" needs an integer, got ${JSON.stringify(raw)}`);
        return n;
      }
      case ApplicationCommandOptionType.Number: {
        const n = Number(raw);
        if (!Number.isFinite(n)) throw new Error(`FakeDiscord: option "${name}" needs a number, got ${JSON.stringify(raw)}`);
        return n;
      }
      case ApplicationCommandOptionType.Boolean:
        return raw === true || raw === 'true';
      case ApplicationCommandOptionType.User:
        this.resolveUser(String(raw), guild, channelId, resolved);
        return String(raw);
      case ApplicationCommandOptionType.Channel:
        this.resolveChannel(String(raw), guild, userId, resolved);
        return String(raw);
      case ApplicationCommandOptionType.Role:
        this.resolveRole(String(raw), guild, resolved);
        return String(raw);
      case ApplicationCommandOptionType.Mentionable:
        if (guild?.roles.has(String(raw))) this.resolveRole(String(raw), guild, resolved);
        else this.resolveUser(String(raw), guild, channelId, resolved);
        return String(raw);
      case ApplicationCommandOptionType.Attachment: {
        const attachment = this.fakeUpload(channelId, String(raw), uploads?.[String(raw)]);
        resolved.attachments = { ...(resolved.attachments ?? {}), [attachment.id]: attachment };
        return attachment.id;
      }
      default:
        throw new Error(`FakeDiscord: option "${name}" has unsupported type ${type}`);
    }
  }

  private fakeUpload(channelId: string, filename: string, content?: string | Buffer): APIAttachment {
    const data = content === undefined ? Buffer.from(`fake upload ${filename}\n`) : Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
    const attachment = this.actions.storeAttachment(channelId, { filename, contentType: guessContentType(filename), data });
    attachment.ephemeral = true;
    return attachment;
  }

  private resolveUser(id: string, guild: FakeGuild | undefined, channelId: string, resolved: APIInteractionDataResolved): void {
    const user = this.state.requireUser(id);
    resolved.users = { ...(resolved.users ?? {}), [id]: this.state.renderUser(user) };
    const member = guild?.members.get(id);
    const channel = this.state.channel(channelId);
    if (guild && member && channel) {
      const { ...noUser } = this.state.renderMemberNoUser(member);
      resolved.members = { ...(resolved.members ?? {}), [id]: { ...noUser, permissions: this.state.channelPermissions(guild, id, channel).toString() } };
    }
  }

  private resolveRole(id: string, guild: FakeGuild | undefined, resolved: APIInteractionDataResolved): void {
    const role = guild?.roles.get(id);
    if (!role) throw new Error(`FakeDiscord: unknown role ${id}`);
    resolved.roles = { ...(resolved.roles ?? {}), [id]: clone(role) };
  }

  private resolveChannel(id: string, guild: FakeGuild | undefined, userId: string, resolved: APIInteractionDataResolved): void {
    const channel = this.state.requireChannel(id);
    const perms = guild ? this.state.channelPermissions(guild, userId, channel) : 0n;
    const out: Record<string, unknown> = { id, name: channel.name, type: channel.type, permissions: perms.toString(), flags: channel.flags };
    if (channel.thread) {
      out['parent_id'] = channel.parentId;
      out['thread_metadata'] = (this.state.renderChannel(channel) as unknown as Record<string, unknown>)['thread_metadata'];
    } else if (channel.type !== ChannelType.DM) {
      out['parent_id'] = channel.parentId;
    }
    resolved.channels = { ...(resolved.channels ?? {}), [id]: out as unknown as APIInteractionDataResolvedChannel };
  }
}

function inferOptionType(value: SlashOptionValue): ApplicationCommandOptionType {
  if (typeof value === 'boolean') return ApplicationCommandOptionType.Boolean;
  if (typeof value === 'number') return Number.isInteger(value) ? ApplicationCommandOptionType.Integer : ApplicationCommandOptionType.Number;
  return ApplicationCommandOptionType.String;
}

/** Finds a component by custom_id anywhere in a message's component tree (rows, sections, containers). */
export function findComponent(components: readonly unknown[], customId: string): Record<string, unknown> | undefined {
  for (const c of components) {
    if (!isRecord(c)) continue;
    if (c['custom_id'] === customId) return c;
    for (const key of ['components', 'accessory', 'component']) {
      const child = c[key];
      const found = Array.isArray(child) ? findComponent(child, customId) : isRecord(child) ? findComponent([child], customId) : undefined;
      if (found) return found;
    }
  }
  return undefined;
}

function guessContentType(filename: string): string {
  const ext = filename.split('.').pop()?.toLowerCase();
  const types: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', txt: 'text/plain; charset=utf-8', json: 'application/json', csv: 'text/csv; charset=utf-8' };
  return (ext && types[ext]) ?? 'application/octet-stream';
}
