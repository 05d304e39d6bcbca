import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import {
  addBlock,
  aliasBlock,
  detectShell,
  findConflict,
  installAlias,
  installedIn,
  rcFile,
  removeBlock,
  uninstallAlias,
} from '../../../src/install/alias.js';

const ORIGINALS = ['', '\n', 'export A=1', 'export A=1\n', 'export A=1\n\n', 'a\r\nb\r\n', 'a\r\nb', '# only a comment'];

describe('addBlock / removeBlock', () => {
  for (const original of ORIGINALS) {
    for (const shell of ['bash', 'fish'] as const) {
      it(`round-trips ${JSON.stringify(original)} byte for byte (${shell})`, () => {
        const added = addBlock(original, shell);
        expect(added).toContain(aliasBlock(shell));
        expect(added.startsWith(original)).toBe(true);
        expect(addBlock(added, shell)).toBe(added);
        expect(removeBlock(added)).toBe(original);
      });
    }
  }

  it('leaves a blank line before the block and ends an unterminated last line', () => {
    expect(addBlock('x\n', 'bash')).toBe(`x\n\n${aliasBlock('bash')}`);
    expect(addBlock('x', 'bash')).toBe(`x\n${aliasBlock('bash')}`);
  });

  it('writes the alias in each shell’s syntax', () => {
    expect(aliasBlock('zsh')).toBe(
      "# >>> claude-recover >>>\n# Added by `claude-recover install-alias`; `claude-recover uninstall-alias` removes it.\nalias claude='claude-recover run --'\n# <<< claude-recover <<<\n",
    );
    expect(aliasBlock('fish')).toContain("\nalias claude 'claude-recover run --'\n");
  });

  it('replaces an outdated block in place and removes a block with lines after it', () => {
    const old = `a\n\n# >>> claude-recover >>>\nalias claude='old'\n# <<< claude-recover <<<\nb\n`;
    expect(addBlock(old, 'bash')).toBe(`a\n\n${aliasBlock('bash')}b\n`);
    expect(removeBlock(old)).toBe('a\nb\n');
    // Never joins two lines when the block sits between them.
    expect(removeBlock(`a\n${aliasBlock('bash')}b\n`)).toBe('a\nb\n');
  });

  it('ignores markers that do not start a line', () => {
    const text = `echo "# >>> claude-recover >>>"\necho "# <<< claude-recover <<<"\n`;
    expect(removeBlock(text)).toBe(text);
  });
});

describe('findConflict', () => {
  it('finds aliases and functions named claude outside the block', () => {
    const cases: Array<[string, 'bash' | 'zsh' | 'fish', number | null]> = [
      ["alias claude='claude --verbose'", 'bash', 1],
      ['x=1\n  alias claude="foo"', 'zsh', 2],
      ['claude() { command claude "$@"; }', 'bash', 1],
      ['function claude {\n}', 'zsh', 1],
      ['function claude() {', 'bash', 1],
      ["# alias claude='x'", 'bash', null],
      ["alias claudette='x'", 'bash', null],
      ['claude --version', 'bash', null],
      ['function claude --wraps claude', 'fish', 1],
      ["alias claude 'x'", 'fish', 1],
      ['alias claude=x', 'fish', 1],
      [addBlock('', 'bash'), 'bash', null],
    ];
    for (const [text, shell, line] of cases) expect(findConflict(text, shell)?.line ?? null, text).toBe(line);
  });

  it('tells a hand-made claude-recover alias from an unrelated one', () => {
    expect(findConflict("alias claude='claude-recover run --'", 'bash')?.ours).toBe(true);
    expect(findConflict("alias claude='claude --x'", 'bash')?.ours).toBe(false);
  });
});

