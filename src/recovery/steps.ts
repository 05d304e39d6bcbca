// The recovery sequence as data: each step has a name, a timeout, a condition on what the
// earlier steps achieved, and a run function; the runner logs one StepEntry per step run
// and tells the mode what runs while no child owns the screen (ChildControl.progress).
import path from 'node:path';
import type { Config } from '../config/types.js';
import { describeError } from '../errors.js';
import type { GateCase, LogSink } from '../log/types.js';
import { backupDir, checkpoint, type Checkpoint } from './checkpoint.js';
import { compactionArgs, runCompaction } from './compact.js';
import { freshSessionNotice, GATE, recoveredNotice, type Restored } from './notices.js';
import { noProbe, type Probe } from './probe.js';
import { pruneImages, type PruneReport } from './prune-images.js';
import { buildResumeArgs, type ResumeChoice } from './resume-args.js';
import { promptsSinceLastReply } from './transcript-scan.js';
import type { ChildControl, Notice } from './types.js';

/** What recovery needs to know about one occurrence (detection's occurrence plus the launch). */
export interface RecoveryRequest {
  /** The `occurrence` id of the `detected` log entry. */
  occurrence: string;
  /** The 1M gate's case; absent for the other kinds of block. */
  case?: GateCase;
  sessionId: string | null;
  /** The session's transcript; null: derived from the cwd and the session id. */
  transcriptPath: string | null;
  cwd: string;
  /** The real claude. */
  claudePath: string;
  /** The user's own claude arguments, as given to the wrapper. */
  userArgs: string[];
  /** The model the session ran with, as the transcript has it (may end in `[1m]`). */
  requestedModel: string | null;
  /** Whether the refused request carried the 1M-context beta, as its transcript record says; null or absent: not recorded. */
  requestCarried1M?: boolean | null;
  claudeVersion: string | null;
  /** The context size behind the case decision, for the explanation. */
  contextTokens?: number | null;
  /** What the block is, as the status row names it; default the 1M-context gate. */
  about?: string;
}

/** Everything recovery uses besides the live terminal; tests inject each part. */
export interface RecoveryDeps {
  config: Config;
  log: LogSink;
  /** claude-recover's state dir: backups and the loop guard live here. */
  stateDir: string;
  env?: NodeJS.ProcessEnv;
  now?: () => number;
  /** For `claude-recover recover`, run by hand on purpose: the loop guard neither counts nor stops it. */
  skipLoopGuard?: boolean;
  probe?: Probe;
  /** Aborts the sequence (the user's signal mid-recovery): the running step's signal fires, no further step runs. */
  signal?: AbortSignal;
}

/** What the steps found out so far; later steps' conditions read it. */
export interface RecoveryState {
  childOnScreen: boolean;
  backup: Checkpoint | null;
  compactedWith: string | null;
  prune: PruneReport | null;
  respawned: 'resume' | 'clear' | null;
  resume: ResumeChoice | null;
  /** What goes back in the input box (read before claude is started again); null: not read yet. */
  prompts: string[] | null;
}

export interface StepContext {
  request: RecoveryRequest;
  transcriptPath: string;
  deps: RecoveryDeps;
  control: ChildControl;
  state: RecoveryState;
  /** When this occurrence's recovery started (epoch ms, deps.now's clock). */
  startedAt: number;
  signal: AbortSignal;
}

export interface StepResult {
  ok: boolean;
  exitCode?: number | null;
  timedOut?: boolean;
  /** Short, never conversation text. */
  detail?: string;
}

export interface Step {
  /** The log name: stop, checkpoint, compact, prune-images, clear, resume, restore-prompt. */
  name: string;
  model?: string;
  timeoutMs: number;
  /** Progress text, a verb phrase (the model is added by whoever shows it): `compacting`. */
  label: string;
  /** What the step does, for --dry-run. */
  describe: string;
  /** Runs only if this holds when its turn comes; `whenText` says it in words. */
  when?: (state: RecoveryState) => boolean;
  whenText?: string;
  /** A failure ends the sequence (nothing after it may run without it). */
  required?: boolean;
  run(ctx: StepContext): Promise<StepResult>;
}

