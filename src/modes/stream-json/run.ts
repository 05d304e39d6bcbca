// The stream-json adapter (`--input-format stream-json --output-format stream-json`: Agent
// SDK apps, IDE integrations): one claude, many turns, control requests both ways. Lines
// pass unchanged in both directions as they come. When claude's output shows the gate and
// the transcript confirms case A, the blocked turn's error lines are held back, the session
// is compacted, claude is started again on it (`--resume <id>`, a standard-context model,
// the caller's other flags), initialised the way the caller did it (the recorded
// `initialize` request, its answer kept from the caller) and given the unanswered user
// messages again. The caller sees one conversation that never failed.
import type { Readable, Writable } from 'node:stream';
import { classifyJsonLine } from '../../detect/headless.js';
import { compilePatterns } from '../../detect/patterns.js';
import type { BlockKind } from '../../blocks/index.js';
import type { BlockOccurrence, GateOccurrence, UsageLimitOccurrence } from '../../detect/watcher.js';
import { describeError } from '../../errors.js';
import { parseClaudeArgs } from '../../recovery/resume-args.js';
import type { ChildControl, StopResult } from '../../recovery/types.js';
import { sessionIdFromArgs } from '../../transcript/locate.js';
import { rerunArgs } from '../args.js';
import { HeadlessChild } from '../headless/child.js';
import { HeadlessDetection } from '../headless/detection.js';
import { OutputHold } from '../headless/hold.js';
import { LineSplitter, lineText } from '../headless/lines.js';
import { decide, type HeadlessAction } from '../headless/policy.js';
import { logPassed, logRerun, logWaited, outcomeLine, recoverHeadless, waitLine } from '../headless/recover.js';
import { sleepUntil } from '../headless/sleep.js';
import type { BlockLine } from '../print/output.js';
import { onSignals, signalStatus } from '../headless/signals.js';
import type { HeadlessRunOptions } from '../print/run.js';
import { classifyCallerLine, classifyClaudeLine, resendable } from './protocol.js';

/** How long a restarted claude may take to answer the replayed `initialize`. */
const INITIALIZE_MS = 30_000;
/** How long a blocked claude gets to exit after its input is closed, before a signal. */
const STOP_GRACE_MS = 10_000;

/** Runs a stream-json session with recovery; resolves with the exit status to end with. */
export function runStreamJson(options: HeadlessRunOptions): Promise<number> {
  return new StreamJsonProxy(options).run();
}

/** A request claude-recover sent itself (a replayed initialize or setting): its answer is not the caller's. */
interface OwnRequest {
  line: Buffer;
  requestId: string;
}

class StreamJsonProxy {
  private readonly stdin: Readable;
  private readonly stdout: Writable;
  private readonly stderr: Writable;
  private readonly patterns: ReturnType<typeof compilePatterns>['patterns'];
  private readonly detection: HeadlessDetection | null;
  private readonly abort = new AbortController();
  private caught: NodeJS.Signals | null = null;

  // What the caller set up, for a restart.
  private initialize: OwnRequest | null = null;
  private readonly settings = new Map<string, OwnRequest>();
  /** User messages the current claude was given and has not answered with a result yet, oldest first. */
  private unanswered: Buffer[] = [];
  /** A recovery sent the blocked messages again and their result has not come yet. */
  private resent = false;
  /** How long this session has waited for usage limits so far. */
  private waitedMs = 0;
  /** The usage limit whose messages were sent again after its reset, until their result (or a new refusal) comes. */
  private waitedFor: { occurrence: UsageLimitOccurrence; waitedMs: number } | null = null;

  /** proxy: lines flow; held: a gate is being confirmed; recovering: the session is being recovered. */
  private state: 'proxy' | 'held' | 'recovering' = 'proxy';
  /** Caller lines that wait while the state is not `proxy`. */
  private readonly queue: Buffer[] = [];
  private callerEnded = false;

  private child!: HeadlessChild;
  private hold!: OutputHold;
  /** Answers claude-recover waits for, by request id. */
  private readonly own = new Map<string, (ok: boolean) => void>();
  private finish: (status: number) => void = () => undefined;

  constructor(private readonly options: HeadlessRunOptions) {
    this.stdin = options.stdin ?? process.stdin;
    this.stdout = options.stdout ?? process.stdout;
    this.stderr = options.stderr ?? process.stderr;
    const { cwd, env, config, args, log, warn } = options;
    this.patterns = compilePatterns(config.detection.extraPatterns).patterns;
    this.detection = HeadlessDetection.create(
      { cwd, env, config, launchedAt: Date.now(), args, childPid: () => this.child?.pid, log, print: true, mode: 'stream-json' },
      warn,
    );
  }

