// At most N recoveries per session per M minutes, remembered in the state dir so that a
// restarted wrapper (or `claude-recover recover` by hand) still counts the earlier ones.
// Two wrappers may claim at the same moment: read, decide and write happen under a lock.
import { open, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { withLock } from '../storage/lock.js';
import { ensurePrivateDir, PRIVATE_FILE } from '../storage/private.js';

export type GuardKind = 'recover' | 'case-b' | 'image';

interface StoreFile {
  version: 1;
  /** key `<kind>:<session>` → epoch ms of each attempt, oldest first. */
  attempts: Record<string, number[]>;
}

export interface GuardDecision {
  allowed: boolean;
  /** Attempts inside the window before this one. */
  recent: number;
  max: number;
  windowMinutes: number;
}

/** The file the guard keeps its attempts in. */
export function loopGuardFile(stateDirectory: string): string {
  return path.join(stateDirectory, 'recoveries.json');
}

async function load(file: string): Promise<StoreFile> {
  try {
    const value: unknown = JSON.parse(await readFile(file, 'utf8'));
    if (value && typeof value === 'object' && 'attempts' in value) {
      const attempts = (value as { attempts: unknown }).attempts;
      if (attempts && typeof attempts === 'object') {
        const clean: Record<string, number[]> = {};
        for (const [key, list] of Object.entries(attempts)) {
          if (Array.isArray(list)) clean[key] = list.filter((n): n is number => typeof n === 'number');
        }
        return { version: 1, attempts: clean };
      }
    }
  } catch {
    // Missing or unreadable: start empty. A broken file must not block recovery for ever.
  }
  return { version: 1, attempts: {} };
}

/** How long a claim waits for another recovery's claim (each holds the lock for milliseconds). */
const LOCK_WAIT_MS = 5_000;

async function save(file: string, store: StoreFile): Promise<void> {
  await ensurePrivateDir(path.dirname(file));
  const tmp = `${file}.${process.pid}.tmp`;
  await unlink(tmp).catch(() => undefined);
  const handle = await open(tmp, 'wx', PRIVATE_FILE);
  try {
    await handle.writeFile(`${JSON.stringify(store)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
}

/** Counts attempts per session in a sliding window, persisted in `<stateDir>/recoveries.json`. */
export class LoopGuard {
  constructor(
    private readonly file: string,
    private readonly max: number,
    private readonly windowMinutes: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Decides whether one more attempt is allowed for this session and, if so, records it
   * right away (an attempt counts whether or not it works: a failing loop must stop too).
   */
  async claim(kind: GuardKind, session: string, max: number = this.max): Promise<GuardDecision> {
    return withLock(`${this.file}.lock`, { waitMs: LOCK_WAIT_MS }, async (held) => {
      if (!held) throw new Error(`expected to lock ${this.file} within ${LOCK_WAIT_MS / 1000} s, got it held by another claude-recover`);
      return this.claimLocked(kind, session, max);
    });
  }

  private async claimLocked(kind: GuardKind, session: string, max: number): Promise<GuardDecision> {
    const store = await load(this.file);
    const now = this.now();
    const since = now - this.windowMinutes * 60_000;
    for (const [key, list] of Object.entries(store.attempts)) {
      const kept = list.filter((t) => t > since && t <= now);
      if (kept.length > 0) store.attempts[key] = kept;
      else delete store.attempts[key];
    }
    const key = `${kind}:${session}`;
    const recent = store.attempts[key]?.length ?? 0;
    const allowed = recent < max;
    if (allowed) store.attempts[key] = [...(store.attempts[key] ?? []), now];
    await save(this.file, store);
    return { allowed, recent, max, windowMinutes: this.windowMinutes };
  }
}
