// The watcher on the other kinds' real captures: the screen as the PTY gave it, the transcript
// as the CLI wrote it; one occurrence each, of the right kind, with its facts, logged first.
// And the wait in a live session (recovery/wait.ts) on the capture where 2.1.332 continued by
// itself after the reset.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { BlockWatcher, type BlockOccurrence, type UsageLimitOccurrence } from '../../../src/detect/watcher.js';
import type { DetectedEntry } from '../../../src/log/types.js';
import type { ChildControl, Wait } from '../../../src/recovery/types.js';
import { waitOutLimit } from '../../../src/recovery/wait.js';
import { parseRecord } from '../../../src/transcript/records.js';
import { ManualClock, MemorySink, claudeHome, config } from './support.js';

const REAL = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/real');

const homes: Array<ReturnType<typeof claudeHome>> = [];
afterEach(() => {
  for (const home of homes.splice(0)) home.cleanup();
});

/** The capture's transcript in place (up to its last error record, as when the screen showed it) and its screen fed to a watcher. */
function watch(name: string, options: { whole?: boolean } = {}): { occurrences: BlockOccurrence[]; log: MemorySink; file: string; lines: string[] } {
  const all = fs.readFileSync(path.join(REAL, 'transcripts', `${name}.jsonl`), 'utf8').split('\n').filter((line) => line !== '');
  const records = all.map(parseRecord);
  const lastError = records.map((record, i) => (record?.isApiErrorMessage === true ? i : -1)).filter((i) => i !== -1).at(-1) ?? all.length - 1;
  const lines = options.whole ? all : all.slice(0, lastError + 1);
  const firstAt = Date.parse(records.find((record) => typeof record?.timestamp === 'string')?.timestamp as string);
  const errorAt = Date.parse(records[lastError]?.timestamp as string);
  const sessionId = records.find((record) => typeof record?.sessionId === 'string')?.sessionId as string;
  const home = claudeHome();
  homes.push(home);
  const file = path.join(home.projectDir, `${sessionId}.jsonl`);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  const clock = new ManualClock(errorAt + 100);
  const log = new MemorySink();
  const watcher = new BlockWatcher({ cwd: home.cwd, env: home.env, config: config(), launchedAt: firstAt - 1000, args: [], childPid: () => undefined, log, clock });
  const occurrences: BlockOccurrence[] = [];
  watcher.on('occurrence', (occurrence) => occurrences.push(occurrence));
  watcher.onOutput(fs.readFileSync(path.join(REAL, 'screens', `${name}.bin`)));
  clock.advance(10_000);
  return { occurrences, log, file, lines: all };
}

describe('the watcher on the real captures of the other blocks', () => {
  it('2.1.332, a 5-hour limit: one occurrence with the exact reset, logged with it first', () => {
    const { occurrences, log } = watch('2.1.332-oauth-sub-80-usage-five_hour');
    expect(occurrences).toEqual([expect.objectContaining({ kind: 'usage-limit', variant: 'five-hour', limit: '5-hour limit', resetSource: 'record', channel: 'screen+transcript' })]);
    const occurrence = occurrences[0] as UsageLimitOccurrence;
    const detected = log.entries[0] as DetectedEntry;
    expect(detected).toMatchObject({ type: 'detected', kind: 'usage-limit', occurrence: occurrence.occurrence, limit: '5-hour limit', resetSource: 'record' });
    expect(Date.parse(detected.resetsAt as string)).toBe(occurrence.resetsAt);
    expect(detected).not.toHaveProperty('case');
  });

  it('2.1.200, a session limit: the reset from its text, to the minute', () => {
    const { occurrences } = watch('2.1.200-oauth-sub-80-usage-five_hour');
    expect(occurrences).toEqual([expect.objectContaining({ kind: 'usage-limit', variant: 'session', limit: 'session limit', resetSource: 'text' })]);
  });

  it('a weekly limit and an Opus limit', () => {
    expect(watch('2.1.332-oauth-sub-80-usage-seven_day').occurrences).toEqual([expect.objectContaining({ kind: 'usage-limit', limit: 'weekly limit' })]);
    expect(watch('2.1.332-oauth-sub-80-usage-seven_day_opus').occurrences).toEqual([expect.objectContaining({ kind: 'usage-limit', limit: 'Opus limit' })]);
  });

  for (const version of ['2.1.332', '2.1.200']) {
    it(`${version}, an image the CLI healed: one occurrence, healed, naming the image`, () => {
      const { occurrences, log } = watch(`${version}-oauth-sub-80-image-healed`, { whole: true });
      expect(occurrences).toEqual([expect.objectContaining({ kind: 'image-refused', variant: 'removed', healed: true, again: false })]);
      expect((log.entries[0] as DetectedEntry).image?.images).toHaveLength(1);
    });

    it(`${version}, an image it did not heal: the last refusal is "again"`, () => {
      const { occurrences } = watch(`${version}-oauth-sub-80-image-unhealed`);
      const last = occurrences.at(-1);
      expect(last).toMatchObject({ kind: 'image-refused', variant: 'api-400', healed: false, again: true });
    });
  }
});

