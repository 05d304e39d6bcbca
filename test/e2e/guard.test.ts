// Issue 7 on the real CLI: the context climbs past 90% of the standard window; the guard
// shows the size in the terminal title, logs a near-miss, and (opted in) types /compact at
// the idle prompt, so the session is compacted before the gate and no error is ever shown.
import { afterEach, describe, expect, it } from 'vitest';
import { isCompactBoundary } from '../../src/transcript/records.js';
import { exitSession, startSession, type E2eSession } from '../support/e2e.js';

let session: E2eSession | null = null;
afterEach(async () => {
  await session?.close();
  session = null;
});

describe('the context guard on claude 2.1.330 with a [1m] model', () => {
  it('compacts at the idle prompt past 90% and the gate never fires', async () => {
    session = await startSession({
      mock: { baseTokens: 175_000, tokensPerTurn: 10_000, gate: 'over-window' },
      env: { CLAUDE_RECOVER_GUARD_AUTO_COMPACT: '1', CLAUDE_RECOVER_GUARD_IDLE_MS: '1000' },
    });
    const s = session;
    await s.typePrompt('hello one');
    await s.waitForAnswer('hello one');
    await s.typePrompt('hello two');
    await s.waitForAnswer('hello two');

    // 185K of 200K: the title shows it, a near-miss is logged, and /compact is typed for the user.
    await expect.poll(() => s.pty.raw().includes('\u001b]0;claude · 185K/200K ctx\u0007'), { timeout: 15_000, interval: 100 }).toBe(true);
    await expect.poll(() => s.events().filter((e) => e.type === 'near-miss').length, { timeout: 15_000, interval: 100 }).toBe(1);
    await expect.poll(() => s.events().filter((e) => e.type === 'auto-compact').length, { timeout: 20_000, interval: 100 }).toBe(1);
    await expect.poll(() => s.transcript().some(isCompactBoundary), { timeout: 30_000, interval: 100 }).toBe(true);
    expect(s.requests('compaction').map((r) => r.status)).toEqual([200]);

    // Without the compaction, the fourth prompt would have gone out at 205K and been refused.
    for (const prompt of ['hello three', 'hello four']) {
      await s.typePrompt(prompt);
      await s.waitForAnswer(prompt);
    }
    expect(s.api.requests.filter((r) => r.status === 429)).toEqual([]);
    expect(s.pty.text()).not.toMatch(/required for 1M context/);

    const exit = await exitSession(s);
    expect(exit.exitCode).toBe(0);
    const events = s.events();
    expect(events.filter((e) => e.type === 'detected')).toEqual([]);
    expect(events.find((e) => e.type === 'near-miss')).toMatchObject({ contextTokens: 185_000, window: 200_000 });
  });
});