const SECOND = 1_000;

/** The shell form of an argv, for notices and the dry run. */
export function shellLine(args: readonly string[]): string {
  return args.map((arg) => (/^[\w@%+=:,./[\]-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)).join(' ');
}

export function stopStep(): Step {
  return {
    name: 'stop',
    label: 'stopping claude',
    timeoutMs: 30 * SECOND,
    required: true,
    describe: 'stop the blocked claude (keys first, a signal only after a timeout) and wait for it',
    async run({ control, state }) {
      const stopped = await control.stop();
      state.childOnScreen = false;
      const status = stopped.signal ? `, signal ${stopped.signal}` : stopped.exitCode !== null ? `, exit ${stopped.exitCode}` : '';
      return { ok: true, exitCode: stopped.exitCode, timedOut: stopped.timedOut, detail: `how=${stopped.how}${status}` };
    },
  };
}

export function checkpointStep(request: RecoveryRequest, transcriptPath: string, stateDir: string): Step {
  return {
    name: 'checkpoint',
    label: 'backing up the transcript',
    timeoutMs: 120 * SECOND,
    required: true,
    describe: `copy ${transcriptPath} to ${path.join(backupDir(stateDir), `${request.sessionId}.jsonl.bak-<timestamp>`)}`,
    async run({ state, deps }) {
      state.backup = await checkpoint({
        transcriptPath,
        sessionId: request.sessionId ?? 'unknown',
        stateDir,
        now: new Date((deps.now ?? Date.now)()),
        probe: deps.probe,
        maxBytes: deps.config.backups.maxBytes,
      });
      return { ok: true, detail: `backup ${state.backup.backupPath} (${state.backup.size} bytes)` };
    },
  };
}

function compactStep(request: RecoveryRequest, transcriptPath: string, model: string, config: Config, retry: boolean): Step {
  const sessionId = request.sessionId ?? '';
  return {
    name: 'compact',
    model,
    label: 'compacting',
    // The runner's own limit only backs up execa's, which kills the process and says so.
    timeoutMs: config.compaction.timeoutMs + 15 * SECOND,
    describe: `${shellLine([request.claudePath, ...compactionArgs(sessionId, model)])} (timeout ${Math.round(config.compaction.timeoutMs / SECOND)} s)`,
    when: retry ? (s) => s.compactedWith === null && (s.prune?.written ?? false) : (s) => s.compactedWith === null,
    whenText: retry ? 'if compaction failed and images were pruned' : 'if no earlier compaction worked',
    async run({ state, deps, signal }) {
      const run = await runCompaction({
        claudePath: request.claudePath,
        sessionId,
        model,
        cwd: request.cwd,
        transcriptPath,
        timeoutMs: config.compaction.timeoutMs,
        env: deps.env,
        signal,
      });
      if (run.ok) state.compactedWith = model;
      return { ok: run.ok, exitCode: run.exitCode, timedOut: run.timedOut, detail: run.detail };
    },
  };
}

function pruneStep(transcriptPath: string): Step {
  return {
    name: 'prune-images',
    label: 'removing images from the transcript',
    timeoutMs: 600 * SECOND,
    describe: `replace the base64 image blocks of ${transcriptPath} with text placeholders (new file, checked, renamed over it)`,
    when: (s) => s.compactedWith === null && s.backup !== null,
    whenText: 'if compaction failed',
    async run({ state, deps, signal }) {
      const report = await pruneImages(transcriptPath, { signal, probe: deps.probe });
      state.prune = report;
      if (report.images === 0) return { ok: false, detail: 'no base64 image blocks' };
      return {
        ok: report.written,
        detail: `pruned ${report.images} images (${report.bytesRemoved} base64 bytes) in ${report.records.length} records; ${report.oldSize} → ${report.newSize} bytes`,
      };
    },
  };
}

/**
 * Replaces the named image blocks of the transcript (record uuid and which image of it) with
 * text placeholders: the same safe rewrite as prune-images (a new file, checked, renamed over
 * the old one), after the checkpoint's backup. Nothing else of the transcript changes.
 */
export function pruneImageStep(transcriptPath: string, images: ReadonlyArray<{ uuid: string | null; index: number }>): Step {
  const only = images.filter((image): image is { uuid: string; index: number } => image.uuid !== null);
  return {
    name: 'prune-images',
    label: 'removing the refused image',
    timeoutMs: 600 * SECOND,
    required: true,
    describe: `replace ${only.length} refused image block${only.length === 1 ? '' : 's'} of ${transcriptPath} with a text placeholder (new file, checked, renamed over it)`,
    when: (s) => s.backup !== null,
    whenText: 'once the transcript is backed up',
    async run({ state, deps, signal }) {
      const report = await pruneImages(transcriptPath, { signal, probe: deps.probe, only });
      state.prune = report;
      if (report.images === 0) return { ok: false, detail: 'the refused image was not found in the transcript' };
      return { ok: report.written, detail: `pruned ${report.images} image${report.images === 1 ? '' : 's'} (${report.bytesRemoved} base64 bytes); ${report.oldSize} → ${report.newSize} bytes` };
    },
  };
}

/** Starts claude again with the chosen arguments and the notice to show in it, and notes it in the state. */
async function respawn(control: ChildControl, state: RecoveryState, choice: ResumeChoice, how: 'resume' | 'clear', notice: Notice): Promise<void> {
  control.progress(null);
  state.resume = choice;
  await control.respawn(choice.args, { notice });
  state.childOnScreen = true;
  state.respawned = how;
}

/** Reads what goes back in the input box, before claude starts again (the notice says what it will find). */
async function readPrompts(state: RecoveryState, transcriptPath: string): Promise<string[]> {
  if (state.prompts !== null) return state.prompts;
  // The backup holds the transcript as it was when the gate hit, before any compaction.
  const source = state.backup?.backupPath ?? transcriptPath;
  try {
    state.prompts = source ? await promptsSinceLastReply(source) : [];
  } catch {
    state.prompts = [];
  }
  return state.prompts;
}

function restoredFor(config: Config, prompts: readonly string[]): Restored {
  return { prompts: prompts.length, mode: config.promptRestore };
}

/** How a notice for the next claude is made once its facts are known. */
export type NoticeFor = (facts: { ctx: StepContext; choice: ResumeChoice; restored: Restored }) => Notice;

function respawnDetail(choice: ResumeChoice): string {
  const dropped = choice.dropped.length > 0 ? `, dropped ${[...new Set(choice.dropped)].join(' ')}` : '';
  return `model=${choice.model} (${choice.modelSource}), ${choice.args.length} args${dropped}`;
}

/** Case A's message: compacted with…, resumed with…, in…. */
const recoveredFor: NoticeFor = ({ ctx, choice, restored }) =>
  recoveredNotice({
    compactedWith: ctx.state.compactedWith ?? '?',
    resumedWith: choice.model,
    elapsedMs: (ctx.deps.now ?? Date.now)() - ctx.startedAt,
    prunedImages: ctx.state.prune?.written ? ctx.state.prune.images : 0,
    restored,
  });

export function resumeStep(
  request: RecoveryRequest,
  config: Config,
  condition: 'compacted' | 'always',
  noticeFor: NoticeFor = recoveredFor,
  choice: ResumeChoice = buildResumeArgs({ userArgs: request.userArgs, sessionId: request.sessionId, requestedModel: request.requestedModel, fallbackModel: config.resume.model }),
): Step {
  return {
    name: 'resume',
    model: choice.model,
    label: 'resuming',
    timeoutMs: 30 * SECOND,
    describe: shellLine([request.claudePath, ...choice.args]),
    ...(condition === 'compacted' ? { when: (s: RecoveryState) => s.compactedWith !== null, whenText: 'if a compaction worked' } : {}),
    async run(ctx) {
      const prompts = await readPrompts(ctx.state, ctx.transcriptPath);
      await respawn(ctx.control, ctx.state, choice, 'resume', noticeFor({ ctx, choice, restored: restoredFor(config, prompts) }));
      return { ok: true, detail: respawnDetail(choice) };
    },
  };
}

function clearStep(request: RecoveryRequest, transcriptPath: string, config: Config): Step {
  const choice = buildResumeArgs({
    userArgs: request.userArgs,
    sessionId: null,
    requestedModel: request.requestedModel,
    fallbackModel: config.resume.model,
  });
  return {
    name: 'clear',
    model: choice.model,
    label: 'starting a fresh session',
    timeoutMs: 30 * SECOND,
    describe: `${shellLine([request.claudePath, ...choice.args])} (a fresh session; ${transcriptPath} stays as it is)`,
    when: (s) => s.compactedWith === null,
    whenText: 'if nothing else worked (allowClear is on)',
    async run(ctx) {
      const prompts = await readPrompts(ctx.state, ctx.transcriptPath);
      const elapsedMs = (ctx.deps.now ?? Date.now)() - ctx.startedAt;
      const notice = freshSessionNotice({ model: choice.model, transcriptPath, elapsedMs, restored: restoredFor(config, prompts) });
      await respawn(ctx.control, ctx.state, choice, 'clear', notice);
      return { ok: true, detail: `fresh session; old transcript ${transcriptPath}; ${respawnDetail(choice)}` };
    },
  };
}

export function restorePromptStep(transcriptPath: string, config: Config): Step {
  const submit = config.promptRestore === 'submit';
  return {
    name: 'restore-prompt',
    label: 'restoring the prompt',
    timeoutMs: 45 * SECOND,
    describe: `${submit ? 'type and send' : 'type (without sending)'} the prompts asked since the last answer (the blocked one and any queued behind it) into the input box`,
    when: (s) => s.respawned !== null,
    whenText: 'once claude is back',
    async run({ control, state }) {
      const prompts = await readPrompts(state, transcriptPath);
      if (prompts.length === 0) return { ok: false, detail: 'no user prompt since the last answer' };
      const ready = await control.waitForPrompt(30 * SECOND);
      if (!ready) return { ok: false, timedOut: true, detail: 'the input box did not appear' };
      const text = prompts.join('\n');
      await control.typeInput(text, submit);
      return { ok: true, detail: `${config.promptRestore}, ${prompts.length} prompt${prompts.length === 1 ? '' : 's'}, ${text.length} chars` };
    },
  };
}

/** Case A: stop, checkpoint, compact with each model, prune images and retry, clear if allowed, resume, restore. */
export function caseASteps(request: RecoveryRequest, transcriptPath: string, config: Config, stateDir: string): Step[] {
  const models = config.compaction.models;
  const steps: Step[] = [stopStep(), checkpointStep(request, transcriptPath, stateDir)];
  for (const model of models) steps.push(compactStep(request, transcriptPath, model, config, false));
  steps.push(pruneStep(transcriptPath));
  for (const model of models) steps.push(compactStep(request, transcriptPath, model, config, true));
  if (config.allowClear) steps.push(clearStep(request, transcriptPath, config));
  steps.push(resumeStep(request, config, 'compacted'));
  if (config.promptRestore !== 'off') steps.push(restorePromptStep(transcriptPath, config));
  return steps;
}

/** Case B: no compaction; stop, then the same session with a standard-context model, once, with `noticeFor`'s message. */
export function caseBSteps(request: RecoveryRequest, transcriptPath: string, config: Config, noticeFor?: NoticeFor): Step[] {
  const steps: Step[] = [stopStep(), resumeStep(request, config, 'always', noticeFor)];
  if (config.promptRestore !== 'off') steps.push(restorePromptStep(transcriptPath, config));
  return steps;
}

/** The plan in words, one numbered line a step, for --dry-run. */
export function describeSteps(steps: readonly Step[]): string {
  return steps
    .map((step, i) => {
      const when = step.whenText ? `\n     ${step.whenText}` : '';
      return `${String(i + 1).padStart(2)}. ${step.name}${step.model ? ` (${step.model})` : ''}: ${step.describe}${when}`;
    })
    .join('\n');
}

export interface RunOutcome {
  /** One line per step run: `compact claude-haiku-4-5-20251001: compact_result=failed: …`. */
  tried: string[];
  /** A required step that failed, which ended the sequence. */
  failed: Step | null;
}

async function runOne(step: Step, ctx: Omit<StepContext, 'signal'>): Promise<StepResult> {
  const controller = new AbortController();
  const cancel = (): void => controller.abort();
  ctx.deps.signal?.addEventListener('abort', cancel, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const running = step.run({ ...ctx, signal: controller.signal });
  // A step that outlives its timeout may still fail later; that failure is already accounted for.
  running.catch(() => undefined);
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), step.timeoutMs);
  });
  try {
    const result = await Promise.race([running, timeout]);
    if (result === null) {
      controller.abort();
      return { ok: false, timedOut: true, detail: `timed out after ${step.timeoutMs} ms` };
    }
    return result;
  } catch (error) {
    return { ok: false, detail: describeError(error) };
  } finally {
    clearTimeout(timer);
    ctx.deps.signal?.removeEventListener('abort', cancel);
  }
}

