// For Agent SDK apps: a `spawnClaudeCodeProcess` that starts the SDK's claude through
// claude-recover, so a session blocked by the 1M-context credits gate is recovered.
//
//   import { query } from '@anthropic-ai/claude-agent-sdk';
//   import { spawnClaudeCodeProcess } from 'claude-recover/sdk';
//   query({ prompt, options: { spawnClaudeCodeProcess } });
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';

/** The fields of the SDK's SpawnOptions this uses (kept structural: the SDK is not a dependency). */
export interface ClaudeSpawnOptions {
  /** The claude the SDK would start: its bundled native binary, or pathToClaudeCodeExecutable. */
  command: string;
  args: string[];
  cwd?: string;
  env: Record<string, string | undefined>;
  /** Aborts after the SDK's graceful close (end of input, then ~2 s). */
  signal?: AbortSignal;
}

const BIN = fileURLToPath(new URL('../bin/claude-recover.js', import.meta.url));
const RUNTIMES = new Set(['node', 'bun', 'deno']);

/**
 * Starts `claude-recover run -- <args>` around the claude the SDK chose. A JavaScript
 * runtime as command (the SDK running a `cli.js`) is started as it is, unwrapped: there is
 * no single claude executable to hand to claude-recover.
 */
export function spawnClaudeCodeProcess(options: ClaudeSpawnOptions): ChildProcessByStdio<Writable, Readable, Readable> {
  const env = { ...options.env };
  const runtime = RUNTIMES.has(path.basename(options.command).replace(/\.exe$/i, ''));
  const [file, args] = runtime
    ? [options.command, options.args]
    : [process.execPath, [BIN, 'run', '--', ...options.args]];
  if (!runtime) env.CLAUDE_RECOVER_CLAUDE = options.command;
  return spawn(file, args, { cwd: options.cwd, env, signal: options.signal, stdio: ['pipe', 'pipe', 'pipe'] });
}
