// `claude-recover install-alias` / `uninstall-alias`: the `alias claude=…` block in the shell rc file.
import { accessSync, constants, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { ExitCode, UserError } from '../errors.js';
import { aliasBlock, aliasSafe, chooseShell, findBlock, installAlias, rcFile, uninstallAlias, type AliasChange, type AliasOptions } from '../install/alias.js';
import { OUR_BIN } from '../launcher/find-claude.js';
import { tilde } from '../paths.js';

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
When claude-recover is not on your PATH (run from a checkout), the alias names its
launcher by full path instead; from a temporary place (npx) it refuses and says why.
Running it again changes nothing. Before the first change the file is copied to
claude-recover's state folder (rc-backups/). It refuses when the file already defines
claude (an alias or a function), and says where, and creates no folder: an --rc file
must be in a folder that exists, and a new one inside your home folder.`;

const UNINSTALL_EXAMPLES = `
Examples:
  $ claude-recover uninstall-alias               from every rc file that has the block
  $ claude-recover uninstall-alias --dry-run
  $ claude-recover uninstall-alias --rc ~/.bash_aliases

Removes exactly what install-alias added: the file is then byte for byte what it was, or
gone again if install-alias created it. The backup is removed once the file is checked.`;

export function register(program: Command): void {
  program
    .command('install-alias')
    .description("make `claude` run through claude-recover: add an alias block to your shell's rc file")
    .option('--shell <shell>', 'bash, zsh or fish (default: from $SHELL)')
    .option('--rc <file>', 'the rc file to change (default: the shell’s usual one)')
    .option('--dry-run', 'show what would change without writing')
    .addHelpText('after', INSTALL_EXAMPLES)
    .action(async (options: Options) => {
      const env = process.env;
      // The command line first (a usage error), then whether an alias can work here.
      chooseShell(aliasOptions(options, env));
      const command = aliasCommand(env);
      const change = installAlias({ ...aliasOptions(options, env), command });
      let text = describeInstall(change, env, options.dryRun === true);
      if (command !== 'claude-recover' && (change.action === 'added' || change.action === 'updated')) {
        text += `claude-recover is not on your PATH, so the alias runs it by its full path (${tilde(command, env)}).\n`;
      }
      process.stdout.write(await wrapLines(text, env));
      process.exitCode = ExitCode.ok;
    });

  program
    .command('uninstall-alias')
    .description('remove the alias block install-alias added')
    .option('--shell <shell>', 'only this shell’s rc file: bash, zsh or fish')
    .option('--rc <file>', 'only this rc file')
    .option('--dry-run', 'show what would change without writing')
    .addHelpText('after', UNINSTALL_EXAMPLES)
    .action(async (options: Options) => {
      const env = process.env;
      const changes = uninstallAlias(aliasOptions(options, env));
      const removed = changes.filter((c) => c.action === 'removed');
      if (removed.length === 0) {
        const where = changes.length > 0 ? changes.map((c) => tilde(c.file, env)) : (['bash', 'zsh', 'fish'] as const).map((s) => tilde(rcFile(s, env), env));
        process.stdout.write(await wrapLines(`No claude-recover alias block in ${where.join(', ')}; nothing to do.\n`, env));
      }
      for (const change of removed) process.stdout.write(await wrapLines(describeUninstall(change, env, options.dryRun === true), env));
      process.exitCode = ExitCode.ok;
    });
}

/**
 * What the alias runs: `claude-recover` when it is on PATH, else this copy's launcher by
 * full path when that path will still be there tomorrow; a UserError otherwise.
 */
export function aliasCommand(env: NodeJS.ProcessEnv, launcher: string = OUR_BIN): string {
  if (onPath('claude-recover', env)) return 'claude-recover';
  let real: string;
  try {
    real = realpathSync(launcher);
  } catch {
    real = launcher;
  }
  const install = 'install it (npm install -g claude-recover, or npm link in a checkout) and run install-alias again';
  if (temporary(real)) {
    throw new UserError(`claude-recover is not on your PATH and runs from a temporary place (${real}), so an alias would stop working; ${install}`);
  }
  try {
    accessSync(real, constants.X_OK);
  } catch {
    throw new UserError(`claude-recover is not on your PATH and its launcher ${real} is not executable, so an alias would fail; run \`chmod +x ${real}\`, or ${install}`);
  }
  if (!aliasSafe(real)) throw new UserError(`claude-recover is not on your PATH and its path (${real}) cannot be put in an alias; ${install}`);
  return real;
}

/** Inside an npx/pnpm dlx/bunx cache or the temp folder: gone after the next cleanup. */
function temporary(file: string): boolean {
  const parts = file.split(path.sep);
  if (parts.some((p) => p === '_npx' || p === 'dlx' || p.startsWith('bunx-'))) return true;
  const tmp = realpathOrSelf(os.tmpdir());
  return file.startsWith(`${tmp}${path.sep}`);
}

function realpathOrSelf(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
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
      const span = findBlock(change.after);
      const block = span ? change.after.slice(span.start, span.end) : '';
      if (dryRun) return `Would ${verb} in ${file}${change.created ? ' (a new file)' : ''}:\n${indent(block)}(dry run: nothing written)\n`;
      const note = change.created ? ' (a new file)' : change.backup ? ` (backup of the previous file: ${tilde(change.backup, env)})` : '';
      return `${change.action === 'added' ? 'Added the claude alias to' : 'Updated the claude alias in'} ${file}${note}.\nOpen a new terminal, or run: source ${file}\n`;
    }
  }
}

function describeUninstall(change: AliasChange, env: NodeJS.ProcessEnv, dryRun: boolean): string {
  const file = tilde(change.file, env);
  const backup = change.backup ? tilde(change.backup, env) : null;
  if (dryRun) {
    const then = change.created ? `; ${file} would be deleted (install-alias created it)` : '';
    return `Would remove the claude alias from ${file}${then}${backup ? `, and the backup ${backup}` : ''} (dry run: nothing written)\n`;
  }
  const what = change.created ? `Removed ${file} (install-alias had created it for the alias)` : `Removed the claude alias from ${file}`;
  return `${what}${backup ? `; the backup ${backup} is deleted` : ''}. Open a new terminal for it to take effect.\n`;
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

/** Each line of `text` wrapped to the terminal (the block's own lines are never longer than 80). */
async function wrapLines(text: string, env: NodeJS.ProcessEnv): Promise<string> {
  // Loaded here, not with the module: every command's module is loaded for any command.
  const { terminalColumns, wrapText } = await import('../ui/width.js');
  const columns = terminalColumns(process.stdout, env);
  return text.replace(/[^\n]+/g, (line) => (line.startsWith('  ') ? line : wrapText(line, columns)));
}

function indent(text: string): string {
  return text.replace(/^(?=.)/gm, '  ');
}