/** Why the sequence was canceled, from the abort reason (`SIGHUP`, or a person's Ctrl-C). */
export function cancelReason(signal: AbortSignal | undefined): string {
  const reason: unknown = signal?.reason;
  return typeof reason === 'string' && reason.startsWith('SIG') ? `canceled by ${reason}` : 'canceled';
}

/** Runs the steps in order, each only if its condition holds, logging each one. */
export async function runSteps(steps: readonly Step[], ctx: Omit<StepContext, 'signal'>): Promise<RunOutcome> {
  const now = ctx.deps.now ?? Date.now;
  const probe = ctx.deps.probe ?? noProbe;
  const tried: string[] = [];
  let shown = false;
  try {
    for (const step of steps) {
      if (ctx.deps.signal?.aborted) return { tried: [...tried, cancelReason(ctx.deps.signal)], failed: step };
      if (step.when && !step.when(ctx.state)) continue;
      const id = step.model ? `${step.name}:${step.model}` : step.name;
      await probe(`step:${id}`);
      if (!ctx.state.childOnScreen) {
        ctx.control.progress({ step: step.label, model: step.model, about: ctx.request.about ?? GATE, since: ctx.startedAt, cancellable: true });
        shown = true;
      }
      const started = now();
      const result = await runOne(step, ctx);
      const ended = now();
      ctx.deps.log.write({
        ts: new Date(ended).toISOString(),
        type: 'step',
        occurrence: ctx.request.occurrence,
        name: step.name,
        ...(step.model ? { model: step.model } : {}),
        ...(result.exitCode !== undefined ? { exitCode: result.exitCode } : {}),
        timedOut: result.timedOut ?? false,
        durationMs: ended - started,
        ok: result.ok,
        ...(result.detail ? { detail: result.detail } : {}),
      });
      tried.push(`${step.name}${step.model ? ` ${step.model}` : ''}: ${result.ok ? 'ok' : 'failed'}${result.detail ? ` (${result.detail})` : ''}`);
      if (!result.ok && step.required) return { tried, failed: step };
    }
    return { tried, failed: null };
  } finally {
    if (shown && !ctx.state.childOnScreen) ctx.control.progress(null);
  }
}
