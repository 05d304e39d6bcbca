// Finds the real Claude Code binary: $CLAUDE_RECOVER_CLAUDE, the configured path, PATH
// (skipping claude-recover itself, whether a symlink to our bin or a shim script that
// calls it), then the usual install places.
import { accessSync, closeSync, constants, openSync, readSync, realpathSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFile } from 'node:child_process';
import { ExitCode, UserError } from '../errors.js';

export interface FoundClaude {
  path: string;
  /** Where it was found: `CLAUDE_RECOVER_CLAUDE`, `config claudePath`, `PATH`, or the install place. */
  source: string;
}

/** The launcher of this copy of claude-recover (its bin file). */
export const OUR_BIN = fileURLToPath(new URL('../../bin/claude-recover.js', import.meta.url));

function realpathOrNull(file: string): string | null {
  try {
    return realpathSync(file);
  } catch {
    return null;
  }
}

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** True for our own bin, a link to it, or a small script that runs claude-recover. */
export function isClaudeRecover(file: string, ourBin: string = OUR_BIN): boolean {
  const real = realpathOrNull(file);
  const ours = realpathOrNull(ourBin) ?? ourBin;
  if (real !== null && real === ours) return true;
  try {
    if (statSync(file).size > 64 * 1024) return false;
    const fd = openSync(file, 'r');
    try {
      const head = Buffer.alloc(4096);
      const n = readSync(fd, head, 0, head.length, 0);
      return head.subarray(0, n).toString('latin1').includes('claude-recover');
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

/** Where discovery looks, in order, with the source name of each place. */
export function candidatePlaces(env: NodeJS.ProcessEnv, configPath?: string): FoundClaude[] {
  const places: FoundClaude[] = [];
  const home = env.HOME || os.homedir();
  const names = process.platform === 'win32' ? ['claude.exe', 'claude.cmd', 'claude'] : ['claude'];
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    for (const name of names) places.push({ path: path.join(dir, name), source: 'PATH' });
  }
  places.push({ path: path.join(home, '.claude', 'local', 'claude'), source: '~/.claude/local/claude' });
  places.push({ path: path.join(home, '.local', 'bin', 'claude'), source: '~/.local/bin/claude' });
  const explicit: FoundClaude[] = [];
  if (env.CLAUDE_RECOVER_CLAUDE) explicit.push({ path: env.CLAUDE_RECOVER_CLAUDE, source: 'CLAUDE_RECOVER_CLAUDE' });
  if (configPath) explicit.push({ path: configPath, source: 'config claudePath' });
  return [...explicit, ...places];
}

/** Why the real claude was not found and what to do, separately (doctor prints them on two lines). */
export class ClaudeNotFoundError extends UserError {
  constructor(
    readonly problem: string,
    readonly fix: string,
  ) {
    super(`${problem}; ${fix}.`, { exitCode: ExitCode.notFound });
    this.name = 'ClaudeNotFoundError';
  }
}

/** The real claude, or a ClaudeNotFoundError (exit 127) saying where it looked and how to set the path. */
export function findClaude(options: { env: NodeJS.ProcessEnv; configPath?: string }): FoundClaude {
  const { env, configPath } = options;
  for (const place of candidatePlaces(env, configPath)) {
    const explicit = place.source === 'CLAUDE_RECOVER_CLAUDE' || place.source === 'config claudePath';
    const fix = `point ${place.source === 'CLAUDE_RECOVER_CLAUDE' ? 'CLAUDE_RECOVER_CLAUDE' : 'claudePath in config.json'} at the real claude binary (one that \`which -a claude\` lists)`;
    if (!isExecutableFile(place.path)) {
      if (explicit) throw new ClaudeNotFoundError(`${place.source} is ${place.path}, which is not an executable file`, fix);
      continue;
    }
    if (isClaudeRecover(place.path)) {
      if (explicit) throw new ClaudeNotFoundError(`${place.source} points at claude-recover itself (${place.path})`, fix);
      continue;
    }
    return place;
  }
  throw new ClaudeNotFoundError(
    'could not find the real claude: looked at $CLAUDE_RECOVER_CLAUDE (unset), config claudePath (unset), every PATH entry, ~/.claude/local/claude and ~/.local/bin/claude',
    'install Claude Code (npm install -g @anthropic-ai/claude-code) or set CLAUDE_RECOVER_CLAUDE=/path/to/claude',
  );
}

/** `claude --version` as `2.1.330`, or null when it cannot be told within 5 s. */
export function claudeVersion(claudePath: string, env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(claudePath, ['--version'], { timeout: 5_000, env: { ...env, CLAUDE_RECOVER_ACTIVE: '1' } }, (error, stdout) => {
      if (error) return resolve(null);
      const match = /(\d+\.\d+\.\d+)/.exec(String(stdout));
      resolve(match?.[1] ?? null);
    });
  });
}
