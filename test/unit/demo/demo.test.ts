import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { keepInUserLog, summarizeEvents, summarizeRequests } from '../../../src/demo/demo.js';
import type { MockRequest } from '../../../src/demo/mock-api.js';
import { joinOccurrences } from '../../../src/log/format.js';
import { readEntries } from '../../../src/log/sink.js';
import type { LogEntry } from '../../../src/log/types.js';

function request(partial: Partial<MockRequest>): MockRequest {
  return {
    method: 'POST',
    path: '/v1/messages?beta=true',
    kind: 'chat',
    model: 'claude-sonnet-4-6',
    betas: [],
    sessionId: 's',
    bodyBytes: 10,
    stream: true,
    at: 0,
    maxTokens: 32_000,
    contextTokens: 1,
    status: 200,
    lastUserText: '',
    ...partial,
  };
}

describe('the demo summary', () => {
  it('groups requests by kind, model, 1M beta and status, leaving out HEAD probes', () => {
    const text = summarizeRequests([
      request({ betas: ['context-1m-2025-08-07'] }),
      request({ betas: ['context-1m-2025-08-07'] }),
      request({ betas: ['context-1m-2025-08-07'], status: 429 }),
      request({ kind: 'compaction', model: 'claude-haiku-4-5-20251001' }),
      request({ kind: 'other', method: 'HEAD', model: null }),
    ]);
    expect(text.split('\n')).toEqual([
      '  requests the mock API answered:',
      '   2 × chat claude-sonnet-4-6 (1M) → 200',
      '   1 × chat claude-sonnet-4-6 (1M) → 429',
      '   1 × compaction claude-haiku-4-5-20251001 → 200',
    ]);
  });

  it('says when the gate was hit but nothing was logged', () => {
    expect(summarizeEvents([], true)).toEqual(['  the gate was hit, but claude-recover logged nothing']);
    expect(summarizeEvents([], false)).toEqual(['  claude-recover logged nothing (the gate was not hit)']);
  });

  it('prints one line an entry', () => {
    const lines = summarizeEvents(
      [
        { type: 'recovered', ts: 't', occurrence: 'o', sessionId: 's', totalMs: 4_200, worked: 'compact:claude-haiku-4-5-20251001' },
        { type: 'gave-up', ts: 't', occurrence: 'o', sessionId: 's', totalMs: 1, reason: 'case B', tried: [] },
      ],
      true,
    );
    expect(lines).toEqual([
      '  claude-recover logged:',
      '    recovered by compact:claude-haiku-4-5-20251001, 4.2 s from the gate until the prompt was back in the box',
      '    gave up: case B',
    ]);
  });
});

describe('keepInUserLog', () => {
  it("adds the demo's entries to the person's own log, where `log` and `stats` read them", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cr-demo-log-'));
    try {
      const env = { XDG_STATE_HOME: dir };
      const ts = new Date().toISOString();
      const occurrence = 'demo-occurrence';
      const entries: LogEntry[] = [
        { ts, type: 'detected', occurrence, variant: 'usage-credits-1m', channel: 'screen+transcript', case: 'A', contextTokens: 190_000, thresholds: { standardWindow: 200_000, caseAMinTokens: 150_000 }, reason: 'r', claudeVersion: '2.1.332', sessionId: 's', cwd: '/tmp/claude-recover-home-x/demo-project' },
        { ts, type: 'recovered', occurrence, sessionId: 's', totalMs: 2_100, worked: 'compact:claude-haiku-4-5-20251001' },
      ];
      expect(keepInUserLog(entries, env)).toBe(path.join(dir, 'claude-recover', 'events.jsonl'));
      const occurrences = joinOccurrences(readEntries(env));
      expect(occurrences).toHaveLength(1);
      expect(occurrences[0]).toMatchObject({ outcome: 'recovered', detected: { cwd: '/tmp/claude-recover-home-x/demo-project' } });
      expect(keepInUserLog([], env)).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
