// Hooks the context guard onto a live session: the overlay sees every byte written to the
// terminal, the idle tracker sees output and keystrokes, the follower feeds the guard the
// session's transcript once its id is known (and follows it when it changes).
import type { Config } from '../config/types.js';
import type { LogSink } from '../log/types.js';
import type { InteractiveSession } from '../terminal/session.js';
import { findTranscript, transcriptPath } from '../transcript/locate.js';
import { isMainAssistantReply } from '../transcript/records.js';
import { TranscriptFollower } from './follow.js';
import { ContextGuard } from './guard.js';
import { PromptIdle } from './idle.js';
import { TerminalOverlay } from './overlay.js';

export interface GuardOptions {
  session: InteractiveSession;
  config: Config;
  log: LogSink;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The session id as detection knows it (null until learnt). */
  sessionId: () => string | null;
  /** True while recovery owns the terminal: the guard must not type then. */
  recovering: () => boolean;
  warn: (message: string) => void;
}

export interface AttachedGuard {
  dispose(): void;
}

/** How often the session id is looked up until known, then checked for a change (`/resume`). */
const SESSION_CHECK_MS = 2_000;

/** Call before session.start() so the overlay sees every byte; returns null when the guard is off. */
export function attachGuard(options: GuardOptions): AttachedGuard | null {
  const { session, config, warn } = options;
  if (!config.guard.enabled) return null;
  const overlay = new TerminalOverlay({ write: (text) => session.writeRaw(text), report: warn });
  const idle = new PromptIdle();
  session.observe({ written: (chunk) => overlay.onOutput(chunk), input: (data) => idle.onInput(data) });
  session.subscribe((text) => idle.onOutput(text));
  const guard = new ContextGuard({
    config,
    report: warn,
    host: {
      setTitle: (title) => overlay.setTitle(title),
      bell: () => overlay.bell(),
      isIdleAtEmptyPrompt: (ms) => session.childRunning && !options.recovering() && idle.isIdleAtEmptyPrompt(ms),
      typeCommand: (text) => session.typeInput(text, true, { paste: false }),
      log: options.log,
      sessionId: options.sessionId,
    },
  });
  const follower = new TranscriptFollower({
    sink: {
      feed(record, live = true) {
        if (live && isMainAssistantReply(record) && record.message?.stop_reason === 'end_turn') idle.onTurnEnd();
        guard.feed(record, live);
      },
      settle: () => guard.settle(),
      reset: () => guard.reset(),
    },
    report: warn,
  });
  let followedId: string | null = null;
  const follow = (): void => {
    const id = options.sessionId();
    if (id === null || id === followedId) return;
    followedId = id;
    follower.setTranscript(findTranscript(options.cwd, id, options.env) ?? transcriptPath(options.cwd, id, options.env));
  };
  const timer = setInterval(follow, SESSION_CHECK_MS);
  timer.unref();
  return {
    dispose() {
      clearInterval(timer);
      follower.dispose();
      guard.dispose();
      overlay.dispose();
    },
  };
}
