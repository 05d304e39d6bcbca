// `claude-recover recover [--session <id>] [--dry-run] [-- <claude flags>]`: the recovery
// sequence by hand, for a session blocked outside the wrapper (src/launcher/by-hand.ts,
// loaded when the command runs).
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('recover')
    .description('recover a session blocked by the 1M-context gate outside the wrapper: back it up, compact it with a small model, resume it')
    .option('--session <id>', "the session id (default: this directory's newest transcript)")
    .option('--dry-run', 'print the plan and change nothing')
    .option('--wide', 'with --dry-run: paths and commands whole, however wide the terminal')
    .argument('[claude-args...]', 'claude flags for the resumed session, after -- (e.g. -- --permission-mode plan)')
    .action(async (claudeArgs: string[], options: { session?: string; dryRun?: boolean; wide?: boolean }) => {
      const { recoverCommand } = await import('../launcher/by-hand.js');
      process.exitCode = await recoverCommand({ session: options.session, dryRun: options.dryRun === true, wide: options.wide === true, claudeArgs });
    });
}
