// The `alias claude=…` block in the user's shell rc file: where it goes, adding and
// removing it (pure text functions, so the round trip can be proven byte-exact), and
// writing the file safely (a backup in claude-recover's state folder before the first
// change, temp file + rename). An uninstall leaves the rc folder as it was before the
// install: the file restored (or removed, when the install created it) and the backup gone.
//
// The rc write is hand-written rather than write-file-atomic or atomically: both install
// process exit/signal handlers (signal-exit, when-exit), which the wrapper must not have,
// and it also needs what they do not do (write at a symlink's target, keep the mode).
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ExitCode, UserError } from '../errors.js';
import { stateDir, tilde } from '../paths.js';

export type Shell = 'bash' | 'zsh' | 'fish';
export const SHELLS: readonly Shell[] = ['bash', 'zsh', 'fish'];

export const BLOCK_START = '# >>> claude-recover >>>';
export const BLOCK_END = '# <<< claude-recover <<<';
/** In a block: the install created the file, so the uninstall removes it when nothing else is left. */
export const CREATED_MARK = '# This file was new: uninstall-alias deletes it if nothing else is in it.';

/** The shell named by $SHELL, or null when it is none we support. */
export function detectShell(env: NodeJS.ProcessEnv): Shell | null {
  const name = path.basename(env.SHELL ?? '');
  return (SHELLS as readonly string[]).includes(name) ? (name as Shell) : null;
}

/** The rc file an interactive shell of this kind reads. */
export function rcFile(shell: Shell, env: NodeJS.ProcessEnv): string {
  const home = env.HOME || os.homedir();
  if (shell === 'zsh') return path.join(env.ZDOTDIR || home, '.zshrc');
  if (shell === 'fish') return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'fish', 'config.fish');
  return path.join(home, '.bashrc');
}

export interface BlockOptions {
  /** How the alias runs claude-recover: `claude-recover` (on PATH) or its launcher's absolute path. */
  command?: string;
  /** The install created the rc file (CREATED_MARK). */
  created?: boolean;
}

/** The block, each line ending in a newline. */
export function aliasBlock(shell: Shell, options: BlockOptions = {}): string {
  const command = options.command ?? 'claude-recover';
  // A path with spaces is quoted inside the alias's own quotes (the alias value is parsed again).
  const word = /^[\w@%+=:,./-]+$/.test(command) ? command : `"${command}"`;
  const alias = shell === 'fish' ? `alias claude '${word} run --'` : `alias claude='${word} run --'`;
  const lines = [BLOCK_START, '# Added by claude-recover install-alias; uninstall-alias removes it.'];
  if (options.created) lines.push(CREATED_MARK);
  return [...lines, alias, BLOCK_END, ''].join('\n');
}

