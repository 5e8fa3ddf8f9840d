// Raw gateway dispatches -> activity events (metadata only), validated as the zod schemas below
// say. Pure. Hand-written checks accept the payloads those schemas accept in the usual shapes;
// zod itself loads only for a payload they do not accept, to give the same answer or its error
// message: `pulse replay`'s parsing thread starts ~0.1 s sooner without it (and a bot's thread
// already has it).
// `pulse replay` keeps only the fields these schemas read when it skims a line (the shapes in
// replay-skim.ts): a field read here must be listed there too (replay-skim.test.ts compares
// what normalize() makes of both).
import { createRequire } from 'node:module';
import type * as Zod from 'zod';
import { instantMillis } from './instants.js';

function buildSchemas({ z }: typeof Zod) {
  const id = z.string().regex(/^\d{1,20}$/);
  const optionalId = id.nullish();
  const user = z.object({ id, bot: z.boolean().nullish() });
  const member = z.object({ user: user.nullish(), joined_at: z.string().nullish() });
  const emoji = z.object({ id: optionalId, name: z.string().nullish() });
  return {
    MESSAGE_CREATE: z.object({
      id,
      guild_id: optionalId,
      channel_id: id,
      type: z.number().int().nullish(),
      author: user,
      webhook_id: optionalId,
      timestamp: z.string().nullish(),
      message_reference: z.object({ message_id: optionalId }).nullish(),
      attachments: z.array(z.unknown()).nullish(),
    }),
    MESSAGE_DELETE: z.object({ id, guild_id: optionalId, channel_id: id }),
    MESSAGE_DELETE_BULK: z.object({ ids: z.array(id), guild_id: optionalId, channel_id: id }),
    MESSAGE_REACTION_ADD: z.object({
      user_id: id,
      guild_id: optionalId,
      channel_id: id,
      message_id: id,
      message_author_id: optionalId,
      member: member.nullish(),
      emoji,
    }),
    MESSAGE_REACTION_REMOVE: z.object({ user_id: id, guild_id: optionalId, channel_id: id, message_id: id, emoji }),
    MESSAGE_REACTION_REMOVE_ALL: z.object({ guild_id: optionalId, channel_id: id, message_id: id }),
    MESSAGE_REACTION_REMOVE_EMOJI: z.object({ guild_id: optionalId, channel_id: id, message_id: id, emoji }),
    THREAD_CREATE: z.object({
      id,
      guild_id: optionalId,
      parent_id: optionalId,
      owner_id: optionalId,
      newly_created: z.boolean().nullish(),
    }),
    VOICE_STATE_UPDATE: z.object({ guild_id: optionalId, channel_id: optionalId, user_id: id, member: member.nullish() }),
    GUILD_MEMBER_ADD: z.object({ guild_id: optionalId, user }),
    GUILD_MEMBER_REMOVE: z.object({ guild_id: optionalId, user }),
    GUILD_CREATE: z.object({
      id,
      unavailable: z.boolean().nullish(),
      voice_states: z.array(z.object({ user_id: id, channel_id: optionalId, member: member.nullish() })).nullish(),
      members: z.array(member).nullish(),
      threads: z.array(z.object({ id, parent_id: optionalId })).nullish(),
    }),
    GUILD_DELETE: z.object({ id, unavailable: z.boolean().nullish() }),
  } as const;
}

type Schemas = ReturnType<typeof buildSchemas>;
export type TrackedType = keyof Schemas;
type Parsed<T extends TrackedType> = Zod.infer<Schemas[T]>;

let schemas: Schemas | undefined;
/** The zod schemas, built the first time a payload needs them (zod's CommonJS build: a synchronous load). */
function strictSchemas(): Schemas {
  return (schemas ??= buildSchemas(createRequire(import.meta.url)('zod') as typeof Zod));
}
/** Whether zod was needed yet (tests: valid payloads of every type never need it). */
export function schemasLoaded(): boolean {
  return schemas !== undefined;
}

