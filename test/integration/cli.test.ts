// The built bin as a new user meets it: colour on a terminal and not through a pipe or with
// NO_COLOR, output that fits a 40-column terminal, and the alias install-alias writes
// working in a new interactive bash when claude-recover is not on PATH.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import stripAnsi from 'strip-ansi';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnPty } from '../support/pty-driver.js';
import { BIN } from '../support/paths.js';

let root: string;
let fakeBin: string;

/** A HOME with a fake claude (prints its arguments, exits 3) in a folder of its own. */
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'cr-cli-'));
  fakeBin = path.join(root, 'fake-bin');
  mkdirSync(fakeBin);
  writeFileSync(path.join(fakeBin, 'claude'), '#!/bin/sh\necho "fake claude got: $* (CLAUDE_RECOVER_ACTIVE=$CLAUDE_RECOVER_ACTIVE)"\nexit 3\n');
  chmodSync(path.join(fakeBin, 'claude'), 0o755);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** An environment with nothing of the caller's claude-recover, colour or width settings. */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('CLAUDE_RECOVER_') || key.startsWith('XDG_') || ['NODE_OPTIONS', 'VITEST', 'FORCE_COLOR', 'NO_COLOR', 'COLUMNS', 'CLAUDE_CONFIG_DIR', 'ZDOTDIR'].includes(key)) continue;
    env[key] = value;
  }
  // node and the fake claude, and no claude-recover.
  return { ...env, HOME: root, SHELL: '/bin/bash', PATH: `${fakeBin}:${path.dirname(process.execPath)}:/usr/bin:/bin`, ...extra };
}

describe('install-alias when claude-recover is not on PATH', () => {
  it('writes an alias that works in a new interactive bash, and uninstall leaves nothing behind', () => {
    writeFileSync(path.join(root, '.bashrc'), '# my bashrc\n');
    const before = readdirSync(root).sort();
    // This checkout may itself live in the temp folder (CI clones into one), where the alias
    // would be refused as temporary: the temp folder is put elsewhere for the install.
    const install = spawnSync(process.execPath, [BIN, 'install-alias'], { env: cleanEnv({ TMPDIR: '/nonexistent-tmp' }), encoding: 'utf8' });
    expect(install.stderr).toBe('');
    expect(install.status).toBe(0);
    expect(install.stdout.replace(/\s+/g, ' ')).toContain(`the alias runs it by its full path (${realpathSync(BIN)})`);
    expect(readFileSync(path.join(root, '.bashrc'), 'utf8')).toContain(`alias claude='${realpathSync(BIN)} run --'`);

    // A new interactive shell reads ~/.bashrc; `claude` there is claude-recover, which runs
    // the real (fake) claude. Neither is on this shell's PATH: only the alias finds them.
    const shellEnv = cleanEnv({ PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`, CLAUDE_RECOVER_CLAUDE: path.join(fakeBin, 'claude') });
    const shell = spawnSync('bash', ['-i', '-c', 'claude --print "hello there"; echo "status $?"'], { env: shellEnv, encoding: 'utf8' });
    expect(shell.stdout).toBe('fake claude got: --print hello there (CLAUDE_RECOVER_ACTIVE=1)\nstatus 3\n');
    expect(shell.stderr).not.toContain('command not found');

    const uninstall = spawnSync(process.execPath, [BIN, 'uninstall-alias'], { env: cleanEnv(), encoding: 'utf8' });
    expect(uninstall.status).toBe(0);
    expect(readFileSync(path.join(root, '.bashrc'), 'utf8')).toBe('# my bashrc\n');
    expect(readdirSync(root).sort()).toEqual(before);
  });
});

describe('colour', () => {
  it('is on in a terminal, off with NO_COLOR, off when piped', async () => {
    const coloured = spawnPty(process.execPath, [BIN, 'doctor'], { env: cleanEnv(), cols: 100 });
    await coloured.exited;
    const raw = coloured.raw().toString('utf8');
    expect(raw).toContain('\u001b[32m✓\u001b[39m node-pty');
    expect(raw).toContain('\u001b[31m✗\u001b[39m alias');

    const plain = spawnPty(process.execPath, [BIN, 'doctor'], { env: cleanEnv({ NO_COLOR: '1' }), cols: 100 });
    await plain.exited;
    expect(plain.raw().toString('utf8')).toContain('✗ alias');
    expect(plain.raw().toString('utf8')).not.toMatch(/\u001b\[3\dm/);

    const piped = spawnSync(process.execPath, [BIN, 'doctor'], { env: cleanEnv(), encoding: 'utf8' });
    expect(piped.stdout).toContain('✗ alias');
    expect(piped.stdout).not.toContain('\u001b[');
  });

  it('marks a usage error on a terminal, in one line with no help after it', async () => {
    const run = spawnPty(process.execPath, [BIN, 'lgo'], { env: cleanEnv() });
    const { exitCode } = await run.exited;
    expect(exitCode).toBe(2);
    const raw = run.raw().toString('utf8');
    expect(raw).toBe("\u001b[31mclaude-recover:\u001b[39m unknown command 'lgo' (did you mean log?); see claude-recover --help\r\n");
  });
});

describe('width', () => {
  it('fits doctor, log and stats to a 40-column terminal', async () => {
    const log = path.join(root, '.local', 'state', 'claude-recover', 'events.jsonl');
    mkdirSync(path.dirname(log), { recursive: true });
    writeFileSync(
      log,
      `${JSON.stringify({ type: 'detected', ts: new Date().toISOString(), occurrence: 'o1', variant: 'credits-1m', channel: 'screen+transcript', case: 'A', contextTokens: 212000, thresholds: { standardWindow: 200000, caseAMinTokens: 150000 }, reason: 'r', claudeVersion: '2.1.332', sessionId: 'aaaa1111', cwd: path.join(root, 'a', 'rather', 'long', 'project', 'folder') })}\n` +
        `${JSON.stringify({ type: 'recovered', ts: new Date().toISOString(), occurrence: 'o1', sessionId: 'aaaa1111', totalMs: 41000, worked: 'compact:claude-haiku-4-5-20251001' })}\n`,
    );
    for (const args of [['log'], ['doctor'], ['stats']]) {
      const run = spawnPty(process.execPath, [BIN, ...args], { env: cleanEnv(), cols: 40 });
      await run.exited;
      const lines = stripAnsi(run.raw().toString('utf8')).split('\r\n');
      for (const line of lines) expect(line.length, `${args[0]}: ${line}`).toBeLessThanOrEqual(40);
      expect(lines.length, args[0]).toBeGreaterThan(2);
    }
  });
});

describe('a closed pipe', () => {
  it('ends quietly when the reader has gone (`… --help | head -1`)', () => {
    for (const args of [['log', '--help'], ['--help']]) {
      // `true` reads nothing and exits at once: every write meets a closed pipe.
      const result = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" ${args.join(' ')} | true`], { env: cleanEnv(), encoding: 'utf8' });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
    }
  });
});
