import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContextGuard } from '../../../src/guard/guard.js';
import { PromptIdle } from '../../../src/guard/idle.js';
import type { TranscriptRecord } from '../../../src/transcript/records.js';
import { FIXTURES, FakeTime, RecordingHost, fixtureRecords, flush, guardConfig } from './harness.js';

function setup(guard: Parameters<typeof guardConfig>[0] = {}) {
  const time = new FakeTime();
  const host = new RecordingHost();
  const reports: string[] = [];
  const instance = new ContextGuard({
    config: guardConfig(guard),
    host,
    now: () => Date.parse('2026-11-24T12:00:00.000Z') + time.now,
    timers: time,
    recheckMs: 1000,
    report: (message) => reports.push(message),
  });
  const feed = (records: TranscriptRecord[]): void => records.forEach((record) => instance.feed(record));
  return { time, host, reports, guard: instance, feed };
}

describe('ContextGuard thresholds', () => {
  it('titles past 70%, logs one near-miss and one bell past 90%, re-armed by a compact_boundary (fixture)', () => {
    const { host, feed, guard } = setup();
    feed(fixtureRecords('guard/climb.jsonl'));
    expect(host.titles).toEqual([
      'claude · 145K/200K ctx',
      'claude · 181K/200K ctx',
      'claude · 186K/200K ctx',
      null,
      'claude · 150K/200K ctx',
      'claude · 183K/200K ctx',
    ]);
    expect(host.ofType('near-miss')).toEqual([
      { type: 'near-miss', ts: '2026-11-24T12:00:00.000Z', sessionId: 'session-1', contextTokens: 181_000, window: 200_000 },
      { type: 'near-miss', ts: '2026-11-24T12:00:00.000Z', sessionId: 'session-1', contextTokens: 183_000, window: 200_000 },
    ]);
    expect(host.bells).toBe(2);
    expect(guard.contextTokens).toBe(183_000);
  });

  it('reads the real CLI transcripts: 150K titles, 190K is one near-miss, and the compaction gives the title back', () => {
    const dir = path.join(FIXTURES, 'real', 'transcripts');
    const gates = readdirSync(dir).filter((name) => name.endsWith('-gate.jsonl') && !name.includes('caseB'));
    expect(gates.length).toBeGreaterThan(5);
    for (const name of gates) {
      const { host, feed } = setup();
      feed(fixtureRecords(`real/transcripts/${name}`));
      expect(host.titles, name).toEqual(['claude · 150K/200K ctx', 'claude · 190K/200K ctx']);
      expect(host.ofType('near-miss').map((entry) => entry.contextTokens), name).toEqual([190_000]);
      expect(host.bells, name).toBe(1);
    }
    for (const name of readdirSync(dir).filter((file) => file.endsWith('-compacted.jsonl'))) {
      const { host, feed, guard } = setup();
      feed(fixtureRecords(`real/transcripts/${name}`));
      expect(host.titles.at(-1), name).toBeNull();
      expect(host.ofType('near-miss'), name).toHaveLength(1);
      // 2.1.200+ record postTokens; 2.1.100 does not, so the size is unknown until the next reply.
      expect(guard.contextTokens === null || (guard.contextTokens as number) < 10_000, name).toBe(true);
    }
  });

  it('treats a boundary without postTokens as an unknown size', () => {
    const { host, feed, guard } = setup();
    feed(fixtureRecords('guard/boundary-no-post.jsonl'));
    expect(host.titles).toEqual(['claude · 150K/200K ctx', null]);
    expect(guard.contextTokens).toBeNull();
  });

  it('replays history without effects, then acts once on the state reached', () => {
    const { host, guard } = setup();
    for (const record of fixtureRecords('guard/climb.jsonl')) guard.feed(record, false);
    expect(host.titles).toEqual([]);
    guard.settle();
    expect(host.titles).toEqual(['claude · 183K/200K ctx']);
    expect(host.ofType('near-miss')).toHaveLength(1);
    expect(host.bells).toBe(1);
  });

  it('follows the thresholds and switches from config', () => {
    const quiet = setup({ title: false, bell: false });
    quiet.feed(fixtureRecords('guard/climb.jsonl'));
    expect(quiet.host.titles).toEqual([]);
    expect(quiet.host.bells).toBe(0);
    expect(quiet.host.ofType('near-miss')).toHaveLength(2);

    const off = setup({ enabled: false, autoCompact: true });
    off.feed(fixtureRecords('guard/climb.jsonl'));
    off.time.advance(60_000);
    expect([off.host.titles, off.host.entries, off.host.typed, off.host.bells]).toEqual([[], [], [], 0]);

    const early = setup({ titleRatio: 0.5, nearMissRatio: 0.6 });
    early.feed(fixtureRecords('guard/climb.jsonl').slice(0, 6));
    expect(early.host.titles).toEqual(['claude · 100K/200K ctx', 'claude · 121K/200K ctx']);
    expect(early.host.ofType('near-miss').map((entry) => entry.contextTokens)).toEqual([120_500]);
  });

  it('gives the title back on dispose, and does nothing after', () => {
    const { host, feed, guard, time } = setup({ autoCompact: true });
    host.idle = () => false;
    feed(fixtureRecords('guard/climb.jsonl').slice(0, 14));
    expect(host.titles.at(-1)).toBe('claude · 181K/200K ctx');
    expect(time.pending).toBe(1);
    guard.dispose();
    expect(host.titles.at(-1)).toBeNull();
    expect(time.pending).toBe(0);
    feed(fixtureRecords('guard/climb.jsonl'));
    guard.dispose();
    expect(host.titles.filter((title) => title === null)).toHaveLength(1);
    expect(host.ofType('near-miss')).toHaveLength(1);
  });

  it('does not call setTitle(null) on dispose when no title was shown', () => {
    const { host, guard } = setup();
    guard.dispose();
    expect(host.titles).toEqual([]);
  });

  it('forgets the session on reset (another transcript)', () => {
    const { host, feed, guard } = setup();
    feed(fixtureRecords('guard/climb.jsonl').slice(0, 14));
    guard.reset();
    expect(host.titles.at(-1)).toBeNull();
    expect(guard.contextTokens).toBeNull();
    feed(fixtureRecords('guard/climb.jsonl').slice(0, 14));
    expect(host.ofType('near-miss')).toHaveLength(2);
  });

  it('never throws into its caller: a failing host is reported once and the guard stops', () => {
    const { host, feed, reports, guard } = setup();
    host.log.write = () => {
      throw new Error('disk full');
    };
    expect(() => feed(fixtureRecords('guard/climb.jsonl'))).not.toThrow();
    expect(reports).toEqual(['the context guard stopped (disk full); claude keeps running']);
    expect(host.titles.at(-1)).toBeNull(); // the title it had shown is given back
    expect(() => guard.dispose()).not.toThrow();
  });
});

