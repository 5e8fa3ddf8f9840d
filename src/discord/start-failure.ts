// The one plain line printed when the bot is configured but cannot start against Discord.
import { closeCodeAdvice } from './gateway-watch.js';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT']);

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** The system error code of a failed request (undici puts it on `cause`), if any. */
function networkCode(err: unknown): string | null {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = field(e, 'cause'), depth++) {
    const code = field(e, 'code');
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
  }
  return null;
}

/**
 * Says in one line why start-up failed and what to do. `lastCloseCode` is the gateway's last
 * close code (4004, 4014, …) when a connection was refused; `apiUrl` the configured API base.
 */
export function explainStartFailure(err: unknown, lastCloseCode: number | null, apiUrl: string | undefined, lead = 'Pulse cannot start'): string {
  return explain(err, lastCloseCode, apiUrl).replace(/^Pulse cannot start/, lead);
}

function explain(err: unknown, lastCloseCode: number | null, apiUrl: string | undefined): string {
  const where = apiUrl ?? 'https://discord.com/api';
  if (field(err, 'code') === 'TokenInvalid' || field(err, 'status') === 401 || lastCloseCode === 4004) {
    return `Pulse cannot start: ${closeCodeAdvice(4004)}.`;
  }
  if (lastCloseCode !== null && lastCloseCode >= 4010 && lastCloseCode <= 4014) {
    return `Pulse cannot start: ${closeCodeAdvice(lastCloseCode)}; then start Pulse again.`;
  }
  const network = networkCode(err);
  if (network) {
    return `Pulse cannot start: it cannot reach Discord at ${where} (${network}). Check the network connection${apiUrl ? ' and DISCORD_API_URL' : ''}, then start Pulse again.`;
  }
  if (field(err, 'name') === 'AbortError' || field(err, 'name') === 'TimeoutError') {
    return `Pulse cannot start: Discord at ${where} did not answer in time. Check the network connection${apiUrl ? ' and DISCORD_API_URL' : ''}, then start Pulse again.`;
  }
  const status = field(err, 'status');
  if (typeof status === 'number' && status >= 500) {
    return `Pulse cannot start: Discord answered HTTP ${status}; it may be having trouble (https://discordstatus.com). Start Pulse again later.`;
  }
  const message = err instanceof Error ? err.message : String(err);
  return `Pulse cannot start: ${message}. The log above has the details.`;
}
