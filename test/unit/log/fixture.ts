// A known log for the formatter and command tests: five occurrences over four days (UTC)
// and guard entries covering each blocks-avoided outcome. "Now" is FIXTURE_NOW.
import type { DetectedEntry, LogEntry } from '../../../src/log/types.js';

export const FIXTURE_NOW = new Date('2025-03-10T12:00:00Z');
const HAIKU = 'claude-haiku-4-5-20251001';

function detected(occurrence: string, ts: string, fields: Partial<DetectedEntry>): DetectedEntry {
  return {
    type: 'detected',
    ts,
    occurrence,
    variant: 'credits-1m',
    channel: 'screen+transcript',
    case: 'A',
    contextTokens: 212_345,
    thresholds: { standardWindow: 200_000, caseAMinTokens: 150_000 },
    reason: 'context 212k ≥ 150k',
    claudeVersion: '2.1.320',
    sessionId: null,
    cwd: '/home/u/proj',
    ...fields,
  };
}

export const FIXTURE: LogEntry[] = [
  detected('o1', '2025-03-07T09:15:00.000Z', { sessionId: 'aaaa1111-2222' }),
  { type: 'step', ts: '2025-03-07T09:15:02.000Z', occurrence: 'o1', name: 'stop', timedOut: false, durationMs: 900, ok: true, exitCode: 0 },
  { type: 'step', ts: '2025-03-07T09:15:35.000Z', occurrence: 'o1', name: 'compact', model: HAIKU, timedOut: false, durationMs: 33_000, ok: true, exitCode: 0 },
  { type: 'recovered', ts: '2025-03-07T09:15:38.000Z', occurrence: 'o1', sessionId: 'aaaa1111-2222', totalMs: 38_000, worked: `compact:${HAIKU}` },

  detected('o2', '2025-03-07T16:40:00.000Z', { sessionId: 'bbbb1111-2222', cwd: '/srv/other', mode: 'print', channel: 'output+transcript' }),
  { type: 'step', ts: '2025-03-07T16:40:30.000Z', occurrence: 'o2', name: 'compact', model: HAIKU, timedOut: false, durationMs: 30_000, ok: false, exitCode: 1, detail: 'compact_result=failed' },
  { type: 'step', ts: '2025-03-07T16:41:12.000Z', occurrence: 'o2', name: 'compact', model: 'opus', timedOut: false, durationMs: 40_000, ok: true, exitCode: 0 },
  { type: 'recovered', ts: '2025-03-07T16:41:12.500Z', occurrence: 'o2', sessionId: 'bbbb1111-2222', totalMs: 72_500, worked: 'compact:opus' },

  { type: 'near-miss', ts: '2025-03-08T09:30:00.000Z', sessionId: 'cccc1111-2222', contextTokens: 182_000, window: 200_000 },
  detected('o3', '2025-03-08T10:00:00.000Z', { sessionId: 'cccc1111-2222', case: 'B', contextTokens: 95_000, reason: 'context 95k < 150k' }),
  { type: 'gave-up', ts: '2025-03-08T10:00:01.200Z', occurrence: 'o3', sessionId: 'cccc1111-2222', totalMs: 1_200, reason: 'case B: compaction cannot help', tried: [] },

  { type: 'near-miss', ts: '2025-03-09T10:00:00.000Z', sessionId: 'eeee1111-2222', contextTokens: 181_000, window: 200_000 },
  { type: 'auto-compact', ts: '2025-03-09T10:05:00.000Z', sessionId: 'eeee1111-2222', contextTokens: 185_000 },
  { type: 'near-miss', ts: '2025-03-09T20:00:00.000Z', sessionId: 'gggg1111-2222', contextTokens: 181_000, window: 200_000 },
  { type: 'near-miss', ts: '2025-03-09T22:00:00.000Z', sessionId: 'gggg1111-2222', contextTokens: 183_000, window: 200_000 },
  { type: 'warning', ts: '2025-03-09T23:00:00.000Z', message: 'screen-only detection' },

  detected('o4', '2025-03-10T08:00:00.000Z', { sessionId: 'dddd1111-2222', contextTokens: 1_050_000, mode: 'stream-json', channel: 'output+transcript' }),
  { type: 'recovered', ts: '2025-03-10T08:00:41.000Z', occurrence: 'o4', sessionId: 'dddd1111-2222', totalMs: 41_000, worked: `compact:${HAIKU}` },

  detected('o5', '2025-03-10T11:30:00.000Z', { case: 'C', contextTokens: null, channel: 'screen', claudeVersion: null }),
  { type: 'near-miss', ts: '2025-03-10T11:45:00.000Z', sessionId: 'ffff1111-2222', contextTokens: 190_000, window: 200_000 },
];
