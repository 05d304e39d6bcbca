import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import { findClaude, isClaudeRecover } from '../../../src/launcher/find-claude.js';
import { BIN } from '../../support/paths.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'cr-find-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function executable(relative: string, body = '#!/bin/sh\necho real claude\n'): string {
  const file = path.join(dir, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, body);
  chmodSync(file, 0o755);
  return file;
}

function notFound(run: () => unknown): UserError {
  try {
    run();
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error('expected a UserError');
}

describe('findClaude', () => {
  it('prefers CLAUDE_RECOVER_CLAUDE over the config path and PATH', () => {
    const fromEnv = executable('env/claude');
    const fromConfig = executable('config/claude');
    executable('bin/claude');
    const env = { HOME: dir, PATH: path.join(dir, 'bin'), CLAUDE_RECOVER_CLAUDE: fromEnv };
    expect(findClaude({ env, configPath: fromConfig })).toEqual({ path: fromEnv, source: 'CLAUDE_RECOVER_CLAUDE' });
    expect(findClaude({ env: { ...env, CLAUDE_RECOVER_CLAUDE: '' }, configPath: fromConfig })).toEqual({
      path: fromConfig,
      source: 'config claudePath',
    });
  });

  it('skips a PATH entry that is a symlink to claude-recover', () => {
    mkdirSync(path.join(dir, 'shim'));
    symlinkSync(BIN, path.join(dir, 'shim', 'claude'));
    const real = executable('bin/claude');
    const env = { HOME: dir, PATH: [path.join(dir, 'shim'), path.join(dir, 'bin')].join(path.delimiter) };
    expect(findClaude({ env })).toEqual({ path: real, source: 'PATH' });
  });

  it('skips a shim script that runs claude-recover', () => {
    executable('shim/claude', '#!/bin/sh\nexec claude-recover run -- "$@"\n');
    const real = executable('bin/claude');
    const env = { HOME: dir, PATH: [path.join(dir, 'shim'), path.join(dir, 'bin')].join(path.delimiter) };
    expect(findClaude({ env }).path).toBe(real);
  });

  it('skips files that are not executable and directories named claude', () => {
    writeFileSync(path.join(dir, 'claude-not-exec'), 'x');
    mkdirSync(path.join(dir, 'a', 'claude'), { recursive: true });
    const real = executable('b/claude');
    const env = { HOME: dir, PATH: [path.join(dir, 'a'), path.join(dir, 'b')].join(path.delimiter) };
    expect(findClaude({ env }).path).toBe(real);
  });

  it('falls back to ~/.claude/local/claude, then ~/.local/bin/claude', () => {
    const second = executable('.local/bin/claude');
    expect(findClaude({ env: { HOME: dir, PATH: '' } })).toEqual({ path: second, source: '~/.local/bin/claude' });
    const first = executable('.claude/local/claude');
    expect(findClaude({ env: { HOME: dir, PATH: '' } })).toEqual({ path: first, source: '~/.claude/local/claude' });
  });

  it('names every place it looked and how to set the path when nothing is found (exit 127)', () => {
    const error = notFound(() => findClaude({ env: { HOME: dir, PATH: path.join(dir, 'none') } }));
    expect(error.exitCode).toBe(127);
    for (const place of ['CLAUDE_RECOVER_CLAUDE', 'PATH', '~/.claude/local/claude', '~/.local/bin/claude']) {
      expect(error.message).toContain(place);
    }
  });

  it('rejects an explicit path that does not exist or is claude-recover itself', () => {
    const missing = notFound(() => findClaude({ env: { HOME: dir, PATH: '', CLAUDE_RECOVER_CLAUDE: path.join(dir, 'nope') } }));
    expect(missing.message).toContain(path.join(dir, 'nope'));
    expect(missing.exitCode).toBe(127);
    const self = notFound(() => findClaude({ env: { HOME: dir, PATH: '' }, configPath: BIN }));
    expect(self.message).toContain('claude-recover itself');
  });
});

describe('isClaudeRecover', () => {
  it('is false for an ordinary program', () => {
    expect(isClaudeRecover(executable('bin/claude'))).toBe(false);
  });
});
