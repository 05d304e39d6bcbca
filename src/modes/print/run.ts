// The print-mode adapter (`claude -p`, text / json / stream-json output): claude runs with
// piped stdout; its output goes through as it comes. When the output shows the gate and the
// transcript confirms case A, the held error never reaches the caller: the session is
// compacted and the same command runs once more with a standard-context model, and its
// output and exit status are the caller's. A usage limit, with usageLimit.wait on, is held
// too: nothing is sent until the reset (plus a margin), then the same command runs again in
// the same session, once per reset, never past usageLimit.maxWaitMinutes in all. Anything
// else passes through unchanged (and is logged).
import type { Readable, Writable } from 'node:stream';
import type { Config } from '../../config/types.js';
import { compilePatterns } from '../../detect/patterns.js';
import type { BlockKind } from '../../blocks/index.js';
import type { BlockOccurrence, GateOccurrence, UsageLimitOccurrence } from '../../detect/watcher.js';
import type { LogSink } from '../../log/types.js';
import { parseClaudeArgs } from '../../recovery/resume-args.js';
import type { ChildControl } from '../../recovery/types.js';
import { sessionIdFromArgs } from '../../transcript/locate.js';
import { outputFormatOf, rerunArgs } from '../args.js';
import { HeadlessChild, type ChildExit } from '../headless/child.js';
import { HeadlessDetection } from '../headless/detection.js';
import { InputRecorder } from '../headless/input.js';
import { decide, type HeadlessAction } from '../headless/policy.js';
import { logPassed, logRerun, logWaited, outcomeLine, recoverHeadless, waitLine } from '../headless/recover.js';
import { onSignals, signalStatus } from '../headless/signals.js';
import { sleepUntil } from '../headless/sleep.js';
import { createOutputFilter, type OutputFilter } from './output.js';

/** What both headless modes are given by `run`. */
export interface HeadlessRunOptions {
  claudePath: string;
  args: string[];
  cwd: string;
  /** claude's environment (CLAUDE_RECOVER_ACTIVE set). */
  env: NodeJS.ProcessEnv;
  config: Config;
  log: LogSink;
  warn: (message: string) => void;
  stdin?: Readable & { isTTY?: boolean };
  stdout?: Writable;
  stderr?: Writable;
}

interface Run {
  child: HeadlessChild;
  filter: OutputFilter;
  /** Resolves once claude has exited and its output went through the filter. */
  exited: Promise<ChildExit>;
  /** The detection started by the first block's rendering in this run's output, if any. */
  block(): Promise<BlockOccurrence | null> | null;
}

