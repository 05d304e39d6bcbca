import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LoopGuard, loopGuardFile } from '../../../src/recovery/loop-guard.js';
import { makeHome, type RecoveryHome } from '../../support/recovery-home.js';

let home: RecoveryHome;
beforeEach(() => {
  home = makeHome();
});
afterEach(() => home.cleanup());

describe('LoopGuard', () => {
  it('allows N attempts per session in the window, then refuses', async () => {
    let now = 1_000_000;
    const guard = new LoopGuard(loopGuardFile(home.stateDir), 2, 15, () => now);
    expect((await guard.claim('recover', 's1')).allowed).toBe(true);
    now += 60_000;
    expect((await guard.claim('recover', 's1')).allowed).toBe(true);
    now += 60_000;
    expect(await guard.claim('recover', 's1')).toEqual({ allowed: false, recent: 2, max: 2, windowMinutes: 15 });
    // Another session and another kind are counted apart.
    expect((await guard.claim('recover', 's2')).allowed).toBe(true);
    expect((await guard.claim('case-b', 's1', 1)).allowed).toBe(true);
    expect((await guard.claim('case-b', 's1', 1)).allowed).toBe(false);
  });

  it('forgets attempts older than the window', async () => {
    let now = 1_000_000;
    const guard = new LoopGuard(loopGuardFile(home.stateDir), 1, 15, () => now);
    expect((await guard.claim('recover', 's1')).allowed).toBe(true);
    now += 15 * 60_000 - 1;
    expect((await guard.claim('recover', 's1')).allowed).toBe(false);
    now += 1;
    expect((await guard.claim('recover', 's1')).allowed).toBe(true);
  });

  it('survives a restart: a new guard reads the same file', async () => {
    const now = (): number => 5_000_000;
    await new LoopGuard(loopGuardFile(home.stateDir), 1, 15, now).claim('recover', 's1');
    expect((await new LoopGuard(loopGuardFile(home.stateDir), 1, 15, now).claim('recover', 's1')).allowed).toBe(false);
    expect(JSON.parse(readFileSync(path.join(home.stateDir, 'recoveries.json'), 'utf8'))).toEqual({ version: 1, attempts: { 'recover:s1': [5_000_000] } });
  });

  it('starts over from a corrupt file instead of blocking for ever', async () => {
    const file = loopGuardFile(home.stateDir);
    await new LoopGuard(file, 1, 15).claim('recover', 'x');
    writeFileSync(file, '{broken');
    expect((await new LoopGuard(file, 1, 15).claim('recover', 's1')).allowed).toBe(true);
  });
});
