import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { register } from '../../../src/commands/doctor.js';
import { compareVersions } from '../../../src/doctor/checks.js';
import { aliasBlock } from '../../../src/install/alias.js';
import { runCommand, stdoutByTerminal, tempHome } from './harness.js';

let home: ReturnType<typeof tempHome>;
let bin: string;
const run = (...argv: string[]) => runCommand([register], argv);

beforeEach(() => {
  home = tempHome();
  bin = path.join(home.root, 'bin');
  mkdirSync(bin);
  vi.stubEnv('PATH', bin);
  // Wide enough that each check is one line (the wrapping has its own tests below).
  vi.stubEnv('COLUMNS', '300');
});
afterEach(() => home.cleanup());

/** A stand-in claude first on PATH whose --version prints `output`. */
function fakeClaude(output: string): string {
  const file = path.join(bin, 'claude');
  writeFileSync(file, `#!/bin/sh\necho '${output}'\n`);
  chmodSync(file, 0o755);
  return file;
}

function healthySetup(version: string): void {
  fakeClaude(`${version} (Claude Code)`);
  mkdirSync(path.join(home.root, '.claude', 'projects', '-home-u-proj'), { recursive: true });
  writeFileSync(path.join(home.root, '.bashrc'), aliasBlock('bash'));
}

function line(stdout: string, name: string): string {
  return stdout.split('\n').find((l) => l.slice(2).startsWith(`${name} `)) ?? `(no ${name} line)`;
}

