import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { claudeCacheRoot, ensureClaude } from '../../../src/demo/claude-cli.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'claude-cli-test-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A fake `claude` that prints its version the way the real one does. */
function fakeClaude(file: string, version: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `#!/bin/sh\necho "${version} (Claude Code)"\n`);
  chmodSync(file, 0o755);
}

/** A fake npm on PATH: records its arguments and "installs" a claude of the requested version. */
function fakeNpm(binDir: string, { fail = false } = {}): string {
  const log = path.join(binDir, 'npm-args.log');
  mkdirSync(binDir, { recursive: true });
  const script = [
    '#!/bin/sh',
    `echo "$@" >> "${log}"`,
    fail ? 'echo "npm error 404 Not Found" >&2; exit 1' : '',
    'for arg in "$@"; do case "$arg" in @anthropic-ai/claude-code@*) v="${arg#@anthropic-ai/claude-code@}";; esac; done',
    'mkdir -p node_modules/.bin',
    'printf \'#!/bin/sh\\necho "%s (Claude Code)"\\n\' "$v" > node_modules/.bin/claude',
    'chmod +x node_modules/.bin/claude',
  ].join('\n');
  writeFileSync(path.join(binDir, 'npm'), `${script}\n`);
  chmodSync(path.join(binDir, 'npm'), 0o755);
  return log;
}

const envFor = (binDir: string): NodeJS.ProcessEnv => ({
  ...process.env,
  CLAUDE_RECOVER_E2E_CACHE: path.join(dir, 'cache'),
  PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ''}`,
});

describe('ensureClaude', () => {
  it('uses the cache root from CLAUDE_RECOVER_E2E_CACHE, else ~/.cache/claude-recover-e2e', () => {
    expect(claudeCacheRoot({ CLAUDE_RECOVER_E2E_CACHE: '/x/y' })).toBe('/x/y');
    expect(claudeCacheRoot({ HOME: '/home/u' })).toBe(path.join('/home/u', '.cache', 'claude-recover-e2e'));
  });

  it('returns a cached binary of the right version without running npm', async () => {
    const bin = path.join(dir, 'bin');
    const log = fakeNpm(bin);
    const cached = path.join(dir, 'cache', '9.9.1', 'node_modules', '.bin', 'claude');
    fakeClaude(cached, '9.9.1');
    expect(await ensureClaude('9.9.1', { env: envFor(bin) })).toBe(cached);
    expect(existsSync(log)).toBe(false);
  });

  it('installs the exact version with npm when the cache holds none or the wrong one', async () => {
    const bin = path.join(dir, 'bin');
    const log = fakeNpm(bin);
    fakeClaude(path.join(dir, 'cache', '9.9.2', 'node_modules', '.bin', 'claude'), '9.9.0');
    const progress: string[] = [];
    const found = await ensureClaude('9.9.2', { env: envFor(bin), onProgress: (line) => progress.push(line) });
    expect(found).toBe(path.join(dir, 'cache', '9.9.2', 'node_modules', '.bin', 'claude'));
    expect(readFileSync(log, 'utf8')).toContain('install --no-audit --no-fund --save-exact --loglevel=error @anthropic-ai/claude-code@9.9.2');
    expect(progress).toHaveLength(1);
    expect(existsSync(path.join(dir, 'cache', '9.9.2', 'install.log'))).toBe(true);
  });

  it('says what npm said when the install fails, and leaves no half-filled directory', async () => {
    const bin = path.join(dir, 'bin');
    fakeNpm(bin, { fail: true });
    await expect(ensureClaude('9.9.3', { env: envFor(bin) })).rejects.toThrow(/expected npm to install @anthropic-ai\/claude-code@9\.9\.3, got exit code 1: npm error 404/);
    expect(existsSync(path.join(dir, 'cache', '9.9.3'))).toBe(false);
  });

  it('refuses something that is not a version', async () => {
    await expect(ensureClaude('latest; rm -rf /', { env: envFor(path.join(dir, 'bin')) })).rejects.toThrow(/expected a Claude Code version like 2\.1\.330/);
  });
});
