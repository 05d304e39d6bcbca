// Scenario 4: case B: the account refuses 1M context on a fresh, small session. Compaction
// cannot help: claude-recover compacts nothing, explains, logs one `gave-up`, and hands the
// terminal back in a plain claude with a standard-context model, the blocked prompt ready.
import { afterEach, describe, expect, it } from 'vitest';
import type { MockRequest } from '../../src/demo/mock-api.js';
import type { GaveUpEntry } from '../../src/log/types.js';
import { carries1M, exitSession, STANDARD_MODEL, startSession, until, type E2eSession } from '../support/e2e.js';

let session: E2eSession | null = null;
afterEach(async () => {
  await session?.close();
  session = null;
});

describe('case B on claude 2.1.332', () => {
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

    // The terminal is back, in claude with a standard-context model, and the blocked prompt
    // is in the input box (promptRestore: prefill): Enter sends it and it gets an answer.
    const beforeResend = session.api.requests.length;
    const resent = (): MockRequest | undefined =>
      session?.api.requests.slice(beforeResend).find((r) => r.kind === 'chat' && r.lastUserText === 'hello one');
    let again: MockRequest | undefined;
    for (let attempt = 0; attempt < 10 && again === undefined; attempt++) {
      session.pty.write('\r');
      again = await until(resent, 'the restored prompt to be sent', 2_000).catch(() => undefined);
    }
    expect(again, 'the blocked prompt "hello one" restored into the input box and sent with Enter').toBeDefined();
    expect(again).toMatchObject({ model: STANDARD_MODEL, status: 200 });
    expect(carries1M(again as MockRequest)).toBe(false);
    await session.waitForAnswer('hello one');

    const exit = await exitSession(session);
    expect(exit.exitCode).toBe(0);
    expect(session.requests('compaction')).toEqual([]);
    const events = session.events();
    expect(events.filter((e) => e.type === 'gave-up')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'recovered')).toHaveLength(0);
  });
});
