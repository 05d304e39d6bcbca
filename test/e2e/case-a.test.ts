// Scenario 2: case A on 2.1.332 (OAuth, subscription billing, a [1m] model, 70 columns so the
// error wraps): the gate hits mid-session, claude-recover compacts the same session with Haiku,
// resumes it with the standard model, and the next prompt is answered.
import { afterEach, describe, expect, it } from 'vitest';
import { HAIKU, startSession, type E2eSession } from '../support/e2e.js';
import { CASE_A_MOCK, hitGateAndExpectRecovery } from '../support/e2e-case-a.js';

let session: E2eSession | null = null;
afterEach(async () => {
  await session?.close();
  session = null;
});

describe('case A on claude 2.1.332', () => {
  it('compacts with Haiku on the same session, resumes with the standard model, and logs one recovery', async () => {
    session = await startSession({ version: '2.1.332', auth: 'oauth-subscription', cols: 70, mock: CASE_A_MOCK });
    const result = await hitGateAndExpectRecovery(session, /Usage credits required for 1M context/);
    expect(result.compactions.filter((r) => r.status === 200).map((r) => r.model)).toEqual([HAIKU]);
    expect(result.recovered.worked).toBe(`compact:${HAIKU}`);
  });
});
