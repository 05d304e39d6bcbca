// `claude-recover run [--] <claude args…>`: claude itself, in a transparent PTY, with
// the gate watched and recovered. Every argument goes to claude untouched; the work is
// src/launcher/run.ts, which src/cli.ts calls without going through commander.
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('run')
    .description('run claude with every argument untouched, recovering from the 1M-context credits gate')
    .argument('[claude-args...]', 'arguments for claude, passed through unchanged')
    .addHelpText(
      'after',
      `
Everything after \`run\` goes to claude, options included (\`claude-recover run --help\`
shows claude's help). Use it through an alias:

  alias claude='claude-recover run --'
  claude                      # an interactive session, watched
  claude -p "hi" | jq         # headless: no PTY, output passes through as it comes
  claude -p --resume <id> "next step"   # a blocked -p run is recovered and run again
  claude --resume <id>        # any claude arguments work`,
    );
  // The arguments never reach commander: main() hands them to runCommand() verbatim.
}