/** Whether `command` can stand in an alias: no quotes, `$`, backslashes or control characters. */
export function aliasSafe(command: string): boolean {
  return !/['"$`\\\u0000-\u001f!]/.test(command);
}

interface BlockSpan {
  /** Index of the start marker's first character. */
  start: number;
  /** Index just past the end marker's line (its newline included, if any). */
  end: number;
}

/** Where our block is, or null. The markers must start a line. */
export function findBlock(text: string): BlockSpan | null {
  const start = lineStartIndex(text, BLOCK_START);
  if (start === -1) return null;
  const endMarker = lineStartIndex(text, BLOCK_END, start);
  if (endMarker === -1) return null;
  const newline = text.indexOf('\n', endMarker);
  return { start, end: newline === -1 ? text.length : newline + 1 };
}

export interface Conflict {
  line: number;
  text: string;
  /** True when the line already runs claude-recover (set up by hand). */
  ours: boolean;
}

/** A definition of `claude` outside our block: an alias or a function. */
export function findConflict(text: string, shell: Shell): Conflict | null {
  const span = findBlock(text);
  const patterns =
    shell === 'fish'
      ? [/^\s*alias\s+(--?\S+\s+)*claude(\s|=|$)/, /^\s*function\s+claude(\s|;|$)/]
      : [/^\s*alias\s+(-\S+\s+)*['"]?claude['"]?=/, /^\s*(function\s+)?claude\s*\(\s*\)/, /^\s*function\s+claude(\s|\{|$)/];
  let offset = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const inBlock = span !== null && offset >= span.start && offset < span.end;
    offset += line.length + 1;
    if (inBlock) continue;
    if (patterns.some((p) => p.test(line))) return { line: i + 1, text: line.trim(), ours: line.includes('claude-recover') };
  }
  return null;
}

/** Whether the block in `text` says the install created the file. */
export function blockCreatedFile(text: string): boolean {
  const span = findBlock(text);
  return span !== null && text.slice(span.start, span.end).split('\n').includes(CREATED_MARK);
}

/**
 * The text with our block in place. A new block is appended after one newline: that
 * newline ends an unterminated last line, or else leaves a blank line before the block;
 * removeBlock takes exactly that newline back, so a round trip is byte-identical.
 */
export function addBlock(text: string, shell: Shell, options: BlockOptions = {}): string {
  const block = aliasBlock(shell, options);
  const span = findBlock(text);
  if (span) return text.slice(0, span.start) + block + text.slice(span.end);
  return text === '' ? block : `${text}\n${block}`;
}

/** The text without our block (and the one newline addBlock put before it). */
export function removeBlock(text: string): string {
  const span = findBlock(text);
  if (!span) return text;
  // Take the newline before the block only where that joins no lines: the block is last
  // (addBlock put it there), or a blank line precedes it.
  const atEnd = span.end === text.length;
  const take = span.start > 0 && text[span.start - 1] === '\n' && (atEnd || span.start === 1 || text[span.start - 2] === '\n');
  return text.slice(0, take ? span.start - 1 : span.start) + text.slice(span.end);
}

export interface AliasChange {
  shell: Shell;
  file: string;
  /** What happened (or would, with dryRun). */
  action: 'added' | 'updated' | 'unchanged' | 'removed' | 'absent' | 'set-up-by-hand';
  /** The backup written now (install), or removed after the verified restore (uninstall). */
  backup: string | null;
  /** Install: the file did not exist and is created. Uninstall: the install had created it, and it is deleted. */
  created: boolean;
  before: string;
  after: string;
  /** For set-up-by-hand: the line that already runs claude-recover. */
  existing?: Conflict;
}

export interface AliasOptions {
  env: NodeJS.ProcessEnv;
  shell?: string;
  rc?: string;
  dryRun?: boolean;
  /** How the alias runs claude-recover (default `claude-recover`). */
  command?: string;
}

/** Puts the block into the rc file; refuses (UserError) when the file already defines claude another way, or cannot be written where it is. */
export function installAlias(options: AliasOptions): AliasChange {
  const shell = chooseShell(options);
  const file = options.rc ?? rcFile(shell, options.env);
  const exists = existsSync(file);
  if (!exists) checkNewFile(file, options);
  const before = readText(file);
  const conflict = findConflict(before, shell);
  if (conflict?.ours) return { shell, file, action: 'set-up-by-hand', backup: null, created: false, before, after: before, existing: conflict };
  if (conflict) {
    throw new UserError(
      `${file}:${conflict.line} already defines claude: \`${conflict.text}\`. ` +
        'An alias on top of it would hide one or the other; remove or rename that definition, then run `claude-recover install-alias` again (or pick another file with --rc).',
    );
  }
  const after = addBlock(before, shell, { command: options.command, created: !exists || blockCreatedFile(before) });
  const action = after === before ? 'unchanged' : findBlock(before) ? 'updated' : 'added';
  let backup: string | null = null;
  if (action !== 'unchanged' && !options.dryRun) {
    if (exists) backup = backUp(file, options.env);
    writeRc(file, after);
  }
  return { shell, file, action, backup, created: !exists, before, after };
}

/**
 * Takes the block out of the rc file (the given one, or every shell's that has it), checks
 * the file now reads as intended, then removes the install's backup. A file the install
 * created is deleted when the block was all it held.
 */
export function uninstallAlias(options: AliasOptions): AliasChange[] {
  const targets: Array<{ shell: Shell; file: string }> = [];
  if (options.rc || options.shell) {
    const shell = chooseShell(options);
    targets.push({ shell, file: options.rc ?? rcFile(shell, options.env) });
  } else {
    for (const shell of SHELLS) targets.push({ shell, file: rcFile(shell, options.env) });
  }
  const changes: AliasChange[] = [];
  for (const { shell, file } of targets) {
    const before = readText(file);
    if (!findBlock(before)) {
      if (options.rc || options.shell) changes.push({ shell, file, action: 'absent', backup: null, created: false, before, after: before });
      continue;
    }
    const after = removeBlock(before);
    const remove = after === '' && blockCreatedFile(before);
    const backup = backupPath(file, options.env);
    const hasBackup = existsSync(backup);
    if (!options.dryRun) {
      if (remove) deleteRc(file);
      else writeRc(file, after);
      // The restore is verified before the backup goes: the file reads back as intended.
      const now = existsSync(file) ? readText(file) : null;
      if (now !== (remove ? null : after)) throw new UserError(`expected ${file} to read back without the alias block, got something else; the backup ${backup} is kept`);
      if (hasBackup) removeBackup(backup);
    }
    changes.push({ shell, file, action: 'removed', backup: hasBackup ? backup : null, created: remove, before, after });
  }
  return changes;
}

/** The rc files (of all three shells) that have our block. */
export function installedIn(env: NodeJS.ProcessEnv): Array<{ shell: Shell; file: string }> {
  return SHELLS.map((shell) => ({ shell, file: rcFile(shell, env) })).filter(({ file }) => findBlock(readText(file)) !== null);
}

/** Where the install keeps the rc file's previous version: `<state>/rc-backups/<name>-<hash of the path>.bak`. */
export function backupPath(file: string, env: NodeJS.ProcessEnv): string {
  const hash = createHash('sha256').update(path.resolve(file)).digest('hex').slice(0, 12);
  return path.join(stateDir(env), 'rc-backups', `${path.basename(file).replace(/^\./, '')}-${hash}.bak`);
}

/** A new rc file goes only into an existing folder inside the home folder: nothing else is created. */
function checkNewFile(file: string, options: AliasOptions): void {
  const dir = path.dirname(file);
  const flag = options.rc ? '--rc' : `the ${chooseShell(options)} rc file`;
  const shown = (p: string): string => tilde(p, options.env);
  if (!isDirectory(dir)) {
    throw new UserError(`${flag}: expected ${shown(file)} to be in an existing folder, but ${shown(dir)} does not exist; create it first or pick another file`);
  }
  const home = path.resolve(options.env.HOME || os.homedir());
  if (!path.resolve(file).startsWith(`${home}${path.sep}`)) {
    throw new UserError(`${flag}: ${file} does not exist and is outside your home folder (${home}); claude-recover creates no files there, so create it first or pick one in ~`);
  }
}

/** The shell to act for: --shell (checked), else $SHELL, else a guess from --rc; a usage error when none can be told. */
export function chooseShell(options: AliasOptions): Shell {
  if (options.shell !== undefined) {
    if ((SHELLS as readonly string[]).includes(options.shell)) return options.shell as Shell;
    throw new UserError(`--shell: expected bash, zsh or fish, got "${options.shell}"`, { exitCode: ExitCode.usage });
  }
  const detected = detectShell(options.env);
  if (detected) return detected;
  if (options.rc) {
    // An rc file without a shell: fish's config is the only one with its own syntax.
    return options.rc.endsWith('.fish') ? 'fish' : 'bash';
  }
  throw new UserError(
    `cannot tell your shell from $SHELL (${options.env.SHELL ? `"${options.env.SHELL}"` : 'unset'}); pass --shell bash, --shell zsh or --shell fish`,
    { exitCode: ExitCode.usage },
  );
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof Error && (error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw new UserError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** In the backups folder: the outermost folder the first backup had to create, removed with the last backup. */
const CREATED_FOLDERS = '.folders-created';

/** Copies the rc file to its backup unless one exists (the first change keeps the user's own version); returns the backup written now. */
function backUp(file: string, env: NodeJS.ProcessEnv): string | null {
  const backup = backupPath(file, env);
  if (existsSync(backup)) return null;
  const dir = path.dirname(backup);
  try {
    const created = mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (created !== undefined) writeFileSync(path.join(dir, CREATED_FOLDERS), created);
    copyFileSync(file, backup);
  } catch (error) {
    throw new UserError(`cannot back up ${file} to ${backup}: ${error instanceof Error ? error.message : String(error)} (nothing was changed)`, { cause: error });
  }
  return backup;
}

/** Removes a backup; with the last one, the folders the first backup created, as far as they are empty. */
function removeBackup(backup: string): void {
  unlinkSync(backup);
  const dir = path.dirname(backup);
  const marker = path.join(dir, CREATED_FOLDERS);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  if (names.some((name) => name !== CREATED_FOLDERS)) return;
  let outermost = dir;
  try {
    outermost = readFileSync(marker, 'utf8');
    unlinkSync(marker);
  } catch {
    // No marker: the folders were there before; only the backups folder is ours to remove.
  }
  for (let folder = dir; ; folder = path.dirname(folder)) {
    try {
      rmdirSync(folder);
    } catch {
      return; // Not empty (other state), or gone.
    }
    const parent = path.dirname(folder);
    // Up to the recorded folder, never past it.
    if (folder === outermost || parent === folder || !(parent === outermost || parent.startsWith(`${outermost}${path.sep}`))) return;
  }
}

/**
 * Replaces the file through a temp file and a rename so a crash never leaves half an rc
 * file. A symlinked rc file (dotfile managers) is written at its target so the link stays.
 */
function writeRc(file: string, after: string): void {
  let target = file;
  try {
    target = realpathSync(file);
  } catch {
    // Does not exist yet: create it where asked.
  }
  const exists = existsSync(target);
  const temp = `${target}.claude-recover-${process.pid}.tmp`;
  try {
    writeFileSync(temp, after, { flag: 'wx' });
    chmodSync(temp, exists ? statSync(target).mode & 0o7777 : 0o644);
    renameSync(temp, target);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // Nothing to clean up.
    }
    throw new UserError(`cannot write ${target}: ${error instanceof Error ? error.message : String(error)} (the file is unchanged)`, { cause: error });
  }
}

function deleteRc(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    throw new UserError(`cannot remove ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

function lineStartIndex(text: string, marker: string, from = 0): number {
  let index = text.indexOf(marker, from);
  while (index !== -1) {
    const atLineStart = index === 0 || text[index - 1] === '\n';
    const lineEnd = text.indexOf('\n', index);
    const rest = text.slice(index + marker.length, lineEnd === -1 ? text.length : lineEnd);
    if (atLineStart && rest.trim() === '') return index;
    index = text.indexOf(marker, index + 1);
  }
  return -1;
}
