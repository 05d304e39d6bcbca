// The interactive session with everything on, shared by `run` and `recover`: the
// transparent PTY session, the context guard, the block watcher and what each occurrence's
// plan asks for (recovery, a wait shown in the title, an image removed, or nothing), and
// warnings held back while claude owns the screen.
import path from 'node:path';
import type { Config } from '../config/types.js';
import { planFor, type BlockFacts } from '../blocks/index.js';
import { BlockWatcher, type BlockOccurrence, type UsageLimitOccurrence } from '../detect/watcher.js';
import { describeError } from '../errors.js';
import { attachGuard, type AttachedGuard } from '../guard/attach.js';
import type { LogSink } from '../log/types.js';
import { stateDir } from '../paths.js';
import type { ChildControl, Notice } from '../recovery/types.js';
import { sweepLeftoversLater } from '../storage/leftovers.js';
import { InteractiveSession } from '../terminal/session.js';
import { SIGNAL_NUMBERS } from '../terminal/signals.js';
import { UserTerminal } from '../terminal/tty.js';

/**
 * One-line warnings, each said once: claude-recover's own trouble never stops claude.
 * While a child owns the screen they wait, and are said when it is handed back; `print`
 * is swapped for the session's status writer while the terminal is raw.
 */
export class Warnings {
  private readonly said = new Set<string>();
  private readonly waiting: string[] = [];
  private screenOwned = false;
  print: (line: string) => void = (line) => void process.stderr.write(`${line}\n`);

  readonly warn = (message: string): void => {
    if (this.said.has(message)) return;
    this.said.add(message);
    if (this.screenOwned) this.waiting.push(message);
    else this.print(`claude-recover: ${message}`);
  };

  /** While true, warnings are held back. */
  hold(owned: boolean): void {
    this.screenOwned = owned;
    if (owned) return;
    for (const message of this.waiting.splice(0)) this.print(`claude-recover: ${message}`);
  }
}

export interface InteractiveOptions {
  pty: typeof import('@lydell/node-pty');
  claudePath: string;
  args: string[];
  cwd: string;
  /** The child's environment (CLAUDE_RECOVER_ACTIVE set). */
  env: NodeJS.ProcessEnv;
  config: Config;
  log: LogSink;
  warnings: Warnings;
  /** Shown inside claude once it is ready (a recovery by hand that resumes a session). */
  notice?: Notice;
}

export interface InteractiveRun {
  session: InteractiveSession;
  /** The exit status, once claude has exited and the terminal is restored. */
  finished: Promise<number>;
}

/**
 * Starts claude in this terminal with everything on: the transparent session, the context
 * guard, the gate watcher and recovery. Null when no pseudo-terminal could be opened (the
 * caller then runs plain claude).
 */
export function startInteractive(options: InteractiveOptions): InteractiveRun | null {
  const { pty, claudePath, args, cwd, env, config, log, warnings } = options;
  const { warn } = warnings;
  const terminal = new UserTerminal(process.stdin, process.stdout);
  const restore = (): void => terminal.restore();
  process.on('exit', restore);
  const session = new InteractiveSession({ pty, claudePath, cwd, env, terminal, warn, noticeDir: path.join(stateDir(env), 'notices') });
  // An exception inside claude-recover must not take claude down with it.
  const onUncaught = (error: unknown): void => warn(`internal error, recovery may be off for this session: ${describeError(error)}`);
  process.on('uncaughtException', onUncaught);
  const launchedAt = Date.now();
  const state: RecoveryState = { recovering: false, watcher: null, running: null, waiting: null };
  let guard: AttachedGuard | null = null;
  try {
    guard = attachGuard({
      session,
      config,
      log,
      cwd,
      env,
      sessionId: () => state.watcher?.sessionId() ?? null,
      recovering: () => state.recovering,
      warn,
    });
  } catch (error) {
    warn(`the context guard is off for this session (${describeError(error)})`);
  }
  const cleanup = (): void => {
    state.watcher?.dispose();
    guard?.dispose();
    process.off('uncaughtException', onUncaught);
    process.off('exit', restore);
    restore();
    warnings.print = (line) => void process.stderr.write(`${line}\n`);
    // After a hang-up there is nobody to tell (and writing to the dead tty fails).
    if (session.endSignal !== 'SIGHUP') warnings.hold(false);
  };
  try {
    session.start(args, { notice: options.notice });
  } catch (error) {
    session.finish(1);
    cleanup();
    warn(`could not open a pseudo-terminal (${describeError(error)}); running plain claude without recovery.`);
    return null;
  }
  warnings.print = (line) => session.status.lines(line, 'warning');
  warnings.hold(true);
  sweepLeftoversLater(env, log);
  state.watcher = watchForBlocks({ session, warnings, log, config, cwd, env, launchedAt, args, claudePath, state });
  // A recovery under way finishes (its children stopped, its outcome logged) before the end.
  const finished = session.finished
    .then(async (status) => {
      const pending = [state.running, state.waiting].filter((each) => each !== null);
      if (pending.length > 0) await Promise.race([Promise.all(pending), new Promise((resolve) => setTimeout(resolve, SETTLE_MS).unref())]);
      return status;
    })
    .finally(cleanup);
  return { session, finished };
}

