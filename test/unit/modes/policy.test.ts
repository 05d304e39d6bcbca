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
