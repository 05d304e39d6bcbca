// The plain path (piped stdin or stdout outside the headless modes, e.g. `claude mcp list | cat`): no PTY, the
// child inherits our stdio so every byte flows exactly as with claude alone.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { ExitCode, UserError } from '../errors.js';

const RELAYED_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** The error for a claude that could not be started (missing, not executable). */
export function startFailure(claudePath: string, error: NodeJS.ErrnoException): UserError {
  return new UserError(`could not start ${claudePath}: ${error.code ?? error.message}; check the path and that it is executable.`, {
    exitCode: ExitCode.notFound,
    cause: error,
  });
}

/** Runs claude with inherited stdio; resolves with its exit status (code, or 128 + signal). */
export function runInherited(claudePath: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(claudePath, args, { stdio: 'inherit', env });
    // A terminal's Ctrl-C reaches the child directly (same process group); a signal sent
    // to claude-recover alone must be passed on, or the child would outlive the kill.
    // A doubled SIGINT is harmless: the first already ends a `-p` run.
    const relay = (signal: NodeJS.Signals): void => {
      child.kill(signal);
    };
    for (const signal of RELAYED_SIGNALS) process.on(signal, relay);
    const cleanup = (): void => {
      for (const signal of RELAYED_SIGNALS) process.off(signal, relay);
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      cleanup();
      reject(startFailure(claudePath, error));
    });
    child.once('exit', (code, signal) => {
      cleanup();
      resolve(signal ? 128 + (constants.signals[signal] ?? 0) : (code ?? 1));
    });
  });
}
