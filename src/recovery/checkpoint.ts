// The backup taken before anything touches a transcript: a full copy in the state dir,
// `<stateDir>/backups/<session>.jsonl.bak-<timestamp>`, written under a temporary name and
// renamed, so a backup that exists is complete. It holds the whole conversation: 0600 in a
// 0700 folder. Five a session are kept, within the folder's size budget.
import { chmod, copyFile, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_CONFIG } from '../config/types.js';
import { enforceBackupBudget } from '../storage/backups.js';
import { TEMP_NAMES } from '../storage/leftovers.js';
import { processAlive } from '../storage/lock.js';
import { ensurePrivateDir, PRIVATE_FILE } from '../storage/private.js';
import { explainWriteError } from '../storage/write-errors.js';
import { noProbe, type Probe } from './probe.js';

/** How many backups of one session are kept (the oldest are removed). */
export const BACKUPS_KEPT = 5;

export interface Checkpoint {
  backupPath: string;
  /** Size of the transcript when it was copied. */
  size: number;
  /** Older backups removed to stay within BACKUPS_KEPT and the size budget. */
  removed: string[];
}

/** Directory of transcript backups. */
export function backupDir(stateDirectory: string): string {
  return path.join(stateDirectory, 'backups');
}

function stamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace('.', '');
}

/** Copies the transcript to a timestamped backup and returns where it went. */
export async function checkpoint(options: {
  transcriptPath: string;
  sessionId: string;
  stateDir: string;
  now?: Date;
  probe?: Probe;
  /** The backups folder's size budget (config backups.maxBytes). */
  maxBytes?: number;
}): Promise<Checkpoint> {
  const probe = options.probe ?? noProbe;
  const dir = backupDir(options.stateDir);
  try {
    await ensurePrivateDir(options.stateDir);
    await ensurePrivateDir(dir);
  } catch (error) {
    throw explainWriteError(error, 'the backup folder', dir);
  }
  const name = `${options.sessionId}.jsonl.bak-${stamp(options.now ?? new Date())}`;
  const backupPath = path.join(dir, name);
  const tmp = `${backupPath}.tmp-${process.pid}`;
  const { size } = await stat(options.transcriptPath);
  try {
    // copyFile gives the copy the transcript's mode; nobody else can reach it in this folder meanwhile.
    await copyFile(options.transcriptPath, tmp);
    await chmod(tmp, PRIVATE_FILE);
    const handle = await open(tmp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await probe('checkpoint:copied');
    const copied = (await stat(tmp)).size;
    if (copied < size) throw new Error(`expected a backup of ${size} bytes, got ${copied}`);
    await rename(tmp, backupPath);
  } catch (error) {
    await unlink(tmp).catch(() => undefined);
    throw explainWriteError(error, 'the backup folder', dir);
  }
  const removed = await trimBackups(dir, options.sessionId, BACKUPS_KEPT);
  removed.push(...(await enforceBackupBudget(dir, options.maxBytes ?? DEFAULT_CONFIG.backups.maxBytes, { keep: backupPath })));
  return { backupPath, size, removed };
}

/** Keeps the newest `keep` complete backups of a session and removes leftovers of killed copies. */
async function trimBackups(dir: string, sessionId: string, keep: number): Promise<string[]> {
  const prefix = `${sessionId}.jsonl.bak-`;
  const names = (await readdir(dir)).filter((name) => name.startsWith(prefix));
  const complete = names.filter((name) => !name.includes('.tmp-')).sort();
  // Copies in the making whose process is gone (a concurrent one is left alone).
  const stale = names.filter((name) => {
    const pid = TEMP_NAMES.backup.exec(name)?.[1];
    return pid !== undefined && Number(pid) !== process.pid && !processAlive(Number(pid));
  });
  const old = complete.slice(0, Math.max(0, complete.length - keep));
  const removed: string[] = [];
  for (const name of [...old, ...stale]) {
    const file = path.join(dir, name);
    await unlink(file).catch(() => undefined);
    removed.push(file);
  }
  return removed;
}
