import { describe, expect, it } from 'vitest';
import type { RecordSink } from '../../../src/guard/follow.js';
import { trackTurns } from '../../../src/guard/attach.js';
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
