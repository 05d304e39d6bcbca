import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../src/config/types.js';
import { createMemorySink } from '../../../src/log/sink.js';
import type { StepEntry } from '../../../src/log/types.js';
import { caseASteps, caseBSteps, describeSteps, runSteps, shellLine, type RecoveryRequest, type RecoveryState, type Step } from '../../../src/recovery/steps.js';
import { RecordingControl } from '../../support/recovery-home.js';

const request: RecoveryRequest = {
  occurrence: 'o',
  case: 'A',
  sessionId: 's',
  transcriptPath: '/t/s.jsonl',
  cwd: '/w',
  claudePath: '/bin/claude',
  userArgs: [],
  requestedModel: 'claude-sonnet-4-6[1m]',
  claudeVersion: '2.1.330',
};

function state(): RecoveryState {
  return { childOnScreen: false, backup: null, compactedWith: null, prune: null, respawned: null, resume: null, prompts: null };
}

function step(name: string, run: Step['run'], extra: Partial<Step> = {}): Step {
  return { name, label: name, timeoutMs: 5_000, describe: name, run, ...extra };
}

async function runAll(steps: Step[], s = state()) {
  const log = createMemorySink();
  const control = new RecordingControl();
  let clock = 0;
  const outcome = await runSteps(steps, {
    request,
    transcriptPath: '/t/s.jsonl',
    deps: { config: DEFAULT_CONFIG, log, stateDir: '/state', now: () => (clock += 10) },
    control,
    state: s,
    startedAt: 0,
  });
  return { outcome, entries: log.entries as StepEntry[], control };
}

describe('runSteps', () => {
  it('logs one entry per step run, with its result, and skips steps whose condition fails', async () => {
    const { outcome, entries } = await runAll([
      step('a', async () => ({ ok: true, exitCode: 0, detail: 'fine' })),
      step('b', async () => ({ ok: true }), { when: () => false }),
      step('c', async () => ({ ok: false, detail: 'nope' }), { model: 'm' }),
    ]);
    expect(entries.map(({ name, model, ok, exitCode, detail, timedOut, occurrence }) => ({ name, model, ok, exitCode, detail, timedOut, occurrence }))).toEqual([
      { name: 'a', model: undefined, ok: true, exitCode: 0, detail: 'fine', timedOut: false, occurrence: 'o' },
      { name: 'c', model: 'm', ok: false, exitCode: undefined, detail: 'nope', timedOut: false, occurrence: 'o' },
    ]);
    expect(entries[0]?.durationMs).toBe(10);
    expect(outcome).toEqual({ tried: ['a: ok (fine)', 'c m: failed (nope)'], failed: null });
  });

  it('turns a thrown error into a failed step and goes on', async () => {
    const { entries } = await runAll([
      step('boom', async () => {
        throw new Error('disk full\nmore');
      }),
      step('next', async () => ({ ok: true })),
    ]);
    expect(entries.map((e) => [e.name, e.ok, e.detail])).toEqual([
      ['boom', false, 'disk full'],
      ['next', true, undefined],
    ]);
  });

  it('stops at a required step that fails', async () => {
    const { outcome, entries } = await runAll([step('must', async () => ({ ok: false }), { required: true }), step('never', async () => ({ ok: true }))]);
    expect(entries.map((e) => e.name)).toEqual(['must']);
    expect(outcome.failed?.name).toBe('must');
  });

  it('times a step out, aborts it, and moves on', async () => {
    let aborted = false;
    const { entries } = await runAll([
      step('hang', (ctx) => new Promise(() => ctx.signal.addEventListener('abort', () => (aborted = true))), { timeoutMs: 20 }),
      step('next', async () => ({ ok: true })),
    ]);
    expect(entries[0]).toMatchObject({ name: 'hang', ok: false, timedOut: true, detail: 'timed out after 20 ms' });
    expect(entries[1]).toMatchObject({ name: 'next', ok: true });
    expect(aborted).toBe(true);
  });

  it('shows progress only while no child owns the screen', async () => {
    const s = state();
    s.childOnScreen = true;
    const { control } = await runAll(
      [
        step('first', async (ctx) => {
          ctx.state.childOnScreen = false;
          return { ok: true };
        }),
        step('second', async () => ({ ok: true }), { model: 'haiku' }),
      ],
      s,
    );
    expect(control.calls).toEqual([
      { call: 'progress', update: { step: 'second', model: 'haiku', about: '1M-context gate', since: 0, cancellable: true } },
      { call: 'progress', update: null },
    ]);
  });
});

describe('the plans', () => {
  it('case A tries each model, prunes, retries, resumes and restores, in that order', () => {
    const steps = caseASteps(request, '/t/s.jsonl', DEFAULT_CONFIG, '/state');
    expect(steps.map((s) => (s.model ? `${s.name}:${s.model}` : s.name))).toEqual([
      'stop',
      'checkpoint',
      'compact:claude-haiku-4-5-20251001',
      'compact:opus',
      'prune-images',
      'compact:claude-haiku-4-5-20251001',
      'compact:opus',
      'resume:claude-sonnet-4-6',
      'restore-prompt',
    ]);
    expect(caseASteps(request, '/t/s.jsonl', { ...DEFAULT_CONFIG, allowClear: true, promptRestore: 'off' }, '/state').map((s) => s.name).slice(-2)).toEqual(['clear', 'resume']);
  });

  it('the retries run only after images were pruned', () => {
    const steps = caseASteps(request, '/t/s.jsonl', DEFAULT_CONFIG, '/state');
    const retry = steps[5] as Step;
    const s = state();
    expect(retry.when?.(s)).toBe(false);
    s.prune = { file: '', images: 2, bytesRemoved: 1, records: [], oldSize: 2, newSize: 1, written: true };
    expect(retry.when?.(s)).toBe(true);
    s.compactedWith = 'opus';
    expect(retry.when?.(s)).toBe(false);
  });

  it('case B has no compaction', () => {
    expect(caseBSteps(request, '/t/s.jsonl', DEFAULT_CONFIG).map((s) => s.name)).toEqual(['stop', 'resume', 'restore-prompt']);
  });

  it('describes itself for --dry-run', () => {
    const text = describeSteps(caseASteps(request, '/t/s.jsonl', DEFAULT_CONFIG, '/state'));
    expect(text).toContain(' 3. compact (claude-haiku-4-5-20251001): /bin/claude -p /compact --resume s --model claude-haiku-4-5-20251001 --output-format stream-json --verbose (timeout 180 s)');
    expect(text).toContain(' 8. resume (claude-sonnet-4-6): /bin/claude --resume s --model claude-sonnet-4-6\n     if a compaction worked');
  });

  it('quotes for the shell only what needs it', () => {
    expect(shellLine(['claude', '--model', 'sonnet[1m]', 'it\'s here', '--x=a b'])).toBe(`claude --model sonnet[1m] 'it'\\''s here' '--x=a b'`);
  });
});
