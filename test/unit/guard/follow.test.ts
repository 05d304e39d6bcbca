import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TranscriptFollower, type FollowerTimers, type RecordSink, type WatchFile } from '../../../src/guard/follow.js';
import { ContextGuard } from '../../../src/guard/guard.js';
import type { TranscriptRecord } from '../../../src/transcript/records.js';
import { FIXTURES, RecordingHost, guardConfig } from './harness.js';

const lines = (relative: string): string[] => readFileSync(path.join(FIXTURES, relative), 'utf8').split('\n').filter((line) => line !== '');

/** A sink that records calls in order. */
class CallLog implements RecordSink {
  calls: string[] = [];
  feed(record: TranscriptRecord, live = true): void {
    const tokens = record.message?.usage ? `${(record.message.usage.cache_read_input_tokens ?? 0) + (record.message.usage.input_tokens ?? 0) + (record.message.usage.cache_creation_input_tokens ?? 0)}` : '';
    this.calls.push(`${live ? 'live' : 'history'} ${record.type}${record.subtype ? `/${record.subtype}` : ''}${tokens ? ` ${tokens}` : ''}`);
  }
  settle(): void {
    this.calls.push('settle');
  }
  reset(): void {
    this.calls.push('reset');
  }
  take(): string[] {
    const calls = this.calls;
    this.calls = [];
    return calls;
  }
}

/** Hand-driven watches and poll timer. */
class Triggers implements FollowerTimers {
  watches: Array<{ file: string; fire: () => void; closed: boolean }> = [];
  intervals: Array<{ callback: () => void; ms: number; cleared: boolean }> = [];
  watch: WatchFile = (file, onChange) => {
    const entry = { file, fire: onChange, closed: false };
    this.watches.push(entry);
    return { close: () => void (entry.closed = true) };
  };
  setInterval(callback: () => void, ms: number): unknown {
    const entry = { callback, ms, cleared: false };
    this.intervals.push(entry);
    return entry;
  }
  clearInterval(handle: unknown): void {
    (handle as { cleared: boolean }).cleared = true;
  }
  /** Fires the open watch on `file`. */
  change(file: string): void {
    for (const watch of this.watches) if (watch.file === file && !watch.closed) watch.fire();
  }
  tick(): void {
    for (const interval of this.intervals) if (!interval.cleared) interval.callback();
  }
  get openWatches(): number {
    return this.watches.filter((watch) => !watch.closed).length;
  }
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'guard-follow-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function follower(options: { historyBytes?: number } = {}) {
  const sink = new CallLog();
  const triggers = new Triggers();
  const reports: string[] = [];
  const follow = new TranscriptFollower({ sink, watch: triggers.watch, timers: triggers, report: (m) => reports.push(m), ...options });
  return { sink, triggers, reports, follow };
}

