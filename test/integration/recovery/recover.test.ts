// The whole recovery sequence against the fake claude (real 2.1.330 output and records),
// with a ChildControl that records what recovery asked of the terminal.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../../../src/config/types.js';
import { createMemorySink, type MemorySink } from '../../../src/log/sink.js';
import type { GaveUpEntry, LogEntry, RecoveredEntry, StepEntry } from '../../../src/log/types.js';
import { recoverOccurrence } from '../../../src/recovery/recover.js';
import type { RecoveryRequest } from '../../../src/recovery/steps.js';
import { checkIntegrity, hasCompactBoundarySince } from '../../../src/recovery/transcript-scan.js';
import {
  FAKE_CLAUDE,
  installRealTranscript,
  makeHome,
  REAL_SESSION,
  RecordingControl,
  syntheticTranscript,
  writeTranscript,
  type RecoveryHome,
} from '../../support/recovery-home.js';

const HAIKU = 'claude-haiku-4-5-20251001';

let home: RecoveryHome;
let sink: MemorySink;
let control: RecordingControl;

beforeEach(() => {
  home = makeHome();
  sink = createMemorySink();
  control = new RecordingControl();
});
afterEach(() => home.cleanup());

function config(overrides: Partial<Config> = {}): Config {
  return { ...DEFAULT_CONFIG, compaction: { models: [HAIKU, 'opus'], timeoutMs: 20_000 }, ...overrides };
}

function request(overrides: Partial<RecoveryRequest> = {}): RecoveryRequest {
  return {
    occurrence: 'occ-1',
    case: 'A',
    sessionId: REAL_SESSION,
    transcriptPath: home.transcript(REAL_SESSION),
    cwd: home.cwd,
    claudePath: FAKE_CLAUDE,
    userArgs: ['--permission-mode', 'acceptEdits', '--model', 'claude-sonnet-4-6[1m]', 'first prompt'],
    requestedModel: 'claude-sonnet-4-6[1m]',
    claudeVersion: '2.1.330',
    contextTokens: 190_000,
    ...overrides,
  };
}

function recover(req: RecoveryRequest, cfg: Config = config(), env: NodeJS.ProcessEnv = {}) {
  return recoverOccurrence(req, control, {
    config: cfg,
    log: sink,
    stateDir: home.stateDir,
    env: { ...home.env, ...env },
  });
}

const steps = (entries: LogEntry[]): StepEntry[] => entries.filter((e): e is StepEntry => e.type === 'step');
const stepSummary = (entries: LogEntry[]): string[] => steps(entries).map((e) => `${e.name}${e.model ? `:${e.model}` : ''}=${e.ok ? 'ok' : 'failed'}`);
const RESUME_ARGS = ['--resume', REAL_SESSION, '--model', 'claude-sonnet-4-6', '--permission-mode', 'acceptEdits'];

function backups(): string[] {
  try {
    return readdirSync(path.join(home.stateDir, 'backups'));
  } catch {
    return [];
  }
}

