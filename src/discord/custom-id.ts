// The versioned custom_id codec for buttons, selects and modals: "v1:kind:arg:arg".
import type { APIMessage } from 'discord-api-types/v10';
import { z } from 'zod';

const VERSION = 'v1';
const SEPARATOR = ':';
const MAX_LENGTH = 100;
const KIND = /^[a-z][a-z0-9-]{0,23}$/;
const ARG = /^[A-Za-z0-9_.-]{0,40}$/;

export interface DecodedCustomId {
  kind: string;
  args: string[];
}

/** Builds a custom_id; throws (a programming error) when it would not survive a round trip. */
export function encodeCustomId(kind: string, ...args: Array<string | number>): string {
  if (!KIND.test(kind)) throw new Error(`bad custom_id kind: ${kind}`);
  const parts = args.map(String);
  for (const part of parts) if (!ARG.test(part)) throw new Error(`bad custom_id argument: ${part}`);
  const id = [VERSION, kind, ...parts].join(SEPARATOR);
  if (id.length > MAX_LENGTH) throw new Error(`custom_id longer than ${MAX_LENGTH}: ${id}`);
  return id;
}

/** Reads a custom_id from Discord; null for anything this version did not write. */
export function decodeCustomId(raw: unknown): DecodedCustomId | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_LENGTH) return null;
  const [version, kind, ...args] = raw.split(SEPARATOR);
  if (version !== VERSION || kind === undefined || !KIND.test(kind)) return null;
  if (!args.every((a) => ARG.test(a))) return null;
  return { kind, args };
}

/** Zod helpers for the argument tuples that routes declare. */
export const idArg = {
  snowflake: z.string().regex(/^\d{17,20}$/),
  /**
   * A non-negative integer written as encodeCustomId writes it: decimal digits, no sign, no
   * leading zero, no exponent, no hex (`0x1`, `1e3`, `01`, `1.0`, `` and ` 1` are all refused).
   */
  int: z
    .string()
    .regex(/^(0|[1-9]\d{0,15})$/)
    .transform(Number)
    .refine((n) => Number.isSafeInteger(n)),
  word: z.string().regex(/^[a-z0-9_-]{1,40}$/),
};

/**
 * Among a channel's messages, the bot's own that carries one of `customIds` among its components
 * (a post of Pulse's found again by its controls after a crash): its id, or null.
 */
export function ownMessageWithControl(messages: readonly APIMessage[] | null, botId: string | undefined, customIds: readonly string[]): string | null {
  const hasControl = (m: APIMessage) => (m.components ?? []).some((row) => 'components' in row && row.components.some((c) => 'custom_id' in c && customIds.includes(c.custom_id)));
  return messages?.find((m) => m.author.id === botId && hasControl(m))?.id ?? null;
}
