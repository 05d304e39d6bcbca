// The print-mode adapter (`claude -p`, text / json / stream-json output): claude runs with
// piped stdout; its output goes through as it comes. When the output shows the gate and the
// transcript confirms case A, the held error never reaches the caller: the session is
// compacted and the same command runs once more with a standard-context model, and its
// output and exit status are the caller's. Anything else passes through unchanged.
import type { Readable, Writable } from 'node:stream';
import type { Config } from '../../config/types.js';
import { compilePatterns } from '../../detect/patterns.js';
import type { GateOccurrence } from '../../detect/watcher.js';
import type { LogSink } from '../../log/types.js';
import { parseClaudeArgs } from '../../recovery/resume-args.js';
import type { ChildControl } from '../../recovery/types.js';
import { sessionIdFromArgs } from '../../transcript/locate.js';
import { outputFormatOf, rerunArgs } from '../args.js';
import { HeadlessChild, type ChildExit } from '../headless/child.js';
import { HeadlessDetection } from '../headless/detection.js';
import { InputRecorder } from '../headless/input.js';
import { decide } from '../headless/policy.js';
import { logPassed, logRerun, outcomeLine, recoverHeadless } from '../headless/recover.js';
import { onSignals, signalStatus } from '../headless/signals.js';
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
  /** The detection started by the gate's rendering in this run's output, if any. */
  gate(): Promise<GateOccurrence | null> | null;
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

  const start = (argv: string[], isRerun: boolean): Run => {
    let gate: Promise<GateOccurrence | null> | null = null;
    const filter = createOutputFilter(format, {
      write,
      patterns,
      // A re-run's output and the detect-only mode go through whatever happens.
      holdGates: detection !== null && !isRerun && !config.detectOnly,
      onGate: (variant) => {
        gate ??= detection?.confirm(variant) ?? null;
      },
    });
    const child = new HeadlessChild({ claudePath, args: argv, cwd, env, stdin: input ? 'pipe' : 'inherit', onStdout: (chunk) => filter.push(chunk) });
    current = child;
    input?.attach(child.stdin);
    const exited = child.exited.then((exit) => {
      filter.end();
      return exit;
    });
    return { child, filter, exited, gate: () => gate };
  };

  /** A gate in output that is not held: logged with the reason the policy gives, nothing more. */
  const settleUnheld = async (run: Run, isRerun: boolean): Promise<void> => {
    const occurrence = await run.gate();
    if (!occurrence) return;
    const action = decide({ kind: 'credits-1m', case: occurrence.case, detectOnly: config.detectOnly, isRerun });
    if (action.action === 'pass' && action.reason !== null) logPassed(log, occurrence, action.reason);
  };

  try {
    const first = start(args, false);
    const exit = await first.exited;
    if (exit.error) throw exit.error;
    if (!first.filter.hold.holding) {
      await settleUnheld(first, false);
      return exit.status;
    }
    const occurrence = (await first.gate()) ?? null;
    const action = occurrence
      ? decide({ kind: 'credits-1m', case: occurrence.case, detectOnly: config.detectOnly, isRerun: false })
      : ({ action: 'pass', reason: null } as const);
    if (occurrence === null || action.action === 'pass' || caught !== null) {
      if (occurrence && action.action === 'pass' && action.reason !== null) {
        logPassed(log, occurrence, action.reason);
        say(outcomeLine('print', occurrence, { recovered: false, reason: action.reason }));
      }
      first.filter.hold.release();
      return caught ? signalStatus(caught) : exit.status;
    }

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
  } finally {
    stdout.off('error', onStdoutError);
    stopSignals();
    detection?.dispose();
    input?.close();
  }
}
