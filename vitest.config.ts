import { defineConfig } from 'vitest/config';

// Three tiers: pure unit tests mirroring src/, integration tests that run the built
// bin in a real PTY against fixture programs, and e2e tests against the real Claude
// Code CLI and a local mock API. The PTY tiers run one file at a time.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          fileParallelism: false,
          // The real CLI on a shared 2-core machine, timing included. One retry as a safety
          // net; a retried test shows as `(retry x1)` in the output, so a flake stays visible
          // (that is how a renderer-skipped cell inside `Error:` was found and fixed).
          retry: 1,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
