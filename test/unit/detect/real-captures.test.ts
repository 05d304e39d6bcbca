// The detector and the watcher on bytes and transcripts captured from the real CLI
// (test/fixtures/real, see its README): 2.1.330, 2.1.200 and 2.1.100, four kinds of login.
import fs from 'node:fs';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ScreenDetector, type BlockMatch } from '../../../src/detect/screen.js';
import { BlockWatcher, type GateOccurrence } from '../../../src/detect/watcher.js';
import { parseRecord } from '../../../src/transcript/records.js';
import { ManualClock, MemorySink, claudeHome, config } from './support.js';

const REAL = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/real');
const screens = fs.existsSync(path.join(REAL, 'screens')) ? fs.readdirSync(path.join(REAL, 'screens')).filter((name) => name.endsWith('.bin')) : [];
const screen = (name: string): Buffer => fs.readFileSync(path.join(REAL, 'screens', name));

/** The wording each capture shows (README table). */
function expectedVariant(name: string): string {
  if (name.includes('api-key')) return name.startsWith('2.1.100') ? 'raw-429-long-context' : 'request-rejected-long-context';
  return name.startsWith('2.1.100') ? 'extra-usage-1m' : 'usage-credits-1m';
}

/** How the bytes reach the detector: raw chunks (pushBytes, what the session feeds), or decoded by a StringDecoder (push). */
type Way = 'raw' | 'text';
const WAYS: Way[] = ['raw', 'text'];

/** Feeds bytes split where asked, one of the two ways. */
function feedBytes(detector: ScreenDetector, bytes: Buffer, splits: number[] = [], way: Way = 'raw'): BlockMatch[] {
  const decoder = new StringDecoder('utf8');
  const matches: BlockMatch[] = [];
  let from = 0;
  for (const at of [...splits, bytes.length]) {
    const chunk = bytes.subarray(from, at);
    matches.push(...(way === 'raw' ? detector.pushBytes(chunk) : detector.push(decoder.write(chunk))));
    from = at;
  }
  if (way === 'text') matches.push(...detector.push(decoder.end()));
  return matches;
}

for (const way of WAYS) {
  describe.skipIf(screens.length === 0)(`real captures: the screen detector, fed ${way === 'raw' ? 'raw chunks (pushBytes)' : 'decoded text (push)'}`, () => {
    for (const name of screens.filter((file) => file.endsWith('-gate.bin'))) {
      it(`${name}: one new occurrence (${expectedVariant(name)}), split at every byte`, () => {
        const bytes = screen(name);
        expect(feedBytes(new ScreenDetector(), bytes, [], way)).toEqual([expect.objectContaining({ variant: expectedVariant(name), repaint: false })]);
        for (let at = 1; at < bytes.length; at++) {
          const matches = feedBytes(new ScreenDetector(), bytes, [at], way);
          if (matches.length !== 1 || matches[0]?.repaint !== false) expect.fail(`split at byte ${at}: ${JSON.stringify(matches)}`);
        }
      });
    }

    for (const name of screens.filter((file) => file.endsWith('-resume.bin'))) {
      it(`${name}: the redrawn old error is a repaint, never new`, () => {
        const matches = feedBytes(new ScreenDetector(), screen(name), [], way);
        expect(matches.length).toBeGreaterThan(0);
        expect(matches.every((match) => match.repaint)).toBe(true);
      });

      const gate = name.replace('-resume.bin', '-gate.bin');
      if (screens.includes(gate)) {
        it(`${gate} then rebase() then ${name}: one new occurrence in all`, () => {
          const detector = new ScreenDetector();
          const first = feedBytes(detector, screen(gate), [], way);
          detector.rebase();
          const second = feedBytes(detector, screen(name), [], way);
          expect([...first, ...second].filter((match) => !match.repaint)).toHaveLength(1);
        });
      }
    }

    for (const name of screens.filter((file) => file.endsWith('-quote.bin'))) {
      it(`${name}: the model quoting three wordings never matches`, () => {
        const bytes = screen(name);
        expect(feedBytes(new ScreenDetector(), bytes, [], way)).toEqual([]);
        for (let at = 1; at < bytes.length; at += 5) expect(feedBytes(new ScreenDetector(), bytes, [at], way)).toEqual([]);
      });
    }
  });
}

const homes: Array<ReturnType<typeof claudeHome>> = [];
afterEach(() => {
  for (const home of homes.splice(0)) home.cleanup();
});

/** Runs a watcher over a captured screen with the captured transcript in place, launched `launchBeforeMs` before the gate record. */
function watch(name: string, launchBeforeMs = 10_000): { occurrences: GateOccurrence[]; log: MemorySink } {
  const lines = fs.readFileSync(path.join(REAL, 'transcripts', `${name}.jsonl`), 'utf8').split('\n');
  const records = lines.map(parseRecord);
  const reversed = [...records].reverse();
  const gate = reversed.find((record) => record?.isApiErrorMessage === true);
  const last = reversed.find((record) => typeof record?.timestamp === 'string');
  const gateAt = Date.parse((gate ?? last)?.timestamp as string);
  const sessionId = records.find((record) => typeof record?.sessionId === 'string')?.sessionId as string;
  const home = claudeHome();
  homes.push(home);
  fs.writeFileSync(path.join(home.projectDir, `${sessionId}.jsonl`), lines.join('\n'));
  const clock = new ManualClock(gateAt + 100);
  const log = new MemorySink();
  const watcher = new BlockWatcher({ cwd: home.cwd, env: home.env, config: config(), launchedAt: gateAt - launchBeforeMs, args: [], childPid: () => undefined, log, clock });
  const occurrences: GateOccurrence[] = [];
  watcher.on('occurrence', (occurrence) => occurrences.push(occurrence as GateOccurrence));
  watcher.onOutput(screen(`${name}.bin`));
  clock.advance(10_000);
  return { occurrences, log };
}

const transcripts = fs.existsSync(path.join(REAL, 'transcripts')) ? fs.readdirSync(path.join(REAL, 'transcripts')) : [];

describe.skipIf(transcripts.length === 0)('real captures: the watcher with the real transcript', () => {
  for (const name of screens.filter((file) => file.endsWith('-gate.bin')).map((file) => file.slice(0, -'.bin'.length))) {
    if (!transcripts.includes(`${name}.jsonl`)) continue;
    const caseB = name.includes('caseB');
    it(`${name}: confirmed by the error record, case ${caseB ? 'B (first request)' : 'A (190K context)'}`, () => {
      const { occurrences } = watch(name);
      expect(occurrences).toEqual([
        expect.objectContaining({ channel: 'screen+transcript', case: caseB ? 'B' : 'A', contextTokens: caseB ? null : 190_000, variant: expect.any(String) }),
      ]);
      if (name.startsWith('2.1.330')) expect(occurrences[0]?.requestedModel).toBe('claude-sonnet-4-6[1m]');
    });
  }

  it('2.1.330 oauth-sub quote: no occurrence (the screen never matches, the transcript has no error record)', () => {
    expect(watch('2.1.330-oauth-sub-70-quote').occurrences).toEqual([]);
  });

  it('a gate record from before the launch (the session resumed later) is not confirmed again', () => {
    const { occurrences, log } = watch('2.1.330-oauth-sub-70-gate', -1_000);
    expect(occurrences).toEqual([]);
    expect(log.entries).toEqual([]);
  });
});
