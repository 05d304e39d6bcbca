import { describe, expect, it } from 'vitest';
import { decide, type BlockFacts } from '../../../src/modes/headless/policy.js';

const facts = (over: Partial<BlockFacts>): BlockFacts => ({ kind: 'credits-1m', case: 'A', detectOnly: false, isRerun: false, ...over });

describe('decide', () => {
  it('recovers case A only', () => {
    expect(decide(facts({}))).toEqual({ action: 'recover' });
    expect(decide(facts({ case: 'B' }))).toEqual({ action: 'pass', reason: expect.stringContaining('case B') });
    expect(decide(facts({ case: 'C' }))).toEqual({ action: 'pass', reason: null });
  });

  it('never acts in detect-only mode, nor on the re-run of a recovery', () => {
    expect(decide(facts({ detectOnly: true }))).toEqual({ action: 'pass', reason: null });
    expect(decide(facts({ isRerun: true }))).toEqual({ action: 'pass', reason: expect.stringContaining('re-run') });
  });
});

describe('decide: a usage limit', () => {
  const now = Date.UTC(2026, 11, 1, 7, 0, 0);
  const limit = (over: Partial<BlockFacts>): BlockFacts => ({
    kind: 'usage-limit',
    detectOnly: false,
    isRerun: false,
    resetsAt: now + 20_000,
    now,
    waitedMs: 0,
    wait: { enabled: true, marginMs: 30_000, maxMs: 300 * 60_000 },
    ...over,
  });

  it('passes through by default, and when the reset is unknown, and in detect-only mode', () => {
    expect(decide(limit({ wait: { enabled: false, marginMs: 0, maxMs: 1 } }))).toEqual({ action: 'pass', reason: expect.stringContaining('usageLimit.wait is off'), until: 'passed' });
    expect(decide(limit({ resetsAt: null }))).toEqual({ action: 'pass', reason: expect.stringContaining('unknown'), until: 'passed' });
    expect(decide(limit({ detectOnly: true }))).toMatchObject({ action: 'pass', until: 'passed' });
  });

  it('opted in: waits until the reset plus the margin, a re-run too (once per reset)', () => {
    expect(decide(limit({}))).toEqual({ action: 'wait', until: now + 50_000 });
    expect(decide(limit({ isRerun: true, resetsAt: now + 60_000 }))).toEqual({ action: 'wait', until: now + 90_000 });
  });

  it('never past the maximum, counting what was waited already', () => {
    const max = 10 * 60_000;
    expect(decide(limit({ resetsAt: now + max, wait: { enabled: true, marginMs: 0, maxMs: max } }))).toEqual({ action: 'wait', until: now + max });
    expect(decide(limit({ resetsAt: now + max + 1, wait: { enabled: true, marginMs: 0, maxMs: max } }))).toEqual({ action: 'pass', reason: expect.stringContaining('past usageLimit.maxWaitMinutes'), until: 'over-max' });
    expect(decide(limit({ resetsAt: now + 6 * 60_000, waitedMs: 5 * 60_000, wait: { enabled: true, marginMs: 0, maxMs: max } }))).toMatchObject({ action: 'pass', until: 'over-max' });
  });
});

describe('decide: a refused image', () => {
  it('a healed one is left alone; one not healed passes through, logged', () => {
    expect(decide({ kind: 'image-refused', healed: true, detectOnly: false, isRerun: false })).toEqual({ action: 'pass', reason: null });
    expect(decide({ kind: 'image-refused', healed: false, detectOnly: false, isRerun: false })).toEqual({ action: 'pass', reason: expect.stringContaining('refused image') });
  });
});
