// The commander program with every subcommand (all but `run`'s fast path go through it).
import { Command } from 'commander';
import { EXIT_CODE_HELP } from './errors.js';
import { VERSION } from './version.js';
import { commands } from './commands/index.js';

/** Builds the program (exported for tests). */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('claude-recover')
    .description('Runs Claude Code and recovers sessions blocked by the 1M-context credits gate.')
    .version(VERSION, '-V, --version')
    .addHelpText('after', `\n${EXIT_CODE_HELP}`)
    .exitOverride();
  for (const register of commands) register(program);
  return program;
}
