// `claude-recover install-alias` / `uninstall-alias`: the `alias claude=…` block in the shell rc file.
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { ExitCode } from '../errors.js';
import { aliasBlock, BACKUP_SUFFIX, installAlias, rcFile, uninstallAlias, type AliasChange, type AliasOptions } from '../install/alias.js';

interface Options {
  shell?: string;
  rc?: string;
  dryRun?: boolean;
}

const INSTALL_EXAMPLES = `
Examples:
  $ claude-recover install-alias                 the rc file of your $SHELL
  $ claude-recover install-alias --dry-run       show the change, write nothing
  $ claude-recover install-alias --shell zsh
  $ claude-recover install-alias --shell bash --rc ~/.bash_aliases

Adds this block to ~/.bashrc, ~/.zshrc (or $ZDOTDIR/.zshrc) or ~/.config/fish/config.fish:
${indent(aliasBlock('bash'))}
Running it again changes nothing. Before the first change the file is copied to
<rc>${BACKUP_SUFFIX}. It refuses when the file already defines claude (an alias or
a function), and says where.`;

const UNINSTALL_EXAMPLES = `
Examples:
  $ claude-recover uninstall-alias               from every rc file that has the block
  $ claude-recover uninstall-alias --dry-run
  $ claude-recover uninstall-alias --rc ~/.bash_aliases

Removes exactly what install-alias added: the file is then byte for byte what it was.`;

export function register(program: Command): void {
  program
    .command('install-alias')
    .description("make `claude` run through claude-recover: add an alias block to your shell's rc file")
    .option('--shell <shell>', 'bash, zsh or fish (default: from $SHELL)')
    .option('--rc <file>', 'the rc file to change (default: the shell’s usual one)')
    .option('--dry-run', 'show what would change without writing')
    .addHelpText('after', INSTALL_EXAMPLES)
    .action((options: Options) => {
      const env = process.env;
      const change = installAlias(aliasOptions(options, env));
      process.stdout.write(describeInstall(change, env, options.dryRun === true));
      if (change.action !== 'set-up-by-hand' && !onPath('claude-recover', env)) {
        process.stderr.write(
          'claude-recover: note: claude-recover is not on your PATH, so the alias would fail; install it globally (npm install -g claude-recover) or add its bin folder to PATH.\n',
        );
      }
      process.exitCode = ExitCode.ok;
    });

  program
    .command('uninstall-alias')
    .description('remove the alias block install-alias added')
    .option('--shell <shell>', 'only this shell’s rc file: bash, zsh or fish')
    .option('--rc <file>', 'only this rc file')
    .option('--dry-run', 'show what would change without writing')
    .addHelpText('after', UNINSTALL_EXAMPLES)
    .action((options: Options) => {
      const env = process.env;
      const changes = uninstallAlias(aliasOptions(options, env));
      const removed = changes.filter((c) => c.action === 'removed');
      if (removed.length === 0) {
        const where = changes.length > 0 ? changes.map((c) => tilde(c.file, env)) : (['bash', 'zsh', 'fish'] as const).map((s) => tilde(rcFile(s, env), env));
        process.stdout.write(`No claude-recover alias block in ${where.join(', ')}; nothing to do.\n`);
      }
      for (const change of removed) {
        const file = tilde(change.file, env);
        process.stdout.write(
          options.dryRun
            ? `Would remove from ${file}:\n${indent(aliasBlock(change.shell))}(dry run: nothing written)\n`
            : `Removed the claude alias from ${file}${change.backup ? ` (backup of the previous file: ${tilde(change.backup, env)})` : ''}. Open a new terminal for it to take effect.\n`,
        );
      }
      process.exitCode = ExitCode.ok;
    });
}

function aliasOptions(options: Options, env: NodeJS.ProcessEnv): AliasOptions {
  return { env, shell: options.shell, rc: options.rc === undefined ? undefined : path.resolve(options.rc), dryRun: options.dryRun === true };
}

function describeInstall(change: AliasChange, env: NodeJS.ProcessEnv, dryRun: boolean): string {
  const file = tilde(change.file, env);
  switch (change.action) {
    case 'set-up-by-hand':
      return `${file}:${change.existing?.line ?? '?'} already runs claude-recover (\`${change.existing?.text ?? ''}\`); nothing changed.\n`;
    case 'unchanged':
      return `The claude alias is already in ${file}; nothing changed.\n`;
    default: {
      const verb = change.action === 'added' ? 'add' : 'update';
      if (dryRun) return `Would ${verb} in ${file}:\n${indent(aliasBlock(change.shell))}(dry run: nothing written)\n`;
      const backup = change.backup ? ` (backup of the previous file: ${tilde(change.backup, env)})` : '';
      return `${change.action === 'added' ? 'Added the claude alias to' : 'Updated the claude alias in'} ${file}${backup}.\nOpen a new terminal, or run: source ${file}\n`;
    }
  }
}

function onPath(command: string, env: NodeJS.ProcessEnv): boolean {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    try {
      accessSync(path.join(dir, command), constants.X_OK);
      return true;
    } catch {
      // Not in this one.
    }
  }
  return false;
}

function tilde(file: string, env: NodeJS.ProcessEnv): string {
  const home = env.HOME;
  return home && home !== '/' && file.startsWith(`${home}/`) ? `~${file.slice(home.length)}` : file;
}

function indent(text: string): string {
  return text.replace(/^(?=.)/gm, '  ');
}
