// Scenario 3: case A where the Haiku compaction is refused: claude-recover moves on to the
// fallback model from the config (default `opus`) and still recovers.
import { afterEach, describe, expect, it } from 'vitest';
import type { StepEntry } from '../../src/log/types.js';
import { HAIKU, startSession, type E2eSession } from '../support/e2e.js';
import { CASE_A_MOCK, hitGateAndExpectRecovery } from '../support/e2e-case-a.js';

let session: E2eSession | null = null;
afterEach(async () => {
  await session?.close();
  session = null;
});

describe('case A with a failing Haiku compaction on claude 2.1.332', () => {
  it('falls back to the next compaction model', async () => {
    session = await startSession({ mock: { ...CASE_A_MOCK, refuseCompactionFor: [HAIKU] } });
    const result = await hitGateAndExpectRecovery(session, /Usage credits required for 1M context/, (model) => /opus/.test(model));

    const refused = result.compactions.filter((r) => r.model === HAIKU);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(refused.every((r) => r.status === 400)).toBe(true);
    const firstFallback = result.compactions.findIndex((r) => r.model !== HAIKU);
    expect(firstFallback).toBeGreaterThan(result.compactions.findIndex((r) => r.model === HAIKU));
    expect(result.recovered.worked).toMatch(/^compact:.*opus/);

    const compactSteps = result.events.filter((e): e is StepEntry => e.type === 'step' && e.model !== undefined && e.name.includes('compact'));
    expect(compactSteps.map((s) => [s.model, s.ok])).toEqual([
      [HAIKU, false],
      [expect.stringMatching(/opus/), true],
    ]);
  });
});
