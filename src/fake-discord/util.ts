// Small shared pieces of the fake Discord: snowflakes, Discord-shaped HTTP errors, permission
// constants and JSON helpers. No state lives here.
import { isWellFormed } from '../text.js';
import { randomBytes } from 'node:crypto';
import { PermissionFlagsBits, RESTJSONErrorCodes } from 'discord-api-types/v10';

/** Discord's epoch (2015-01-01T00:00:00.000Z) in ms. */
export const DISCORD_EPOCH = 1_420_070_400_000n;

/** Generates realistic, strictly increasing snowflakes (timestamp << 22 | worker | process | increment). */
export class SnowflakeGenerator {
  private increment = 0n;
  private last = 0n;

  constructor(private readonly now: () => number = Date.now) {}

  /** A new snowflake for `at` (ms since the Unix epoch; defaults to the clock's now). */
  next(at?: number): string {
    const ts = BigInt(Math.floor(at ?? this.now())) - DISCORD_EPOCH;
    this.increment = (this.increment + 1n) & 0xfffn;
    let id = (ts << 22n) | (1n << 17n) | (1n << 12n) | this.increment;
    // Ids made "now" stay strictly increasing; back-dated ones only need to be unique.
    if (at === undefined) {
      if (id <= this.last) id = this.last + 1n;
      this.last = id;
    }
    return id.toString();
  }
}

/** The ms timestamp encoded in a snowflake. */
export function snowflakeTime(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}

/** Compares snowflakes numerically (for sorting). */
export function compareSnowflakes(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Every permission bit Discord defines (what an owner or Administrator holds). */
export const ALL_PERMISSIONS: bigint = Object.values(PermissionFlagsBits).reduce((acc, bit) => acc | bit, 0n);

/** The @everyone permissions this fake gives a new guild. */
export const DEFAULT_EVERYONE_PERMISSIONS: bigint =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.AddReactions |
  PermissionFlagsBits.UseApplicationCommands |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.UseExternalEmojis |
  PermissionFlagsBits.CreatePublicThreads |
  PermissionFlagsBits.SendMessagesInThreads |
  PermissionFlagsBits.Connect |
  PermissionFlagsBits.Speak |
  PermissionFlagsBits.SendPolls;

/** What a timed-out member keeps (Discord strips everything else). */
export const TIMED_OUT_PERMISSIONS: bigint = PermissionFlagsBits.ViewChannel | PermissionFlagsBits.ReadMessageHistory;

/** A Discord API error: answered as `{ message, code, errors? }` with the given HTTP status. */
export class DiscordHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DiscordHttpError';
  }

  toJSON(): { message: string; code: number; errors?: Record<string, unknown> } {
    return this.errors ? { message: this.message, code: this.code, errors: this.errors } : { message: this.message, code: this.code };
  }
}

