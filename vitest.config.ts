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
          // The real CLI on a shared 2-core machine: one case-A detection on 2.1.200 was lost
          // once in about six full runs (cause not confirmed: a late transcript write, now
          // waited for, or a cell the renderer skipped inside `Error:`). One retry; a retried
          // test still shows in the output, so the flake stays visible.
          retry: 1,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
