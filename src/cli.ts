// The claude-recover command line. `run` is the hot path (it starts with every `claude`),
// so it loads only what it needs; every other command goes through the commander program
// in ./program.ts, loaded on demand.
import { describeError, UserError } from './errors.js';

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
    const [{ buildProgram }, { CommanderError }] = await Promise.all([import('./program.js'), import('commander')]);
    try {
      await buildProgram().parseAsync(argv, { from: 'user' });
    } catch (error) {
      if (!(error instanceof CommanderError)) throw error;
      process.exitCode = error.exitCode;
    }
  } catch (error) {
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