  async run(): Promise<number> {
    const finished = new Promise<number>((resolve) => {
      this.finish = resolve;
    });
    const stopSignals = onSignals((signal) => {
      this.caught ??= signal;
      this.abort.abort();
      this.child.kill(signal);
    });
    // The caller went away: nothing more can reach it.
    this.stdout.on('error', () => {
      this.abort.abort();
      this.child.kill('SIGTERM');
    });
    const callerLines = new LineSplitter((line) => this.fromCaller(line));
    const onData = (chunk: Buffer): void => callerLines.push(chunk);
    const onEnd = (): void => {
      callerLines.end();
      this.callerEnded = true;
      if (this.state === 'proxy') this.child.stdin?.end();
    };
    this.stdin.on('data', onData);
    this.stdin.once('end', onEnd);
    try {
      const first = this.start(this.options.args);
      const status = await finished;
      // claude could not be started at all: one line naming it, as without claude-recover's modes.
      const { error } = await first.exited;
      if (error) throw error;
      return status;
    } finally {
      stopSignals();
      this.stdin.off('data', onData);
      this.stdin.off('end', onEnd);
      this.stdin.destroy();
      this.detection?.dispose();
    }
  }

  /** Starts claude with these arguments; its output goes through its own hold. */
  private start(argv: string[]): HeadlessChild {
    const hold = new OutputHold((data) => this.toCaller(data));
    const lines = new LineSplitter((line) => {
      if (this.child === child) this.fromClaude(line);
    });
    const child = new HeadlessChild({
      claudePath: this.options.claudePath,
      args: argv,
      cwd: this.options.cwd,
      env: this.options.env,
      stdin: 'pipe',
      onStdout: (chunk) => lines.push(chunk),
    });
    this.child = child;
    this.hold = hold;
    void child.exited.then((exit) => {
      if (this.child !== child) return;
      lines.end();
      // While a gate is being judged or recovered, that decides what comes next.
      if (this.state !== 'proxy') return;
      hold.flushLead();
      this.finish(exit.status);
    });
    return child;
  }

  private fromCaller(line: Buffer): void {
    const kind = classifyCallerLine(lineText(line)).kind;
    // An answer to claude's own request (a permission, a hook, an MCP message) goes to the claude that asked.
    if (kind === 'control-response') {
      if (this.child.running) this.child.stdin?.write(line);
      return;
    }
    if (this.state !== 'proxy') this.queue.push(line);
    else this.toClaude(line);
  }

  /** Writes a caller line to claude and records what a restart needs. */
  private toClaude(line: Buffer): void {
    const info = classifyCallerLine(lineText(line));
    if (info.kind === 'initialize') this.initialize = { line, requestId: info.requestId };
    else if (info.kind === 'setting') this.settings.set(info.subtype, { line, requestId: info.requestId });
    else if (info.kind === 'user') this.unanswered.push(line);
    this.child.stdin?.write(line);
  }

  private fromClaude(line: Buffer): void {
    const text = lineText(line);
    const info = classifyClaudeLine(text);
    if (info.kind === 'control-response') {
      const waiter = this.own.get(info.requestId);
      if (waiter) {
        this.own.delete(info.requestId);
        waiter(!text.includes('"subtype":"error"'));
        return;
      }
    }
    const verdict = this.detection ? classifyJsonLine(text, this.patterns) : ({ kind: 'other' } as const);
    if (verdict.kind !== 'block') {
      this.hold.line(line, verdict.kind);
      return;
    }
    const holding = this.hold.holding;
    if (this.hold.line(line, this.holds(verdict.block) ? 'hold' : 'other')) this.onBlock(verdict);
    else if (!holding) this.onPassingBlock(verdict);
  }

  /**
   * Which blocks are held back: the gate (a recovery may replace its lines), a usage limit
   * when the session may wait for it (usageLimit.wait, not detect-only). Others go through.
   */
  private holds(kind: BlockKind): boolean {
    const { config } = this.options;
    return kind === 'credits-1m' || (kind === 'usage-limit' && config.usageLimit.wait && !config.detectOnly);
  }

  /** Every line that reaches the caller; a result answers the oldest unanswered message. */
  private toCaller(data: Buffer): void {
    this.stdout.write(data);
    if (classifyClaudeLine(lineText(data)).kind === 'result') {
      this.unanswered.shift();
      this.resent = false;
      if (this.waitedFor !== null) {
        // The messages sent again after a usage limit's reset were answered.
        const { occurrence, waitedMs } = this.waitedFor;
        this.waitedFor = null;
        logWaited(this.options.log, occurrence, { waitedMs, until: 'continued', by: 'claude-recover', detail: 'the blocked message was sent again after the reset' });
      }
    }
  }

