// Scenario 5: the gate's words inside an assistant answer are conversation, not a block:
// claude-recover does nothing.
import { afterEach, describe, expect, it } from 'vitest';
import { QUOTE_TRIGGER } from '../../src/demo/mock-api.js';
import { exitSession, startSession, type E2eSession } from '../support/e2e.js';

let session: E2eSession | null = null;
afterEach(async () => {
  await session?.close();
  session = null;
});

describe('the gate text quoted in an answer, claude 2.1.332', () => {
  it('is left alone', async () => {
    session = await startSession({ mock: { gate: 'over-window' } });
    const before = session.mark();
    await session.typePrompt(`please ${QUOTE_TRIGGER} error`);
    await session.waitFor(/API-key users see/, { from: before });
    // The quoted wordings really are on screen, in the CLI's rendering.
    expect(session.pty.text().slice(before)).toMatch(/Usage credits required for 1M context/);
    // The transcript holds the answer, so a transcript check has had its chance to run.
    await expect
      .poll(() => session?.transcript().some((r) => r.type === 'assistant' && JSON.stringify(r.message?.content ?? '').includes('API-key users see')), {
        timeout: 10_000,
        interval: 100,
      })
      .toBe(true);

    await session.typePrompt('hello after');
    await session.waitForAnswer('hello after');
    const exit = await exitSession(session);
    expect(exit).toEqual({ exitCode: 0, signal: 0 });

    expect(session.requests('compaction')).toEqual([]);
    const chats = session.requests('chat');
    expect(chats.every((r) => r.status === 200)).toBe(true);
    expect(new Set(chats.map((r) => r.sessionId)).size).toBe(1);
    expect(session.events().filter((e) => ['detected', 'recovered', 'gave-up', 'step'].includes(e.type))).toEqual([]);
  });
});
