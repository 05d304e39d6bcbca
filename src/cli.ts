// The claude-recover command line: a thin commander program; each subcommand lives in
// src/commands/<name>.ts and exports register(program).
import { Command, CommanderError } from 'commander';
import { describeError, UserError } from './errors.js';
import { VERSION } from './version.js';
import { commands } from './commands/index.js';
import { runCommand } from './commands/run.js';

/** Builds the program (exported for tests). */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('claude-recover')
    .description('Runs Claude Code and recovers sessions blocked by the 1M-context credits gate.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError()
    .exitOverride();
  for (const register of commands) register(program);
  return program;
}

/** Runs the CLI with these arguments (without node and the script). */
export async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'run') {
    // claude's arguments go through untouched, options included: commander never sees them.
    const claudeArgs = argv.slice(1);
    if (claudeArgs[0] === '--') claudeArgs.shift();
    try {
      process.exitCode = await runCommand(claudeArgs);
    } catch (error) {
      report(error);
    }
    return;
  }
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    report(error);
  }
}

/** One line on stderr and the exit code, never a stack trace. */
function report(error: unknown): void {
  if (error instanceof UserError) {
    process.stderr.write(`claude-recover: ${error.message}\n`);
    process.exitCode = error.exitCode;
    return;
  }
  process.stderr.write(`claude-recover: internal error: ${describeError(error)}\n`);
  process.exitCode = 1;
}
