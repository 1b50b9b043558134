import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Integration tests share one Docker engine on a 2-core machine: keep the pool small.
    maxWorkers: 2,
  },
});
