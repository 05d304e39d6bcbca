// Files that hold conversation text (backups, pruned transcripts in the making, the event
// log, recovery state) are the user's alone: 0600, in folders that are 0700.
import { chmodSync, mkdirSync, statSync, type Stats } from 'node:fs';
import { chmod, mkdir, stat } from 'node:fs/promises';

export const PRIVATE_FILE = 0o600;
export const PRIVATE_DIR = 0o700;

/**
 * Creates a folder of claude-recover's own as 0700, or narrows one an older version made
 * with the umask's mode. Only for folders claude-recover owns (never Claude Code's).
 */
export function ensurePrivateDirSync(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
  narrowSync(dir, PRIVATE_DIR);
}

/** ensurePrivateDirSync, asynchronously. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR });
  await narrow(dir, PRIVATE_DIR);
}

/** Takes group and other permissions off a file or folder of ours; best effort. True if it changed the mode. */
export function narrowSync(target: string, mode: number): boolean {
  try {
    const current = statSync(target);
    if (!mayNarrow(current, mode)) return false;
    chmodSync(target, current.mode & mode);
    return true;
  } catch {
    return false; // Gone, or not ours to change: writing may still work.
  }
}

/** narrowSync, asynchronously. */
export async function narrow(target: string, mode: number): Promise<boolean> {
  try {
    const current = await stat(target);
    if (!mayNarrow(current, mode)) return false;
    await chmod(target, current.mode & mode);
    return true;
  } catch {
    return false;
  }
}

/** Whether a file or folder of ours is wider than `mode` (what narrow would change). */
export async function isWider(target: string, mode: number): Promise<boolean> {
  try {
    return mayNarrow(await stat(target), mode);
  } catch {
    return false;
  }
}

/** Wider than `mode`, ours, and not a shared folder like /tmp (sticky bit): a misplaced path must not close one. */
function mayNarrow(current: Stats, mode: number): boolean {
  if ((current.mode & 0o777 & ~mode) === 0) return false;
  if (current.isDirectory() && (current.mode & 0o1000) !== 0) return false;
  return typeof process.getuid !== 'function' || process.getuid() === current.uid;
}
