import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_CONFIG } from '../../../src/config/types.js';
import type { RecordSink } from '../../../src/guard/follow.js';
import { attachGuard, trackTurns } from '../../../src/guard/attach.js';
import type { InteractiveSession, SessionObserver } from '../../../src/terminal/session.js';
import type { TranscriptRecord } from '../../../src/transcript/records.js';

const reply = (stop: string): TranscriptRecord => ({ type: 'assistant', message: { model: 'claude-sonnet-4-6', stop_reason: stop, content: [] } });
const prompt: TranscriptRecord = { type: 'user', message: { role: 'user', content: 'hello' } };

function tracked() {
  const calls: string[] = [];
  let turnEnds = 0;
  const sink: RecordSink = { feed: (_r, live) => void calls.push(`feed:${String(live)}`), settle: () => void calls.push('settle'), reset: () => void calls.push('reset') };
  const tracker = trackTurns(sink, { onTurnEnd: () => void turnEnds++ });
  return { tracker, calls, ends: () => turnEnds };
}

describe('trackTurns', () => {
  it('tells the idle tracker of each live reply that ends its turn, and passes every record on', () => {
    const { tracker, calls, ends } = tracked();
    tracker.feed(reply('tool_use'));
    expect(ends()).toBe(0);
    tracker.feed(reply('end_turn'));
    expect(ends()).toBe(1);
    expect(calls).toEqual(['feed:true', 'feed:true']);
  });

  it('counts history that ends in a finished turn once, at settle', () => {
    const { tracker, ends } = tracked();
    tracker.feed(prompt, false);
    tracker.feed(reply('end_turn'), false);
    expect(ends()).toBe(0);
    tracker.settle();
    expect(ends()).toBe(1);
  });

  it('does not count history whose last turn is still running', () => {
    const { tracker, ends } = tracked();
    tracker.feed(reply('end_turn'), false);
    tracker.feed(prompt, false);
    tracker.settle();
    tracker.feed(reply('end_turn'), false);
    tracker.reset();
    tracker.settle();
    expect(ends()).toBe(0);
  });
});

describe('attachGuard session id lookups', () => {
  afterEach(() => void vi.useRealTimers());

  function attached(sessionId: () => string | null) {
    const home = mkdtempSync(path.join(os.tmpdir(), 'cr-attach-'));
    let observer: SessionObserver | null = null;
    const session = {
      observe: (o: SessionObserver) => void (observer = o),
      subscribe: () => {},
      status: { attachGuard: () => {}, setTitle: () => {}, bell: () => {} },
      childRunning: true,
      typeInput: async () => {},
    } as unknown as InteractiveSession;
    const guard = attachGuard({
      session,
      config: DEFAULT_CONFIG,
      log: { write: () => {} },
      cwd: home,
      env: { CLAUDE_CONFIG_DIR: home, HOME: home },
      sessionId,
      recovering: () => false,
      warn: () => {},
    });
    return {
      observer: () => observer as unknown as SessionObserver,
      dispose: () => {
        guard?.dispose();
        rmSync(home, { recursive: true, force: true });
      },
    };
  }

  it('looks up nothing while the session is silent, every 250 ms while bytes flow and for 2 s after', () => {
    vi.useFakeTimers();
    let lookups = 0;
    const a = attached(() => {
      lookups++;
      return null;
    });
    vi.advanceTimersByTime(10_000);
    expect(lookups).toBe(0);
    a.observer().written(Buffer.from('drawn'));
    vi.advanceTimersByTime(250);
    expect(lookups).toBe(1);
    vi.advanceTimersByTime(10_000);
    expect(lookups).toBe(1 + 8);
    a.observer().input(Buffer.from('k'));
    vi.advanceTimersByTime(250);
    expect(lookups).toBe(10);
    a.dispose();
  });

  it('checks a known id every 2 s while bytes flow, once more after, then sleeps', () => {
    vi.useFakeTimers();
    let lookups = 0;
    const a = attached(() => {
      lookups++;
      return '0b5e4c5e-1111-4222-8333-444455556666';
    });
    a.observer().written(Buffer.from('drawn'));
    vi.advanceTimersByTime(250);
    expect(lookups).toBe(1);
    for (let t = 0; t < 6_000; t += 100) {
      a.observer().written(Buffer.from('busy'));
      vi.advanceTimersByTime(100);
    }
    expect(lookups).toBe(1 + 3);
    vi.advanceTimersByTime(20_000);
    expect(lookups).toBe(1 + 3 + 1);
    a.dispose();
  });
});
