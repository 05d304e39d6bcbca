// `claude-recover doctor`: checks everything claude-recover relies on, one line each with
// the fix; exit 0 only when all pass. The checks are src/doctor/checks.ts, loaded when the
// command runs.
import type { Command } from 'commander';
import { ExitCode } from '../errors.js';

const EXAMPLES = `
Examples:
  $ claude-recover doctor
  $ claude-recover doctor && echo ready

Checks: the real claude (path, version, and whether that version recovers by itself),
node-pty (loads and opens a PTY), Claude Code's transcript folder, the event log,
claude-recover's own files (leftovers of killed runs, the backups' size budget, privacy), the
config file, and the shell alias. It only reads: nothing is created or changed. Exit
code 0 only when every check passes.`;

export function register(program: Command): void {
  program
    .command('doctor')
    .description('check that claude-recover can do its job here, with the fix for anything that fails')
    .addHelpText('after', EXAMPLES)
    .action(async () => {
      const { formatChecks, runChecks } = await import('../doctor/checks.js');
      const env = process.env;
      const results = await runChecks(env);
      process.stdout.write(`${await formatChecks(results, env)}\n`);
      process.exitCode = results.every((r) => r.ok) ? ExitCode.ok : ExitCode.failure;
    });
}
