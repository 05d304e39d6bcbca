// Scenario 4: case B: the account refuses 1M context on a fresh, small session. Compaction
// cannot help: claude-recover compacts nothing, explains, logs one `gave-up`, and hands the
// terminal back in a plain claude with a standard-context model.
import { afterEach, describe, expect, it } from 'vitest';
import type { GaveUpEntry } from '../../src/log/types.js';
import { carries1M, exitSession, STANDARD_MODEL, startSession, until, type E2eSession } from '../support/e2e.js';

let session: E2eSession | null = null;
afterEach(async () => {
  await session?.close();
  session = null;
});

describe('case B on claude 2.1.330', () => {
  it('does not compact, explains on screen and logs one gave-up', async () => {
    session = await startSession({ mock: { gate: 'always', baseTokens: 12_000 } });
    const beforeGate = session.mark();
    await session.typePrompt('hello one');
    await session.waitFor(/Usage credits required for 1M context/, { from: beforeGate });

    await until(() => session?.events().find((e) => e.type === 'detected'), 'a `detected` entry in the event log', 20_000);
    const gaveUp = await until(
      () => session?.events().find((e): e is GaveUpEntry => e.type === 'gave-up'),
      'a `gave-up` entry in the event log',
      30_000,
    );
    expect(gaveUp.sessionId).toBe(session.sessionId());
    const detected = session.events().filter((e) => e.type === 'detected');
    expect(detected).toHaveLength(1);
    expect(detected[0]).toMatchObject({ case: 'B' });
    // The explanation is claude-recover's own text, after the gate.
    await session.waitFor(/claude-recover/, { from: beforeGate, timeoutMs: 30_000 });

    // The terminal is back, in claude with a standard-context model: a prompt gets an answer.
    await session.typePrompt('hello again');
    await session.waitForAnswer('hello again');
    const again = session.requests('chat').filter((r) => r.lastUserText === 'hello again');
    expect(again).toHaveLength(1);
    expect(again[0]).toMatchObject({ model: STANDARD_MODEL, status: 200 });
    expect(carries1M(again[0]!)).toBe(false);

    const exit = await exitSession(session);
    expect(exit.exitCode).toBe(0);
    expect(session.requests('compaction')).toEqual([]);
    const events = session.events();
    expect(events.filter((e) => e.type === 'gave-up')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'recovered')).toHaveLength(0);
  });
});
