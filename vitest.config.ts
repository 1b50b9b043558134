import { defineConfig } from 'vitest/config';

// Two projects: `unit` needs nothing but Node (and the built binary for the CLI tests); `engine` (*.engine.test.ts)
// needs a Docker engine, whose test images its global setup makes (or skips the suites, with one notice).
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Engine suites share one Docker engine on a 2-core machine: keep the pool small.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/**/*.engine.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'engine', include: ['test/**/*.engine.test.ts'], exclude: ['test/**/*.pause.engine.test.ts'], globalSetup: ['test/helpers/engine-setup.ts'] },
      },
      {
        // Suites that stop dockerd (SIGSTOP) for a few seconds: alone, after everything else, one file at a time.
        extends: true,
        test: {
          name: 'engine-pause',
          include: ['test/**/*.pause.engine.test.ts'],
          globalSetup: ['test/helpers/engine-setup.ts'],
          sequence: { groupOrder: 1 },
          fileParallelism: false,
        },
      },
    ],
  },
});
