// The entry point the launcher calls with a detected occurrence and the live terminal:
// case A runs the recovery sequence; case B explains, and restarts once with a
// standard-context model only when the refused request carried the 1M beta (otherwise the
// account is refused whatever the model, and a restart cannot change it); case C is only
// logged (by detection). The loop guard comes first.
import { access } from 'node:fs/promises';
import { describeError } from '../errors.js';
import type { LogSink } from '../log/types.js';
import { transcriptPath as sessionTranscriptPath } from '../transcript/locate.js';
import { LoopGuard, loopGuardFile, type GuardDecision, type GuardKind } from './loop-guard.js';
import { accountRefusedNotice, oneMillionRefusedNotice, textNotice } from './notices.js';
import { buildResumeArgs, parseClaudeArgs } from './resume-args.js';
import {
  cancelReason,
  caseASteps,
  caseBSteps,
  runSteps,
  shellLine,
  type RecoveryDeps,
  type RecoveryRequest,
  type RecoveryState,
  type Step,
} from './steps.js';
import { promptsSinceLastReply } from './transcript-scan.js';
import type { ChildControl } from './types.js';

export interface RecoveryResult {
  /** recovered: the session is back; gave-up: see `reason`; ignored: case C, nothing done. */
  outcome: 'recovered' | 'gave-up' | 'ignored';
  /** Whether a claude child runs in the terminal now: the blocked one untouched, or a new one. */
  childRunning: boolean;
  /** What the user should read (what happened, what to do), or null. */
  notice: string | null;
  /** Whether the notice went to ChildControl.notify (it always does when there is one). */
  noticeShown: boolean;
  /** For recovered: `compact:<model>`, `prune-images+compact:<model>` or `clear`. */
  worked?: string;
  /** For gave-up: one line. */
  reason?: string;
}

/** The version from which the CLI recovers by itself for 200K-window models (facts §4). */
export const SELF_RECOVERY_VERSION: readonly [number, number, number] = [2, 1, 311];