describe('ContextGuard auto-compact', () => {
  it('types /compact once the host says the CLI is idle at an empty prompt, and logs it', async () => {
    const { host, feed, time } = setup({ autoCompact: true, idleMs: 4000 });
    const asked: number[] = [];
    let idle = false;
    host.idle = (idleMs) => {
      asked.push(idleMs);
      return idle;
    };
    feed(fixtureRecords('guard/climb.jsonl').slice(0, 14)); // 181K
    time.advance(5000);
    expect(host.typed).toEqual([]);
    expect(asked).toEqual([4000, 4000, 4000, 4000, 4000]);
    idle = true;
    time.advance(1000);
    expect(host.typed).toEqual(['/compact']);
    await flush();
    expect(host.ofType('auto-compact')).toEqual([{ type: 'auto-compact', ts: '2026-11-24T12:00:06.000Z', sessionId: 'session-1', contextTokens: 181_000 }]);
    time.advance(60_000);
    feed(fixtureRecords('guard/climb.jsonl').slice(14, 18)); // 186K, no compaction yet: once per crossing
    time.advance(60_000);
    expect(host.typed).toEqual(['/compact']);
    expect(time.pending).toBe(0);
  });

  it('types again after a compact_boundary re-arms it and the context climbs back', async () => {
    const { host, feed, time } = setup({ autoCompact: true });
    feed(fixtureRecords('guard/climb.jsonl'));
    time.advance(1000);
    await flush();
    expect(host.typed).toEqual(['/compact']);
    expect(host.ofType('auto-compact').map((entry) => entry.contextTokens)).toEqual([183_000]);
  });

  it('is off unless config says so', () => {
    const { host, feed, time } = setup();
    feed(fixtureRecords('guard/climb.jsonl'));
    time.advance(60_000);
    expect(host.typed).toEqual([]);
    expect(time.pending).toBe(0);
  });

  it('waits while a tool call of the last reply is unanswered (a permission question may be showing)', () => {
    const { host, feed, time } = setup({ autoCompact: true });
    feed(fixtureRecords('guard/tool-pending.jsonl'));
    time.advance(30_000);
    expect(host.typed).toEqual([]);
    feed(fixtureRecords('guard/tool-answered.jsonl'));
    time.advance(1000);
    expect(host.typed).toEqual(['/compact']);
  });

  it('refuses to type while input is pending or output is streaming (with PromptIdle as the host judge)', () => {
    const { host, feed, time } = setup({ autoCompact: true, idleMs: 4000 });
    const idle = new PromptIdle({ now: () => time.now });
    host.idle = (idleMs) => idle.isIdleAtEmptyPrompt(idleMs);
    const frame = (footer: string): void => idle.onOutput(`\u001b[12;1H\u001b[39m❯\u00a0\u001b[7m \u001b[27m\u001b[K\r\n\u001b[38;5;246m${footer}\u001b[39m`);

    frame('? for shortcuts');
    feed(fixtureRecords('guard/climb.jsonl').slice(0, 14)); // 181K: armed
    // Streaming: output every 300 ms for 20 s.
    for (let t = 0; t < 20_000; t += 300) {
      idle.onOutput(`\u001b[10;1H\u001b[38;5;174m· Mustering… (${Math.floor(t / 1000)}s)`);
      time.advance(300);
    }
    expect(host.typed).toEqual([]);
    // The answer ends, the prompt is drawn; the user starts typing and stops.
    frame('? for shortcuts');
    idle.onInput('h');
    idle.onOutput('\u001b[12;1H❯\u00a0h\u001b[7m \u001b[27m'); // the CLI redraws the input line with it
    time.advance(30_000);
    expect(host.typed).toEqual([]);
    // They submit; a turn runs and ends at an empty prompt; quiet for idleMs: now it types.
    idle.onInput('\r');
    frame('· esc to interrupt');
    time.advance(2000);
    frame('? for shortcuts');
    time.advance(3999);
    expect(host.typed).toEqual([]);
    time.advance(1001); // the next check after idleMs (checks run every recheckMs)
    expect(host.typed).toEqual(['/compact']);
  });

  it('reports a failed /compact once and does not retry until the next compaction', async () => {
    const { host, feed, time, reports } = setup({ autoCompact: true });
    host.typeResult = () => Promise.reject(new Error('child exited'));
    feed(fixtureRecords('guard/climb.jsonl').slice(0, 14));
    time.advance(1000);
    await flush();
    time.advance(60_000);
    expect(host.typed).toEqual(['/compact']);
    expect(host.ofType('auto-compact')).toEqual([]);
    expect(reports).toEqual(['the context guard could not type /compact (child exited); it tries again after the next compaction']);
    // Still guarding: titles keep coming.
    feed(fixtureRecords('guard/climb.jsonl').slice(14, 18));
    expect(host.titles.at(-1)).toBe('claude · 186K/200K ctx');
  });
});
