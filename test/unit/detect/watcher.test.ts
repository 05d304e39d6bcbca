import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BlockWatcher, type GateOccurrence } from '../../../src/detect/watcher.js';
import type { DetectedEntry, WarningEntry } from '../../../src/log/types.js';
import { BUSY, PROMPT_BOX, render } from './render.js';
import { ManualClock, MemorySink, SESSION, claudeHome, config, gateLine, replyLine, toolResultLine, userLine } from './support.js';

const LAUNCH = Date.parse('2026-11-24T02:05:00.000Z');
const ERROR_SCREEN = render('API Error: Usage credits required for 1M context · run /model to switch to standard context', 80, 'alt-screen');

interface Setup {
  watcher: BlockWatcher;
  clock: ManualClock;
  log: MemorySink;
  occurrences: GateOccurrence[];
  transcript: string;
  append: (...lines: string[]) => void;
  home: ReturnType<typeof claudeHome>;
}

const homes: Array<ReturnType<typeof claudeHome>> = [];
afterEach(() => {
  for (const home of homes.splice(0)) home.cleanup();
});

function setup(options: { args?: string[]; pid?: number; lines?: string[]; projectDir?: boolean; sessionId?: string; mode?: 'print' | 'stream-json' } = {}): Setup {
  const home = claudeHome();
  homes.push(home);
  if (options.projectDir === false) fs.rmSync(home.projectDir, { recursive: true });
  const transcript = path.join(home.projectDir, `${options.sessionId ?? SESSION}.jsonl`);
  if (options.lines) fs.writeFileSync(transcript, options.lines.map((line) => `${line}\n`).join(''));
  const clock = new ManualClock(LAUNCH);
  const log = new MemorySink();
  const watcher = new BlockWatcher({
    cwd: home.cwd,
    env: home.env,
    config: config(),
    launchedAt: LAUNCH,
    args: options.args ?? [],
    childPid: () => options.pid,
    log,
    claudeVersion: '2.1.330',
    clock,
    ...(options.mode ? { mode: options.mode, print: true } : {}),
  });
  const occurrences: GateOccurrence[] = [];
  watcher.on('occurrence', (occurrence) => occurrences.push(occurrence as GateOccurrence));
  const append = (...lines: string[]): void => fs.appendFileSync(transcript, lines.map((line) => `${line}\n`).join(''));
  return { watcher, clock, log, occurrences, transcript, append, home };
}

/** A session of two replies before launch (a resumed one), as the real captures have. */
const before = (): string[] => [userLine('hello one', LAUNCH - 60_000), replyLine(150_000, LAUNCH - 59_000), userLine('hello two', LAUNCH - 30_000), replyLine(190_000, LAUNCH - 29_000)];

