import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // e2e tests each start a fake Discord and a bot; two workers fit this 2-core machine.
    maxWorkers: 2,
  },
});
