import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // e2e tests each start a fake Discord and a bot; two workers fit this 2-core machine.
    maxWorkers: 2,
    // One known race inside @discordjs/ws (discordjs/discord.js#10612, open): when the gateway
    // closes a connection at IDENTIFY and the shard reconnects while that identify waits for its
    // turn, the identify is sent on the new, still-connecting socket and the library leaves the
    // rejection unhandled. The bot logs it (main.ts) and connects on its next try; the tests that
    // refuse connections at IDENTIFY (start-failures.e2e) met it once under load, and still
    // passed. Only that error, thrown from there, is ignored.
    onUnhandledError(error) {
      const known = error.message?.includes('WebSocket is not open: readyState 0 (CONNECTING)') && /WebSocketShard\.identify/.test(error.stack ?? '');
      return known ? false : undefined;
    },
  },
});
