// Scenario 1: a plain conversation through claude-recover, and /exit ends the wrapper with
// the CLI's own exit code.
import { afterEach, describe, expect, it } from 'vitest';
import { exitSession, startSession, type E2eSession } from '../support/e2e.js';

let session: E2eSession | null = null;
afterEach(async () => {
  await session?.close();
  session = null;
});

describe('passthrough around the real claude 2.1.332', () => {
  it('holds a conversation and exits with claude\'s exit code', async () => {
    session = await startSession({ mock: { gate: 'off' } });
    await session.typePrompt('hello one');
    await session.waitForAnswer('hello one');
    await session.typePrompt('hello two');
    await session.waitForAnswer('hello two');

    const exit = await exitSession(session);
    expect(exit).toEqual({ exitCode: 0, signal: 0 });

    const chats = session.requests('chat');
    expect(chats.map((r) => r.lastUserText)).toEqual(['hello one', 'hello two']);
    expect(new Set(chats.map((r) => r.sessionId)).size).toBe(1);
    // The CLI wrote its transcript as usual: both prompts and both answers.
    const records = session.transcript();
    expect(records.filter((r) => r.type === 'assistant' && r.isApiErrorMessage !== true)).toHaveLength(2);
    // Nothing to detect, nothing done.
    expect(session.events().filter((e) => ['detected', 'recovered', 'gave-up', 'step'].includes(e.type))).toEqual([]);
    // The screen carried the CLI's own output (its alternate screen was entered and left).
    expect(session.pty.raw().includes('\u001b[?1049h')).toBe(true);
  });
});