/** How long the end of a session waits for a recovery or a wait under way to log its outcome. */
const SETTLE_MS = 10_000;

/** What the watcher, recovery and the guard share about the session. */
interface RecoveryState {
  recovering: boolean;
  watcher: BlockWatcher | null;
  /** The recovery under way, settled when its outcome is logged. */
  running: Promise<void> | null;
  /** A usage limit's wait under way, settled when it is logged. */
  waiting: Promise<void> | null;
}

interface WatchOptions {
  state: RecoveryState;
  session: InteractiveSession;
  warnings: Warnings;
  log: LogSink;
  config: Config;
  cwd: string;
  env: NodeJS.ProcessEnv;
  launchedAt: number;
  args: string[];
  claudePath: string;
}

/** What the registry's plan is decided from. */
function factsOf(occurrence: BlockOccurrence): BlockFacts {
  switch (occurrence.kind) {
    case 'credits-1m':
      return { kind: 'credits-1m', case: occurrence.case };
    case 'usage-limit':
      return occurrence;
    case 'image-refused':
      return occurrence;
  }
}

/** Why claude-recover let a block be (the `stood-aside` entry). */
function standAsideReason(occurrence: BlockOccurrence, detectOnly: boolean): string {
  if (detectOnly) return 'detectOnly: logged, nothing done';
  if (occurrence.kind === 'image-refused') {
    if (occurrence.healed) return 'the CLI left the image out and sent the request again by itself';
    if (!occurrence.again) return 'first refusal of this image: left to the CLI; claude-recover acts if the same refusal comes again';
    return 'the same refusal again, but no image added since the last answer was found to remove';
  }
  return 'nothing to do';
}

/**
 * Subscribes the block watcher to the session and carries out each occurrence's plan: the
 * gate's recovery (one at a time), a usage limit's wait (shown in the title, logged when it
 * ends), a refused image's removal, or only the log. Recovery loads on first use: its
 * dependencies are not start-up cost.
 */
