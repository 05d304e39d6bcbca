// The recovery moment as the person at the terminal sees it, fast: the built bin around a
// stand-in claude that replays real 2.1.330 bytes (the gate, then the resumed session), every
// output chunk fed to a terminal emulator; and what signals and a hang-up do mid-recovery.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pty from '@lydell/node-pty';
import { afterAll, describe, expect, it } from 'vitest';
import type { LogEntry } from '../../src/log/types.js';
import { transcriptPath } from '../../src/transcript/locate.js';
import { screenText, spawnPty, type PtyRun } from '../support/pty-driver.js';
import { BIN, PROGRAMS, ROOT, wrapperEnv } from '../support/paths.js';
import { Screen, STATUS_ROW } from '../support/screen.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'cr-screen-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const REAL = path.join(ROOT, 'test', 'fixtures', 'real');
const HAIKU = 'claude-haiku-4-5-20251001';
const ROWS = 30;

interface Setup {
  cwd: string;
  env: NodeJS.ProcessEnv;
  sessionId: string;
  stateHome: string;
  inputLog: string;
  fakeLog: string;
}

function setup(name: string, extra: NodeJS.ProcessEnv = {}): Setup {
  const root = path.join(tmp, name);
  const cwd = path.join(root, 'project');
  mkdirSync(cwd, { recursive: true });
  const configDir = path.join(root, 'claude');
  const template = path.join(REAL, 'transcripts', '2.1.330-oauth-sub-70-gate.jsonl');
  const sessionId = (JSON.parse(readFileSync(template, 'utf8').split('\n')[0] as string) as { sessionId: string }).sessionId;
  const stateHome = path.join(root, 'state');
  const inputLog = path.join(root, 'input.log');
  const fakeLog = path.join(root, 'fake.log');
  const env = wrapperEnv(path.join(PROGRAMS, 'replay-gate'), {
    CLAUDE_CONFIG_DIR: configDir,
    XDG_CONFIG_HOME: path.join(root, 'config'),
    XDG_STATE_HOME: stateHome,
    REPLAY_SCREEN: path.join(REAL, 'screens', '2.1.330-oauth-sub-70-gate.bin'),
    REPLAY_RESUME_SCREEN: path.join(REAL, 'screens', '2.1.330-oauth-sub-70-resume.bin'),
    REPLAY_TRANSCRIPT: template,
    REPLAY_TRANSCRIPT_OUT: transcriptPath(cwd, sessionId, { CLAUDE_CONFIG_DIR: configDir }),
    REPLAY_INPUT_LOG: inputLog,
    REPLAY_EXIT_HINT: '1',
    FAKE_CLAUDE_LOG: fakeLog,
    ...extra,
  });
  return { cwd, env, sessionId, stateHome, inputLog, fakeLog };
}