/** Discord's canned errors, with the messages and status codes the real API uses. */
export const Errors = {
  unknownChannel: () => new DiscordHttpError(404, RESTJSONErrorCodes.UnknownChannel, 'Unknown Channel'),
  unknownGuild: () => new DiscordHttpError(404, RESTJSONErrorCodes.UnknownGuild, 'Unknown Guild'),
  unknownMember: () => new DiscordHttpError(404, RESTJSONErrorCodes.UnknownMember, 'Unknown Member'),
  unknownMessage: () => new DiscordHttpError(404, RESTJSONErrorCodes.UnknownMessage, 'Unknown Message'),
  unknownUser: () => new DiscordHttpError(404, RESTJSONErrorCodes.UnknownUser, 'Unknown User'),
  unknownRole: () => new DiscordHttpError(404, RESTJSONErrorCodes.UnknownRole, 'Unknown Role'),
  /** @everyone or a managed role (a bot's, a booster's): no one deletes those. */
  invalidRole: () => new DiscordHttpError(400, RESTJSONErrorCodes.InvalidRole, 'Invalid Role'),
  unknownEmoji: () => new DiscordHttpError(400, RESTJSONErrorCodes.UnknownEmoji, 'Unknown Emoji'),
  unknownWebhook: () => new DiscordHttpError(404, RESTJSONErrorCodes.UnknownWebhook, 'Unknown Webhook'),
  invalidWebhookToken: () => new DiscordHttpError(401, RESTJSONErrorCodes.InvalidWebhookToken, 'Invalid Webhook Token'),
  unknownInteraction: () => new DiscordHttpError(404, RESTJSONErrorCodes.UnknownInteraction, 'Unknown interaction'),
  unknownApplication: () => new DiscordHttpError(404, RESTJSONErrorCodes.UnknownApplication, 'Unknown Application'),
  unknownCommand: () => new DiscordHttpError(404, RESTJSONErrorCodes.UnknownApplicationCommand, 'Unknown application command'),
  unknownBan: () => new DiscordHttpError(404, RESTJSONErrorCodes.UnknownBan, 'Unknown Ban'),
  missingAccess: () => new DiscordHttpError(403, RESTJSONErrorCodes.MissingAccess, 'Missing Access'),
  missingPermissions: () => new DiscordHttpError(403, RESTJSONErrorCodes.MissingPermissions, 'Missing Permissions'),
  cannotSendToUser: () =>
    new DiscordHttpError(403, RESTJSONErrorCodes.CannotSendMessagesToThisUser, 'Cannot send messages to this user'),
  cannotEditOthersMessage: () =>
    new DiscordHttpError(403, RESTJSONErrorCodes.CannotEditMessageAuthoredByAnotherUser, 'Cannot edit a message authored by another user'),
  emptyMessage: () => new DiscordHttpError(400, RESTJSONErrorCodes.CannotSendAnEmptyMessage, 'Cannot send an empty message'),
  alreadyAcknowledged: () =>
    new DiscordHttpError(400, RESTJSONErrorCodes.InteractionHasAlreadyBeenAcknowledged, 'Interaction has already been acknowledged.'),
  threadArchived: () => new DiscordHttpError(400, RESTJSONErrorCodes.InvalidActionOnArchivedThread, 'Thread is archived'),
  threadAlreadyCreated: () =>
    new DiscordHttpError(400, RESTJSONErrorCodes.ThreadAlreadyCreatedForMessage, 'A thread has already been created for this message'),
  pollExpired: () => new DiscordHttpError(400, RESTJSONErrorCodes.PollExpired, 'Poll expired'),
  unauthorized: () => new DiscordHttpError(401, 0, '401: Unauthorized'),
  notFound: () => new DiscordHttpError(404, 0, '404: Not Found'),
  methodNotAllowed: () => new DiscordHttpError(405, 0, '405: Method Not Allowed'),
  /** The files of a request above the upload limit (Discord answers before reading the rest). */
  requestTooLarge: () => new DiscordHttpError(413, RESTJSONErrorCodes.RequestEntityTooLarge, 'Request entity too large'),
  /** 50035 with Discord's nested `errors` shape: `{ field: { _errors: [{ code, message }] } }`. */
  invalidForm: (field: string, message: string, code = 'BASE_TYPE_INVALID') =>
    new DiscordHttpError(400, RESTJSONErrorCodes.InvalidFormBodyOrContentType, 'Invalid Form Body', nestError(field, code, message)),
} as const;

function nestError(path: string, code: string, message: string): Record<string, unknown> {
  const parts = path.split('.');
  let node: Record<string, unknown> = { _errors: [{ code, message }] };
  for (const part of parts.reverse()) node = { [part]: node };
  return node;
}

/** A string's length as Discord counts it: code points (an emoji made of a surrogate pair is one). */
export function codePoints(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

/**
 * Discord keeps text as UTF-8, where half a surrogate pair cannot exist: a request whose body holds
 * such a string anywhere (content, embeds, component labels or ids, modal titles, thread names,
 * autocomplete choices) is refused whole. Real Discord answers some of these with a 500
 * (discord-api-docs#6561); the fake answers 50035 at the string's path so tests see which one.
 */
export function checkWellFormed(value: unknown, path = ''): void {
  const at = (key: string | number) => (path ? `${path}.${key}` : String(key));
  if (typeof value === 'string') {
    if (!isWellFormed(value)) throw Errors.invalidForm(path || 'body', 'Must be valid Unicode (no lone surrogate).', 'STRING_TYPE_INVALID_UNICODE');
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => checkWellFormed(v, at(i)));
  } else if (isRecord(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (!isWellFormed(k)) throw Errors.invalidForm(path || 'body', 'Keys must be valid Unicode.', 'STRING_TYPE_INVALID_UNICODE');
      checkWellFormed(v, at(k));
    }
  }
}

/** Narrowing helpers for request bodies (which arrive as `unknown` JSON). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function optString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function optNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

export function optBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

/** A deep copy of plain JSON-like data. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `predicate` every `intervalMs` until it returns something other than undefined/false/null. */
export async function pollUntil<T>(
  predicate: () => T | undefined | null | false,
  timeoutMs: number,
  describe: () => string,
  intervalMs = 5,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = predicate();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() >= deadline) throw new Error(`FakeDiscord: timed out after ${timeoutMs} ms waiting for ${describe()}`);
    await sleep(intervalMs);
  }
}