  private onBlock(line: BlockLine): void {
    this.state = 'held';
    const blocked = this.hold;
    void this.detection!.confirm(line).then(
      (occurrence) => this.decideOn(occurrence, blocked),
      () => this.decideOn(null, blocked),
    );
  }

  /** A block whose lines went through (a refused image, a usage limit without the opt-in): confirmed and logged as the policy says. */
  private onPassingBlock(line: BlockLine): void {
    void this.detection?.confirm(line).then((occurrence) => {
      if (!occurrence) return;
      const action = this.actionFor(occurrence);
      if (action.action === 'pass' && action.reason !== null) logPassed(this.options.log, occurrence, action.reason, action.until);
    }, () => undefined);
  }

  private actionFor(occurrence: BlockOccurrence): HeadlessAction {
    const { config } = this.options;
    return decide({
      kind: occurrence.kind,
      ...(occurrence.kind === 'credits-1m' ? { case: occurrence.case } : {}),
      ...(occurrence.kind === 'usage-limit'
        ? { resetsAt: occurrence.resetsAt, waitedMs: this.waitedMs, now: Date.now(), wait: { enabled: config.usageLimit.wait, marginMs: config.usageLimit.marginSeconds * 1000, maxMs: config.usageLimit.maxWaitMinutes * 60_000 } }
        : {}),
      ...(occurrence.kind === 'image-refused' ? { healed: occurrence.healed } : {}),
      detectOnly: config.detectOnly,
      isRerun: this.resent,
    });
  }

  private async decideOn(occurrence: BlockOccurrence | null, blocked: OutputHold): Promise<void> {
    const { log } = this.options;
    if (this.waitedFor !== null && occurrence?.kind === 'usage-limit') {
      // The messages sent again after a reset were refused again: that wait is over, this one starts.
      const { occurrence: before, waitedMs } = this.waitedFor;
      this.waitedFor = null;
      logWaited(log, before, { waitedMs, until: 'refused-again', by: 'claude-recover', detail: 'the blocked message was sent again after the reset' });
    }
    const action = occurrence ? this.actionFor(occurrence) : null;
    if (occurrence === null || action === null || action.action === 'pass' || this.caught !== null) {
      if (occurrence && action?.action === 'pass' && action.reason !== null) {
        logPassed(log, occurrence, action.reason, action.until);
        if (occurrence.kind === 'credits-1m') this.say(outcomeLine('stream-json', occurrence, { recovered: false, reason: action.reason }));
      }
      blocked.release();
      this.resume();
      return;
    }
    if (action.action === 'wait' && occurrence.kind === 'usage-limit') return this.waitOut(occurrence, action.until, blocked);
    if (occurrence.kind !== 'credits-1m') {
      blocked.release();
      this.resume();
      return;
    }
    this.state = 'recovering';
    let model: string | null = null;
    let restarted = false;
    const control: ChildControl = {
      stop: () => this.stopChild(),
      respawn: async (resumeArgs) => {
        model = parseClaudeArgs(resumeArgs).model;
        const argv = rerunArgs(this.options.args, sessionIdFromArgs(resumeArgs), model);
        await this.restart(argv);
        restarted = true;
        logRerun(log, occurrence.occurrence, 'restart', argv, model);
      },
      waitForPrompt: async () => true,
      typeInput: async () => undefined,
      // Progress and notices are for a person at a terminal; a headless caller gets one stderr line.
      progress: () => undefined,
      notify: () => undefined,
    };
    const { config: cfg, env, cwd, claudePath, args } = this.options;
    const result = await recoverHeadless(occurrence, control, { config: cfg, log, env, cwd, claudePath, userArgs: args, signal: this.abort.signal });
    if (result.outcome === 'recovered' && restarted && this.caught === null) {
      // The blocked turn is answered again by the restarted claude; a block with no message to
      // send again (a turn claude started by itself) shows its error as it was.
      if (this.unanswered.length > 0) blocked.drop();
      else blocked.release();
      this.resend(occurrence);
      this.say(outcomeLine('stream-json', occurrence, { recovered: true, worked: result.worked ?? 'compact', model }));
      this.resume();
      return;
    }
    this.say(outcomeLine('stream-json', occurrence, { recovered: false, reason: result.reason ?? result.outcome }));
    await this.failOpen(occurrence, blocked, restarted);
  }

