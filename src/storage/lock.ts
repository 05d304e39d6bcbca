// A lock file shared by every claude-recover on the machine, for the few read-modify-write
// steps on shared files (rotating the event log, counting recoveries in the loop guard).
//
// `<name>.lock` is created with O_EXCL and holds `<pid>@<host>:<nonce>`. No lockfile library:
// proper-lockfile brings signal-exit, whose handlers would change how the wrapper answers
// signals. A lock left by a dead process is stale (same host: its pid is gone), as is any lock
// older than staleMs (pid reused, another host). Removing a stale lock is itself serialised by
// `<name>.lock.break` (O_EXCL, held for microseconds): under it the lock is checked again and
// removed only if it is still stale, so two processes never both remove a lock and both go on
// to hold it. Holders keep a lock for milliseconds; a waiter that cannot get it in time is
// told so and decides (the log appends without rotating; the loop guard reports itself off).
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensurePrivateDirSync, PRIVATE_FILE } from './private.js';

export interface LockOptions {
  /** How long to wait for a lock held by someone else. */
  waitMs: number;
  /** A lock older than this is stale whoever holds it. Default 30 s. */
  staleMs?: number;
}

const STALE_MS = 30_000;
/** A `.break` file older than this was left by a process that died while breaking a lock. */
const BREAK_STALE_MS = 5_000;
const HOST = os.hostname();
/** Tells this process's acquisitions apart (the pid and host tell processes apart). */
let acquisitions = 0;

/** `<pid>@<host>:` as the lock file starts, for the leftover sweep. */
export function lockOwner(text: string): { pid: number; host: string } | null {
  const match = /^(\d+)@([^:]*):/.exec(text);
  return match ? { pid: Number(match[1]), host: match[2] as string } : null;
}

/** Runs fn holding the lock; fn learns whether it got it (false: the wait ran out). Synchronous: it blocks for up to waitMs. */
export function withLockSync<T>(lock: string, options: LockOptions, fn: (held: boolean) => T): T {
  const deadline = performance.now() + options.waitMs;
  let pause = 1;
  for (;;) {
    const token = attempt(lock, options.staleMs ?? STALE_MS);
    if (token !== null) {
      try {
        return fn(true);
      } finally {
        release(lock, token);
      }
    }
    if (performance.now() >= deadline) return fn(false);
    sleepSync(pause);
    pause = Math.min(pause * 2, 16);
  }
}

/** withLockSync for asynchronous work: waits without blocking the event loop. */
export async function withLock<T>(lock: string, options: LockOptions, fn: (held: boolean) => Promise<T>): Promise<T> {
  const deadline = performance.now() + options.waitMs;
  let pause = 2;
  for (;;) {
    const token = attempt(lock, options.staleMs ?? STALE_MS);
    if (token !== null) {
      try {
        return await fn(true);
      } finally {
        release(lock, token);
      }
    }
    if (performance.now() >= deadline) return fn(false);
    await sleep(pause);
    pause = Math.min(pause * 2, 32);
  }
}

/** Creates the lock (token) or, when it is held, removes it if stale; null: try again later. */
function attempt(lock: string, staleMs: number): string | null {
  const token = `${process.pid}@${HOST}:${Date.now().toString(36)}.${(++acquisitions).toString(36)}`;
  if (create(lock, token)) return token;
  const seen = inspect(lock, staleMs);
  if (seen?.stale) breakStale(lock, seen.ino, staleMs);
  return null;
}

function create(file: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', PRIVATE_FILE);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'ENOENT') throw error;
    ensurePrivateDirSync(path.dirname(file));
    return create(file, text);
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** The lock as it is now: its inode and whether it is stale; null when there is none. */
function inspect(lock: string, staleMs: number): { ino: number; stale: boolean } | null {
  let text: string;
  let ino: number;
  let age: number;
  try {
    const stat = statSync(lock);
    ino = stat.ino;
    age = Date.now() - stat.mtimeMs;
    text = readFileSync(lock, 'utf8');
  } catch {
    return null;
  }
  if (age > staleMs) return { ino, stale: true };
  const owner = lockOwner(text);
  // Empty: its creator has not written it yet (or died right then: the age catches that).
  if (owner === null || owner.host !== HOST) return { ino, stale: false };
  return { ino, stale: !processAlive(owner.pid) };
}

/** Whether a lock file (or its `.break` companion) was left by a process that is gone: safe to remove. */
export function isStaleLock(file: string): boolean {
  if (file.endsWith('.break')) {
    try {
      return Date.now() - statSync(file).mtimeMs > BREAK_STALE_MS;
    } catch {
      return false;
    }
  }
  return inspect(file, STALE_MS)?.stale ?? false;
}

function breakStale(lock: string, ino: number, staleMs: number): void {
  const breaker = `${lock}.break`;
  if (!create(breaker, `${process.pid}@${HOST}:`)) {
    try {
      if (Date.now() - statSync(breaker).mtimeMs > BREAK_STALE_MS) unlinkSync(breaker);
    } catch {
      // Someone else finished with it.
    }
    return;
  }
  try {
    const seen = inspect(lock, staleMs);
    if (seen?.stale && seen.ino === ino) unlinkSync(lock);
  } catch {
    // Gone already.
  } finally {
    try {
      unlinkSync(breaker);
    } catch {
      // Removed as stale by someone who waited too long; nothing else to undo.
    }
  }
}

function release(lock: string, token: string): void {
  try {
    if (readFileSync(lock, 'utf8') === token) unlinkSync(lock);
  } catch {
    // Already gone.
  }
}

/** Whether a process with this pid exists (EPERM: it does, as someone else's). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const SLEEPER = new Int32Array(new SharedArrayBuffer(4));

function sleepSync(ms: number): void {
  Atomics.wait(SLEEPER, 0, 0, ms);
}