describe('claude-recover doctor', () => {
  it('passes every check and exits 0 on a working setup', async () => {
    healthySetup('2.1.320');
    const result = await run('doctor');
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 7).map((l) => l.slice(0, 14))).toEqual([
      '✓ claude      ',
      '✓ node-pty    ',
      '✓ transcripts ',
      '✓ log         ',
      '✓ files       ',
      '✓ config      ',
      '✓ alias       ',
    ]);
    expect(lines.at(-1)).toBe('All checks passed.');
    expect(line(result.stdout, 'claude')).toBe(
      '✓ claude      ~/bin/claude (from PATH), version 2.1.320: recovers 200K-model sessions by itself; sessions on a [1m] model still need claude-recover',
    );
    expect(line(result.stdout, 'transcripts')).toBe('✓ transcripts ~/.claude/projects (1 project)');
    expect(line(result.stdout, 'log')).toBe('✓ log         ~/.local/state/claude-recover/events.jsonl can be created (it does not exist yet)');
    expect(line(result.stdout, 'alias')).toBe('✓ alias       installed in ~/.bashrc');
    expect(line(result.stdout, 'files')).toBe('✓ files       backups 0 B of 500 MiB (0 files) in ~/.local/state/claude-recover/backups');
  });

  it('says an older claude does not recover by itself', async () => {
    healthySetup('2.1.200');
    const result = await run('doctor');
    expect(result.exitCode).toBe(0);
    expect(line(result.stdout, 'claude')).toContain('version 2.1.200: does not recover by itself (2.1.311+ does, for 200K models); claude-recover does it');
  });

  it('fails with a fix under each broken check and exits 1', async () => {
    mkdirSync(path.join(home.root, '.config', 'claude-recover'), { recursive: true });
    writeFileSync(path.join(home.root, '.config', 'claude-recover', 'config.json'), '{"allowClear": "yes", "loopGuard": {"maxRecoveries": -1}}');
    const result = await run('doctor');
    expect(result.exitCode).toBe(1);
    const out = result.stdout;
    // The not-found message whole, and its advice once, on the fix line.
    expect(line(out, 'claude')).toBe(
      '✗ claude      not found: could not find the real claude: looked at $CLAUDE_RECOVER_CLAUDE (unset), config claudePath (unset), every PATH entry, ~/.claude/local/claude and ~/.local/bin/claude',
    );
    expect(out).toContain('              fix: install Claude Code (npm install -g @anthropic-ai/claude-code) or set CLAUDE_RECOVER_CLAUDE=/path/to/claude\n');
    expect(line(out, 'node-pty')).toMatch(/^✓/);
    expect(line(out, 'transcripts')).toBe('✗ transcripts ~/.claude/projects not found: recovery cannot confirm the gate or find the session to resume');
    expect(out).toContain('fix: run claude once (it creates the folder)');
    expect(line(out, 'config')).toBe('✗ config      2 problems; the defaults are used for those keys');
    expect(out).toContain('              config.json: allowClear: expected true or false, got "yes"; using the default false\n');
    expect(line(out, 'alias')).toBe('✗ alias       not installed: typing `claude` runs it without recovery');
    expect(out).toContain('fix: claude-recover install-alias');
    expect(out.trimEnd().split('\n').at(-1)).toBe('4 of 7 checks failed.');
  });

  it('fails when claude gives no version', async () => {
    healthySetup('2.1.320');
    fakeClaude('no version here');
    const result = await run('doctor');
    expect(result.exitCode).toBe(1);
    expect(line(result.stdout, 'claude')).toBe('✗ claude      ~/bin/claude (from PATH), but `claude --version` gave no version');
  });

  it('fails when the log cannot be written', async () => {
    healthySetup('2.1.320');
    writeFileSync(path.join(home.root, 'state-file'), '');
    vi.stubEnv('XDG_STATE_HOME', path.join(home.root, 'state-file'));
    const result = await run('doctor');
    expect(result.exitCode).toBe(1);
    expect(line(result.stdout, 'log')).toMatch(/^✗ log +cannot write ~\/state-file\/claude-recover\/events\.jsonl: /);
  });

  it('names CLAUDE_RECOVER_CLAUDE in the fix when that is what is wrong, whole sentences', async () => {
    healthySetup('2.1.320');
    vi.stubEnv('CLAUDE_RECOVER_CLAUDE', '/opt/nothing/claude');
    const result = await run('doctor');
    expect(result.exitCode).toBe(1);
    expect(line(result.stdout, 'claude')).toBe('✗ claude      not found: CLAUDE_RECOVER_CLAUDE is /opt/nothing/claude, which is not an executable file');
    expect(result.stdout).toContain('fix: point CLAUDE_RECOVER_CLAUDE at the real claude binary (one that `which -a claude` lists)\n');
    expect(result.stdout).not.toContain('install Claude Code');
  });

  it('only reads: no event log, no state folder is created', async () => {
    healthySetup('2.1.320');
    const result = await run('doctor');
    expect(result.exitCode).toBe(0);
    expect(line(result.stdout, 'log')).toBe('✓ log         ~/.local/state/claude-recover/events.jsonl can be created (it does not exist yet)');
    expect(existsSync(path.join(home.root, '.local'))).toBe(false);
    mkdirSync(path.join(home.root, '.local', 'state', 'claude-recover'), { recursive: true });
    writeFileSync(path.join(home.root, '.local', 'state', 'claude-recover', 'events.jsonl'), '');
    expect(line((await run('doctor')).stdout, 'log')).toBe('✓ log         ~/.local/state/claude-recover/events.jsonl is writable');
  });

  for (const width of [80, 40]) {
    it(`fits ${width} columns by wrapping at spaces, every word kept (a path too long for a line loses its middle)`, async () => {
      vi.stubEnv('COLUMNS', String(width));
      vi.stubEnv('XDG_STATE_HOME', path.join(home.root, 'a-state-folder-with-a-name-long-enough-to-need-shortening'));
      const result = await run('doctor');
      expect(result.exitCode).toBe(1);
      const lines = result.stdout.trimEnd().split('\n');
      for (const l of lines) expect(l.length, l).toBeLessThanOrEqual(width);
      const words = (text: string) => text.replace(/[✓✗]/g, ' ').split(/\s+/).filter(Boolean);
      vi.stubEnv('COLUMNS', '300');
      const full = words((await run('doctor')).stdout);
      const narrow = words(result.stdout);
      expect(narrow).toHaveLength(full.length);
      narrow.forEach((word, i) => {
        const whole = full[i] ?? '';
        if (!word.includes('…')) expect(word).toBe(whole);
        else expect(whole.startsWith(word.slice(0, word.indexOf('…'))) && whole.endsWith(word.slice(word.indexOf('…') + 1))).toBe(true);
      });
      if (width === 40) expect(narrow.some((w) => w.includes('…'))).toBe(true);
    });
  }

  it('puts the text under the name at 40 columns, beside it at 80', async () => {
    vi.stubEnv('COLUMNS', '40');
    expect((await run('doctor')).stdout.split('\n').slice(0, 3)).toEqual(['✗ claude', '    not found: could not find the real', '    claude: looked at']);
    vi.stubEnv('COLUMNS', '80');
    expect((await run('doctor')).stdout.split('\n').slice(0, 2)).toEqual([
      '✗ claude      not found: could not find the real claude: looked at',
      '              $CLAUDE_RECOVER_CLAUDE (unset), config claudePath (unset), every',
    ]);
  });

  it('colours ✓, ✗ and fix: on a terminal, not with NO_COLOR, not when piped', async () => {
    healthySetup('2.1.320');
    rmSync(path.join(home.root, '.bashrc'));
    const { tty, noColor, piped } = await stdoutByTerminal(() => run('doctor'));
    expect(tty).toContain('\u001b[32m✓\u001b[39m claude');
    expect(tty).toContain('\u001b[31m✗\u001b[39m alias');
    expect(tty).toContain('\u001b[33mfix:\u001b[39m claude-recover install-alias');
    expect(tty).toContain('\u001b[31m1 of 7 checks failed.\u001b[39m');
    expect(noColor).toContain('✗ alias');
    expect(noColor).not.toContain('\u001b[');
    expect(piped).toContain('✗ alias');
    expect(piped).not.toContain('\u001b[');
  });

  it('has help with examples', async () => {
    const result = await run('doctor', '--help');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('$ claude-recover doctor && echo ready');
  });
});

describe('compareVersions', () => {
  it('compares numerically', () => {
    expect(compareVersions('2.1.311', '2.1.311')).toBe(0);
    expect(compareVersions('2.1.320', '2.1.311')).toBeGreaterThan(0);
    expect(compareVersions('2.1.99', '2.1.311')).toBeLessThan(0);
    expect(compareVersions('2.2.0', '2.1.311')).toBeGreaterThan(0);
  });
});