describe('TranscriptFollower', () => {
  it('replays an existing transcript from its last reply as history, then settles', () => {
    const file = path.join(dir, 'session.jsonl');
    copyFileSync(path.join(FIXTURES, 'real', 'transcripts', '2.1.330-oauth-sub-70-gate.jsonl'), file);
    const { sink, follow, triggers } = follower();
    follow.setTranscript(file);
    const calls = sink.take();
    expect(calls[0]).toBe('history assistant 190000'); // the last real reply; older turns are not read
    expect(calls.at(-1)).toBe('settle');
    expect(calls.filter((call) => call.startsWith('live'))).toEqual([]);
    expect(triggers.openWatches).toBe(1);
    expect(triggers.intervals.filter((interval) => !interval.cleared).map((interval) => interval.ms)).toEqual([10_000]); // a slow safety net beside the watch
  });

  it('feeds appended records live on a change, leaving a torn line until its newline arrives', () => {
    const file = path.join(dir, 'session.jsonl');
    const climb = lines('guard/climb.jsonl');
    writeFileSync(file, `${climb.slice(0, 6).join('\n')}\n`);
    const { sink, follow, triggers } = follower();
    follow.setTranscript(file);
    expect(sink.take()).toEqual(['history assistant 120500', 'settle']);
    const next = climb[7] as string;
    appendFileSync(file, `${climb[6]}\n${next.slice(0, 40)}`);
    triggers.change(file);
    expect(sink.take()).toEqual(['live system/turn_duration']);
    appendFileSync(file, `${next.slice(40)}\n`);
    triggers.change(file);
    expect(sink.take()).toEqual(['live user']);
    triggers.tick();
    triggers.change(file);
    expect(sink.take()).toEqual([]);
  });

  it('attaches to a transcript that does not exist yet once it appears (the poll)', () => {
    const file = path.join(dir, 'later', 'session.jsonl');
    const { sink, follow, triggers, reports } = follower();
    follow.setTranscript(file);
    triggers.tick();
    expect(sink.take()).toEqual([]);
    expect(triggers.openWatches).toBe(0);
    expect(triggers.intervals.filter((interval) => !interval.cleared).map((interval) => interval.ms)).toEqual([2000]); // no watch yet: the poll finds it
    mkdirSync(path.dirname(file));
    writeFileSync(file, `${lines('guard/climb.jsonl').slice(0, 4).join('\n')}\n`);
    triggers.tick();
    expect(sink.take()).toEqual(['history assistant 100000', 'settle']);
    expect(triggers.openWatches).toBe(1);
    expect(reports).toEqual([]);
  });

  it('switches transcripts: resets the sink, drops the old watch, ignores the old file', () => {
    const first = path.join(dir, 'a.jsonl');
    const second = path.join(dir, 'b.jsonl');
    const climb = lines('guard/climb.jsonl');
    writeFileSync(first, `${climb.slice(0, 6).join('\n')}\n`);
    writeFileSync(second, `${climb.slice(0, 3).join('\n')}\n`);
    const { sink, follow, triggers } = follower();
    follow.setTranscript(first);
    sink.take();
    follow.setTranscript(second);
    expect(sink.take()).toEqual(['reset', 'history last-prompt', 'history user', 'settle']); // no reply yet: back to the start
    appendFileSync(first, `${climb[6]}\n`);
    triggers.change(first);
    triggers.tick();
    expect(sink.take()).toEqual([]);
    expect(triggers.openWatches).toBe(1);
    follow.setTranscript(null);
    expect(sink.take()).toEqual(['reset']);
    expect(triggers.openWatches).toBe(0);
    expect(triggers.intervals.every((interval) => interval.cleared)).toBe(true);
  });

  it('starts over when the file is replaced by a rewrite (a rename over it)', () => {
    const file = path.join(dir, 'session.jsonl');
    const climb = lines('guard/climb.jsonl');
    writeFileSync(file, `${climb.slice(0, 14).join('\n')}\n`);
    const { sink, follow, triggers } = follower();
    follow.setTranscript(file);
    sink.take();
    const rewritten = path.join(dir, 'session.jsonl.tmp');
    writeFileSync(rewritten, `${climb.slice(0, 17).join('\n')}\n`);
    renameSync(rewritten, file);
    triggers.change(file);
    expect(sink.take()).toEqual(['reset', 'history assistant 186000', 'settle']);
    expect(triggers.watches.filter((watch) => !watch.closed)).toHaveLength(1);
  });

  it('reports a read failure once and keeps trying without throwing', () => {
    const file = path.join(dir, 'is-a-directory.jsonl');
    mkdirSync(file);
    const { follow, triggers, reports } = follower();
    expect(() => follow.setTranscript(file)).not.toThrow();
    expect(() => triggers.tick()).not.toThrow();
    triggers.tick();
    expect(reports).toHaveLength(1);
    expect(reports[0]).toContain('cannot read the transcript');
  });

  it('stops on dispose', () => {
    const file = path.join(dir, 'session.jsonl');
    writeFileSync(file, `${lines('guard/climb.jsonl').slice(0, 6).join('\n')}\n`);
    const { sink, follow, triggers } = follower();
    follow.setTranscript(file);
    sink.take();
    follow.dispose();
    appendFileSync(file, `${lines('guard/climb.jsonl')[6]}\n`);
    triggers.change(file);
    triggers.tick();
    follow.setTranscript(path.join(dir, 'other.jsonl'));
    expect(sink.take()).toEqual([]);
    expect(triggers.openWatches).toBe(0);
  });

  it('drives a ContextGuard end to end: history near the window is one near-miss, a live compaction gives the title back', () => {
    const file = path.join(dir, 'session.jsonl');
    const climb = lines('guard/climb.jsonl');
    writeFileSync(file, `${climb.slice(0, 18).join('\n')}\n`);
    const host = new RecordingHost();
    const guard = new ContextGuard({ config: guardConfig(), host });
    const triggers = new Triggers();
    const follow = new TranscriptFollower({ sink: guard, watch: triggers.watch, timers: triggers });
    follow.setTranscript(file);
    expect(host.titles).toEqual(['claude · 186K/200K ctx']);
    expect(host.ofType('near-miss').map((entry) => entry.contextTokens)).toEqual([186_000]);
    appendFileSync(file, `${climb.slice(18).join('\n')}\n`);
    triggers.change(file);
    expect(host.titles).toEqual(['claude · 186K/200K ctx', null, 'claude · 150K/200K ctx', 'claude · 183K/200K ctx']);
    expect(host.ofType('near-miss').map((entry) => entry.contextTokens)).toEqual([186_000, 183_000]);
  });

  it('sees appends through the real fs.watch', async () => {
    const file = path.join(dir, 'session.jsonl');
    writeFileSync(file, '');
    const sink = new CallLog();
    const follow = new TranscriptFollower({ sink, pollMs: 3_600_000 });
    try {
      follow.setTranscript(file);
      appendFileSync(file, `${lines('guard/climb.jsonl')[3]}\n`);
      await expect.poll(() => sink.calls.filter((call) => call.startsWith('live')), { timeout: 5000, interval: 20 }).toEqual(['live assistant 100000']);
    } finally {
      follow.dispose();
    }
  });
});
