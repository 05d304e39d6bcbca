// Temporary files a killed claude-recover leaves behind: a prune's new transcript in Claude's
// project folder (as big as the session), a backup copy or loop-guard file half written, a
// lock. Each carries its writer's pid; it is a leftover once that process is gone (or, should
// the pid have been reused, once nothing has written it for an hour). The next run sweeps them
// in the background, `claude-recover clean` on demand.
import { readdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { LogSink } from '../log/types.js';
import { stateDir } from '../paths.js';
import { projectsRoot } from '../transcript/locate.js';
import { formatBytes } from '../ui/bytes.js';
import { isStaleLock, processAlive } from './lock.js';

export interface Leftover {
  path: string;
  bytes: number;
}

/** Temporary names, each with its writer's pid as the first group. */
export const TEMP_NAMES = {
  /** prune-images: `<session>.jsonl.prune-<pid>-<ms>.tmp`, next to the transcript. */
  prune: /\.jsonl\.prune-(\d+)-\d+\.tmp$/,
  /** checkpoint: `<session>.jsonl.bak-<stamp>.tmp-<pid>`, in the backups folder. */
  backup: /\.jsonl\.bak-[^/]*\.tmp-(\d+)$/,
  /** loop guard: `recoveries.json.<pid>.tmp`, in the state folder. */
  state: /^recoveries\.json\.(\d+)\.tmp$/,
} as const;

const LOCK_NAME = /\.lock(\.break)?$/;
/** Past this, a temporary file nobody writes is a leftover whatever its pid (pids are reused). */
const ABANDONED_MS = 60 * 60_000;

/** Whether `name` in `dir` is a temporary file of `kind` whose writer is gone; its size if so. */
async function leftover(dir: string, name: string, kind: RegExp): Promise<Leftover | null> {
  const match = kind.exec(name);
  if (!match) return null;
  const file = path.join(dir, name);
  try {
    const info = await stat(file);
    const pid = Number(match[1]);
    const gone = pid !== process.pid && !processAlive(pid);
    return gone || Date.now() - info.mtimeMs > ABANDONED_MS ? { path: file, bytes: info.size } : null;
  } catch {
    return null;
  }
}

async function names(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}

/** The leftovers of prunes of the transcripts in one project folder. */
export async function pruneLeftovers(projectDir: string): Promise<Leftover[]> {
  const found: Leftover[] = [];
  for (const name of await names(projectDir)) {
    const item = await leftover(projectDir, name, TEMP_NAMES.prune);
    if (item) found.push(item);
  }
  return found;
}

/** Every leftover: in the state folder, the backups, and each of Claude's project folders. */
export async function findLeftovers(env: NodeJS.ProcessEnv = process.env): Promise<Leftover[]> {
  const state = stateDir(env);
  const found: Leftover[] = [];
  for (const name of await names(state)) {
    const item = LOCK_NAME.test(name) ? lockLeftover(path.join(state, name)) : await leftover(state, name, TEMP_NAMES.state);
    if (item) found.push(item);
  }
  const backups = path.join(state, 'backups');
  for (const name of await names(backups)) {
    const item = await leftover(backups, name, TEMP_NAMES.backup);
    if (item) found.push(item);
  }
  const projects = projectsRoot(env);
  for (const name of await names(projects)) found.push(...(await pruneLeftovers(path.join(projects, name))));
  return found;
}

function lockLeftover(file: string): Leftover | null {
  return isStaleLock(file) ? { path: file, bytes: 0 } : null;
}

/** Removes them; returns those removed (one that vanished meanwhile is not counted). */
export async function removeLeftovers(leftovers: readonly Leftover[]): Promise<Leftover[]> {
  const removed: Leftover[] = [];
  for (const item of leftovers) {
    try {
      await unlink(item.path);
      removed.push(item);
    } catch {
      // Gone already, or not ours to remove.
    }
  }
  return removed;
}

/** How long after the start the next run looks for leftovers: claude's own start comes first. */
const SWEEP_AFTER_MS = 5_000;

/**
 * The next run's sweep: a few seconds after claude started, in the background, never in the
 * way; what it removed goes to the event log as a warning.
 */
export function sweepLeftoversLater(env: NodeJS.ProcessEnv, log: LogSink): void {
  const timer = setTimeout(() => {
    void (async () => {
      const removed = await removeLeftovers(await findLeftovers(env));
      if (removed.length === 0) return;
      const bytes = removed.reduce((sum, item) => sum + item.bytes, 0);
      log.write({
        ts: new Date().toISOString(),
        type: 'warning',
        message: `removed ${removed.length} temporary file${removed.length === 1 ? '' : 's'} (${formatBytes(bytes)}) left by a killed claude-recover: ${removed.map((item) => item.path).join(', ')}`,
      });
    })().catch(() => undefined);
  }, SWEEP_AFTER_MS);
  timer.unref();
}

