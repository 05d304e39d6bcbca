// The backups folder as a whole: how much it holds, and a size budget (config backups.maxBytes)
// kept by removing the oldest complete backups first, across sessions. The backup just taken
// is never removed, even when it alone is over the budget: it is the copy the next step relies on.
import { readdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { narrow, PRIVATE_FILE } from './private.js';

/** A complete backup: `<session>.jsonl.bak-<stamp>` (a copy in the making has a `.tmp-<pid>` tail). */
const BACKUP_NAME = /\.jsonl\.bak-[0-9TZ]+$/;

interface Backup {
  path: string;
  bytes: number;
  mtimeMs: number;
}

export interface BackupUsage {
  files: number;
  bytes: number;
}

async function backups(dir: string): Promise<Backup[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const found: Backup[] = [];
  for (const name of names) {
    if (!BACKUP_NAME.test(name)) continue;
    const file = path.join(dir, name);
    try {
      const info = await stat(file);
      if (info.isFile()) found.push({ path: file, bytes: info.size, mtimeMs: info.mtimeMs });
    } catch {
      // Removed meanwhile.
    }
  }
  return found;
}

/** What the backups folder holds. */
export async function backupUsage(dir: string): Promise<BackupUsage> {
  const all = await backups(dir);
  return { files: all.length, bytes: all.reduce((sum, b) => sum + b.bytes, 0) };
}

export interface BudgetOptions {
  /** Never removed (the backup just taken), nor is the newest one. */
  keep?: string | null;
  /** Only say what would be removed. */
  dryRun?: boolean;
}

/**
 * Removes the oldest backups until the folder fits `maxBytes`, never `keep` nor the newest; makes
 * the rest private (an older version wrote them with the umask's mode). Returns the removed paths.
 */
export async function enforceBackupBudget(dir: string, maxBytes: number, options: BudgetOptions = {}): Promise<string[]> {
  const all = (await backups(dir)).sort((a, b) => a.mtimeMs - b.mtimeMs || a.path.localeCompare(b.path));
  const newest = all.at(-1)?.path;
  let total = all.reduce((sum, b) => sum + b.bytes, 0);
  const removed: string[] = [];
  for (const backup of all) {
    if (total > maxBytes && backup.path !== options.keep && backup.path !== newest) {
      try {
        if (!options.dryRun) await unlink(backup.path);
        removed.push(backup.path);
        total -= backup.bytes;
        continue;
      } catch {
        // Gone already, or not removable: it stays counted.
      }
    }
    if (!options.dryRun) await narrow(backup.path, PRIVATE_FILE);
  }
  return removed;
}
