// The structured logger: one event a line, with guild id and a short event name.
import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * What an error must not carry into the log. discord.js's errors keep the request they answer:
 * `requestBody` holds what Pulse sent (a member's /privacy export file, a moderator's warning, a
 * feedback post), `rawError` Discord's whole answer; other libraries' errors name their bodies
 * `body`, `request`, `response`. The log is read by the server's operators, not the members.
 */
const BODIES = new Set(['requestBody', 'rawError', 'body', 'request', 'response', 'headers', 'config']);

/** How deep nested errors (`error.errors`, `error.error`) are followed: enough, and no cycle. */
const MAX_DEPTH = 4;

/**
 * The path of a request's URL without its query, and without the interaction or webhook token
 * it may carry (`/webhooks/{app}/{token}/...`, `/interactions/{id}/{token}/callback`): a token
 * lets whoever reads it answer as the bot for 15 minutes.
 */
function urlPath(url: unknown): unknown {
  if (typeof url !== 'string') return url;
  let path: string;
  try {
    path = new URL(url, 'http://x').pathname;
  } catch {
    return undefined;
  }
  return path.replace(/\/(webhooks|interactions)\/(\d+)\/[^/]+/g, '/$1/$2/:token');
}

/**
 * The `err` serializer: name, message (with its causes), stack, code, status, method, the URL's
 * path and the error's other small fields; never a request or response body (see BODIES) and of
 * Discord's answer only its code and message.
 */
export function serializeError(err: unknown, depth = 0): unknown {
  if (err === null || typeof err !== 'object') return err;
  const std = (err instanceof Error ? stdSerializers.err(err) : err) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(std)) {
    const value = std[key];
    if (key === 'rawError') {
      // Discord's answer: its code and message say what went wrong; the rest echoes the request.
      const raw = value as { code?: unknown; message?: unknown } | null;
      if (raw && typeof raw === 'object') out['discord'] = { code: raw.code, message: raw.message };
    } else if (BODIES.has(key)) {
      continue;
    } else if (key === 'url') {
      out['url'] = urlPath(value);
    } else if (key === 'aggregateErrors' && Array.isArray(value)) {
      out[key] = depth < MAX_DEPTH ? value.map((e) => serializeError(e, depth + 1)) : [];
    } else if (value !== null && typeof value === 'object' && ('stack' in value || 'message' in value)) {
      // A nested error (already through the standard serializer, or not).
      if (depth < MAX_DEPTH) out[key] = serializeError(value, depth + 1);
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** The logger's serializers: every logger the app makes (and their children) uses them. */
export const serializers = { err: serializeError };

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, base: undefined, serializers }, destination);
}

/** A logger that drops everything, for tests and CLI commands that print their own output. */
export const silentLogger: Logger = pino({ level: 'silent' });
