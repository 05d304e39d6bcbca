import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { aliasCommand, register } from '../../../src/commands/install-alias.js';
import { aliasBlock, backupPath } from '../../../src/install/alias.js';
import { OUR_BIN } from '../../../src/launcher/find-claude.js';
import { tilde } from '../../../src/paths.js';
import { runCommand, tempHome } from './harness.js';

let home: ReturnType<typeof tempHome>;
const run = (...argv: string[]) => runCommand([register], argv);

beforeEach(() => {
  home = tempHome();
  // A claude-recover on PATH, so no "not on your PATH" note.
  const bin = path.join(home.root, 'bin');
  mkdirSync(bin);
  writeFileSync(path.join(bin, 'claude-recover'), '#!/bin/sh\n');
  chmodSync(path.join(bin, 'claude-recover'), 0o755);
  vi.stubEnv('PATH', bin);
  // One line a message here; the wrapping has its own test.
  vi.stubEnv('COLUMNS', '300');
});
afterEach(() => home.cleanup());

describe('claude-recover install-alias / uninstall-alias', () => {
  it('adds the block to the $SHELL rc file, then changes nothing, then uninstall restores the bytes', async () => {
    const rc = path.join(home.root, '.bashrc');
    const original = '# my bashrc\nexport EDITOR=vim';
    writeFileSync(rc, original);

    const backup = tilde(backupPath(rc, home.env), home.env);
    expect(backup).toMatch(/^~\/\.local\/state\/claude-recover\/rc-backups\/bashrc-[0-9a-f]{12}\.bak$/);
    const first = await run('install-alias');
    expect(first).toEqual({
      stdout: `Added the claude alias to ~/.bashrc (backup of the previous file: ${backup}).\nOpen a new terminal, or run: source ~/.bashrc\n`,
      stderr: '',
      exitCode: 0,
    });
    const installed = readFileSync(rc, 'utf8');
    expect(installed).toBe(`${original}\n${aliasBlock('bash')}`);

    const again = await run('install-alias');
    expect(again).toEqual({ stdout: 'The claude alias is already in ~/.bashrc; nothing changed.\n', stderr: '', exitCode: 0 });
    expect(readFileSync(rc, 'utf8')).toBe(installed);

    const removed = await run('uninstall-alias');
    expect(removed).toEqual({
      stdout: `Removed the claude alias from ~/.bashrc; the backup ${backup} is deleted. Open a new terminal for it to take effect.\n`,
      stderr: '',
      exitCode: 0,
    });
    expect(readFileSync(rc, 'utf8')).toBe(original);
    expect(readdirSync(home.root).sort()).toEqual(['.bashrc', 'bin']);

    expect(await run('uninstall-alias')).toEqual({
      stdout: 'No claude-recover alias block in ~/.bashrc, ~/.zshrc, ~/.config/fish/config.fish; nothing to do.\n',
      stderr: '',
      exitCode: 0,
    });
  });

  it('--dry-run shows the block and writes nothing', async () => {
    mkdirSync(path.join(home.root, '.config', 'fish'), { recursive: true });
    const result = await run('install-alias', '--dry-run', '--shell', 'fish');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(
      `Would add in ~/.config/fish/config.fish (a new file):\n${aliasBlock('fish', { created: true }).replace(/^/gm, '  ').trimEnd()}\n(dry run: nothing written)\n`,
    );
    expect(readdirSync(path.join(home.root, '.config', 'fish'))).toEqual([]);
  });

  it('--rc picks the file; the round trip of a file that did not exist leaves no file, no backup, no folder', async () => {
    const rc = path.join(home.root, 'aliases.sh');
    const result = await run('install-alias', '--rc', rc, '--shell', 'zsh');
    expect(result).toEqual({ stdout: 'Added the claude alias to ~/aliases.sh (a new file).\nOpen a new terminal, or run: source ~/aliases.sh\n', stderr: '', exitCode: 0 });
    expect(readFileSync(rc, 'utf8')).toBe(aliasBlock('zsh', { created: true }));
    expect((await run('uninstall-alias', '--rc', rc)).stdout).toBe(
      'Removed ~/aliases.sh (install-alias had created it for the alias). Open a new terminal for it to take effect.\n',
    );
    expect(readdirSync(home.root)).toEqual(['bin']);
  });

  it('the same round trip for the shell’s own ~/.zshrc when it did not exist', async () => {
    vi.stubEnv('SHELL', '/usr/bin/zsh');
    expect((await run('install-alias')).exitCode).toBe(0);
    expect(existsSync(path.join(home.root, '.zshrc'))).toBe(true);
    expect((await run('uninstall-alias')).exitCode).toBe(0);
    expect(readdirSync(home.root)).toEqual(['bin']);
  });

  it('refuses an --rc whose folder does not exist with exit 1, creating nothing', async () => {
    const result = await run('install-alias', '--rc', '/nonexistent/dir/rc', '--shell', 'bash');
    expect(result).toEqual({
      stdout: '',
      stderr: 'claude-recover: --rc: expected /nonexistent/dir/rc to be in an existing folder, but /nonexistent/dir does not exist; create it first or pick another file\n',
      exitCode: 1,
    });
    expect(existsSync('/nonexistent')).toBe(false);
    expect(readdirSync(home.root)).toEqual(['bin']);
  });

  it('refuses with exit 1 when claude is already defined, naming the line', async () => {
    const rc = path.join(home.root, '.bashrc');
    writeFileSync(rc, 'claude() { command claude --model opus "$@"; }\n');
    const result = await run('install-alias');
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^claude-recover: .*\.bashrc:1 already defines claude: `claude\(\) \{ command claude --model opus "\$@"; \}`\./);
    expect(readFileSync(rc, 'utf8')).toBe('claude() { command claude --model opus "$@"; }\n');
  });

  it('leaves a hand-made claude-recover alias alone', async () => {
    writeFileSync(path.join(home.root, '.bashrc'), "alias claude='claude-recover run --'\n");
    const result = await run('install-alias');
    expect(result).toEqual({ stdout: "~/.bashrc:1 already runs claude-recover (`alias claude='claude-recover run --'`); nothing changed.\n", stderr: '', exitCode: 0 });
  });

  it('exits 2 on an unknown shell, with where the help is', async () => {
    vi.stubEnv('SHELL', '/bin/tcsh');
    const unknown = await run('install-alias');
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('pass --shell bash, --shell zsh or --shell fish; see claude-recover install-alias --help\n');
    const bad = await run('install-alias', '--shell', 'pwsh');
    expect(bad).toMatchObject({ exitCode: 2, stderr: 'claude-recover: --shell: expected bash, zsh or fish, got "pwsh"; see claude-recover install-alias --help\n' });
    // Still a usage error where the alias could not work anyway (no claude-recover on PATH, launcher in the temp folder).
    vi.stubEnv('PATH', '/nonexistent');
    vi.stubEnv('TMPDIR', path.dirname(path.dirname(path.dirname(realpathSync(OUR_BIN)))));
    expect((await run('install-alias', '--shell', 'bash')).stderr).toContain('runs from a temporary place');
    expect((await run('install-alias', '--shell', 'pwsh')).exitCode).toBe(2);
  });

  it('without claude-recover on PATH, writes the alias with the full path of this launcher', async () => {
    vi.stubEnv('PATH', '/nonexistent');
    // This checkout may itself live in the temp folder (CI clones into one): put that elsewhere.
    vi.stubEnv('TMPDIR', '/nonexistent-tmp');
    const result = await run('install-alias', '--shell', 'bash');
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(`claude-recover is not on your PATH, so the alias runs it by its full path (${realpathSync(OUR_BIN)}).`);
    expect(readFileSync(path.join(home.root, '.bashrc'), 'utf8')).toContain(`\nalias claude='${realpathSync(OUR_BIN)} run --'\n`);
  });

  it('refuses an alias to a launcher in a temporary place (npx), or one that is not executable', () => {
    const env = { PATH: '/nonexistent' };
    const npx = path.join(home.root, '.npm', '_npx', 'abc123', 'node_modules', 'claude-recover', 'bin', 'claude-recover.js');
    mkdirSync(path.dirname(npx), { recursive: true });
    writeFileSync(npx, '#!/usr/bin/env node\n');
    chmodSync(npx, 0o755);
    expect(() => aliasCommand(env, npx)).toThrow(/^claude-recover is not on your PATH and runs from a temporary place \(.*_npx.*\), so an alias would stop working; install it \(npm install -g claude-recover/);
    const plain = path.join(home.root, 'checkout', 'bin', 'claude-recover.js');
    mkdirSync(path.dirname(plain), { recursive: true });
    writeFileSync(plain, '#!/usr/bin/env node\n');
    chmodSync(plain, 0o644);
    // The temp HOME is itself under the temp folder, which counts as temporary too.
    expect(() => aliasCommand(env, plain)).toThrow(/temporary place/);
    vi.stubEnv('TMPDIR', '/nonexistent-tmp');
    expect(() => aliasCommand(env, plain)).toThrow(`claude-recover is not on your PATH and its launcher ${realpathSync(plain)} is not executable, so an alias would fail; run \`chmod +x ${realpathSync(plain)}\``);
    chmodSync(plain, 0o755);
    expect(aliasCommand(env, plain)).toBe(realpathSync(plain));
    expect(aliasCommand({ PATH: path.join(home.root, 'bin') }, plain)).toBe('claude-recover');
  });

  it('wraps its messages at spaces to the terminal', async () => {
    vi.stubEnv('COLUMNS', '40');
    vi.stubEnv('PATH', '/nonexistent');
    vi.stubEnv('TMPDIR', '/nonexistent-tmp');
    const result = await run('install-alias', '--shell', 'bash');
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    for (const line of lines) if (line.length > 40) expect(line, line).not.toMatch(/\s/);
    expect(lines.slice(0, 3)).toEqual(['Added the claude alias to ~/.bashrc (a', 'new file).', 'Open a new terminal, or run: source']);
  });

  it('has help with examples for both', async () => {
    const install = await run('install-alias', '--help');
    expect(install.exitCode).toBe(0);
    expect(install.stdout).toContain('$ claude-recover install-alias --dry-run');
    expect(install.stdout).toContain("alias claude='claude-recover run --'");
    const uninstall = await run('uninstall-alias', '--help');
    expect(uninstall.stdout).toContain('$ claude-recover uninstall-alias --dry-run');
  });
});
