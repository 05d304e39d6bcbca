// The `alias claude=…` block in the user's shell rc file: where it goes, adding and
// removing it (pure text functions, so the round trip can be proven byte-exact), and
// writing the file safely (backup before the first change, temp file + rename).
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ExitCode, UserError } from '../errors.js';

export type Shell = 'bash' | 'zsh' | 'fish';
export const SHELLS: readonly Shell[] = ['bash', 'zsh', 'fish'];

export const BLOCK_START = '# >>> claude-recover >>>';
export const BLOCK_END = '# <<< claude-recover <<<';
export const BACKUP_SUFFIX = '.claude-recover.bak';

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

/** The block, each line ending in a newline. */
export function aliasBlock(shell: Shell): string {
  const alias = shell === 'fish' ? "alias claude 'claude-recover run --'" : "alias claude='claude-recover run --'";
  return [BLOCK_START, '# Added by `claude-recover install-alias`; `claude-recover uninstall-alias` removes it.', alias, BLOCK_END, ''].join('\n');
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

/**
 * The text with our block in place. A new block is appended after one newline: that
 * newline ends an unterminated last line, or else leaves a blank line before the block;
 * removeBlock takes exactly that newline back, so a round trip is byte-identical.
 */
export function addBlock(text: string, shell: Shell): string {
  const block = aliasBlock(shell);
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
  /** The backup written now, if any. */
  backup: string | null;
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
}

/** Puts the block into the rc file; refuses (UserError) when the file already defines claude another way. */
export function installAlias(options: AliasOptions): AliasChange {
  const shell = chooseShell(options);
  const file = options.rc ?? rcFile(shell, options.env);
  const before = readText(file);
  const conflict = findConflict(before, shell);
  if (conflict?.ours) return { shell, file, action: 'set-up-by-hand', backup: null, before, after: before, existing: conflict };
  if (conflict) {
    throw new UserError(
      `${file}:${conflict.line} already defines claude: \`${conflict.text}\`. ` +
        'An alias on top of it would hide one or the other; remove or rename that definition, then run `claude-recover install-alias` again (or pick another file with --rc).',
    );
  }
  const after = addBlock(before, shell);
  const action = after === before ? 'unchanged' : findBlock(before) ? 'updated' : 'added';
  const backup = action === 'unchanged' || options.dryRun ? null : writeRc(file, after);
  return { shell, file, action, backup, before, after };
}

/** Takes the block out of the rc file: the given one, or every shell's that has it. */
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
      if (options.rc || options.shell) changes.push({ shell, file, action: 'absent', backup: null, before, after: before });
      continue;
    }
    const after = removeBlock(before);
    const backup = options.dryRun ? null : writeRc(file, after);
    changes.push({ shell, file, action: 'removed', backup, before, after });
  }
  return changes;
}

/** The rc files (of all three shells) that have our block. */
export function installedIn(env: NodeJS.ProcessEnv): Array<{ shell: Shell; file: string }> {
  return SHELLS.map((shell) => ({ shell, file: rcFile(shell, env) })).filter(({ file }) => findBlock(readText(file)) !== null);
}

function chooseShell(options: AliasOptions): Shell {
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

/**
 * Backs the file up once (the first change keeps the user's own version), then replaces
 * it through a temp file and a rename so a crash never leaves half an rc file. A symlinked
 * rc file (dotfile managers) is written at its target so the link stays.
 */
function writeRc(file: string, after: string): string | null {
  let target = file;
  try {
    target = realpathSync(file);
  } catch {
    // Does not exist yet: create it where asked.
  }
  let backup: string | null = null;
  const exists = existsSync(target);
  try {
    if (exists && !existsSync(`${file}${BACKUP_SUFFIX}`)) {
      copyFileSync(target, `${file}${BACKUP_SUFFIX}`);
      backup = `${file}${BACKUP_SUFFIX}`;
    }
    if (!exists) mkdirSync(path.dirname(target), { recursive: true });
    const temp = `${target}.claude-recover-${process.pid}.tmp`;
    try {
      writeFileSync(temp, after);
      chmodSync(temp, exists ? statSync(target).mode & 0o7777 : 0o644);
      renameSync(temp, target);
    } catch (error) {
      try {
        unlinkSync(temp);
      } catch {
        // Nothing to clean up.
      }
      throw error;
    }
  } catch (error) {
    throw new UserError(`cannot write ${target}: ${error instanceof Error ? error.message : String(error)} (the file is unchanged)`, { cause: error });
  }
  return backup;
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