function events(s: Setup): LogEntry[] {
  const file = path.join(s.stateHome, 'claude-recover', 'events.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as LogEntry);
}

const typed = (s: Setup): string => (existsSync(s.inputLog) ? readFileSync(s.inputLog, 'utf8') : '');

function start(s: Setup, cols: number): PtyRun {
  return spawnPty(process.execPath, [BIN, 'run', '--', '--model', 'claude-sonnet-4-6[1m]'], { cwd: s.cwd, env: s.env, cols, rows: ROWS });
}

/** The screen now, from every byte so far. */
async function screenOf(run: PtyRun, cols: number): Promise<Screen> {
  const screen = new Screen(cols, ROWS);
  await screen.write(run.raw());
  return screen;
}

/** Replays the output chunk by chunk, as the terminal drew it, calling `check` after each. */
async function eachFrame(run: PtyRun, cols: number, check: (screen: Screen) => void): Promise<number> {
  const screen = new Screen(cols, ROWS);
  for (const chunk of run.chunks()) {
    await screen.write(chunk);
    check(screen);
  }
  return run.chunks().length;
}

const shellStatus = (exit: { exitCode: number; signal: number }): number => (exit.signal ? 128 + exit.signal : exit.exitCode);

/** The compaction children the fake claude ran (their pids). */
function compactionPids(s: Setup): number[] {
  if (!existsSync(s.fakeLog)) return [];
  return readFileSync(s.fakeLog, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { argv?: string[]; pid?: number })
    .filter((entry) => entry.argv?.includes('-p') && typeof entry.pid === 'number')
    .map((entry) => entry.pid as number);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.each([70, 40])('case A at %i columns, as the person sees it', (cols) => {
  it('one status row per frame, no exit hint of the stopped claude, the success message in the session, typed keys in the box without Enter', async () => {
    const s = setup(`case-a-${cols}`, { FAKE_CLAUDE_COMPACT_MS: '1500' });
    const run = start(s, cols);
    await run.waitFor('Once fixed, resend your message');
    await run.waitFor(/claude-recover · .*compacting/, { timeoutMs: 20_000 });
    // Typed while recovery runs, Enter included.
    run.write('zq7 go on\r');
    await run.waitFor('SessionStart:resume says: claude-recover recovered this session from the 1M-context gate', { timeoutMs: 20_000 });
    await expect.poll(() => typed(s), { timeout: 10_000, interval: 50 }).toContain('zq7 go on');
    // The blocked prompt, then what was typed, in the box; nothing submitted.
    expect(typed(s)).toBe('\u001b[200~hello three\u001b[201~\u001b[200~ zq7 go on\u001b[201~');
    expect(typed(s)).not.toContain('\r');

    const frames = { withRow: 0, maxRows: 0 };
    await eachFrame(run, cols, (screen) => {
      const rows = screen.allRows().filter((row) => STATUS_ROW.test(row));
      frames.maxRows = Math.max(frames.maxRows, rows.length);
      if (rows.length === 1) {
        frames.withRow++;
        // The row fits: the terminal did not wrap it onto a second row.
        const at = screen.allRows().findIndex((row) => STATUS_ROW.test(row));
        expect(screen.term.buffer.active.getLine(at + 1)?.isWrapped ?? false).toBe(false);
      }
      expect(screen.rows().join('\n')).not.toContain('Resume this session with');
    });
    expect(frames.maxRows).toBe(1);
    expect(frames.withRow).toBeGreaterThan(3);
    // When the prompt is ready: the message is on screen, without scrolling (the stand-in
    // wraps it over several rows).
    const shown = (await screenOf(run, cols)).rows().join(' ').replace(/\s+/g, ' ');
    expect(shown).toContain('claude-recover recovered this session from the 1M-context gate');
    expect(shown).toContain(`compacted the conversation with ${HAIKU} (the /compact in the history is claude-recover's)`);

    // The person's Enter sends it.
    run.write('\r');
    await expect.poll(() => typed(s).endsWith('\r'), { timeout: 5_000, interval: 50 }).toBe(true);
    run.write('q');
    expect(shellStatus(await run.exited)).toBe(0);
    const log = events(s);
    expect(log.find((e) => e.type === 'recovered')).toMatchObject({ worked: `compact:${HAIKU}`, sessionId: s.sessionId });
    expect(log.find((e) => e.type === 'step' && e.name === 'stop')).toMatchObject({ ok: true, timedOut: false, detail: expect.stringMatching(/^how=signal/) });
  });
});

describe('the success message when the CLI runs no hooks', () => {
  it('is pinned under the resumed claude until the first keystroke, which goes through', async () => {
    const s = setup('no-hooks', { REPLAY_NO_HOOKS: '1', CLAUDE_RECOVER_GUARD: '0' });
    const run = start(s, 70);
    await run.waitFor('Once fixed, resend your message');
    await expect.poll(async () => (await screenOf(run, 70)).rows().slice(-6).join(' '), { timeout: 30_000, interval: 100 }).toContain('claude-recover recovered this session');
    const bottom = (await screenOf(run, 70)).rows().slice(-6).join(' ');
    expect(bottom).toContain('press Enter to send');
    expect(typed(s)).toBe('\u001b[200~hello three\u001b[201~');
    run.write('x');
    await expect.poll(async () => (await screenOf(run, 70)).rows().join(' '), { timeout: 5_000, interval: 50 }).not.toContain('claude-recover recovered this session');
    await expect.poll(() => typed(s), { timeout: 5_000, interval: 50 }).toBe('\u001b[200~hello three\u001b[201~x');
    run.write('q');
    expect(shellStatus(await run.exited)).toBe(0);
  });
});

describe.each([
  ['SIGHUP', 1],
  ['SIGTERM', 15],
] as const)('%s while a compaction runs', (signal, number) => {
  it('stops the compaction, logs the outcome, ends with 128 + n', async () => {
    const s = setup(`signal-${signal}`, { FAKE_CLAUDE_HANG_MODELS: `${HAIKU},opus`, CLAUDE_RECOVER_GUARD: '0' });
    const run = start(s, 70);
    await run.waitFor('Once fixed, resend your message');
    await run.waitFor(/claude-recover · .*compacting/, { timeoutMs: 20_000 });
    await expect.poll(() => compactionPids(s).length, { timeout: 10_000, interval: 50 }).toBe(1);
    run.kill(signal);
    const exit = await run.exited;
    expect(shellStatus(exit)).toBe(128 + number);
    expect(exit.signal).not.toBe(6);
    const log = events(s);
    expect(log.find((e) => e.type === 'gave-up')).toMatchObject({ reason: `canceled by ${signal}`, sessionId: s.sessionId });
    expect(log.find((e) => e.type === 'step' && e.name === 'compact')).toMatchObject({ ok: false });
    for (const pid of compactionPids(s)) expect(alive(pid), `compaction ${pid} still running`).toBe(false);
  });
});

describe('a hang-up (the terminal closes)', () => {
  /** The wrapper in a PTY that the test closes, as a terminal window closing does. */
  function inClosablePty(s: Setup) {
    const term = pty.spawn(process.execPath, [BIN, 'run', '--', '--model', 'claude-sonnet-4-6[1m]'], { cols: 70, rows: ROWS, cwd: s.cwd, env: s.env, name: 'xterm-256color' });
    let output = '';
    term.onData((data) => {
      output += data;
    });
    const exited = new Promise<{ exitCode: number; signal?: number }>((resolve) => term.onExit(resolve));
    // node-pty's UnixTerminal closes the master on destroy(); its typings leave it out.
    const hangUp = (): void => (term as unknown as { destroy(): void }).destroy();
    return { term, exited, hangUp, output: () => screenText(output) };
  }

  it('at the prompt: the wrapper ends by SIGHUP (129), never by SIGABRT', async () => {
    const s = setup('hangup-idle', { CLAUDE_RECOVER_GUARD: '0', CLAUDE_RECOVER_DETECT_ONLY: '1' });
    const run = inClosablePty(s);
    await expect.poll(run.output, { timeout: 20_000, interval: 50 }).toContain('Once fixed, resend your message');
    run.hangUp();
    const exit = await run.exited;
    expect(exit.signal).toBe(1);
  });

  it('mid-recovery: the compaction stops, the outcome is logged, the wrapper ends by SIGHUP', async () => {
    const s = setup('hangup-recovery', { FAKE_CLAUDE_HANG_MODELS: `${HAIKU},opus`, CLAUDE_RECOVER_GUARD: '0' });
    const run = inClosablePty(s);
    await expect.poll(run.output, { timeout: 20_000, interval: 50 }).toMatch(/claude-recover · .*compacting/);
    await expect.poll(() => compactionPids(s).length, { timeout: 10_000, interval: 50 }).toBe(1);
    run.hangUp();
    const exit = await run.exited;
    expect(exit.signal).toBe(1);
    expect(events(s).find((e) => e.type === 'gave-up')).toMatchObject({ reason: 'canceled by SIGHUP' });
    for (const pid of compactionPids(s)) expect(alive(pid)).toBe(false);
  });
});
