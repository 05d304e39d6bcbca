import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { register } from '../../../src/commands/install-alias.js';
import { aliasBlock } from '../../../src/install/alias.js';
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
});
afterEach(() => home.cleanup());

describe('claude-recover install-alias / uninstall-alias', () => {
  it('adds the block to the $SHELL rc file, then changes nothing, then uninstall restores the bytes', async () => {
    const rc = path.join(home.root, '.bashrc');
    const original = '# my bashrc\nexport EDITOR=vim';
    writeFileSync(rc, original);

    const first = await run('install-alias');
    expect(first).toEqual({
      stdout: 'Added the claude alias to ~/.bashrc (backup of the previous file: ~/.bashrc.claude-recover.bak).\nOpen a new terminal, or run: source ~/.bashrc\n',
      stderr: '',
      exitCode: 0,
    });
    const installed = readFileSync(rc, 'utf8');
    expect(installed).toBe(`${original}\n${aliasBlock('bash')}`);

    const again = await run('install-alias');
    expect(again).toEqual({ stdout: 'The claude alias is already in ~/.bashrc; nothing changed.\n', stderr: '', exitCode: 0 });
    expect(readFileSync(rc, 'utf8')).toBe(installed);

    const removed = await run('uninstall-alias');
    expect(removed).toEqual({ stdout: 'Removed the claude alias from ~/.bashrc. Open a new terminal for it to take effect.\n', stderr: '', exitCode: 0 });
    expect(readFileSync(rc, 'utf8')).toBe(original);

    expect(await run('uninstall-alias')).toEqual({
      stdout: 'No claude-recover alias block in ~/.bashrc, ~/.zshrc, ~/.config/fish/config.fish; nothing to do.\n',
      stderr: '',
      exitCode: 0,
    });
  });

  it('--dry-run shows the block and writes nothing', async () => {
    const result = await run('install-alias', '--dry-run', '--shell', 'fish');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(`Would add in ~/.config/fish/config.fish:\n${aliasBlock('fish').replace(/^/gm, '  ').trimEnd()}\n(dry run: nothing written)\n`);
    expect(existsSync(path.join(home.root, '.config', 'fish'))).toBe(false);
  });

  it('--rc picks the file', async () => {
    const rc = path.join(home.root, 'aliases.sh');
    const result = await run('install-alias', '--rc', rc, '--shell', 'zsh');
    expect(result.exitCode).toBe(0);
    expect(readFileSync(rc, 'utf8')).toBe(aliasBlock('zsh'));
    expect((await run('uninstall-alias', '--rc', rc)).stdout).toBe(
      'Removed the claude alias from ~/aliases.sh (backup of the previous file: ~/aliases.sh.claude-recover.bak). Open a new terminal for it to take effect.\n',
    );
    expect(readFileSync(rc, 'utf8')).toBe('');
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

  it('exits 2 on an unknown shell and notes a missing claude-recover on PATH', async () => {
    vi.stubEnv('SHELL', '/bin/tcsh');
    const unknown = await run('install-alias');
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('pass --shell bash, --shell zsh or --shell fish');
    const bad = await run('install-alias', '--shell', 'pwsh');
    expect(bad).toMatchObject({ exitCode: 2, stderr: 'claude-recover: --shell: expected bash, zsh or fish, got "pwsh"\n' });

    vi.stubEnv('PATH', '/nonexistent');
    const noted = await run('install-alias', '--shell', 'bash');
    expect(noted.exitCode).toBe(0);
    expect(noted.stderr).toContain('claude-recover is not on your PATH, so the alias would fail');
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