  /**
   * A usage limit with usageLimit.wait on: nothing goes to claude until the reset plus the
   * margin (the caller's lines wait), then the unanswered messages go to it again, on the same
   * session (a claude that exited meanwhile is started again on it first).
   */
  private async waitOut(occurrence: UsageLimitOccurrence, until: number, blocked: OutputHold): Promise<void> {
    const { log } = this.options;
    this.state = 'recovering';
    this.say(waitLine('stream-json', occurrence, until));
    const sleptFrom = Date.now();
    await sleepUntil(until, this.abort.signal);
    this.waitedMs += Date.now() - sleptFrom;
    const waitedMs = Date.now() - occurrence.at;
    if (this.caught !== null || this.unanswered.length === 0) {
      logWaited(log, occurrence, { waitedMs, until: this.caught !== null ? 'canceled' : 'passed', detail: this.caught !== null ? `canceled by ${this.caught}` : 'no message of the caller to send again' });
      blocked.release();
      this.resume();
      return;
    }
    if (!this.child.running && occurrence.sessionId !== null) {
      try {
        const argv = rerunArgs(this.options.args, occurrence.sessionId, null);
        await this.restart(argv);
        logRerun(log, occurrence.occurrence, 'restart', argv, null);
      } catch (error) {
        this.options.warn(`could not restart claude after the usage limit's reset (${describeError(error)})`);
        logWaited(log, occurrence, { waitedMs, until: 'passed', detail: 'claude could not be started again' });
        blocked.release();
        this.resume();
        return;
      }
    }
    blocked.drop();
    this.waitedFor = { occurrence, waitedMs };
    this.resend(occurrence);
    this.resume();
  }

  /** Recovery did not happen: claude's own output goes through, and the session goes on as it would have. */
  private async failOpen(occurrence: GateOccurrence, blocked: OutputHold, restarted: boolean): Promise<void> {
    if (!this.child.running && !restarted && occurrence.sessionId !== null && this.caught === null && !this.callerEnded) {
      // The blocked claude was stopped: the same command on the same session, so the caller can go on.
      try {
        await this.restart(rerunArgs(this.options.args, occurrence.sessionId, null));
      } catch (error) {
        this.options.warn(`could not restart claude after the recovery gave up (${describeError(error)})`);
      }
    }
    blocked.release();
    this.resume();
  }

  /** The blocked messages, once more, to the (restarted) claude. */
  private resend(occurrence: BlockOccurrence): void {
    const started = Date.now();
    for (const line of this.unanswered) this.child.stdin?.write(resendable(line));
    this.resent = this.unanswered.length > 0;
    this.options.log.write({
      ts: new Date().toISOString(),
      type: 'step',
      occurrence: occurrence.occurrence,
      name: 'resend',
      timedOut: false,
      durationMs: Date.now() - started,
      ok: this.unanswered.length > 0,
      detail: `${this.unanswered.length} unanswered user message(s) sent again`,
    });
  }

  /** Back to passing lines: the waiting caller lines go to claude, the caller's end of input too. */
  private resume(): void {
    this.state = 'proxy';
    for (const line of this.queue.splice(0)) this.toClaude(line);
    if (this.callerEnded) this.child.stdin?.end();
    const child = this.child;
    if (!child.running) {
      void child.exited.then((exit) => {
        this.hold.flushLead();
        this.finish(this.caught ? signalStatus(this.caught) : exit.status);
      });
    }
  }

  private async stopChild(): Promise<StopResult> {
    return this.child.stop(STOP_GRACE_MS);
  }

  /** Starts claude on the session again and initialises it the way the caller did. */
  private async restart(argv: string[]): Promise<void> {
    this.detection?.rebase(argv);
    const child = this.start(argv);
    const requests = [this.initialize, ...this.settings.values()].filter((request): request is OwnRequest => request !== null);
    const answers = requests.map(
      (request) =>
        new Promise<boolean>((resolve) => {
          this.own.set(request.requestId, resolve);
        }),
    );
    for (const request of requests) child.stdin?.write(request.line);
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      Promise.all(answers).then((oks) => (oks[0] === false ? 'refused' : 'ready')),
      child.exited.then(() => 'exited' as const),
      new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), INITIALIZE_MS);
      }),
    ]);
    clearTimeout(timer);
    for (const request of requests) this.own.delete(request.requestId);
    if (outcome !== 'ready') throw new Error(`the restarted claude ${outcome === 'refused' ? 'refused the initialize request' : outcome === 'exited' ? 'exited before it was initialised' : 'did not answer the initialize request'}`);
  }

  private say(line: string): void {
    this.stderr.write(`${line}\n`);
  }
}
