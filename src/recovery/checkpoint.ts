// The backup taken before anything touches a transcript: a full copy in the state dir,
// `<stateDir>/backups/<session>.jsonl.bak-<timestamp>`, written under a temporary name and
// renamed, so a backup that exists is complete.
import { copyFile, mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { noProbe, type Probe } from './probe.js';

/** How many backups of one session are kept (the oldest are removed). */
export const BACKUPS_KEPT = 5;

export interface Checkpoint {
  backupPath: string;
  /** Size of the transcript when it was copied. */
  size: number;
  /** Older backups removed to stay within BACKUPS_KEPT. */
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
}): Promise<Checkpoint> {
  const probe = options.probe ?? noProbe;
  const dir = backupDir(options.stateDir);
  await mkdir(dir, { recursive: true });
  const name = `${options.sessionId}.jsonl.bak-${stamp(options.now ?? new Date())}`;
  const backupPath = path.join(dir, name);
  const tmp = `${backupPath}.tmp-${process.pid}`;
  const { size } = await stat(options.transcriptPath);
  try {
    await copyFile(options.transcriptPath, tmp);
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
    throw error;
  }
  const removed = await trimBackups(dir, options.sessionId, BACKUPS_KEPT);
  return { backupPath, size, removed };
}

/** Keeps the newest `keep` complete backups of a session and removes leftovers of killed copies. */
async function trimBackups(dir: string, sessionId: string, keep: number): Promise<string[]> {
  const prefix = `${sessionId}.jsonl.bak-`;
  const names = (await readdir(dir)).filter((name) => name.startsWith(prefix));
  const complete = names.filter((name) => !name.includes('.tmp-')).sort();
  const stale = names.filter((name) => name.includes('.tmp-') && !name.endsWith(`.tmp-${process.pid}`));
  const old = complete.slice(0, Math.max(0, complete.length - keep));
  const removed: string[] = [];
  for (const name of [...old, ...stale]) {
    const file = path.join(dir, name);
    await unlink(file).catch(() => undefined);
    removed.push(file);
  }
  return removed;
}
