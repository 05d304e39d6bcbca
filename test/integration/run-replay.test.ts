// The run command's wiring, fast: a stand-in claude replays a real 2.1.330 gate (screen
// bytes and transcript). Detect-only logs and leaves claude alone; a log that cannot be
// written costs one line; Ctrl-C cancels a recovery that is under way.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LogEntry } from '../../src/log/types.js';
import { transcriptPath } from '../../src/transcript/locate.js';
import { spawnPty } from '../support/pty-driver.js';
import { BIN, PROGRAMS, ROOT, wrapperEnv } from '../support/paths.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'cr-detect-only-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const REAL = path.join(ROOT, 'test', 'fixtures', 'real');

function events(stateHome: string): LogEntry[] {
  try {
    return readFileSync(path.join(stateHome, 'claude-recover', 'events.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as LogEntry);
  } catch {
    return [];
  }
}

function replayEnv(name: string, extra: NodeJS.ProcessEnv): { cwd: string; env: NodeJS.ProcessEnv; sessionId: string } {
  const cwd = path.join(tmp, name, 'project');
  mkdirSync(cwd, { recursive: true });
  const configDir = path.join(tmp, name, 'claude');
  const template = path.join(REAL, 'transcripts', '2.1.330-oauth-sub-70-gate.jsonl');
  const sessionId = (JSON.parse(readFileSync(template, 'utf8').split('\n')[0] as string) as { sessionId: string }).sessionId;
  const env = wrapperEnv(path.join(PROGRAMS, 'replay-gate'), {
    CLAUDE_CONFIG_DIR: configDir,
    XDG_CONFIG_HOME: path.join(tmp, name, 'config'),
    CLAUDE_RECOVER_DETECT_ONLY: '1',
    REPLAY_SCREEN: path.join(REAL, 'screens', '2.1.330-oauth-sub-70-gate.bin'),
    REPLAY_TRANSCRIPT: template,
    REPLAY_TRANSCRIPT_OUT: transcriptPath(cwd, sessionId, { CLAUDE_CONFIG_DIR: configDir }),
    ...extra,
  });
  return { cwd, env, sessionId };
}

describe('fail open', () => {
  it('keeps claude running when the event log cannot be written, and says so once after it exits', async () => {
    const blocker = path.join(tmp, 'state-is-a-file');
    writeFileSync(blocker, 'not a directory');
    const { cwd, env } = replayEnv('unwritable-log', { XDG_STATE_HOME: blocker });
    const run = spawnPty(process.execPath, [BIN, 'run', '--', '--model', 'claude-sonnet-4-6[1m]'], { cwd, env, cols: 70 });
    await run.waitFor('Once fixed, resend your message');
    // The replayed session is at 190K: the guard's title shows when it logs its near-miss,
    // which is the first log write.
    await expect.poll(() => run.raw().includes('claude · 190K/200K ctx'), { timeout: 10_000, interval: 50 }).toBe(true);
    expect(run.text()).not.toContain('could not write the event log');
    run.write('q');
    expect((await run.exited).exitCode).toBe(0);
    expect(run.text().match(/could not write the event log/g)).toHaveLength(1);
  });
});

describe('detect-only mode', () => {
  it('logs the occurrence with its case and figures, and leaves claude running', async () => {
    const stateHome = path.join(tmp, 'state');
    const { cwd, env, sessionId } = replayEnv('detect-only', { XDG_STATE_HOME: stateHome, CLAUDE_RECOVER_GUARD: '0' });
    const run = spawnPty(process.execPath, [BIN, 'run', '--', '--model', 'claude-sonnet-4-6[1m]'], { cwd, env, cols: 70 });
    await run.waitFor('Once fixed, resend your message');
    await expect.poll(() => events(stateHome).filter((e) => e.type === 'detected'), { timeout: 10_000, interval: 50 }).toHaveLength(1);
    const detected = events(stateHome).find((e) => e.type === 'detected');
    expect(detected).toMatchObject({ channel: 'screen+transcript', case: 'A', sessionId, variant: expect.stringContaining('usage-credits') });
    expect(detected?.type === 'detected' && detected.contextTokens).toBeGreaterThanOrEqual(150_000);
    run.write('q');
    expect((await run.exited).exitCode).toBe(0);
    expect(events(stateHome).filter((e) => e.type !== 'detected')).toEqual([]);
  });
});

describe('cancelling a recovery', () => {
  it('Ctrl-C while a compaction runs cancels it: the child is stopped, nothing is resumed, the log says so', async () => {
    const stateHome = path.join(tmp, 'cancel-state');
    const { cwd, env, sessionId } = replayEnv('cancel', {
      XDG_STATE_HOME: stateHome,
      CLAUDE_RECOVER_DETECT_ONLY: '0',
      CLAUDE_RECOVER_GUARD: '0',
      FAKE_CLAUDE_HANG_MODELS: 'claude-haiku-4-5-20251001,opus',
    });
    const run = spawnPty(process.execPath, [BIN, 'run', '--', '--model', 'claude-sonnet-4-6[1m]'], { cwd, env, cols: 70 });
    await run.waitFor('Once fixed, resend your message');
    await run.waitFor(/claude-recover · .*compacting/);
    run.write('typed meanwhile\r');
    run.write('\u0003');
    const exit = await run.exited;
    expect(exit.exitCode).toBe(1);
    // With no claude to type it into, what was typed is shown back, not lost.
    expect(run.text().replace(/\s+/g, ' ')).toContain('what you typed while it worked was not sent: typed meanwhile');
    const all = events(stateHome);
    const gaveUp = all.find((e) => e.type === 'gave-up');
    expect(gaveUp).toMatchObject({ reason: 'canceled', sessionId });
    expect(all.filter((e) => e.type === 'recovered')).toEqual([]);
    const compaction = all.find((e) => e.type === 'step' && e.name === 'compact');
    expect(compaction).toMatchObject({ ok: false, model: 'claude-haiku-4-5-20251001' });
    expect(run.text()).toContain(`--resume ${sessionId}`);
  });
});
