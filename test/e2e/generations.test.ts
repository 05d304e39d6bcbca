// Scenario 6: the same case-A recovery on each wording and transcript generation of the CLI:
// 2.1.200 (OAuth; no `apiError` field, no self-recovery), 2.1.100 (OAuth; the older `Extra usage
// is required for 1M context` wording, classic renderer) and an API-key login on 2.1.330 (the
// generic `Request rejected (429)` form).
import { afterEach, describe, expect, it } from 'vitest';
import type { AuthKind } from '../../src/demo/claude-home.js';
import { HAIKU, startSession, type E2eSession } from '../support/e2e.js';
import { CASE_A_MOCK, hitGateAndExpectRecovery } from '../support/e2e-case-a.js';

let session: E2eSession | null = null;
afterEach(async () => {
  await session?.close();
  session = null;
});

const GENERATIONS: Array<{ version: string; auth: AuthKind; gate: RegExp }> = [
  { version: '2.1.200', auth: 'oauth', gate: /Usage credits required for 1M context · run \/usage-credits to turn them on, or/ },
  { version: '2.1.100', auth: 'oauth', gate: /Extra usage is required for 1M context/ },
  { version: '2.1.330', auth: 'api-key', gate: /Request rejected \(429\) · Extra usage is required for long context/ },
];

describe.each(GENERATIONS)('case A on claude $version ($auth)', ({ version, auth, gate }) => {
  it('recovers with Haiku on the same session', async () => {
    session = await startSession({ version, auth, cols: 70, mock: CASE_A_MOCK });
    const result = await hitGateAndExpectRecovery(session, gate);
    expect(result.recovered.worked).toBe(`compact:${HAIKU}`);
    const detected = result.events.find((e) => e.type === 'detected');
    expect(detected).toMatchObject({ claudeVersion: version });
  });
});
