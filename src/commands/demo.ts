// `claude-recover demo`: the real Claude Code CLI against a local mock API, with
// claude-recover in front, in this terminal; the session hits the gate after a couple of
// prompts and recovers. No account needed.
import { InvalidArgumentError, type Command } from 'commander';
import { DEMO_CLAUDE_VERSION } from '../demo/claude-cli.js';

export function register(program: Command): void {
  program
    .command('demo')
    .description('watch a real Claude Code session hit the 1M-context credits gate and recover (offline, mock API, no account)')
    .option('--claude <path>', 'use this claude binary instead of the cached install')
    .option('--claude-version <version>', 'Claude Code version to install and run', DEMO_CLAUDE_VERSION)
    .option('--gate-at <n>', 'the prompt the gate refuses (1 is the first)', wholeNumber, 3)
    .option('--keep', 'keep the throwaway home (transcript, event log) afterwards', false)
    .option('-y, --yes', 'start without waiting for Enter', false)
    .addHelpText(
      'after',
      `
The first run installs @anthropic-ai/claude-code@${DEMO_CLAUDE_VERSION} (about 200 MB) into
~/.cache/claude-recover-e2e (or $CLAUDE_RECOVER_E2E_CACHE). Everything else lives in a
temporary HOME that is deleted afterwards; your own ~/.claude is never touched.`,
    )
    .action(async (options: { claude?: string; claudeVersion: string; gateAt: number; keep: boolean; yes: boolean }) => {
      // Loaded on demand: the demo pulls in the mock server and the installer.
      const { runDemo } = await import('../demo/demo.js');
      process.exitCode = await runDemo(options);
    });
}

/** A whole number ≥ 1 for an option, or commander's usage error (exit 2). */
function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError(`expected a whole number ≥ 1, got "${value}"`);
  return Number(value);
}