describe('rc files', () => {
  let root: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'cr-alias-'));
    env = { HOME: root, SHELL: '/usr/bin/zsh' };
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('detects the shell and its rc file', () => {
    expect(detectShell(env)).toBe('zsh');
    expect(detectShell({ SHELL: '/bin/tcsh' })).toBeNull();
    expect(rcFile('bash', env)).toBe(path.join(root, '.bashrc'));
    expect(rcFile('zsh', { ...env, ZDOTDIR: '/z' })).toBe('/z/.zshrc');
    expect(rcFile('fish', env)).toBe(path.join(root, '.config', 'fish', 'config.fish'));
    expect(rcFile('fish', { ...env, XDG_CONFIG_HOME: '/x' })).toBe('/x/fish/config.fish');
  });

  it('installs with one backup, is idempotent, and uninstalls to the identical bytes and mode', () => {
    const rc = path.join(root, '.zshrc');
    const original = 'export PATH=$HOME/bin:$PATH\nsetopt autocd';
    writeFileSync(rc, original);
    chmodSync(rc, 0o640);
    const first = installAlias({ env });
    expect(first).toMatchObject({ shell: 'zsh', file: rc, action: 'added', backup: `${rc}.claude-recover.bak` });
    expect(readFileSync(`${rc}.claude-recover.bak`, 'utf8')).toBe(original);
    expect(statSync(rc).mode & 0o777).toBe(0o640);
    const installed = readFileSync(rc, 'utf8');
    expect(installAlias({ env })).toMatchObject({ action: 'unchanged', backup: null });
    expect(readFileSync(rc, 'utf8')).toBe(installed);
    expect(installedIn(env)).toEqual([{ shell: 'zsh', file: rc }]);

    const removed = uninstallAlias({ env });
    expect(removed.map((c) => [c.file, c.action, c.backup])).toEqual([[rc, 'removed', null]]);
    expect(readFileSync(rc, 'utf8')).toBe(original);
    expect(statSync(rc).mode & 0o777).toBe(0o640);
    expect(readFileSync(`${rc}.claude-recover.bak`, 'utf8')).toBe(original);
    expect(installedIn(env)).toEqual([]);
    expect(uninstallAlias({ env })).toEqual([]);
    expect(readdirSync(root).sort()).toEqual(['.zshrc', '.zshrc.claude-recover.bak']);
  });

  it('creates a missing rc file (and its folder) without a backup', () => {
    const change = installAlias({ env, shell: 'fish' });
    expect(change).toMatchObject({ action: 'added', backup: null });
    expect(readFileSync(path.join(root, '.config', 'fish', 'config.fish'), 'utf8')).toBe(aliasBlock('fish'));
  });

  it('writes through a symlinked rc file and keeps the link', () => {
    mkdirSync(path.join(root, 'dotfiles'));
    const target = path.join(root, 'dotfiles', 'zshrc');
    writeFileSync(target, 'x\n');
    symlinkSync(target, path.join(root, '.zshrc'));
    installAlias({ env });
    expect(lstatSync(path.join(root, '.zshrc')).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe(`x\n\n${aliasBlock('zsh')}`);
  });

  it('refuses when the file already defines claude, and changes nothing', () => {
    const rc = path.join(root, '.zshrc');
    writeFileSync(rc, "alias ll='ls -l'\nalias claude='claude --dangerously-skip-permissions'\n");
    let caught: unknown;
    try {
      installAlias({ env });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UserError);
    expect((caught as UserError).exitCode).toBe(1);
    expect((caught as UserError).message).toMatch(new RegExp(`^${rc}:2 already defines claude: \`alias claude='claude --dangerously-skip-permissions'\`\\. .*remove or rename`));
    expect(existsSync(`${rc}.claude-recover.bak`)).toBe(false);
  });

  it('dry run writes nothing', () => {
    const change = installAlias({ env, dryRun: true });
    expect(change.action).toBe('added');
    expect(change.after).toBe(aliasBlock('zsh'));
    expect(existsSync(path.join(root, '.zshrc'))).toBe(false);
  });

  it('asks for --shell when $SHELL is not one it knows', () => {
    expect(() => installAlias({ env: { HOME: root, SHELL: '/bin/tcsh' } })).toThrow(/cannot tell your shell from \$SHELL \("\/bin\/tcsh"\); pass --shell bash/);
    expect(() => installAlias({ env, shell: 'csh' })).toThrow('--shell: expected bash, zsh or fish, got "csh"');
  });
});