/** True for a claude version at or after `min`; false when unknown. */
export function versionAtLeast(version: string | null, min: readonly [number, number, number]): boolean {
  const match = version?.match(/(\d+)\.(\d+)\.(\d+)/);
  if (!match) return false;
  const parts = [Number(match[1]), Number(match[2]), Number(match[3])];
  for (let i = 0; i < 3; i++) {
    const a = parts[i] ?? 0;
    const b = min[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

/** The commands that finish a case-A recovery by hand. */
function byHand(request: RecoveryRequest, deps: RecoveryDeps, transcriptPath: string | null): string[] {
  const config = deps.config;
  const id = request.sessionId ?? '<session-id>';
  const resume = buildResumeArgs({
    userArgs: request.userArgs,
    sessionId: request.sessionId ?? '<session-id>',
    requestedModel: request.requestedModel,
    fallbackModel: config.resume.model,
  });
  const fresh = buildResumeArgs({ userArgs: request.userArgs, sessionId: null, requestedModel: request.requestedModel, fallbackModel: config.resume.model });
  const small = config.compaction.models[0] ?? 'claude-haiku-4-5-20251001';
  return [
    '  To finish by hand:',
    `    claude --resume ${id} --model ${small}`,
    '      then type /compact, wait for "Compacted", then /exit',
    `    ${shellLine(['claude', ...resume.args])}`,
    `  Or start a fresh session in this directory${transcriptPath ? ` (the old transcript stays in ${transcriptPath})` : ''}:`,
    `    ${shellLine(['claude', ...fresh.args])}`,
    ...(request.sessionId ? [`  Or retry the whole sequence: claude-recover recover --session ${request.sessionId}`] : []),
  ];
}

function triedLines(tried: readonly string[]): string[] {
  return tried.length === 0 ? [] : ['  Tried:', ...tried.map((line) => `    - ${line}`)];
}

/** Runs recovery for one occurrence, in the terminal `control` owns. Never throws. */
export async function recoverOccurrence(
  request: RecoveryRequest,
  control: ChildControl,
  deps: RecoveryDeps,
): Promise<RecoveryResult> {
  const now = deps.now ?? Date.now;
  const started = now();
  const env = deps.env ?? process.env;
  const log: LogSink = deps.log;
  const sessionKey = request.sessionId ?? `cwd:${request.cwd}`;
  const ts = (): string => new Date(now()).toISOString();

  const state: RecoveryState = { childOnScreen: true, backup: null, compactedWith: null, prune: null, respawned: null, resume: null, prompts: null };

  /** Logs the outcome first (a signal may end the process next), then tells the person. */
  const gaveUp = (reason: string, tried: string[], notice: string): RecoveryResult => {
    log.write({ ts: ts(), type: 'gave-up', occurrence: request.occurrence, sessionId: request.sessionId, totalMs: now() - started, reason, tried });
    if (!state.childOnScreen) control.progress(null);
    control.notify(textNotice(notice));
    return { outcome: 'gave-up', childRunning: state.childOnScreen, notice, noticeShown: true, reason };
  };

  const claim = async (kind: GuardKind, max?: number): Promise<GuardDecision> => {
    const guard = new LoopGuard(loopGuardFile(deps.stateDir), deps.config.loopGuard.maxRecoveries, deps.config.loopGuard.windowMinutes, now);
    try {
      return await guard.claim(kind, sessionKey, max);
    } catch (error) {
      // The guard's file cannot be written: recover anyway, the event log still shows a loop.
      log.write({ ts: ts(), type: 'warning', message: `loop guard unavailable: ${describeError(error)}`, sessionId: request.sessionId });
      return { allowed: true, recent: 0, max: max ?? deps.config.loopGuard.maxRecoveries, windowMinutes: deps.config.loopGuard.windowMinutes };
    }
  };

  try {
    if (request.case === 'C') return { outcome: 'ignored', childRunning: true, notice: null, noticeShown: false };
    const transcriptPath = request.transcriptPath ?? (request.sessionId ? sessionTranscriptPath(request.cwd, request.sessionId, env) : null);
    if (request.case === 'B') return await caseB(request, control, { deps, state, transcriptPath, started, claim, gaveUp });

    if (versionAtLeast(request.claudeVersion, SELF_RECOVERY_VERSION) && request.requestedModel && !/\[1m\]$/i.test(request.requestedModel)) {
      log.write({
        ts: ts(),
        type: 'warning',
        sessionId: request.sessionId,
        message: `claude ${request.claudeVersion} showed the gate for the 200K model ${request.requestedModel}, so its own recovery did not happen; recovering`,
      });
    }
    const id = request.sessionId ?? 'unknown';
    if (!request.sessionId || !transcriptPath || !(await exists(transcriptPath))) {
      const reason = !request.sessionId ? 'the session id is unknown' : `the transcript was not found at ${transcriptPath}`;
      return gaveUp(reason, [], [`claude-recover: the 1M-context gate blocked this session, but ${reason}, so it cannot be compacted.`, ...byHand(request, deps, transcriptPath)].join('\n'));
    }
    const decision = deps.skipLoopGuard ? null : await claim('recover');
    if (decision && !decision.allowed) {
      const reason = `loop guard: ${decision.recent} recoveries of this session in the last ${decision.windowMinutes} minutes`;
      return gaveUp(reason, [], [
        `claude-recover: session ${id} hit the 1M-context gate again after ${decision.recent} recoveries in ${decision.windowMinutes} minutes; leaving it alone so it does not restart for ever (config loopGuard).`,
        ...byHand(request, deps, transcriptPath),
      ].join('\n'));
    }

    const steps = caseASteps(request, transcriptPath, deps.config, deps.stateDir);
    const run = await runSteps(steps, { request, transcriptPath, deps, control, state, startedAt: started });
    if (state.respawned === 'resume' && state.compactedWith) {
      const worked = `${state.prune?.written ? 'prune-images+' : ''}compact:${state.compactedWith}`;
      log.write({ ts: ts(), type: 'recovered', occurrence: request.occurrence, sessionId: request.sessionId, totalMs: now() - started, worked });
      return { outcome: 'recovered', childRunning: true, notice: null, noticeShown: false, worked };
    }
    if (state.respawned === 'clear') {
      log.write({ ts: ts(), type: 'recovered', occurrence: request.occurrence, sessionId: request.sessionId, totalMs: now() - started, worked: 'clear' });
      return { outcome: 'recovered', childRunning: true, notice: null, noticeShown: false, worked: 'clear' };
    }
    const reason = deps.signal?.aborted
      ? cancelReason(deps.signal)
      : run.failed
      ? `${run.failed.name} failed`
      : state.compactedWith
        ? 'compacted, but claude could not be restarted'
        : 'no compaction worked';
    return gaveUp(reason, run.tried, [
      `claude-recover: could not recover session ${id} by itself: ${reason}.`,
      ...triedLines(run.tried),
      ...(state.backup ? [`  The transcript as it was: ${state.backup.backupPath}`] : []),
      ...byHand(request, deps, transcriptPath),
      ...(deps.config.allowClear ? [] : ['  (Set allowClear in the config to let claude-recover start the fresh session itself.)']),
    ].join('\n'));
  } catch (error) {
    return gaveUp(`internal error: ${describeError(error)}`, [], `claude-recover: recovery failed: ${describeError(error)}`);
  }
}

interface CaseBContext {
  deps: RecoveryDeps;
  state: RecoveryState;
  transcriptPath: string | null;
  started: number;
  claim: (kind: GuardKind, max?: number) => Promise<GuardDecision>;
  gaveUp: (reason: string, tried: string[], notice: string) => RecoveryResult;
}

/**
 * Whether the refused request carried the 1M beta, and how that is known: its `api-request`
 * record (2.1.33x), else the `--model` the blocked claude was started with (`[1m]` or not;
 * claude-recover's own restarts always name one); null when neither tells.
 */
export function refusedWith1M(request: RecoveryRequest): { carried: boolean | null; evidence: string } {
  if (typeof request.requestCarried1M === 'boolean') return { carried: request.requestCarried1M, evidence: 'its api-request record' };
  const model = parseClaudeArgs(request.userArgs).model;
  if (model !== null) return { carried: /\[1m\]$/i.test(model), evidence: `--model ${model}` };
  return { carried: null, evidence: 'not recorded' };
}

async function caseB(request: RecoveryRequest, control: ChildControl, b: CaseBContext): Promise<RecoveryResult> {
  const { deps, state, started } = b;
  const transcriptPath = b.transcriptPath ?? '';
  const { carried, evidence } = refusedWith1M(request);
  const steps = caseBSteps(request, transcriptPath, deps.config, ({ choice, restored }) =>
    oneMillionRefusedNotice({ model: choice.model, contextTokens: request.contextTokens, restored }),
  );
  const model = steps.find((step) => step.name === 'resume')?.model ?? deps.config.resume.model;
  const why = carried === false ? `standard context (${evidence})` : `1M beta (${evidence === 'not recorded' ? 'betas not recorded; the gate names 1M' : evidence})`;

  // Standard context already: the account is refused whatever the model. Explain, keep the
  // session as it is, and put the prompt back in the box if the person has not typed there.
  const decision = carried === false ? null : await b.claim('case-b', 1);
  if (carried === false || (decision !== null && !decision.allowed)) {
    const prompts = transcriptPath && deps.config.promptRestore !== 'off' ? await promptsSinceLastReply(transcriptPath).catch(() => []) : [];
    const notice = accountRefusedNotice({ contextTokens: request.contextTokens, model: carried === false ? parseClaudeArgs(request.userArgs).model ?? request.requestedModel : null, promptInBox: prompts.length > 0 });
    const reason = carried === false ? `case B: refused with ${why}; the account, not the session: not restarted` : `case B again after a restart with a standard-context model (${why}): not restarted`;
    log(deps, { type: 'gave-up', occurrence: request.occurrence, sessionId: request.sessionId, totalMs: (deps.now ?? Date.now)() - started, reason, tried: [] });
    control.notify(notice);
    if (prompts.length > 0 && (await control.waitForPrompt(5_000))) await control.typeInput(prompts.join('\n'), false);
    return { outcome: 'gave-up', childRunning: true, notice: notice.text.join('\n'), noticeShown: true, reason };
  }

  const reason = `case B: refused with ${why} on a small session; restarted once with ${model}, no compaction`;
  const [stop, ...rest] = steps as [Step, ...Step[]];
  const first = await runSteps([stop], { request, transcriptPath, deps, control, state, startedAt: started });
  if (first.failed) {
    return b.gaveUp('case B: the blocked claude could not be stopped', first.tried, oneMillionRefusedNotice({ model, contextTokens: request.contextTokens, restored: { prompts: 0, mode: 'off' } }).text.join('\n'));
  }
  const second = await runSteps(rest, { request, transcriptPath, deps, control, state, startedAt: started });
  const tried = [...first.tried, ...second.tried];
  log(deps, { type: 'gave-up', occurrence: request.occurrence, sessionId: request.sessionId, totalMs: (deps.now ?? Date.now)() - started, reason, tried });
  if (state.respawned === null) {
    // Not restarted (canceled, or the resume failed): say so where the person is.
    control.notify(textNotice(`claude-recover: ${deps.signal?.aborted ? cancelReason(deps.signal) : 'could not restart claude'} after the account was refused 1M context. Start it with a standard-context model: claude --model ${model}`));
  }
  return { outcome: 'gave-up', childRunning: state.childOnScreen, notice: null, noticeShown: state.respawned === null, reason };
}

function log(deps: RecoveryDeps, entry: Omit<Extract<Parameters<LogSink['write']>[0], { type: 'gave-up' }>, 'ts'>): void {
  deps.log.write({ ts: new Date((deps.now ?? Date.now)()).toISOString(), ...entry });
}
