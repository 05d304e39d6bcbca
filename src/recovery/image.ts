// A refused image the CLI did not heal (the same refusal twice, no answer between): stop the
// blocked claude, back the transcript up, replace that image with a text placeholder (the safe
// rewrite prune-images uses), and resume the same session, same model, with the blocked
// prompt in the box, not sent. Images the API accepted are never touched (see
// blocks/image-refused.ts: only images added after the last answer are candidates).
import type { RefusedImage } from '../blocks/image-refused.js';
import { describeError } from '../errors.js';
import { formatBytes } from '../ui/bytes.js';
import { LoopGuard, loopGuardFile } from './loop-guard.js';
import { imagePrunedNotice, REFUSED_IMAGE, textNotice } from './notices.js';
import type { RecoveryResult } from './recover.js';
import { sameModelResumeArgs } from './resume-args.js';
import { checkpointStep, pruneImageStep, restorePromptStep, resumeStep, runSteps, stopStep, type NoticeFor, type RecoveryDeps, type RecoveryRequest, type RecoveryState } from './steps.js';
import type { ChildControl } from './types.js';

/** An image the log and the notice can name: media type, pixels, size. */
export function describeImage(image: RefusedImage): string {
  const pixels = image.width !== null && image.height !== null ? `, ${image.width}×${image.height}` : '';
  return `${image.mediaType}${pixels}, ${formatBytes(image.base64Chars)} of base64`;
}

/** Removes the refused images of `request` and resumes the session. Never throws. */
export async function recoverImage(request: RecoveryRequest & { images: readonly RefusedImage[] }, control: ChildControl, deps: RecoveryDeps): Promise<RecoveryResult> {
  const now = deps.now ?? Date.now;
  const started = now();
  const ts = (): string => new Date(now()).toISOString();
  const state: RecoveryState = { childOnScreen: true, backup: null, compactedWith: null, prune: null, respawned: null, resume: null, prompts: null };
  const gaveUp = (reason: string, tried: string[], text: string): RecoveryResult => {
    deps.log.write({ ts: ts(), type: 'gave-up', occurrence: request.occurrence, sessionId: request.sessionId, totalMs: now() - started, reason, tried });
    if (!state.childOnScreen) control.progress(null);
    control.notify(textNotice(text));
    return { outcome: 'gave-up', childRunning: state.childOnScreen, notice: text, noticeShown: true, reason };
  };
  try {
    const transcriptPath = request.transcriptPath;
    if (request.sessionId === null || transcriptPath === null) {
      return gaveUp('the session or its transcript is unknown', [], 'claude-recover: an image keeps being refused in this session, but its transcript was not found, so it cannot be removed. Start a new session, or remove the image by hand with claude-recover prune-images.');
    }
    if (!deps.skipLoopGuard) {
      const guard = new LoopGuard(loopGuardFile(deps.stateDir), deps.config.loopGuard.maxRecoveries, deps.config.loopGuard.windowMinutes, now);
      const decision = await guard.claim('image', request.sessionId).catch((error: unknown) => {
        deps.log.write({ ts: ts(), type: 'warning', message: `loop guard unavailable: ${describeError(error)}`, sessionId: request.sessionId });
        return null;
      });
      if (decision && !decision.allowed) {
        const reason = `loop guard: ${decision.recent} image removals in this session in the last ${decision.windowMinutes} minutes`;
        return gaveUp(reason, [], `claude-recover: images keep being refused in session ${request.sessionId} after ${decision.recent} removals in ${decision.windowMinutes} minutes; leaving it alone. Remove them by hand: claude-recover prune-images --session ${request.sessionId}`);
      }
    }
    const choice = sameModelResumeArgs(request.userArgs, request.sessionId, request.requestedModel, deps.config.resume.model);
    const noticeFor: NoticeFor = ({ restored }) =>
      imagePrunedNotice({
        images: state.prune?.images ?? request.images.length,
        described: request.images.map(describeImage).join('; '),
        backupPath: state.backup?.backupPath ?? null,
        elapsedMs: now() - started,
        restored,
      });
    const steps = [
      stopStep(),
      checkpointStep(request, transcriptPath, deps.stateDir),
      pruneImageStep(transcriptPath, request.images),
      { ...resumeStep(request, deps.config, 'always', noticeFor, choice), when: (s: RecoveryState) => s.prune?.written === true, whenText: 'once the image is removed' },
      ...(deps.config.promptRestore !== 'off' ? [restorePromptStep(transcriptPath, deps.config)] : []),
    ];
    const run = await runSteps(steps, { request: { ...request, about: REFUSED_IMAGE }, transcriptPath, deps, control, state, startedAt: started });
    if (state.respawned === 'resume') {
      const worked = `prune-image:${state.prune?.images ?? 0}`;
      deps.log.write({ ts: ts(), type: 'recovered', occurrence: request.occurrence, sessionId: request.sessionId, totalMs: now() - started, worked });
      return { outcome: 'recovered', childRunning: true, notice: null, noticeShown: false, worked };
    }
    const reason = run.failed ? `${run.failed.name} failed` : 'the image could not be removed';
    const resume = `claude --resume ${request.sessionId}`;
    return gaveUp(reason, run.tried, [
      `claude-recover: could not remove the refused image from session ${request.sessionId}: ${reason}.`,
      ...(state.backup ? [`  The transcript as it was: ${state.backup.backupPath}`] : []),
      `  By hand: claude-recover prune-images --session ${request.sessionId}, then ${resume}`,
    ].join('\n'));
  } catch (error) {
    return gaveUp(`internal error: ${describeError(error)}`, [], `claude-recover: removing the refused image failed: ${describeError(error)}`);
  }
}
