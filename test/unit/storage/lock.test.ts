import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withLock, withLockSync } from '../../../src/storage/lock.js';

let dir: string;
let lock: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'cr-lock-'));
  lock = path.join(dir, 'file.lock');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The pid of a process that has exited. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString());
}

const ago = (file: string, seconds: number): void => {
  const then = new Date(Date.now() - seconds * 1000);
  utimesSync(file, then, then);
};

describe('withLockSync', () => {
  it('holds the lock while fn runs, with our pid in it, and removes it after', () => {
    const inside = withLockSync(lock, { waitMs: 100 }, (held) => ({ held, text: readFileSync(lock, 'utf8') }));
    expect(inside.held).toBe(true);
    expect(inside.text).toMatch(new RegExp(`^${process.pid}@${os.hostname()}:[0-9a-z.]+$`));
    expect(existsSync(lock)).toBe(false);
  });

  it('removes the lock when fn throws', () => {
    expect(() => withLockSync(lock, { waitMs: 100 }, () => { throw new Error('boom'); })).toThrow('boom');
    expect(existsSync(lock)).toBe(false);
  });

  it('waits for a live holder and tells fn it did not get the lock, leaving the holder\'s lock alone', () => {
    writeFileSync(lock, `${process.pid}@${os.hostname()}:someone-else`);
    expect(withLockSync(lock, { waitMs: 30 }, (held) => held)).toBe(false);
    expect(readFileSync(lock, 'utf8')).toBe(`${process.pid}@${os.hostname()}:someone-else`);
  });

  it('takes over a lock whose holder has died', () => {
    writeFileSync(lock, `${deadPid()}@${os.hostname()}:dead`);
    expect(withLockSync(lock, { waitMs: 1_000 }, (held) => held)).toBe(true);
    expect(existsSync(lock)).toBe(false);
  });

  it('takes over a lock older than staleMs even if its pid lives (pid reused, another host)', () => {
    writeFileSync(lock, `${process.pid}@another-host:x`);
    ago(lock, 60);
    expect(withLockSync(lock, { waitMs: 1_000, staleMs: 30_000 }, (held) => held)).toBe(true);
  });

  it('respects a fresh lock from another host', () => {
    writeFileSync(lock, '1@another-host:x');
    expect(withLockSync(lock, { waitMs: 30 }, (held) => held)).toBe(false);
  });

  it('respects a lock still being written (empty) until it is old', () => {
    writeFileSync(lock, '');
    expect(withLockSync(lock, { waitMs: 30 }, (held) => held)).toBe(false);
    ago(lock, 60);
    expect(withLockSync(lock, { waitMs: 1_000 }, (held) => held)).toBe(true);
  });

  it('clears a breaker left by a process that died while breaking a lock', () => {
    writeFileSync(lock, `${deadPid()}@${os.hostname()}:dead`);
    writeFileSync(`${lock}.break`, `${deadPid()}@${os.hostname()}:`);
    ago(`${lock}.break`, 10);
    expect(withLockSync(lock, { waitMs: 1_000 }, (held) => held)).toBe(true);
    expect(existsSync(`${lock}.break`)).toBe(false);
  });

  it('creates the lock folder when it is missing', () => {
    const nested = path.join(dir, 'a', 'b', 'x.lock');
    expect(withLockSync(nested, { waitMs: 100 }, (held) => held)).toBe(true);
  });
});

describe('withLock', () => {
  it('serialises asynchronous holders in one process', async () => {
    const order: string[] = [];
    const hold = (name: string) =>
      withLock(lock, { waitMs: 5_000 }, async (held) => {
        order.push(`${name}:in:${held}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
        order.push(`${name}:out`);
      });
    await Promise.all([hold('a'), hold('b')]);
    expect(order).toEqual(['a:in:true', 'a:out', 'b:in:true', 'b:out']);
  });
});