describe('case A', () => {
  it('compacts with the small model, resumes with the standard one, and puts the prompt back', async () => {
    const file = installRealTranscript(home, '2.1.330-oauth-sub-70-gate.jsonl');
    const sizeBefore = statSync(file).size;
    const result = await recover(request());
    expect(result).toMatchObject({ outcome: 'recovered', childRunning: true, worked: `compact:${HAIKU}` });
    expect(control.actions()).toEqual([
      { call: 'stop' },
      { call: 'respawn', args: RESUME_ARGS },
      { call: 'waitForPrompt', timeoutMs: 30_000 },
      { call: 'typeInput', text: 'hello three', submit: false },
    ]);
    expect(stepSummary(sink.entries)).toEqual(['stop=ok', 'checkpoint=ok', `compact:${HAIKU}=ok`, 'resume:claude-sonnet-4-6=ok', 'restore-prompt=ok']);
    const recovered = sink.entries.at(-1) as RecoveredEntry;
    expect(recovered).toMatchObject({ type: 'recovered', occurrence: 'occ-1', sessionId: REAL_SESSION, worked: `compact:${HAIKU}` });
    expect(await hasCompactBoundarySince(file, sizeBefore)).toBe(true);
    expect(backups()).toHaveLength(1);
    // The log never carries the prompt's text.
    expect(JSON.stringify(sink.entries)).not.toContain('hello three');
  });

  it('shows progress only while no child owns the screen', async () => {
    installRealTranscript(home, '2.1.330-oauth-sub-70-gate.jsonl');
    await recover(request());
    const calls = control.calls.map((c) => (c.call === 'progress' ? `progress:${c.update ? `${c.update.step}${c.update.model ? ` with ${c.update.model}` : ''}` : 'done'}` : c.call));
    const stop = calls.indexOf('stop');
    const respawn = calls.indexOf('respawn');
    expect(calls.slice(0, stop).some((c) => c.startsWith('progress'))).toBe(false);
    expect(calls.slice(respawn).some((c) => c.startsWith('progress'))).toBe(false);
    expect(calls.slice(stop, respawn)).toEqual([
      'stop',
      'progress:backing up the transcript',
      `progress:compacting with ${HAIKU}`,
      'progress:resuming with claude-sonnet-4-6',
      'progress:done',
    ]);
    const update = control.calls.find((c) => c.call === 'progress' && c.update !== null);
    expect(update).toMatchObject({ update: { about: '1M-context gate', cancellable: true } });
  });

  it('gives the resumed claude a notice that says what happened, with the models and the time', async () => {
    installRealTranscript(home, '2.1.330-oauth-sub-70-gate.jsonl');
    await recover(request());
    const respawn = control.calls.find((c) => c.call === 'respawn');
    expect(respawn?.call === 'respawn' && respawn.notice).toMatchObject({ tone: 'done' });
    const text = control.notices()[0]?.text.join(' ') ?? '';
    expect(text).toMatch(/recovered this session from the 1M-context gate in \d+\.\d s/);
    expect(text).toContain(`compacted the conversation with ${HAIKU} (the /compact in the history is claude-recover's)`);
    expect(text).toContain('resumed it with claude-sonnet-4-6');
    expect(text).toContain('Your blocked prompt is back in the input box, not sent: press Enter to send.');
  });

  it('puts back the blocked prompt and the messages queued behind it, in order, unsent', async () => {
    const file = home.transcript(REAL_SESSION);
    const lines = syntheticTranscript({ sessionId: REAL_SESSION, turns: 3, lastPrompt: 'the blocked one' });
    const ts = new Date().toISOString();
    // As 2.1.332 writes it: enqueue records as the person queues, the gate's error, then the
    // CLI sends the first queued message (dequeue, its prompt) before claude-recover stops it.
    const error = lines.splice(-2, 1)[0] as string;
    lines.splice(-1, 0,
      JSON.stringify({ type: 'queue-operation', operation: 'enqueue', timestamp: ts, sessionId: REAL_SESSION, content: 'queued first' }),
      JSON.stringify({ type: 'queue-operation', operation: 'enqueue', timestamp: ts, sessionId: REAL_SESSION, content: 'queued second' }),
      error,
    );
    lines.push(
      JSON.stringify({ type: 'queue-operation', operation: 'dequeue', timestamp: ts, sessionId: REAL_SESSION }),
      JSON.stringify({ type: 'user', uuid: 'queued-first-uuid', sessionId: REAL_SESSION, message: { role: 'user', content: 'queued first' } }),
    );
    writeTranscript(file, lines);
    await recover(request());
    expect(control.actions().at(-1)).toEqual({ call: 'typeInput', text: 'the blocked one\nqueued first\nqueued second', submit: false });
    expect(control.notices()[0]?.text.join(' ')).toContain('Your blocked prompt and the 2 messages you queued are back in the input box, not sent');
  });

  it('moves to the next model when the first one fails', async () => {
    installRealTranscript(home, '2.1.330-oauth-sub-70-gate.jsonl');
    const result = await recover(request(), config(), { FAKE_CLAUDE_FAIL_MODELS: HAIKU });
    expect(result).toMatchObject({ outcome: 'recovered', worked: 'compact:opus' });
    expect(stepSummary(sink.entries)).toEqual(['stop=ok', 'checkpoint=ok', `compact:${HAIKU}=failed`, 'compact:opus=ok', 'resume:claude-sonnet-4-6=ok', 'restore-prompt=ok']);
    expect(steps(sink.entries)[2]).toMatchObject({ exitCode: 0, timedOut: false, detail: expect.stringContaining('compact_result=failed') });
  });

  it('moves to the next model when the first one hangs', async () => {
    installRealTranscript(home, '2.1.330-oauth-sub-70-gate.jsonl');
    const cfg = config({ compaction: { models: [HAIKU, 'opus'], timeoutMs: 800 } });
    const result = await recover(request(), cfg, { FAKE_CLAUDE_HANG_MODELS: HAIKU });
    expect(result).toMatchObject({ outcome: 'recovered', worked: 'compact:opus' });
    expect(steps(sink.entries)[2]).toMatchObject({ name: 'compact', model: HAIKU, ok: false, timedOut: true });
  });

  it('prunes images when compaction fails on them, then compacts', async () => {
    const file = home.transcript(REAL_SESSION);
    writeTranscript(file, syntheticTranscript({ sessionId: REAL_SESSION, turns: 8, imageEvery: 2, imageChars: 20_000, lastPrompt: 'look at\nthese screenshots' }));
    const chainBefore = (await checkIntegrity(file)).chainDigest;
    const result = await recover(request(), config(), { FAKE_CLAUDE_FAIL_IF_IMAGES: '1' });
    expect(result).toMatchObject({ outcome: 'recovered', worked: `prune-images+compact:${HAIKU}` });
    expect(stepSummary(sink.entries)).toEqual([
      'stop=ok',
      'checkpoint=ok',
      `compact:${HAIKU}=failed`,
      'compact:opus=failed',
      'prune-images=ok',
      `compact:${HAIKU}=ok`,
      'resume:claude-sonnet-4-6=ok',
      'restore-prompt=ok',
    ]);
    expect(steps(sink.entries)[4]?.detail).toMatch(/^pruned 4 images \(80000 base64 bytes\)/);
    expect(control.actions()).toContainEqual({ call: 'typeInput', text: 'look at\nthese screenshots', submit: false });
    // The backup still holds the images; the transcript's original part keeps its chain.
    const backup = path.join(home.stateDir, 'backups', backups()[0] ?? '');
    expect(readFileSync(backup, 'utf8')).toContain('"type":"image","source"');
    expect((await checkIntegrity(backup)).chainDigest).toBe(chainBefore);
  });

  it('gives up with what was tried and the commands that finish it by hand', async () => {
    installRealTranscript(home, '2.1.330-oauth-sub-70-gate.jsonl');
    const result = await recover(request(), config(), { FAKE_CLAUDE_FAIL_MODELS: `${HAIKU},opus` });
    expect(result).toMatchObject({ outcome: 'gave-up', childRunning: false, noticeShown: true, reason: 'no compaction worked' });
    expect(control.actions()).toEqual([{ call: 'stop' }]);
    expect(stepSummary(sink.entries)).toEqual(['stop=ok', 'checkpoint=ok', `compact:${HAIKU}=failed`, 'compact:opus=failed', 'prune-images=failed']);
    const gaveUp = sink.entries.at(-1) as GaveUpEntry;
    expect(gaveUp).toMatchObject({ type: 'gave-up', reason: 'no compaction worked' });
    expect(gaveUp.tried).toHaveLength(5);
    expect(control.notices()).toHaveLength(1);
    const notice = control.notices()[0]?.text.join('\n') ?? '';
    expect(notice).toContain(`claude --resume ${REAL_SESSION} --model ${HAIKU}`);
    expect(notice).toContain(`claude --resume ${REAL_SESSION} --model claude-sonnet-4-6 --permission-mode acceptEdits`);
    expect(notice).toContain('prune-images: failed (no base64 image blocks)');
    expect(notice).toContain(path.join(home.stateDir, 'backups'));
    expect(result.notice).toBe(notice);
  });

  it('with allowClear, starts a fresh session and leaves the old transcript alone', async () => {
    const file = installRealTranscript(home, '2.1.330-oauth-sub-70-gate.jsonl');
    const result = await recover(request(), config({ allowClear: true }), { FAKE_CLAUDE_FAIL_MODELS: `${HAIKU},opus` });
    expect(result).toMatchObject({ outcome: 'recovered', worked: 'clear' });
    expect(control.actions()[1]).toEqual({ call: 'respawn', args: ['--model', 'claude-sonnet-4-6', '--permission-mode', 'acceptEdits'] });
    const clear = steps(sink.entries).find((e) => e.name === 'clear');
    expect(clear?.detail).toContain(`old transcript ${file}`);
  });

  it('stops at the loop guard and explains, leaving the child alone', async () => {
    installRealTranscript(home, '2.1.330-oauth-sub-70-gate.jsonl');
    await recover(request({ occurrence: 'o1' }));
    await recover(request({ occurrence: 'o2' }));
    control = new RecordingControl();
    const result = await recover(request({ occurrence: 'o3' }));
    expect(result).toMatchObject({ outcome: 'gave-up', childRunning: true, noticeShown: true });
    expect(result.notice).toContain('after 2 recoveries in 15 minutes');
    // The child is left alone; the explanation is shown inside its session.
    expect(control.actions()).toEqual([]);
    expect(control.notices().map((n) => n.text.join('\n'))).toEqual([result.notice]);
    expect(sink.entries.at(-1)).toMatchObject({ type: 'gave-up', occurrence: 'o3', reason: 'loop guard: 2 recoveries of this session in the last 15 minutes' });
  });

  it('acts on 2.1.311+ with a 200K model (the error was shown) and says so in the log', async () => {
    installRealTranscript(home, '2.1.330-oauth-sub-70-gate.jsonl');
    const result = await recover(request({ requestedModel: 'claude-sonnet-4-6', userArgs: [] }));
    expect(result.outcome).toBe('recovered');
    expect(sink.entries[0]).toMatchObject({ type: 'warning', message: expect.stringContaining('its own recovery did not happen') });
  });

  it('does not warn before 2.1.311 or for a [1m] model', async () => {
    installRealTranscript(home, '2.1.330-oauth-sub-70-gate.jsonl');
    await recover(request({ occurrence: 'a', claudeVersion: '2.1.200', requestedModel: 'claude-sonnet-4-6' }));
    await recover(request({ occurrence: 'b' }));
    expect(sink.entries.some((e) => e.type === 'warning')).toBe(false);
  });

  it('submits the prompt with promptRestore submit, and leaves it with off', async () => {
    installRealTranscript(home, '2.1.330-oauth-sub-70-gate.jsonl');
    await recover(request({ occurrence: 'a' }), config({ promptRestore: 'submit' }));
    expect(control.actions().at(-1)).toEqual({ call: 'typeInput', text: 'hello three', submit: true });
    control = new RecordingControl();
    await recover(request({ occurrence: 'b' }), config({ promptRestore: 'off' }));
    expect(control.actions().map((c) => c.call)).toEqual(['stop', 'respawn']);
  });

  it('logs a restore that found no input box, and still counts the recovery', async () => {
    installRealTranscript(home, '2.1.330-oauth-sub-70-gate.jsonl');
    control.promptReady = false;
    const result = await recover(request());
    expect(result.outcome).toBe('recovered');
    expect(steps(sink.entries).at(-1)).toMatchObject({ name: 'restore-prompt', ok: false, timedOut: true });
  });

  it('gives up without touching the child when the session is unknown', async () => {
    const result = await recover(request({ sessionId: null, transcriptPath: null }));
    expect(result).toMatchObject({ outcome: 'gave-up', childRunning: true, noticeShown: true, reason: 'the session id is unknown' });
    expect(control.actions()).toEqual([]);
    expect(control.notices()).toHaveLength(1);
  });

  it('derives the transcript path from the cwd and session id', async () => {
    installRealTranscript(home, '2.1.330-oauth-sub-70-gate.jsonl');
    const result = await recover(request({ transcriptPath: null }));
    expect(result.outcome).toBe('recovered');
  });
});