describe('waiting out a usage limit in a live session', () => {
  /** A ChildControl that only records what the wait shows. */
  function control(): { control: ChildControl; shown: Array<Wait | null> } {
    const shown: Array<Wait | null> = [];
    const fail = (): never => {
      throw new Error('the wait must not touch the child');
    };
    return {
      shown,
      control: { stop: fail, respawn: fail, waitForPrompt: fail, typeInput: fail, progress: fail, notify: fail, waiting: (wait) => shown.push(wait === null ? null : { ...wait }) },
    };
  }

  it('2.1.332 continued by itself: the title says so once its note is read, the wait is logged as continued by claude', async () => {
    const { occurrences, file, lines } = watch('2.1.332-oauth-sub-80-usage-continued');
    const occurrence = occurrences[0] as UsageLimitOccurrence;
    // What the CLI wrote after the refusal comes in while the wait runs.
    const rest = lines.slice(lines.findIndex((line) => line.includes('"isApiErrorMessage":true')) + 1);
    const { control: c, shown } = control();
    const log = new MemorySink();
    const done = waitOutLimit(occurrence, c, { log, signal: new AbortController().signal, pollMs: 5 });
    fs.appendFileSync(file, `${rest.join('\n')}\n`);
    const entry = await done;
    expect(shown[0]).toEqual({ about: '5-hour limit', until: occurrence.resetsAt, continuesByItself: false });
    expect(shown).toContainEqual({ about: '5-hour limit', until: occurrence.resetsAt, continuesByItself: true });
    expect(shown.at(-1)).toBeNull();
    const continuation = rest.map(parseRecord).find((record) => (record?.origin as { kind?: string } | undefined)?.kind === 'auto-continuation');
    expect(entry).toMatchObject({ type: 'waited', occurrence: occurrence.occurrence, until: 'continued', by: 'claude' });
    expect(entry.waitedMs).toBe(Date.parse(continuation?.timestamp as string) - occurrence.at);
    expect(log.entries).toEqual([entry]);
  });

  it('ends when claude ends, and when the limit refuses again', async () => {
    const { occurrences } = watch('2.1.200-oauth-sub-80-usage-five_hour');
    const occurrence = occurrences[0] as UsageLimitOccurrence;
    for (const reason of ['ended', 'refused-again'] as const) {
      const { control: c, shown } = control();
      const stop = new AbortController();
      const log = new MemorySink();
      const done = waitOutLimit(occurrence, c, { log, signal: stop.signal, pollMs: 5, now: () => occurrence.at + 90_000 });
      await new Promise((resolve) => setTimeout(resolve, 20));
      stop.abort(reason);
      expect(await done).toMatchObject({ until: reason, waitedMs: 90_000 });
      expect(shown.at(-1)).toBeNull();
      // 2.1.200 never says it continues by itself: at the reset the person is told to send again.
      expect(shown.filter((wait) => wait?.continuesByItself === true)).toEqual([]);
    }
  });
});