function watchForBlocks(options: WatchOptions): BlockWatcher | null {
  const { session, warnings, log, config, cwd, env, claudePath, state } = options;
  let watcher: BlockWatcher;
  try {
    watcher = new BlockWatcher({ cwd, env, config, launchedAt: options.launchedAt, args: options.args, childPid: () => session.childPid, log });
  } catch (error) {
    warnings.warn(`block detection is off for this session (${describeError(error)}); claude runs as usual`);
    return null;
  }
  session.subscribe((chunk) => watcher.onOutput(chunk));
  /** The arguments of the claude on screen: recovery rebuilds the resume command from them. */
  let currentArgs = options.args;
  /** Cancels the recovery under way: Ctrl-C while no child is on screen, or the session ending. */
  let cancel: AbortController | null = null;
  /** Ends the usage-limit wait under way (`refused-again`, `ended`). */
  let waitEnd: AbortController | null = null;
  void session.finished.then(() => {
    cancel?.abort();
    waitEnd?.abort('ended');
  });
  session.onInterrupt = () => cancel?.abort();
  const control: ChildControl = {
    stop: async () => {
      const stopped = await session.stop();
      warnings.hold(false);
      return stopped;
    },
    respawn: async (args, respawnOptions) => {
      currentArgs = args;
      // Before the resumed CLI draws anything: its redraw of the old error is not new, and
      // a refusal of the restored prompt must count, however soon it comes.
      watcher.rebase(args);
      warnings.hold(true);
      await session.respawn(args, respawnOptions);
    },
    waitForPrompt: (ms) => session.waitForPrompt(ms),
    typeInput: (text, submit) => session.typeInput(text, submit),
    progress: (update) => session.progress(update),
    notify: (notice) => session.notify(notice),
    waiting: (wait) => {
      if (config.usageLimit.title) session.waiting(wait, config.usageLimit.bell);
    },
  };
  /**
   * Ends the session once recovery leaves no claude running: with 128 + the signal
   * claude-recover got, else by the outcome. Warnings from here on wait for the terminal to be
   * restored (they are said after it, on stderr).
   */
  const end = (recovered: boolean): void => {
    warnings.hold(true);
    session.finish(session.endSignal !== null ? 128 + (SIGNAL_NUMBERS[session.endSignal] ?? 0) : recovered ? 0 : 1);
  };
  /** Runs one recovery (the gate's or an image's) with the terminal's control, one at a time. */
  const recoverWith = (run: (signal: AbortSignal) => Promise<import('../recovery/recover.js').RecoveryResult>): void => {
    state.recovering = true;
    const controller = new AbortController();
    cancel = controller;
    const { signal } = controller;
    // A signal to claude-recover now: the step under way stops its child, no further step
    // runs, the outcome is logged (`canceled by SIGHUP`), then the session ends with 128 + n.
    session.onRecoverySignal = (received) => controller.abort(received);
    if (session.endSignal !== null) controller.abort(session.endSignal);
    state.running = (async () => {
      try {
        // Loaded now, not at start: the status writer's width and colour helpers.
        await session.status.prepare();
        const result = await run(signal);
        if (result.notice !== null && !result.noticeShown) warnings.warn(result.notice.replace(/^claude-recover: /, ''));
        session.releaseInput();
        if (!session.childRunning) end(result.outcome === 'recovered');
      } catch (error) {
        warnings.warn(`recovery failed inside claude-recover (${describeError(error)})`);
        session.releaseInput();
        if (!session.childRunning) end(false);
      } finally {
        cancel = null;
        session.onRecoverySignal = null;
        session.releaseInput();
        state.recovering = false;
        state.running = null;
      }
    })();
  };
  const deps = (signal: AbortSignal) => ({ config, log, stateDir: stateDir(env), env, signal });
  const wait = (occurrence: UsageLimitOccurrence): void => {
    waitEnd?.abort('refused-again');
    const controller = new AbortController();
    waitEnd = controller;
    const waiting: Promise<void> = import('../recovery/wait.js')
      .then(async ({ waitOutLimit }) => void (await waitOutLimit(occurrence, control, { log, signal: controller.signal })))
      .catch((error: unknown) => warnings.warn(`the usage-limit wait failed inside claude-recover (${describeError(error)})`))
      .finally(() => {
        if (waitEnd === controller) waitEnd = null;
        if (state.waiting === waiting) state.waiting = null;
      });
    state.waiting = waiting;
  };
  watcher.on('occurrence', (occurrence) => {
    const plan = planFor(factsOf(occurrence));
    // A usage limit is waited out (shown, logged) even in detect-only mode: nothing is sent.
    if (plan === 'wait' && occurrence.kind === 'usage-limit') return wait(occurrence);
    // Case C (the words inside the conversation) is logged by the watcher and nothing more.
    if (plan === 'ignore') return;
    if (plan === 'stand-aside' || config.detectOnly) {
      if (occurrence.kind !== 'credits-1m') log.write({ ts: new Date().toISOString(), type: 'stood-aside', occurrence: occurrence.occurrence, sessionId: occurrence.sessionId, reason: standAsideReason(occurrence, config.detectOnly) });
      return;
    }
    if (state.recovering) return;
    const request = { cwd, claudePath, userArgs: currentArgs };
    if (plan === 'prune' && occurrence.kind === 'image-refused') {
      recoverWith(async (signal) => {
        const { recoverImage } = await import('../recovery/image.js');
        return recoverImage({ ...occurrence, requestedModel: null, ...request }, control, deps(signal));
      });
    } else if (occurrence.kind === 'credits-1m') {
      recoverWith(async (signal) => {
        const { recoverOccurrence } = await import('../recovery/recover.js');
        return recoverOccurrence({ ...occurrence, ...request }, control, deps(signal));
      });
    }
  });
  return watcher;
}