describe('case B', () => {
  it('with the 1M beta on the refused request: restarts the same session once with a standard-context model, and says so inside it', async () => {
    installRealTranscript(home, '2.1.330-oauth-sub-70-caseB-gate.jsonl', REAL_SESSION);
    const result = await recover(request({ case: 'B', contextTokens: 1200, requestCarried1M: true }));
    expect(result).toMatchObject({ outcome: 'gave-up', childRunning: true });
    expect(control.actions().slice(0, 2)).toEqual([{ call: 'stop' }, { call: 'respawn', args: RESUME_ARGS }]);
    const notice = control.notices()[0];
    expect(notice?.tone).toBe('info');
    const text = notice?.text.join(' ') ?? '';
    expect(text).toContain('this account was refused 1M context on a small session');
    expect(text).toContain('restarted this session once with claude-sonnet-4-6');
    expect(text).toContain('claude --model claude-sonnet-4-6');
    expect(text).toContain('https://claude.ai/settings/usage');
    expect(stepSummary(sink.entries).slice(0, 2)).toEqual(['stop=ok', 'resume:claude-sonnet-4-6=ok']);
    expect(sink.entries.find((e) => e.type === 'gave-up')).toMatchObject({ reason: expect.stringMatching(/^case B: refused with 1M beta \(its api-request record\) on a small session; restarted once with claude-sonnet-4-6/) });
    expect(sink.entries.some((e) => e.type === 'step' && e.name === 'compact')).toBe(false);
  });

  it('without the 1M beta (standard context already): explains that the account was refused, restarts nothing, puts the prompt in the box', async () => {
    installRealTranscript(home, '2.1.330-oauth-sub-70-caseB-gate.jsonl', REAL_SESSION);
    const result = await recover(request({ case: 'B', contextTokens: 1200, requestCarried1M: null, userArgs: ['--resume', REAL_SESSION, '--model', 'claude-sonnet-4-6'] }));
    expect(result).toMatchObject({ outcome: 'gave-up', childRunning: true, noticeShown: true });
    expect(control.actions()).toEqual([
      { call: 'waitForPrompt', timeoutMs: 5_000 },
      { call: 'typeInput', text: 'hello one', submit: false },
    ]);
    const notice = control.notices()[0];
    expect(notice?.tone).toBe('warning');
    const text = notice?.text.join(' ') ?? '';
    expect(text).toContain('the account was refused a standard-context request (no 1M beta; claude-sonnet-4-6, 1K tokens)');
    expect(text).toContain('It is the account, not this session');
    expect(text).toContain('nothing was restarted; your prompt is in the box');
    expect(text).toContain('https://claude.ai/settings/usage');
    expect(text).toContain('/login');
    expect(text).toContain('https://github.com/anthropics/claude-code/issues/61692');
    expect(text).not.toContain('claude --model');
    expect(sink.entries).toEqual([
      expect.objectContaining({ type: 'gave-up', reason: 'case B: refused with standard context (--model claude-sonnet-4-6); the account, not the session: not restarted', tried: [] }),
    ]);
  });

  it('a second refusal after the one restart is explained, not restarted', async () => {
    installRealTranscript(home, '2.1.330-oauth-sub-70-caseB-gate.jsonl', REAL_SESSION);
    await recover(request({ case: 'B', requestCarried1M: true }));
    control = new RecordingControl();
    const again = await recover(request({ case: 'B', occurrence: 'occ-2', requestCarried1M: true }));
    expect(again).toMatchObject({ outcome: 'gave-up', childRunning: true, noticeShown: true, reason: expect.stringMatching(/^case B again/) });
    expect(control.actions().some((c) => c.call === 'stop' || c.call === 'respawn')).toBe(false);
    expect(control.notices()).toHaveLength(1);
  });
});

describe('case C', () => {
  it('does nothing', async () => {
    const result = await recover(request({ case: 'C' }));
    expect(result).toEqual({ outcome: 'ignored', childRunning: true, notice: null, noticeShown: false });
    expect(control.calls).toEqual([]);
    expect(sink.entries).toEqual([]);
  });
});