describe('BlockWatcher: the transcript confirms the screen', () => {
  it('confirms with the error record already written: one occurrence, case A, logged as detected first', () => {
    const s = setup({ lines: before() });
    s.clock.advance(5_000);
    s.append(userLine('hello three', s.clock.now()), gateLine(s.clock.now() + 20));
    s.watcher.onOutput(BUSY + ERROR_SCREEN + PROMPT_BOX);
    expect(s.occurrences).toEqual([]); // never on the hot path
    s.clock.advance(0);
    expect(s.occurrences).toHaveLength(1);
    const [occurrence] = s.occurrences as [GateOccurrence];
    expect(occurrence).toMatchObject({
      variant: 'usage-credits-1m',
      channel: 'screen+transcript',
      case: 'A',
      contextTokens: 190_000,
      sessionId: SESSION,
      transcriptPath: s.transcript,
      requestedModel: 'claude-sonnet-4-6[1m]',
      claudeVersion: '2.1.330',
    });
    const detected = s.log.entries.filter((entry): entry is DetectedEntry => entry.type === 'detected');
    expect(detected).toEqual([
      expect.objectContaining({ occurrence: occurrence.occurrence, case: 'A', contextTokens: 190_000, channel: 'screen+transcript', thresholds: { standardWindow: 200_000, caseAMinTokens: 150_000 } }),
    ]);
    expect(detected[0]?.reason).toMatch(/190000/);
    expect(s.clock.pending()).toBe(0);
  });

  it('waits for a record written a second after the screen, and not longer than needed', () => {
    const s = setup({ lines: before() });
    s.clock.advance(5_000);
    s.watcher.onOutput(BUSY + ERROR_SCREEN);
    s.clock.advance(900);
    expect(s.occurrences).toEqual([]);
    s.append(gateLine(s.clock.now() - 50));
    s.clock.advance(150);
    expect(s.occurrences).toHaveLength(1);
    expect(s.clock.pending()).toBe(0);
  });

  it('reads a torn last line only once it is complete', () => {
    const s = setup({ lines: before() });
    s.clock.advance(5_000);
    const line = `${gateLine(s.clock.now())}\n`;
    fs.appendFileSync(s.transcript, line.slice(0, 100));
    s.watcher.onOutput(BUSY + ERROR_SCREEN);
    s.clock.advance(300);
    expect(s.occurrences).toEqual([]);
    fs.appendFileSync(s.transcript, line.slice(100));
    s.clock.advance(150);
    expect(s.occurrences).toHaveLength(1);
  });

  it('a readable transcript without a new gate record is not an occurrence; after 15 s one warning says so', () => {
    const s = setup({ lines: before() });
    s.clock.advance(5_000);
    s.append(userLine('hello three', s.clock.now()), replyLine(191_000, s.clock.now() + 10));
    s.watcher.onOutput(BUSY + ERROR_SCREEN);
    s.clock.advance(10_000);
    expect(s.occurrences).toEqual([]);
    expect(s.log.entries).toEqual([]);
    s.clock.advance(6_000);
    expect(s.occurrences).toEqual([]);
    expect(s.log.entries).toEqual([expect.objectContaining({ type: 'warning', message: expect.stringContaining('got no record of it') })]);
    expect(s.clock.pending()).toBe(0);
  });

  it('a gate record written after the confirmation deadline (a loaded machine) is still the occurrence', () => {
    const s = setup({ lines: before() });
    s.clock.advance(5_000);
    s.watcher.onOutput(BUSY + ERROR_SCREEN);
    s.clock.advance(7_000);
    expect(s.occurrences).toEqual([]);
    s.append(gateLine(s.clock.now()));
    s.clock.advance(500);
    expect(s.occurrences).toHaveLength(1);
    expect(s.log.entries.filter((entry) => entry.type === 'warning')).toEqual([]);
  });

  it('an error record written before the launch does not count', () => {
    const s = setup({ lines: [...before(), gateLine(LAUNCH - 1_000)] });
    s.clock.advance(5_000);
    s.watcher.onOutput(BUSY + ERROR_SCREEN);
    s.clock.advance(10_000);
    expect(s.occurrences).toEqual([]);
  });

  it('the gate record among many lines of a large file is found (record at the end of a 3 MB transcript)', () => {
    const filler = Array.from({ length: 300 }, (_, i) => toolResultLine('x'.repeat(10_000), LAUNCH - 100_000 + i));
    const s = setup({ lines: [...filler, ...before()] });
    s.clock.advance(5_000);
    s.append(...Array.from({ length: 5 }, (_, i) => toolResultLine('y'.repeat(10_000), s.clock.now() + i)), gateLine(s.clock.now() + 10));
    s.watcher.onOutput(BUSY + ERROR_SCREEN);
    s.clock.advance(0);
    expect(s.occurrences).toEqual([expect.objectContaining({ case: 'A' })]);
    expect(s.occurrences[0]?.reason).toMatch(/190000 \+ ~125\d\d pending/);
  });
});