export type ActivityEvent =
  | { kind: 'message'; guildId: string; at: number; messageId: string; channelId: string; userId: string; replyToId: string | null; hasAttachment: boolean }
  | { kind: 'message-delete'; guildId: string; at: number; messageId: string; channelId: string }
  | { kind: 'reaction'; guildId: string; at: number; messageId: string; channelId: string; userId: string; emoji: string; messageAuthorId: string | null }
  | { kind: 'reaction-remove'; guildId: string; at: number; messageId: string; channelId: string; userId: string; emoji: string }
  /**
   * Every reaction still on a message removed at once (MESSAGE_REACTION_REMOVE_ALL), or every one
   * with that emoji (MESSAGE_REACTION_REMOVE_EMOJI: `emoji` set).
   */
  | { kind: 'reactions-clear'; guildId: string; at: number; messageId: string; channelId: string; emoji: string | null }
  | { kind: 'thread'; guildId: string; at: number; threadId: string; channelId: string; userId: string }
  | { kind: 'voice'; guildId: string; at: number; userId: string; channelId: string | null }
  | { kind: 'join' | 'leave'; guildId: string; at: number; userId: string }
  /**
   * Who is in voice in the guild at `at` (a GUILD_CREATE lists everyone): the open sessions of
   * all others, begun by then, end at `endAt` (when the connection was lost, if known, else `at`).
   */
  | { kind: 'voice-roster'; guildId: string; at: number; endAt: number; userIds: string[] }
  /**
   * The bot no longer sees the guild (GUILD_DELETE): removed from it, or (`unavailable`) the guild
   * is down in an outage of Discord's. Its open voice sessions end at `at` (no member left:
   * nothing is known of them until it is back); an outage or a removal is a gap of that guild's
   * until its next GUILD_CREATE ('guild-back': back from the outage, or the bot added again).
   */
  | { kind: 'guild-gone'; guildId: string; at: number; unavailable: boolean }
  /** A GUILD_CREATE: the guild is seen again (an outage it was in, or its removal, ends here). */
  | { kind: 'guild-back'; guildId: string; at: number }
  /**
   * A thread's parent, from a thread that is not counted (not newly created, a bot's, listed in a
   * GUILD_CREATE): the events in a thread of an ignored channel are ignored too. Stores nothing.
   */
  | { kind: 'thread-parent'; guildId: string; at: number; threadId: string; parentId: string }
  /**
   * A bot or a webhook (`id`: its user or webhook id, global) seen for the first time by this
   * process: stored in activity_non_members, so that the next process knows it too (a reaction
   * to its message names it only as the message's author, a thread's creation does not say who
   * is a bot). Counted neither stored nor duplicate.
   */
  | { kind: 'non-member'; guildId: string; at: number; id: string };

/**
 * The channel an event happened in, for the ignored-channels setting (null: not channel-bound). A
 * thread's events carry the thread's id; the store also looks at its parent.
 */
export function channelOf(event: ActivityEvent): string | null {
  return 'channelId' in event ? event.channelId : null;
}

export type Normalized =
  | { status: 'events'; events: ActivityEvent[] }
  /** `learned`: the bot or webhook the dispatch came from, first seen (store it: see 'non-member'). */
  | { status: 'ignored'; reason: 'bot' | 'webhook' | 'system' | 'no-guild' | 'not-new-thread' | 'unavailable'; learned?: ActivityEvent }
  | { status: 'untracked' }
  | { status: 'invalid'; reason: string };

/**
 * Message types that are a member's own message: DEFAULT (0) and REPLY (19). Every other type
 * is a system message Discord posts with a member as author (7 "joined the server", 18 "started
 * a thread", pins, boosts, …) and counts nowhere. A payload without `type` (hand-written replay
 * lines) is taken as DEFAULT; Discord always sends it.
 */
export const MEMBER_MESSAGE_TYPES: ReadonlySet<number> = new Set([0, 19]);

/** A reaction's emoji as stored: a custom emoji's id, else the Unicode emoji. */
export function emojiKey(e: { id?: string | null; name?: string | null }): string {
  return e.id ?? e.name ?? '';
}

/** (No lookup while none is known: a lookup hashes the id, new for each line of a replay.) */
const isKnownBot = (knownBots: Set<string> | undefined, id: string) => knownBots !== undefined && knownBots.size > 0 && knownBots.has(id);

/**
 * Remembers a bot or webhook: true the first time (knownBots did not have it), when the caller
 * hands on a 'non-member' event. Runs only for a bot's or a webhook's dispatch.
 */
function learn(knownBots: Set<string> | undefined, id: string): boolean {
  if (knownBots === undefined || knownBots.has(id)) return false;
  knownBots.add(id);
  return true;
}

/** A bot's or webhook's dispatch, ignored; with the 'non-member' event to store when it is new. */
function ignoredNonMember(reason: 'bot' | 'webhook', knownBots: Set<string> | undefined, guildId: string, at: number, id: string): Normalized {
  if (!learn(knownBots, id)) return reason === 'bot' ? bot : webhook;
  return { status: 'ignored', reason, learned: { kind: 'non-member', guildId, at, id } };
}

function isTracked(t: string): t is TrackedType {
  return TRACKED.has(t);
}

