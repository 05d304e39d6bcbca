// Hooks the context guard onto a live session: its title and bell go through the session's
// status writer, the idle tracker sees output and keystrokes, the follower feeds the guard the
// session's transcript once its id is known (and follows it when it changes).
import type { Config } from '../config/types.js';
import type { LogSink } from '../log/types.js';
import type { InteractiveSession } from '../terminal/session.js';
import { findTranscript, transcriptPath } from '../transcript/locate.js';
import { isMainAssistantReply } from '../transcript/records.js';
import { TranscriptFollower, type RecordSink } from './follow.js';
import { ContextGuard } from './guard.js';
import { PromptIdle } from './idle.js';

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

/** How often the session id is looked up until it is known… */
const SESSION_LOOKUP_MS = 250;
/** …and then checked for a change (`/resume`). */
const SESSION_CHECK_MS = 2_000;
/**
 * Lookups go on this long after the last byte either way, then stop until the next one: an id
 * appears or changes only while the CLI works (its first draw, a turn, `/resume`), so a silent
 * session costs nothing (each lookup reads the pid file and may list the project directory).
 */
const LOOKUP_AFTER_ACTIVITY_MS = 2_000;

/** Call before session.start() so the status writer follows the child's title from its first byte; returns null when the guard is off. */
export function attachGuard(options: GuardOptions): AttachedGuard | null {
  const { session, config, warn } = options;
  if (!config.guard.enabled) return null;
  const { status } = session;
  status.attachGuard();
  const idle = new PromptIdle();
  // Session id lookups (see LOOKUP_AFTER_ACTIVITY_MS).
  let followedId: string | null = null;
  let active = false;
  let quietMs = 0;
  let interval = SESSION_LOOKUP_MS;
  let timer: NodeJS.Timeout | null = null;
  let disposed = false;
  // Called on every chunk: a flag and a null check, no timer unless the lookups are asleep.
  const wake = (): void => {
    active = true;
    if (timer === null && !disposed) schedule();
  };
  session.observe({
    written: () => wake(),
    input: (data) => {
      idle.onInput(data);
      wake();
    },
  });
  session.subscribe((text) => idle.onOutput(text));
  const guard = new ContextGuard({
    config,
    report: warn,
    host: {
      setTitle: (title) => status.setTitle('guard', title),
      bell: () => status.bell(),
      isIdleAtEmptyPrompt: (ms) => session.childRunning && !options.recovering() && idle.isIdleAtEmptyPrompt(ms),
      typeCommand: (text) => session.typeInput(text, true, { paste: false }),
      log: options.log,
      sessionId: options.sessionId,
    },
  });
  const follower = new TranscriptFollower({ sink: trackTurns(guard, idle), report: warn });
  function schedule(): void {
    interval = followedId === null ? SESSION_LOOKUP_MS : SESSION_CHECK_MS;
    timer = setTimeout(follow, interval);
    timer.unref();
  }
  function follow(): void {
    timer = null;
    const id = options.sessionId();
    if (id !== null && id !== followedId) {
      followedId = id;
      follower.setTranscript(findTranscript(options.cwd, id, options.env) ?? transcriptPath(options.cwd, id, options.env));
    }
    quietMs = active ? 0 : quietMs + interval;
    active = false;
    if (quietMs < LOOKUP_AFTER_ACTIVITY_MS) schedule(); // else asleep until wake()
  }
  // Asleep until the child draws or the user types.
  return {
    dispose() {
      disposed = true;
      if (timer !== null) clearTimeout(timer);
      follower.dispose();
      guard.dispose();
      status.setTitle('guard', null);
    },
  };
}

/**
 * Passes records on to `sink` and tells `idle` when a turn has ended: live, at each main reply
 * that ends its turn; for history read when the follower attaches (the session id is often
 * learnt after the first turns), at `settle()` if the history ends in such a reply.
 */
export function trackTurns(sink: RecordSink, idle: Pick<PromptIdle, 'onTurnEnd'>): RecordSink {
  let historyEndsTurn = false;
  return {
    feed(record, live = true) {
      if (isMainAssistantReply(record)) {
        const ended = record.message?.stop_reason === 'end_turn';
        if (!live) historyEndsTurn = ended;
        else if (ended) idle.onTurnEnd();
      } else if (!live && record.type === 'user' && record.isSidechain !== true) {
        historyEndsTurn = false;
      }
      sink.feed(record, live);
    },
    settle() {
      if (historyEndsTurn) idle.onTurnEnd();
      historyEndsTurn = false;
      sink.settle();
    },
    reset() {
      historyEndsTurn = false;
      sink.reset();
    },
  };
}