describe('BlockWatcher: one occurrence per record, redraws never repeat one', () => {
  it('redraws of the same error (no request between) give nothing more', () => {
    const s = setup({ lines: before() });
    s.clock.advance(5_000);
    s.append(gateLine(s.clock.now()));
    s.watcher.onOutput(BUSY + ERROR_SCREEN + PROMPT_BOX);
    s.clock.advance(0);
    s.watcher.onOutput(`\u001b[2J${ERROR_SCREEN}${PROMPT_BOX}`);
    s.watcher.onOutput(`\u001b[2J${ERROR_SCREEN}${PROMPT_BOX}`);
    s.clock.advance(10_000);
    expect(s.occurrences).toHaveLength(1);
  });

  it('after rebase(), the resumed CLI redrawing the old error is nothing; the next real error is one more', () => {
    const s = setup({ lines: before() });
    s.clock.advance(5_000);
    s.append(gateLine(s.clock.now()));
    s.watcher.onOutput(BUSY + ERROR_SCREEN);
    s.clock.advance(0);
    expect(s.occurrences).toHaveLength(1);
    // Recovery: compaction appends, then claude --resume redraws everything.
    s.clock.advance(20_000);
    s.append(JSON.stringify({ type: 'system', subtype: 'compact_boundary', compactMetadata: { trigger: 'manual', preTokens: 190_000, postTokens: 9_000 }, timestamp: new Date(s.clock.now()).toISOString() }));
    s.watcher.rebase();
    s.watcher.onOutput(`\u001b[?1049h❯ hello three\r\n${ERROR_SCREEN}${PROMPT_BOX}`);
    s.clock.advance(10_000);
    expect(s.occurrences).toHaveLength(1);
    // The resumed session is refused again (account side, small context now): a new occurrence, case B.
    s.append(userLine('hello three', s.clock.now()), gateLine(s.clock.now() + 5));
    s.watcher.onOutput(BUSY + ERROR_SCREEN);
    s.clock.advance(0);
    expect(s.occurrences).toHaveLength(2);
    expect(s.occurrences[1]).toMatchObject({ case: 'B', contextTokens: 9_000 });
  });

  it('a transcript rewritten smaller (images pruned) does not repeat the occurrence', () => {
    const s = setup({ lines: [toolResultLine('z'.repeat(50_000), LAUNCH - 70_000), ...before()] });
    s.clock.advance(5_000);
    const gate = gateLine(s.clock.now());
    s.append(gate);
    s.watcher.onOutput(BUSY + ERROR_SCREEN);
    s.clock.advance(0);
    expect(s.occurrences).toHaveLength(1);
    fs.writeFileSync(s.transcript, [...before(), gate].map((line) => `${line}\n`).join(''));
    s.watcher.onOutput(BUSY + ERROR_SCREEN);
    s.clock.advance(10_000);
    expect(s.occurrences).toHaveLength(1);
  });

  it('a second refusal after a new request is a second occurrence', () => {
    const s = setup({ lines: before() });
    s.clock.advance(5_000);
    s.append(gateLine(s.clock.now()));
    s.watcher.onOutput(BUSY + ERROR_SCREEN);
    s.clock.advance(0);
    s.clock.advance(30_000);
    s.append(userLine('again', s.clock.now()), gateLine(s.clock.now() + 5));
    s.watcher.onOutput(BUSY + ERROR_SCREEN);
    s.clock.advance(0);
    expect(s.occurrences).toHaveLength(2);
    expect(s.occurrences[0]?.occurrence).not.toBe(s.occurrences[1]?.occurrence);
  });
});

describe('BlockWatcher: the words as content are case C, never A or B', () => {
  const bulletPaste = `${BUSY}\r\n❯ ${ERROR_SCREEN}`;

  it('the error pasted as a prompt (bullet included) is C', () => {
    const s = setup({ lines: before() });
    s.clock.advance(5_000);
    s.append(userLine('● API Error: Usage credits required for 1M context · run /model to switch to standard context', s.clock.now()));
    s.watcher.onOutput(bulletPaste);
    s.clock.advance(10_000);
    expect(s.occurrences).toEqual([expect.objectContaining({ case: 'C', reason: expect.stringMatching(/user-text/) })]);
  });

  it('a tool result showing the text is C', () => {
    const s = setup({ lines: before() });
    s.clock.advance(5_000);
    s.append(toolResultLine('API Error: Usage credits required for 1M context · run /model to switch to standard context', s.clock.now()));
    s.watcher.onOutput(`${BUSY}  ⎿  API Error: Usage credits required for 1M context · run /model to switch to standard context\r\n`);
    s.clock.advance(10_000);
    expect(s.occurrences).toEqual([expect.objectContaining({ case: 'C', reason: expect.stringMatching(/tool-result/) })]);
  });

  it("a subagent's own gate error (sidechain) is C", () => {
    const s = setup({ lines: before() });
    s.clock.advance(5_000);
    s.append(gateLine(s.clock.now(), { sidechain: true }));
    s.watcher.onOutput(`${BUSY}  ⎿  ${ERROR_SCREEN}`);
    s.clock.advance(10_000);
    expect(s.occurrences).toEqual([expect.objectContaining({ case: 'C', reason: expect.stringMatching(/sidechain-error/) })]);
  });

  it("the model's reply quoting the error at the start of its text is C", () => {
    const s = setup({ lines: before() });
    s.clock.advance(5_000);
    s.append(replyLine(191_000, s.clock.now(), { text: 'API Error: Usage credits required for 1M context · run /model to switch to standard context is what you will see.' }));
    s.watcher.onOutput(BUSY + ERROR_SCREEN);
    s.clock.advance(10_000);
    expect(s.occurrences).toEqual([expect.objectContaining({ case: 'C', reason: expect.stringMatching(/assistant-text/) })]);
  });

  it('the main error wins over content seen in the same window', () => {
    const s = setup({ lines: before() });
    s.clock.advance(5_000);
    s.append(toolResultLine('API Error: Usage credits required for 1M context', s.clock.now()));
    s.watcher.onOutput(BUSY + ERROR_SCREEN);
    s.clock.advance(300);
    s.append(gateLine(s.clock.now()));
    s.clock.advance(10_000);
    expect(s.occurrences).toEqual([expect.objectContaining({ case: 'A' })]);
  });
});