/** Runs a `-p` command with recovery; resolves with the exit status to end with. */
export async function runPrint(options: HeadlessRunOptions): Promise<number> {
  const { claudePath, args, cwd, env, config, log, warn } = options;
  const stdin = options.stdin ?? process.stdin;
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  let readerGone = false;
  const write = (data: Buffer): void => {
    if (!readerGone) stdout.write(data);
  };
  // The reader went away (`claude -p … | head -1`): claude is stopped as a closed pipe would stop it.
  const onStdoutError = (): void => {
    readerGone = true;
    current?.kill('SIGTERM');
  };
  stdout.on('error', onStdoutError);
  const say = (line: string): void => {
    stderr.write(`${line}\n`);
  };
  const format = outputFormatOf(args);
  const { patterns } = compilePatterns(config.detection.extraPatterns);
  let current: HeadlessChild | null = null;
  const detection = HeadlessDetection.create(
    { cwd, env, config, launchedAt: Date.now(), args, childPid: () => current?.pid, log, print: true, mode: 'print' },
    warn,
  );
  const input = stdin.isTTY ? null : new InputRecorder(stdin);
  const abort = new AbortController();
  let caught: NodeJS.Signals | null = null;
  const stopSignals = onSignals((signal) => {
    caught ??= signal;
    abort.abort();
    current?.kill(signal);
  });

  /**
   * Which blocks a run holds back: the gate where a recovery may replace its output (not in a
   * re-run), a usage limit where the run may wait for it (usageLimit.wait); nothing in the
   * detect-only mode. Every block's line is reported either way.
   */
  const holds = (kind: BlockKind, isRerun: boolean): boolean =>
    detection !== null && !config.detectOnly && (kind === 'credits-1m' ? !isRerun : kind === 'usage-limit' ? config.usageLimit.wait : false);

  const start = (argv: string[], isRerun: boolean): Run => {
    let block: Promise<BlockOccurrence | null> | null = null;
    const filter = createOutputFilter(format, {
      write,
      patterns,
      holds: (kind) => holds(kind, isRerun),
      onBlock: (line) => {
        block ??= detection?.confirm(line) ?? null;
      },
    });
    const child = new HeadlessChild({ claudePath, args: argv, cwd, env, stdin: input ? 'pipe' : 'inherit', onStdout: (chunk) => filter.push(chunk) });
    current = child;
    input?.attach(child.stdin);
    const exited = child.exited.then((exit) => {
      filter.end();
      return exit;
    });
    return { child, filter, exited, block: () => block };
  };

  /** How long this invocation has waited for usage limits so far. */
  let waitedMs = 0;
  const decideOn = (occurrence: BlockOccurrence, isRerun: boolean): HeadlessAction =>
    decide({
      kind: occurrence.kind,
      ...(occurrence.kind === 'credits-1m' ? { case: occurrence.case } : {}),
      ...(occurrence.kind === 'usage-limit'
        ? { resetsAt: occurrence.resetsAt, waitedMs, now: Date.now(), wait: { enabled: config.usageLimit.wait, marginMs: config.usageLimit.marginSeconds * 1000, maxMs: config.usageLimit.maxWaitMinutes * 60_000 } }
        : {}),
      ...(occurrence.kind === 'image-refused' ? { healed: occurrence.healed } : {}),
      detectOnly: config.detectOnly,
      isRerun,
    });

  /** A block in output that is not held: logged with the reason the policy gives, nothing more. */
  const settleUnheld = async (run: Run, isRerun: boolean): Promise<void> => {
    const occurrence = await run.block();
    if (!occurrence) return;
    const action = decideOn(occurrence, isRerun);
    if (action.action === 'pass' && action.reason !== null) logPassed(log, occurrence, action.reason, action.until);
  };

  try {
    let run = start(args, false);
    let isRerun = false;
    /** The usage limit the current run waited for: its wait is logged once the re-run's outcome is known. */
    let waitedFor: { occurrence: UsageLimitOccurrence; waitedMs: number } | null = null;
    for (;;) {
      const exit = await run.exited;
      if (exit.error) throw exit.error;
      const occurrence = run.filter.hold.holding ? ((await run.block()) ?? null) : null;
      if (waitedFor !== null) {
        // The run after a wait: answered, or refused again (its own occurrence follows).
        const again = occurrence?.kind === 'usage-limit';
        logWaited(log, waitedFor.occurrence, { waitedMs: waitedFor.waitedMs, until: again ? 'refused-again' : 'continued', by: 'claude-recover', detail: `the same command ran again; it exited with status ${exit.status}` });
        waitedFor = null;
      }
      if (!run.filter.hold.holding) {
        await settleUnheld(run, isRerun);
        return caught ? signalStatus(caught) : exit.status;
      }
      const action: HeadlessAction = occurrence ? decideOn(occurrence, isRerun) : { action: 'pass', reason: null };
      if (occurrence === null || action.action === 'pass' || caught !== null) {
        if (occurrence && action.action === 'pass' && action.reason !== null) {
          logPassed(log, occurrence, action.reason, action.until);
          if (occurrence.kind === 'credits-1m') say(outcomeLine('print', occurrence, { recovered: false, reason: action.reason }));
        }
        run.filter.hold.release();
        return caught ? signalStatus(caught) : exit.status;
      }
      if (action.action === 'wait' && occurrence.kind === 'usage-limit') {
        say(waitLine('print', occurrence, action.until));
        const sleptFrom = Date.now();
        await sleepUntil(action.until, abort.signal);
        waitedMs += Date.now() - sleptFrom;
        const waited = Date.now() - occurrence.at;
        if (caught !== null) {
          logWaited(log, occurrence, { waitedMs: waited, until: 'canceled', detail: `canceled by ${caught}` });
          run.filter.hold.release();
          return signalStatus(caught);
        }
        waitedFor = { occurrence, waitedMs: waited };
        run.filter.hold.drop();
        const argv = rerunArgs(args, occurrence.sessionId, null);
        detection?.rebase(argv);
        run = start(argv, true);
        isRerun = true;
        logRerun(log, occurrence.occurrence, 'rerun', argv, null);
        continue;
      }
      if (occurrence.kind !== 'credits-1m') {
        run.filter.hold.release();
        return exit.status;
      }
      return await recoverGate(run, occurrence, exit);
    }
  } finally {
    stdout.off('error', onStdoutError);
    stopSignals();
    detection?.dispose();
    input?.close();
  }

  /** Case A: compact, run the command once more with a standard-context model; its output and status are the caller's. */
  async function recoverGate(first: Run, occurrence: GateOccurrence, exit: ChildExit): Promise<number> {
    let second: Run | null = null;
    let model: string | null = null;
    const control: ChildControl = {
      // The blocked `-p` claude ends by itself after printing the error.
      stop: () => first.child.stop(5_000),
      respawn: async (resumeArgs) => {
        model = parseClaudeArgs(resumeArgs).model;
        const argv = rerunArgs(args, sessionIdFromArgs(resumeArgs), model);
        detection?.rebase(argv);
        second = start(argv, true);
        logRerun(log, occurrence.occurrence, 'rerun', argv, model);
      },
      waitForPrompt: async () => true,
      typeInput: async () => undefined,
      // Progress and notices are for a person at a terminal; a headless caller gets one stderr line.
      progress: () => undefined,
      notify: () => undefined,
    };
    const result = await recoverHeadless(occurrence, control, { config, log, env, cwd, claudePath, userArgs: args, signal: abort.signal });
    const rerun = second as Run | null;
    if (result.outcome === 'recovered' && rerun !== null) {
      first.filter.hold.drop();
      say(outcomeLine('print', occurrence, { recovered: true, worked: result.worked ?? 'compact', model }));
      const again = await rerun.exited;
      await settleUnheld(rerun, true);
      if (again.status !== 0) {
        log.write({ ts: new Date().toISOString(), type: 'warning', sessionId: occurrence.sessionId, message: `the re-run after recovery ${occurrence.occurrence} exited with status ${again.status}` });
      }
      return caught ? signalStatus(caught) : again.status;
    }
    first.filter.hold.release();
    say(outcomeLine('print', occurrence, { recovered: false, reason: result.reason ?? result.outcome }));
    return caught ? signalStatus(caught) : exit.status;
  }
}
