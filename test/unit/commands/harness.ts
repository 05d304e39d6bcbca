// Runs one command in-process through src/cli.ts's runProgram (main's own error handling)
// with stdout/stderr captured, against an environment of temporary dirs. It builds a
// program with only the commands under test so these tests do not depend on the other
// commands' files; runProgram sets up the error handling as it does for the real one.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { vi } from 'vitest';
import { runProgram } from '../../../src/cli.js';

export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Makes stdout and stderr say they are (or are not) a terminal of `columns` columns until `restore()`. */
export function fakeTerminal(isTTY: boolean, columns = 80): { restore: () => void } {
  const saved = [process.stdout, process.stderr].map((stream) => ({ stream, isTTY: stream.isTTY, columns: stream.columns }));
  for (const { stream } of saved) {
    Object.defineProperty(stream, 'isTTY', { value: isTTY, configurable: true, writable: true });
    Object.defineProperty(stream, 'columns', { value: columns, configurable: true, writable: true });
  }
  return {
    restore: () => {
      for (const { stream, isTTY: was, columns: width } of saved) {
        Object.defineProperty(stream, 'isTTY', { value: was, configurable: true, writable: true });
        Object.defineProperty(stream, 'columns', { value: width, configurable: true, writable: true });
      }
    },
  };
}

export async function runCommand(registers: Array<(program: Command) => void>, argv: string[]): Promise<CommandResult> {
  const program = new Command().name('claude-recover');
  for (const register of registers) register(program);
  return runCaptured(program, argv);
}

/** Runs a whole program (src/program.ts's) through runProgram with the output captured. */
export async function runCaptured(program: Command, argv: string[]): Promise<CommandResult> {
  return captureOutput(() => runProgram(program, argv));
}

/** Runs `run` with process.stdout/stderr captured and process.exitCode read and reset. */
export async function captureOutput(run: () => Promise<void>): Promise<CommandResult> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  process.exitCode = undefined;
  try {
    await run();
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { stdout, stderr, exitCode };
}

/** A temporary HOME with XDG dirs inside, stubbed into process.env; returns it and a cleanup. */
export function tempHome(): { root: string; env: NodeJS.ProcessEnv; cleanup: () => void } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'cr-cmd-'));
  const vars: Record<string, string> = {
    HOME: root,
    XDG_CONFIG_HOME: path.join(root, '.config'),
    XDG_STATE_HOME: path.join(root, '.local', 'state'),
    CLAUDE_CONFIG_DIR: path.join(root, '.claude'),
    ZDOTDIR: '',
    SHELL: '/bin/bash',
  };
  for (const [key, value] of Object.entries(vars)) vi.stubEnv(key, value);
  for (const key of Object.keys(process.env)) if (key.startsWith('CLAUDE_RECOVER_')) vi.stubEnv(key, undefined);
  // Output as a pipe gets it, whatever the terminal running the tests says: no colour, 80 columns.
  for (const key of ['FORCE_COLOR', 'NO_COLOR', 'COLUMNS']) vi.stubEnv(key, undefined);
  return {
    root,
    env: process.env,
    cleanup: () => {
      vi.unstubAllEnvs();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** A command's stdout on a terminal, on a terminal with NO_COLOR, and piped (colour tests). */
export async function stdoutByTerminal(run: () => Promise<CommandResult>, columns = 100): Promise<{ tty: string; noColor: string; piped: string }> {
  const terminal = fakeTerminal(true, columns);
  let tty: string;
  let noColor: string;
  try {
    tty = (await run()).stdout;
    vi.stubEnv('NO_COLOR', '1');
    noColor = (await run()).stdout;
  } finally {
    terminal.restore();
    vi.stubEnv('NO_COLOR', undefined);
  }
  return { tty, noColor, piped: (await run()).stdout };
}
