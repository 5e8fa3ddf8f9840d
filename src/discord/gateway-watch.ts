// Watches the gateway connection: logs each failed attempt with its close code and what to do,
// and remembers the last close code so a start-up that cannot connect can say why.
import { Events, type Client } from 'discord.js';
import type { Logger } from '../log.js';

export interface GatewayWatch {
  /** The close code of the last connection Discord closed, if any. */
  readonly lastCloseCode: number | null;
  /** Connections closed before they were ready (reset when a connection gets ready). */
  readonly failedAttempts: number;
  /** Our own stop closes the connection too: nothing to report from then on. */
  stopping(): void;
  /** Called when Discord closed with a code after which discord.js does not reconnect (4004, 4014, …). */
  onGiveUp(listener: (code: number) => void): void;
}

// Codes after which discord.js gives up (it does not reconnect).
const FATAL = new Set([4004, 4010, 4011, 4012, 4013, 4014]);

/** What an operator should do about a gateway close code. */
export function closeCodeAdvice(code: number): string {
  switch (code) {
    case 4004:
      return 'Discord rejected the token: copy the bot token again (Developer Portal, your application, Bot, Reset Token) into DISCORD_TOKEN';
    case 4014:
      return 'Discord refused the Server Members intent: turn on "Server Members Intent" under Privileged Gateway Intents on the Bot page of your application in the Developer Portal';
    case 4013:
    case 4012:
      return 'Discord refused what this version of Pulse asks for: update Pulse';
    case 4010:
    case 4011:
      return 'Discord asks for sharding (a bot in 2,500 or more servers), which Pulse does not do';
    case 4008:
      return 'Discord says the bot sent too fast; Pulse retries';
    case 1006:
      return 'the connection to the gateway was cut: check the network (and DISCORD_API_URL, if set); Pulse retries';
    default:
      return `Discord closed the connection (code ${code}); Pulse retries. If this goes on, check https://discordstatus.com, the network, and DISCORD_API_URL if set`;
  }
}

export function watchGateway(client: Client, logger: Logger): GatewayWatch {
  let stopped = false;
  let lastCloseCode: number | null = null;
  let failedAttempts = 0;
  const ready = new Set<number>();
  const watched = new WeakSet<object>();
  const giveUpListeners: Array<(code: number) => void> = [];

  const onClose = (shardId: number, code: number) => {
    if (stopped) return;
    lastCloseCode = code;
    if (ready.delete(shardId) && !FATAL.has(code)) {
      logger.info({ shardId, code }, 'gateway.closed');
      return;
    }
    failedAttempts++;
    const fields = { shardId, code, attempt: failedAttempts, advice: closeCodeAdvice(code) };
    if (FATAL.has(code)) logger.error(fields, 'gateway.refused');
    else logger.warn(fields, 'gateway.connect-failed');
  };
  const closed = (shardId: number, code: number) => {
    onClose(shardId, code);
    if (!stopped && FATAL.has(code)) for (const listener of giveUpListeners) listener(code);
  };
  // discord.js creates its shards inside login(); each reports its closes with the code. Debug
  // lines come before any connection opens, so that is where new shards are picked up.
  const watchShards = () => {
    for (const [id, shard] of client.ws.shards) {
      if (watched.has(shard)) continue;
      watched.add(shard);
      shard.on('close', (event: { code: number }) => closed(id, event.code));
    }
  };
  client.on(Events.Debug, watchShards);
  const isReady = (shardId: number) => {
    watchShards();
    ready.add(shardId);
    failedAttempts = 0;
  };
  client.on(Events.ShardReady, isReady);
  client.on(Events.ShardResume, isReady);

  return {
    get lastCloseCode() {
      return lastCloseCode;
    },
    get failedAttempts() {
      return failedAttempts;
    },
    stopping() {
      stopped = true;
      client.off(Events.Debug, watchShards);
    },
    onGiveUp(listener) {
      giveUpListeners.push(listener);
    },
  };
}