describe('BlockWatcher: when the transcript cannot confirm', () => {
  it('no project directory: the screen alone, after the timeout, with a warning logged first', () => {
    const s = setup({ projectDir: false });
    s.clock.advance(5_000);
    s.watcher.onOutput(BUSY + ERROR_SCREEN);
    s.clock.advance(3_999);
    expect(s.occurrences).toEqual([]);
    s.clock.advance(200);
    expect(s.occurrences).toEqual([expect.objectContaining({ channel: 'screen', case: 'A', contextTokens: null, variant: 'usage-credits-1m' })]);
    const types = s.log.entries.map((entry) => entry.type);
    expect(types).toEqual(['warning', 'detected']);
    expect((s.log.entries[0] as WarningEntry).message).toMatch(/screen alone/);
  });

  it('no project directory and only a repaint on screen: nothing', () => {
    const s = setup({ projectDir: false });
    s.watcher.onOutput(`❯ hello\r\n${ERROR_SCREEN}${PROMPT_BOX}`);
    s.clock.advance(10_000);
    expect(s.occurrences).toEqual([]);
  });

  it('an unreadable transcript falls back to the screen', () => {
    if (process.getuid?.() === 0) return; // root reads anything: permissions cannot make it unreadable
    const s = setup({ lines: before() });
    fs.chmodSync(s.transcript, 0o000);
    s.watcher.onOutput(BUSY + ERROR_SCREEN);
    s.clock.advance(10_000);
    expect(s.occurrences).toEqual([expect.objectContaining({ channel: 'screen' })]);
  });

  it('a transcript that is a directory (unknown layout) falls back to the screen', () => {
    const s = setup({ lines: before() });
    fs.rmSync(s.transcript);
    fs.mkdirSync(s.transcript);
    s.clock.advance(5_000);
    s.watcher.onOutput(BUSY + ERROR_SCREEN);
    s.clock.advance(10_000);
    expect(s.occurrences).toEqual([expect.objectContaining({ channel: 'screen' })]);
  });
});

describe('BlockWatcher: which session', () => {
  const OTHER = '11111111-2222-4333-8444-555555555555';

  it('follows a /resume switch to a transcript written since launch', () => {
    const s = setup({ lines: before(), args: ['--resume', SESSION] });
    expect(s.watcher.sessionId()).toBe(SESSION);
    s.clock.advance(5_000);
    const other = path.join(s.home.projectDir, `${OTHER}.jsonl`);
    fs.writeFileSync(other, `${userLine('x', s.clock.now(), { sessionId: OTHER })}\n${gateLine(s.clock.now() + 5, { sessionId: OTHER })}\n`);
    expect(s.watcher.sessionId()).toBe(OTHER);
    s.watcher.onOutput(BUSY + ERROR_SCREEN);
    s.clock.advance(0);
    expect(s.occurrences).toEqual([expect.objectContaining({ sessionId: OTHER, transcriptPath: other, case: 'B' })]);
  });

  it('the pid file names the session: another session written meanwhile in the same directory is ignored', () => {
    const s = setup({ lines: before(), pid: 4242 });
    fs.mkdirSync(path.join(s.home.configDir, 'sessions'));
    fs.writeFileSync(path.join(s.home.configDir, 'sessions', '4242.json'), JSON.stringify({ pid: 4242, sessionId: SESSION, cwd: s.home.cwd, status: 'idle' }));
    expect(s.watcher.sessionId()).toBe(SESSION);
    s.clock.advance(5_000);
    fs.writeFileSync(path.join(s.home.projectDir, `${OTHER}.jsonl`), `${gateLine(s.clock.now(), { sessionId: OTHER })}\n`);
    s.watcher.onOutput(BUSY + ERROR_SCREEN);
    s.clock.advance(10_000);
    expect(s.occurrences).toEqual([]);
    s.append(gateLine(s.clock.now()));
    s.watcher.onOutput(BUSY + ERROR_SCREEN);
    s.clock.advance(0);
    expect(s.occurrences).toEqual([expect.objectContaining({ sessionId: SESSION })]);
  });

  it('a new session is found as the newest transcript written since launch', () => {
    const s = setup({ sessionId: OTHER });
    expect(s.watcher.sessionId()).toBeNull();
    s.clock.advance(1_000);
    s.append(userLine('hi', s.clock.now(), { sessionId: OTHER }));
    expect(s.watcher.sessionId()).toBe(OTHER);
  });
});

