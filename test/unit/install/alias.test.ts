import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import {
  addBlock,
  aliasBlock,
  backupPath,
  CREATED_MARK,
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
      "# >>> claude-recover >>>\n# Added by claude-recover install-alias; uninstall-alias removes it.\nalias claude='claude-recover run --'\n# <<< claude-recover <<<\n",
    );
    expect(aliasBlock('fish')).toContain("\nalias claude 'claude-recover run --'\n");
    // Every line fits 78 columns, so the dry run's indented copy fits 80.
    for (const line of aliasBlock('zsh', { created: true }).split('\n')) expect(line.length).toBeLessThanOrEqual(78);
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

  it('installs with one backup, is idempotent, and uninstalls to the identical bytes and mode, leaving nothing behind', () => {
    const rc = path.join(root, '.zshrc');
    const original = 'export PATH=$HOME/bin:$PATH\nsetopt autocd';
    writeFileSync(rc, original);
    chmodSync(rc, 0o640);
    const backup = backupPath(rc, env);
    expect(path.dirname(backup)).toBe(path.join(root, '.local', 'state', 'claude-recover', 'rc-backups'));
    const first = installAlias({ env });
    expect(first).toMatchObject({ shell: 'zsh', file: rc, action: 'added', backup, created: false });
    expect(readFileSync(backup, 'utf8')).toBe(original);
    expect(statSync(rc).mode & 0o777).toBe(0o640);
    const installed = readFileSync(rc, 'utf8');
    expect(installAlias({ env })).toMatchObject({ action: 'unchanged', backup: null });
    expect(readFileSync(rc, 'utf8')).toBe(installed);
    expect(installedIn(env)).toEqual([{ shell: 'zsh', file: rc }]);
    // Nothing beside the rc file: the backup lives in claude-recover's state folder.
    expect(readdirSync(root).sort()).toEqual(['.local', '.zshrc']);

    const removed = uninstallAlias({ env });
    expect(removed.map((c) => [c.file, c.action, c.backup, c.created])).toEqual([[rc, 'removed', backup, false]]);
    expect(readFileSync(rc, 'utf8')).toBe(original);
    expect(statSync(rc).mode & 0o777).toBe(0o640);
    expect(installedIn(env)).toEqual([]);
    expect(uninstallAlias({ env })).toEqual([]);
    // The backup and the folders its first copy created are gone again.
    expect(readdirSync(root).sort()).toEqual(['.zshrc']);
  });

  it('keeps state folders that were there before, and other backups until the last one goes', () => {
    mkdirSync(path.join(root, '.local', 'state', 'claude-recover'), { recursive: true });
    writeFileSync(path.join(root, '.local', 'state', 'claude-recover', 'events.jsonl'), '');
    writeFileSync(path.join(root, '.bashrc'), 'b\n');
    writeFileSync(path.join(root, '.zshrc'), 'z\n');
    installAlias({ env, shell: 'bash' });
    installAlias({ env, shell: 'zsh' });
    const backups = (): string[] => readdirSync(path.join(root, '.local', 'state', 'claude-recover', 'rc-backups')).filter((n) => n.endsWith('.bak'));
    expect(backups()).toHaveLength(2);
    uninstallAlias({ env, shell: 'bash' });
    expect(backups()).toHaveLength(1);
    uninstallAlias({ env });
    expect(readdirSync(path.join(root, '.local', 'state', 'claude-recover'))).toEqual(['events.jsonl']);
    expect(readFileSync(path.join(root, '.bashrc'), 'utf8')).toBe('b\n');
    expect(readFileSync(path.join(root, '.zshrc'), 'utf8')).toBe('z\n');
  });

  it('creates a missing rc file in an existing folder, marks it, and the uninstall deletes it again', () => {
    mkdirSync(path.join(root, '.config', 'fish'), { recursive: true });
    const rc = path.join(root, '.config', 'fish', 'config.fish');
    const change = installAlias({ env, shell: 'fish' });
    expect(change).toMatchObject({ action: 'added', backup: null, created: true });
    expect(readFileSync(rc, 'utf8')).toBe(aliasBlock('fish', { created: true }));
    expect(readFileSync(rc, 'utf8')).toContain(CREATED_MARK);
    expect(uninstallAlias({ env })).toMatchObject([{ file: rc, action: 'removed', created: true, backup: null }]);
    expect(existsSync(rc)).toBe(false);
    expect(readdirSync(path.join(root, '.config', 'fish'))).toEqual([]);
    expect(readdirSync(root).sort()).toEqual(['.config']);
  });

  it('keeps a created rc file that has gained other lines', () => {
    const rc = path.join(root, '.zshrc');
    installAlias({ env });
    writeFileSync(rc, `${readFileSync(rc, 'utf8')}export EDITOR=vim\n`);
    expect(uninstallAlias({ env })).toMatchObject([{ action: 'removed', created: false }]);
    expect(readFileSync(rc, 'utf8')).toBe('export EDITOR=vim\n');
  });

  it('refuses a new rc file in a folder that does not exist, or outside the home folder, and creates nothing', () => {
    expect(() => installAlias({ env, shell: 'fish' })).toThrow(/^the fish rc file: expected .*config\.fish to be in an existing folder, but .*\/\.config\/fish does not exist/);
    expect(() => installAlias({ env, rc: path.join(root, 'no', 'such', 'rc') })).toThrow(/^--rc: expected .* to be in an existing folder/);
    const outside = mkdtempSync(path.join(os.tmpdir(), 'cr-outside-'));
    try {
      expect(() => installAlias({ env, rc: path.join(outside, 'rc') })).toThrow(/^--rc: .*rc does not exist and is outside your home folder/);
      expect(readdirSync(outside)).toEqual([]);
      // An existing file outside the home folder is the user's explicit choice: it is changed.
      writeFileSync(path.join(outside, 'rc'), 'x\n');
      expect(installAlias({ env, rc: path.join(outside, 'rc') })).toMatchObject({ action: 'added' });
      expect(readdirSync(outside)).toEqual(['rc']);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
    expect(readdirSync(root).filter((n) => n !== '.local')).toEqual([]);
  });

  it('writes the alias with a launcher path, quoted when it has spaces', () => {
    expect(aliasBlock('bash', { command: '/opt/cr/bin/claude-recover.js' })).toContain("\nalias claude='/opt/cr/bin/claude-recover.js run --'\n");
    expect(aliasBlock('bash', { command: '/my tools/claude-recover.js' })).toContain(`\nalias claude='"/my tools/claude-recover.js" run --'\n`);
    expect(aliasBlock('fish', { command: '/opt/cr/bin/claude-recover.js' })).toContain("\nalias claude '/opt/cr/bin/claude-recover.js run --'\n");
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
    expect(existsSync(backupPath(rc, env))).toBe(false);
  });

  it('dry run writes nothing', () => {
    const change = installAlias({ env, dryRun: true });
    expect(change.action).toBe('added');
    expect(change.after).toBe(aliasBlock('zsh', { created: true }));
    expect(readdirSync(root)).toEqual([]);
  });

  it('asks for --shell when $SHELL is not one it knows', () => {
    expect(() => installAlias({ env: { HOME: root, SHELL: '/bin/tcsh' } })).toThrow(/cannot tell your shell from \$SHELL \("\/bin\/tcsh"\); pass --shell bash/);
    expect(() => installAlias({ env, shell: 'csh' })).toThrow('--shell: expected bash, zsh or fish, got "csh"');
  });
});
