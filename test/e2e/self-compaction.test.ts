// Scenario 7: 2.1.330 with a 200K model compacts by itself before the window and never shows
// the gate: claude-recover stays out of the way (no compaction of its own, no restart).
import { afterEach, describe, expect, it } from 'vitest';
import { carries1M, exitSession, HAIKU, STANDARD_MODEL, startSession, type E2eSession } from '../support/e2e.js';
import { isCompactBoundary } from '../../src/transcript/records.js';

let session: E2eSession | null = null;
afterEach(async () => {
  await session?.close();
  session = null;
});

describe('claude 2.1.330 with a 200K model compacting by itself', () => {
  it('is left to do so', async () => {
    session = await startSession({
      model: STANDARD_MODEL,
      mock: { baseTokens: 150_000, tokensPerTurn: 40_000, gate: 'over-window' },
    });
    for (const prompt of ['hello one', 'hello two', 'hello three', 'hello four']) {
      await session.typePrompt(prompt);
      await session.waitForAnswer(prompt);
    }
    // The CLI compacted on its own (same model, same session), and no request was refused.
    const compactions = session.requests('compaction');
    expect(compactions).toHaveLength(1);
    expect(compactions[0]).toMatchObject({ model: STANDARD_MODEL, status: 200, sessionId: session.sessionId() });
    expect(session.api.requests.some((r) => r.status === 429 || carries1M(r))).toBe(false);
    await expect.poll(() => session?.transcript().some(isCompactBoundary), { timeout: 10_000, interval: 100 }).toBe(true);

    const exit = await exitSession(session);
    expect(exit).toEqual({ exitCode: 0, signal: 0 });
    // One CLI process all along: every request carried the same session id, none was Haiku's.
    expect(new Set(session.api.requests.map((r) => r.sessionId)).size).toBe(1);
    expect(session.api.requests.some((r) => r.model === HAIKU)).toBe(false);
    expect(session.events().filter((e) => ['detected', 'recovered', 'gave-up', 'step', 'auto-compact'].includes(e.type))).toEqual([]);
  });
});
