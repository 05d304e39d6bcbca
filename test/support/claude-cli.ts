// The real Claude Code CLI for the e2e tier: a cached npm install per version (see
// src/demo/claude-cli.ts, shared with `claude-recover demo`).
export { claudeCacheRoot, DEMO_CLAUDE_VERSION, ensureClaude } from '../../src/demo/claude-cli.js';

/** The versions the e2e tier runs against (facts §1: one per wording generation). */
export const E2E_VERSIONS = ['2.1.332', '2.1.200', '2.1.100'] as const;