describe('BlockWatcher: never disturbs the passthrough', () => {
  it('a listener that throws is logged, not thrown', () => {
    const s = setup({ lines: before() });
    s.watcher.on('occurrence', () => {
      throw new Error('boom');
    });
    s.clock.advance(5_000);
    s.append(gateLine(s.clock.now()));
    s.watcher.onOutput(BUSY + ERROR_SCREEN);
    expect(() => s.clock.advance(0)).not.toThrow();
    expect(s.log.entries.some((entry) => entry.type === 'warning' && /boom/.test(entry.message))).toBe(true);
  });

  it('dispose() cancels a pending confirmation and ignores later output', () => {
    const s = setup({ lines: before() });
    s.watcher.onOutput(BUSY + ERROR_SCREEN);
    s.watcher.dispose();
    expect(s.clock.pending()).toBe(0);
    s.watcher.onOutput(BUSY + ERROR_SCREEN);
    expect(s.clock.pending()).toBe(0);
  });

  it('an invalid extra pattern becomes one warning at construction', () => {
    const home = claudeHome();
    homes.push(home);
    const log = new MemorySink();
    new BlockWatcher({ cwd: home.cwd, env: home.env, config: config({ extraPatterns: ['(('] }), launchedAt: LAUNCH, args: [], childPid: () => undefined, log, clock: new ManualClock(LAUNCH) });
    expect(log.entries).toEqual([expect.objectContaining({ type: 'warning', message: expect.stringContaining('((') })]);
  });
});

describe('BlockWatcher: headless renderings (a -p result, a stream-json error event)', () => {
  it('confirms a rendering the mode reports with the transcript, logged with the mode and the output channel', () => {
    const s = setup({ lines: before(), mode: 'stream-json' });
    s.clock.advance(5_000);
    s.append(userLine('hello three', s.clock.now()), gateLine(s.clock.now() + 20));
    s.watcher.onRendering('usage-credits-1m');
    s.clock.advance(0);
    expect(s.occurrences).toEqual([expect.objectContaining({ channel: 'output+transcript', case: 'A', sessionId: SESSION })]);
    expect(s.log.entries).toEqual([expect.objectContaining({ type: 'detected', mode: 'stream-json', channel: 'output+transcript' })]);
  });

  it('the terminal is the default mode of a detected entry', () => {
    const s = setup({ lines: before() });
    s.clock.advance(5_000);
    s.append(gateLine(s.clock.now()));
    s.watcher.onOutput(BUSY + ERROR_SCREEN);
    s.clock.advance(0);
    expect(s.log.entries).toEqual([expect.objectContaining({ type: 'detected', mode: 'terminal', channel: 'screen+transcript' })]);
  });

  it('says dismissed when no record confirms it, and when a restart supersedes the confirmation', () => {
    const s = setup({ lines: before(), mode: 'print' });
    const dismissed: string[] = [];
    s.watcher.on('dismissed', (why) => dismissed.push(why));
    s.clock.advance(5_000);
    s.watcher.onRendering('usage-credits-1m');
    s.clock.advance(16_000);
    expect(s.occurrences).toEqual([]);
    expect(dismissed).toEqual(['no transcript record confirmed it']);
    expect(s.log.entries).toEqual([expect.objectContaining({ type: 'warning', message: expect.stringContaining('the output showed the gate') })]);
    s.watcher.onRendering('usage-credits-1m');
    s.watcher.rebase();
    expect(dismissed).toEqual(['no transcript record confirmed it', 'superseded by a restart']);
  });
});
