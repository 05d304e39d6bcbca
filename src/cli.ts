// The claude-recover command line. `run` is the hot path (it starts with every `claude`),
// so it loads only what it needs; `--version` alone answers without the command set; every
// other command goes through the commander program in ./program.ts, loaded on demand.
import type { Command } from 'commander';
import { describeError, UserError } from './errors.js';

/** The program's version flags (src/program.ts). */
const VERSION_FLAGS = ['-V', '--version'];

/** Runs the CLI with these arguments (without node and the script). */
export async function main(argv: string[]): Promise<void> {
  try {
    if (argv[0] === 'run') {
      // claude's arguments go through untouched, options included: commander never sees them.
      const claudeArgs = argv.slice(1);
      if (claudeArgs[0] === '--') claudeArgs.shift();
      const { runCommand } = await import('./commands/run.js');
      process.exitCode = await runCommand(claudeArgs);
      return;
    }
    if (argv.length === 1 && VERSION_FLAGS.includes(argv[0] as string)) {
      // What commander prints for it (a unit test holds the two together).
      const { VERSION } = await import('./version.js');
      process.stdout.write(`${VERSION}\n`);
      return;
    }
    const { buildProgram } = await import('./program.js');
    await runProgram(buildProgram(), argv);
  } catch (error) {
    reportError(error);
  }
}

/**
 * Runs a commander program on `argv` the way main does: commander's own exits (help,
 * version, usage errors) set their exit code, any other failure is reported. Exported so
 * the command tests run a program with only the commands under test through it.
 */
export async function runProgram(program: Command, argv: string[]): Promise<void> {
  const { CommanderError } = await import('commander');
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) process.exitCode = error.exitCode;
    else reportError(error);
  }
}

/** One line on stderr and the exit code, never a stack trace. */
export function reportError(error: unknown): void {
  if (error instanceof UserError) {
    process.stderr.write(`claude-recover: ${error.message}\n`);
    process.exitCode = error.exitCode;
    return;
  }
  process.stderr.write(`claude-recover: internal error: ${describeError(error)}\n`);
  process.exitCode = 1;
}