function firstIssue(error: Zod.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || 'd'}: ${issue.message}` : 'invalid payload';
}

// The hand-written checks, one per tracked type, each accepting a subset of what its schema
// accepts (zod costs ~2 µs a payload, a fifth of the writer's budget, and ~0.1 s to load).
// Anything they do not accept goes through zod, which gives the same result or the error message
// (events.test.ts compares the two on valid and broken payloads of every type).
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A snowflake: 1-20 digits (the schemas' /^\d{1,20}$/, tested without a regular expression: ~5 of them a line). */
function isId(v: unknown): boolean {
  if (typeof v !== 'string' || v.length < 1 || v.length > 20) return false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}
const isOptionalId = (v: unknown) => v === undefined || v === null || isId(v);
const isNullish = (v: unknown) => v === undefined || v === null;
const isNullishOf = (v: unknown, type: 'string' | 'boolean') => isNullish(v) || typeof v === type;
const isUser = (v: unknown) => isObject(v) && isId(v.id) && isNullishOf(v.bot, 'boolean');
const isMember = (v: unknown) => isObject(v) && (isNullish(v.user) || isUser(v.user)) && isNullishOf(v.joined_at, 'string');
const isOptionalMember = (v: unknown) => isNullish(v) || isMember(v);
const isEmoji = (v: unknown) => isObject(v) && isOptionalId(v.id) && isNullishOf(v.name, 'string');
const isNullishArrayOf = (v: unknown, each: (e: unknown) => boolean) => isNullish(v) || (Array.isArray(v) && v.every(each));

const isMemberChange = (d: Record<string, unknown>) => isOptionalId(d.guild_id) && isUser(d.user);

const QUICK: Record<TrackedType, (d: Record<string, unknown>) => boolean> = {
  MESSAGE_CREATE: (d) =>
    isId(d.id) &&
    isOptionalId(d.guild_id) &&
    isId(d.channel_id) &&
    (isNullish(d.type) || Number.isInteger(d.type)) &&
    isUser(d.author) &&
    isOptionalId(d.webhook_id) &&
    isNullishOf(d.timestamp, 'string') &&
    (isNullish(d.message_reference) || (isObject(d.message_reference) && isOptionalId(d.message_reference.message_id))) &&
    (isNullish(d.attachments) || Array.isArray(d.attachments)),
  MESSAGE_DELETE: (d) => isId(d.id) && isOptionalId(d.guild_id) && isId(d.channel_id),
  MESSAGE_DELETE_BULK: (d) => Array.isArray(d.ids) && d.ids.every(isId) && isOptionalId(d.guild_id) && isId(d.channel_id),
  MESSAGE_REACTION_ADD: (d) =>
    isId(d.user_id) &&
    isOptionalId(d.guild_id) &&
    isId(d.channel_id) &&
    isId(d.message_id) &&
    isOptionalId(d.message_author_id) &&
    isOptionalMember(d.member) &&
    isEmoji(d.emoji),
  MESSAGE_REACTION_REMOVE: (d) => isId(d.user_id) && isOptionalId(d.guild_id) && isId(d.channel_id) && isId(d.message_id) && isEmoji(d.emoji),
  MESSAGE_REACTION_REMOVE_ALL: (d) => isOptionalId(d.guild_id) && isId(d.channel_id) && isId(d.message_id),
  MESSAGE_REACTION_REMOVE_EMOJI: (d) => isOptionalId(d.guild_id) && isId(d.channel_id) && isId(d.message_id) && isEmoji(d.emoji),
  THREAD_CREATE: (d) => isId(d.id) && isOptionalId(d.guild_id) && isOptionalId(d.parent_id) && isOptionalId(d.owner_id) && isNullishOf(d.newly_created, 'boolean'),
  VOICE_STATE_UPDATE: (d) => isOptionalId(d.guild_id) && isOptionalId(d.channel_id) && isId(d.user_id) && isOptionalMember(d.member),
  GUILD_MEMBER_ADD: isMemberChange,
  GUILD_MEMBER_REMOVE: isMemberChange,
  GUILD_CREATE: (d) =>
    isId(d.id) &&
    isNullishOf(d.unavailable, 'boolean') &&
    isNullishArrayOf(d.voice_states, (v) => isObject(v) && isId(v.user_id) && isOptionalId(v.channel_id) && isOptionalMember(v.member)) &&
    isNullishArrayOf(d.members, isMember) &&
    isNullishArrayOf(d.threads, (v) => isObject(v) && isId(v.id) && isOptionalId(v.parent_id)),
  GUILD_DELETE: (d) => isId(d.id) && isNullishOf(d.unavailable, 'boolean'),
};
export const trackedTypes = Object.keys(QUICK) as TrackedType[];
const TRACKED: ReadonlySet<string> = new Set(trackedTypes);

function one(event: ActivityEvent): Normalized {
  return { status: 'events', events: [event] };
}
const noGuild = { status: 'ignored', reason: 'no-guild' } as const;
const bot = { status: 'ignored', reason: 'bot' } as const;
const webhook = { status: 'ignored', reason: 'webhook' } as const;

/**
 * Turns one dispatch into the events Pulse records. `at` is when the event happened (the clock
 * for live events, the line's `at` in a replay: METRICS.md, "The replay file"). `stamped` (the
 * live bot) prefers a message's own `timestamp` instead: a message delivered late, after a
 * resumed connection, keeps the instant it was sent. `knownBots` holds the bots and webhooks
 * seen (this process's, and those stored before: activity_non_members), so that events that do
 * not say who is a bot (a thread's owner, a reaction's message author) skip them; one first seen
 * comes back as a 'non-member' event to store. `quick` false skips the hand-written checks: zod
 * decides (tests compare the two).
 */
export function normalize(t: string, d: unknown, at: number, knownBots?: Set<string>, quick = true, stamped = false): Normalized {
  if (!isTracked(t)) return { status: 'untracked' };
  const parsed = quick && isObject(d) && QUICK[t](d) ? { success: true as const, data: d } : strictSchemas()[t].safeParse(d);
  if (!parsed.success) return { status: 'invalid', reason: firstIssue(parsed.error) };
  switch (t) {
    case 'MESSAGE_CREATE': {
      const m = parsed.data as Parsed<'MESSAGE_CREATE'>;
      if (!m.guild_id) return noGuild;
      // A webhook's message names the webhook as its author (and a reaction to it as the
      // message's author): remembered as a bot is.
      if (m.webhook_id) return ignoredNonMember('webhook', knownBots, m.guild_id, at, m.author.id);
      if (m.author.bot) return ignoredNonMember('bot', knownBots, m.guild_id, at, m.author.id);
      if (m.type != null && !MEMBER_MESSAGE_TYPES.has(m.type)) return { status: 'ignored', reason: 'system' };
      const stamp = stamped && m.timestamp ? instantMillis(m.timestamp) : Number.NaN;
      return one({
        kind: 'message',
        guildId: m.guild_id,
        at: Number.isFinite(stamp) ? stamp : at,
        messageId: m.id,
        channelId: m.channel_id,
        userId: m.author.id,
        replyToId: m.message_reference?.message_id ?? null,
        hasAttachment: (m.attachments?.length ?? 0) > 0,
      });
    }
    case 'MESSAGE_DELETE': {
      const m = parsed.data as Parsed<'MESSAGE_DELETE'>;
      if (!m.guild_id) return noGuild;
      return one({ kind: 'message-delete', guildId: m.guild_id, at, messageId: m.id, channelId: m.channel_id });
    }
    case 'MESSAGE_DELETE_BULK': {
      // (A moderator's purge: each message as if deleted on its own.)
      const m = parsed.data as Parsed<'MESSAGE_DELETE_BULK'>;
      if (!m.guild_id) return noGuild;
      const guildId = m.guild_id;
      return { status: 'events', events: m.ids.map((id): ActivityEvent => ({ kind: 'message-delete', guildId, at, messageId: id, channelId: m.channel_id })) };
    }
    case 'MESSAGE_REACTION_ADD': {
      const r = parsed.data as Parsed<'MESSAGE_REACTION_ADD'>;
      if (!r.guild_id) return noGuild;
      if (r.member?.user?.bot) return ignoredNonMember('bot', knownBots, r.guild_id, at, r.user_id);
      if (isKnownBot(knownBots, r.user_id)) return bot;
      return one({
        kind: 'reaction',
        guildId: r.guild_id,
        at,
        messageId: r.message_id,
        channelId: r.channel_id,
        userId: r.user_id,
        emoji: emojiKey(r.emoji),
        // A bot's or a webhook's message has no member author: a 🚩 on it is no flag of a member
        // (METRICS.md). (One never seen, by this process or one before it, is not known here.)
        messageAuthorId: r.message_author_id && !isKnownBot(knownBots, r.message_author_id) ? r.message_author_id : null,
      });
    }
    case 'MESSAGE_REACTION_REMOVE': {
      const r = parsed.data as Parsed<'MESSAGE_REACTION_REMOVE'>;
      if (!r.guild_id) return noGuild;
      return one({ kind: 'reaction-remove', guildId: r.guild_id, at, messageId: r.message_id, channelId: r.channel_id, userId: r.user_id, emoji: emojiKey(r.emoji) });
    }
    case 'MESSAGE_REACTION_REMOVE_ALL':
    case 'MESSAGE_REACTION_REMOVE_EMOJI': {
      const r = parsed.data as Parsed<'MESSAGE_REACTION_REMOVE_EMOJI'>;
      if (!r.guild_id) return noGuild;
      const emoji = t === 'MESSAGE_REACTION_REMOVE_EMOJI' ? emojiKey(r.emoji) : null;
      return one({ kind: 'reactions-clear', guildId: r.guild_id, at, messageId: r.message_id, channelId: r.channel_id, emoji });
    }
    case 'THREAD_CREATE': {
      const th = parsed.data as Parsed<'THREAD_CREATE'>;
      if (!th.guild_id) return noGuild;
      if (th.newly_created && th.owner_id && !isKnownBot(knownBots, th.owner_id)) {
        return one({ kind: 'thread', guildId: th.guild_id, at, threadId: th.id, channelId: th.parent_id ?? th.id, userId: th.owner_id });
      }
      // Not counted, but its parent is worth knowing: a bot's ticket thread in an ignored
      // channel, a thread the bot was just added to.
      if (th.parent_id) return one({ kind: 'thread-parent', guildId: th.guild_id, at, threadId: th.id, parentId: th.parent_id });
      return th.newly_created && th.owner_id ? bot : { status: 'ignored', reason: 'not-new-thread' };
    }
    case 'VOICE_STATE_UPDATE': {
      const v = parsed.data as Parsed<'VOICE_STATE_UPDATE'>;
      if (!v.guild_id) return noGuild;
      if (v.member?.user?.bot) return ignoredNonMember('bot', knownBots, v.guild_id, at, v.user_id);
      if (isKnownBot(knownBots, v.user_id)) return bot;
      return one({ kind: 'voice', guildId: v.guild_id, at, userId: v.user_id, channelId: v.channel_id ?? null });
    }
    case 'GUILD_MEMBER_ADD':
    case 'GUILD_MEMBER_REMOVE': {
      const g = parsed.data as Parsed<'GUILD_MEMBER_ADD'>;
      if (!g.guild_id) return noGuild;
      if (g.user.bot) return ignoredNonMember('bot', knownBots, g.guild_id, at, g.user.id);
      return one({ kind: t === 'GUILD_MEMBER_ADD' ? 'join' : 'leave', guildId: g.guild_id, at, userId: g.user.id });
    }
    case 'GUILD_CREATE': {
      // Who is in voice when the bot (re)connects: sessions open from now, and, the list being
      // complete, those of everyone else end (they left while the bot was not listening).
      const g = parsed.data as Parsed<'GUILD_CREATE'>;
      if (g.unavailable) return { status: 'ignored', reason: 'unavailable' };
      const bots = new Set((g.members ?? []).filter((m) => m.user?.bot).map((m) => m.user!.id));
      for (const v of g.voice_states ?? []) if (v.member?.user?.bot) bots.add(v.user_id);
      const events: ActivityEvent[] = [];
      for (const b of bots) if (learn(knownBots, b)) events.push({ kind: 'non-member', guildId: g.id, at, id: b });
      // (Only a payload that has the list: a hand-written replay line may leave it out.)
      if (g.voice_states) {
        const userIds = g.voice_states.filter((v) => v.channel_id).map((v) => v.user_id);
        events.push({ kind: 'voice-roster', guildId: g.id, at, endAt: at, userIds });
      }
      for (const v of g.voice_states ?? []) {
        if (!v.channel_id || bots.has(v.user_id) || isKnownBot(knownBots, v.user_id)) continue;
        events.push({ kind: 'voice', guildId: g.id, at, userId: v.user_id, channelId: v.channel_id });
      }
      // The active threads and their parents (for the ignored channels).
      for (const th of g.threads ?? []) {
        if (th.parent_id) events.push({ kind: 'thread-parent', guildId: g.id, at, threadId: th.id, parentId: th.parent_id });
      }
      // Last: an outage the guild was in ends (its start bounds the sessions the roster ends).
      events.push({ kind: 'guild-back', guildId: g.id, at });
      return { status: 'events', events };
    }
    case 'GUILD_DELETE': {
      const g = parsed.data as Parsed<'GUILD_DELETE'>;
      return one({ kind: 'guild-gone', guildId: g.id, at, unavailable: g.unavailable === true });
    }
  }
}
