// The interactive session: owns the PTY child, raw mode, resizes and signals; writes the
// child's bytes to the terminal unchanged and hands the same chunks to subscribers; and
// implements ChildControl so recovery can stop and restart the child in the same terminal.
// claude-recover's own text reaches the terminal only through its StatusWriter.
import { writeSync } from 'node:fs';
import type * as NodePty from '@lydell/node-pty';
import { describeError } from '../errors.js';
import type { ChildControl, Notice, Progress, RespawnOptions, StopResult, Wait } from '../recovery/types.js';
import type { Colours } from '../ui/colour.js';
import { ControlsOnly } from './controls-only.js';
import { Utf8Stream } from './decode.js';
import { JobControl } from './job-control.js';
import { addNoticeHook, discardNotice, noticeShown, type NoticeHook } from './notice-hook.js';
import { exitStatus, spawnChild, type ChildExit, type ChildPty } from './pty.js';
import { SIGNAL_NUMBERS } from './signals.js';
import { StatusWriter } from './status.js';
import type { UserTerminal } from './tty.js';
import { BoxLine, InputParser, TypedText } from './typed-input.js';

/**
 * Sees every chunk of the child's output, raw, after it was written. Chunks are never reused
 * or changed, so a subscriber may keep them; decoding is the subscriber's (the gate watcher
 * decodes only near a candidate).
 */
export type OutputSubscriber = (chunk: Buffer) => void;

/** Sees the bytes on their way to and from the child, for the context guard. */
export interface SessionObserver {
  /** Every chunk written to the terminal on the child's behalf, after it was written. */
  written(chunk: Buffer): void;
  /** Every keystroke sent to the child, the user's and claude-recover's own. */
  input(data: Buffer | string): void;
}

export interface SessionOptions {
  pty: typeof NodePty;
  claudePath: string;
  cwd: string;
  /** The child's environment (CLAUDE_RECOVER_ACTIVE already set). */
  env: NodeJS.ProcessEnv;
  terminal: UserTerminal;
  /** One-line warnings about claude-recover itself (fail open); also notices that could not be shown in the session. */
  warn: (message: string) => void;
  /** Where the one-shot files of notices shown inside claude go (claude-recover's state dir). */
  noticeDir: string;
  /** Colours for claude-recover's text; default: the terminal's (loaded by status.prepare()). */
  colours?: Colours;
}

const RELAYED_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const FOCUS_IN = Buffer.from('\u001b[I');
const FOCUS_OUT = Buffer.from('\u001b[O');
const BRACKETED_PASTE_ON = Buffer.from('\u001b[?2004h');
const BRACKETED_PASTE_OFF = Buffer.from('\u001b[?2004l');
/** Not `\u001b[?2004`: ESC starts every other sequence of TUI output, `?` few. */
const BRACKETED_PASTE_KEY = Buffer.from('?2004');
/** What a CLI killed outright leaves switched on: mouse, paste, focus, palette reports; a hidden cursor; colours. */
const MODES_RESET = '\u001b[?1000l\u001b[?1002l\u001b[?1003l\u001b[?1006l\u001b[?2004l\u001b[?1004l\u001b[?2031l\u001b[?25h\u001b[0m';
/** The alternate screen is entered at start-up: only the first output is searched for it. */
const STARTUP_SCAN_BYTES = 256 * 1024;
/** SIGTERM is the CLI's graceful exit (it restores the terminal and prints nothing); SIGKILL after this. */
const STOP_MS = 3_000;
/** After its prompt is ready, how long the CLI may take to run the notice's SessionStart hook. */
const HOOK_GRACE_MS = 2_000;
/** A respawned CLI gets this long to show its input box. */
const READY_MS = 45_000;

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function raceTimeout<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), ms);
    }),
  ]);
}

/** A notice's text as one message for the CLI to show (it wraps it to the width). */
function noticeMessage(notice: Notice): string {
  return notice.text.join('\n');
}

export class InteractiveSession implements ChildControl {
  /** The one writer of claude-recover's text on this terminal. */
  readonly status: StatusWriter;
  private child: ChildPty | null = null;
  /** Decodes the output for the prompt tail, only while recovery waits for the prompt. */
  private decoder = new Utf8Stream();
  private readonly subscribers: OutputSubscriber[] = [];
  private readonly input = new InputParser();
  /** What the person typed into the running child's box since their last Enter. */
  private readonly box = new BoxLine();
  /** What the person typed while recovery held the keyboard; typed into the next box, without Enter. */
  private readonly held = new TypedText();
  private holding = false;
  /** The child exits because recovery asked it to: its exit does not end the session. */
  private stopping = false;
  /** The stopping child's text is not shown, only its control sequences (ControlsOnly). */
  private muted = false;
  private mutedFilter = new ControlsOnly();
  private altScreen = false;
  private startupScanLeft = 0;
  private terminalGone = false;
  private bracketedPaste = false;
  /** Recent decoded output, kept from a respawn until the input box is seen. */
  private promptTail: string | null = null;
  private ready: Promise<boolean> | null = null;
  private lastOutputAt = 0;
  private lastTyped = '';
  private lastExit: ChildExit = { exitCode: 0, signal: 0 };
  private observer: SessionObserver | null = null;
  private resolveFinished!: (status: number) => void;
  private isFinished = false;
  private signalsOn = false;
  /** From the terminal's focus reports: true in, false out, null while none came. */
  private focused: boolean | null = null;
  /** The first of SIGHUP/SIGTERM/SIGINT that claude-recover itself received, if any. */
  endSignal: NodeJS.Signals | null = null;
  /** The session's exit status, once the child has exited and no recovery holds the terminal. */
  readonly finished: Promise<number>;

  /** Called when the user presses Ctrl-C while no child owns the screen (recovery cancels). */
  onInterrupt: (() => void) | null = null;
  /** Called when claude-recover gets a signal while a recovery runs (it stops its children, logs, and ends). */
  onRecoverySignal: ((signal: NodeJS.Signals) => void) | null = null;

  private readonly onInput = (data: Buffer): void => {
    // Focus reports (the CLI turns them on): whether a bell may be needed to reach the person.
    if (data.length <= 16 && data[0] === 0x1b) {
      if (data.lastIndexOf(FOCUS_IN) !== -1) this.focused = true;
      if (data.lastIndexOf(FOCUS_OUT) !== -1) this.focused = false;
    }
    const tokens = this.input.push(data);
    this.status.keystroke(tokens);
    if (this.child !== null && !this.holding) {
      this.box.add(tokens);
      this.send(data);
      return this.jobs.forwarded(data);
    }
    this.held.add(tokens);
    // The terminal's answers to the new claude's start-up queries are not typing: they go to it now.
    if (this.child !== null) for (const token of tokens) if (token.type === 'reply') this.send(token.raw);
    // Ctrl-C while recovery works with no child on screen cancels it (it is not held itself).
    if (this.child === null && this.onInterrupt !== null && tokens.some((token) => token.type === 'interrupt')) this.onInterrupt();
  };
  private readonly onResize = (): void => {
    this.status.resized();
    this.resizeChild();
  };
  private readonly onSignal = (signal: NodeJS.Signals): void => {
    // Raw mode turns Ctrl-C into a byte for the child, so a signal here was sent to
    // claude-recover itself (kill, a closed terminal): pass it on, as if the user had sent it
    // to claude. A recovery under way stops its own children and logs its outcome first.
    // The listeners stay until the process ends (releaseSignals): a dependency's handler
    // (execa's signal-exit) re-raises a signal once it is the only listener left.
    if (signal === 'SIGHUP') this.terminalGone = true;
    this.endSignal ??= signal;
    this.child?.kill(signal);
    if (this.onRecoverySignal !== null) this.onRecoverySignal(signal);
    else if (this.child === null) this.finish(128 + (SIGNAL_NUMBERS[signal] ?? 0));
  };

  /** Ctrl-Z and `fg`: see job-control.ts. */
  private readonly jobs: JobControl;

  constructor(private readonly options: SessionOptions) {
    this.finished = new Promise((resolve) => {
      this.resolveFinished = resolve;
    });
    const { terminal } = options;
    this.jobs = new JobControl(
      {
        child: () => (this.child === null || this.holding ? null : { pid: this.child.pid, slave: this.child.slave }),
        drainChild: () => this.child?.drain(),
        releaseTerminal: () => {
          terminal.restore();
          terminal.input.pause();
        },
        retakeTerminal: () => {
          if (this.isFinished) return;
          terminal.restore(); // whatever the shell set while we were stopped
          terminal.enterRaw();
          terminal.input.resume();
          terminal.refreshSize();
          this.onResize();
        },
      },
      options.warn,
    );
    this.status = new StatusWriter({
      write: (text) => this.writeOut(Buffer.from(text, 'utf8')),
      size: () => options.terminal.size(),
      colours: options.colours,
      colourStream: options.terminal.output,
      reserve: () => this.resizeChild(),
      report: options.warn,
    });
  }

  /** Takes over the terminal and starts claude with these arguments (and a notice to show in it). */
  start(args: string[], options: RespawnOptions = {}): void {
    const { terminal } = this.options;
    terminal.enterRaw();
    terminal.input.on('data', this.onInput);
    terminal.input.resume();
    terminal.output.on('resize', this.onResize);
    for (const signal of RELAYED_SIGNALS) process.on(signal, this.onSignal);
    this.jobs.start();
    this.signalsOn = true;
    if (options.notice) this.promptTail = '';
    this.spawn(args, options.notice);
  }

  /** Receives every chunk of the child's output (see OutputSubscriber); a subscriber that throws is dropped. */
  subscribe(subscriber: OutputSubscriber): void {
    this.subscribers.push(subscriber);
  }

  /** Sets the one observer of the bytes (the guard); set it before start() so it sees them all. */
  observe(observer: SessionObserver): void {
    this.observer = observer;
  }

  private send(data: Buffer | string): void {
    this.child?.write(data);
    if (this.observer === null) return;
    try {
      this.observer.input(data);
    } catch (error) {
      this.dropObserver(error);
    }
  }

  /** Shows the observer bytes written to the terminal (on the output hot path: no allocation). */
  private observeWritten(chunk: Buffer): void {
    if (this.observer === null) return;
    try {
      this.observer.written(chunk);
    } catch (error) {
      this.dropObserver(error);
    }
  }

  private dropObserver(error: unknown): void {
    this.observer = null;
    this.options.warn(`the context guard failed and was switched off (${describeError(error)}); claude keeps running`);
  }

  /** Whether a child currently owns the screen. */
  get childRunning(): boolean {
    return this.child !== null;
  }

  /** The running child's pid. */
  get childPid(): number | undefined {
    return this.child?.pid;
  }

  /** The child's size: the terminal's, less the rows a pinned notice takes. */
  private resizeChild(): void {
    const { cols, rows } = this.options.terminal.size();
    this.child?.resize(cols, Math.max(1, rows - this.status.reservedRows));
  }

  private spawn(args: string[], notice?: Notice): void {
    let hook: NoticeHook | null = null;
    if (notice) {
      try {
        hook = addNoticeHook(args, noticeMessage(notice), this.options.noticeDir, this.options.cwd);
      } catch {
        hook = null; // shown pinned instead
      }
    }
    const { cols, rows } = this.options.terminal.size();
    this.decoder = new Utf8Stream();
    this.bracketedPaste = false;
    this.altScreen = false;
    this.startupScanLeft = STARTUP_SCAN_BYTES;
    this.box.reset();
    this.lastTyped = '';
    const child = spawnChild(this.options.pty, this.options.claudePath, hook?.args ?? args, {
      cols,
      rows,
      cwd: this.options.cwd,
      env: this.options.env,
      onData: (data) => this.onChildData(data),
    });
    this.child = child;
    this.status.setChildOnScreen(true, true);
    this.ready = this.promptTail !== null ? this.watchForPrompt(child, READY_MS) : null;
    void child.exited.then((exit) => this.onChildExit(child, exit));
    if (notice) void this.deliverNotice(child, notice, hook);
  }

  /** The output hot path: nothing here decodes the chunk, and nothing allocates but the prompt tail while recovery waits. */
  private onChildData(data: Buffer): void {
    if (this.muted) return this.onMutedData(data);
    this.writeOut(data);
    if (this.status.tracking) this.status.childOutput(data);
    this.observeWritten(data);
    this.lastOutputAt = performance.now();
    if (data.indexOf(BRACKETED_PASTE_KEY) !== -1) {
      const on = data.lastIndexOf(BRACKETED_PASTE_ON);
      const off = data.lastIndexOf(BRACKETED_PASTE_OFF);
      if (on !== off) this.bracketedPaste = on > off;
    }
    if (this.startupScanLeft > 0) this.scanStartup(data);
    if (this.promptTail !== null) this.promptTail = (this.promptTail + this.decoder.write(data)).slice(-4096);
    for (let i = 0; i < this.subscribers.length; i++) {
      const subscriber = this.subscribers[i] as OutputSubscriber;
      try {
        subscriber(data);
      } catch (error) {
        this.subscribers.splice(i--, 1);
        this.options.warn(`a watcher failed and was switched off (${describeError(error)}); claude keeps running`);
      }
    }
  }

  /** Whether the CLI draws on the alternate screen: it says so in its first output (2.1.3xx do). */
  private scanStartup(data: Buffer): void {
    this.startupScanLeft -= data.length;
    this.trackAltScreen(data);
  }

  /** On the raw bytes (a Buffer) or their Latin-1 text: the sequences are ASCII either way. */
  private trackAltScreen(text: Buffer | string): void {
    if (!text.includes('?1049')) return;
    const on = text.lastIndexOf('\u001b[?1049h');
    const off = text.lastIndexOf('\u001b[?1049l');
    if (on !== off) this.altScreen = on > off;
  }

  /** The stopping child: its control sequences reach the terminal, its text does not. */
  private onMutedData(data: Buffer): void {
    const shown = this.mutedFilter.push(data);
    if (shown.length === 0) return;
    this.writeOut(shown);
    if (this.status.tracking) this.status.childOutput(shown);
    this.observeWritten(shown);
    this.trackAltScreen(shown.toString('latin1'));
  }

  /** Writes to the terminal synchronously (Node sets a TTY's fd to blocking), unchanged. */
  private writeOut(data: Buffer): void {
    if (this.terminalGone) return;
    let offset = 0;
    while (offset < data.length) {
      try {
        offset += writeSync(1, data, offset);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN') continue;
        this.terminalGone = true; // EIO after a hang-up: nobody left to show it to
        return;
      }
    }
  }

  private onChildExit(child: ChildPty, exit: ChildExit): void {
    if (this.child !== child) return;
    this.child = null;
    this.lastExit = exit;
    if (!this.stopping) this.finish(exitStatus(exit));
  }

  /** Ends the session: restores the terminal and releases the keyboard and resize listeners. */
  finish(status: number = exitStatus(this.lastExit)): void {
    if (this.isFinished) return;
    this.isFinished = true;
    this.status.dispose();
    const { terminal } = this.options;
    terminal.restore();
    terminal.input.off('data', this.onInput);
    terminal.input.pause();
    terminal.output.off('resize', this.onResize);
    this.jobs.stop();
    this.child?.kill('SIGHUP');
    this.resolveFinished(status);
  }

  /**
   * Removes the signal listeners. Call it last, right before the process ends: until then a
   * signal must reach this session, not a dependency's handler that re-raises it.
   */
  releaseSignals(): void {
    if (!this.signalsOn) return;
    this.signalsOn = false;
    for (const signal of RELAYED_SIGNALS) process.off(signal, this.onSignal);
  }

  // ChildControl

  async stop(): Promise<StopResult> {
    this.holding = true;
    this.stopping = true;
    const child = this.child;
    if (child === null) return { exitCode: this.lastExit.exitCode, signal: this.lastExit.signal, how: 'already-exited', timedOut: false };
    // What the person had typed into the blocked claude's box goes into the next one.
    const typed = this.box.value;
    if (typed) this.held.prepend(typed);
    this.box.reset();
    this.muted = true;
    this.mutedFilter = new ControlsOnly();
    // SIGTERM, not Ctrl-C: Ctrl-C means "interrupt" while the CLI is busy (sending a queued
    // message, compacting by itself) and took 2.9 s to stop it; SIGTERM is the CLI's graceful
    // exit whatever it is doing (exit 143 in 40–350 ms on 2.1.100/2.1.200/2.1.332).
    child.kill('SIGTERM');
    let exit = await raceTimeout(child.exited, STOP_MS);
    const killed = exit === null;
    if (exit === null) {
      child.kill('SIGKILL');
      exit = await child.exited;
    }
    this.muted = false;
    // A CLI that exited restored the terminal itself; one killed outright did not. CAN ends a
    // sequence it may have died inside.
    if (killed) this.writeOut(Buffer.from(`\u0018${this.altScreen ? '\u001b[?1049l' : ''}${MODES_RESET}`));
    this.altScreen = false;
    this.status.setChildOnScreen(false, true);
    return { exitCode: exit.exitCode, signal: exit.signal || null, how: 'signal', timedOut: killed };
  }

  async respawn(args: string[], options: RespawnOptions = {}): Promise<void> {
    this.status.progress(null);
    // A line that stays on the normal screen: after claude, or above its history.
    if (options.notice) this.status.lines(options.notice.headline, options.notice.tone);
    this.stopping = false;
    this.promptTail = '';
    this.spawn(args, options.notice);
  }

  /** Resolves true once the CLI's input box is on screen (false: timed out, or the child exited). */
  private async watchForPrompt(child: ChildPty, timeoutMs: number): Promise<boolean> {
    const started = performance.now();
    try {
      while (performance.now() - started < timeoutMs) {
        if (this.child !== child) return false;
        const tail = this.promptTail ?? '';
        const quiet = performance.now() - this.lastOutputAt > 300;
        // The input box: a line starting with ❯ (a `>` in older versions) under a rule,
        // and nothing busy in the footer.
        if (quiet && /─{8,}/.test(tail) && /[❯>]/.test(tail) && !tail.includes('esc to interrupt')) return true;
        await delay(50);
      }
      return false;
    } finally {
      if (this.child === child) this.promptTail = null;
    }
  }

  async waitForPrompt(timeoutMs: number): Promise<boolean> {
    if (this.ready !== null) return (await raceTimeout(this.ready, timeoutMs)) === true;
    // A child that was not restarted (it shows its prompt already): wait until it is quiet.
    const started = performance.now();
    while (performance.now() - started < timeoutMs) {
      if (this.child === null) return false;
      if (performance.now() - this.lastOutputAt > 300) return true;
      await delay(50);
    }
    return false;
  }

  /**
   * The notice for a new child: its headline in the title at once (until the person's Enter,
   * or key); the message inside the CLI through the SessionStart hook; pinned under the CLI's
   * screen when the hook did not run (hooks switched off, a --settings that could not be merged).
   */
  private async deliverNotice(child: ChildPty, notice: Notice, hook: NoticeHook | null): Promise<void> {
    this.status.setTitle('recovery', notice.headline, notice.tone === 'done' ? 'enter' : 'key');
    const ready = this.ready === null ? false : await this.ready;
    if (hook !== null) {
      const until = performance.now() + HOOK_GRACE_MS;
      while (!noticeShown(hook) && performance.now() < until && this.child === child) await delay(50);
      const shown = noticeShown(hook);
      discardNotice(hook);
      if (shown) return;
    }
    if (this.child !== child || this.isFinished) return;
    if (!ready) await this.waitForPrompt(5_000);
    this.showInSession(notice);
  }

  /** Pins the notice under the running child; when it cannot be (or only in part), it is also said after claude. */
  private showInSession(notice: Notice): void {
    if (this.status.pin(notice) !== 'whole') this.options.warn(noticeMessage(notice).replace(/^claude-recover: /, ''));
  }

  /**
   * Types into the child: as one bracketed paste when the child enabled it (or the text has
   * several lines), or as plain keystrokes with `paste: false`; with submit, Enter follows.
   * Nothing is typed into a box that holds the person's own text (unless `force`).
   */
  async typeInput(text: string, submit: boolean, options: { paste?: boolean; force?: boolean } = {}): Promise<void> {
    if (this.child === null) return;
    if (this.box.occupied && options.force !== true) return;
    const paste = (options.paste ?? true) && (this.bracketedPaste || text.includes('\n'));
    this.send(paste ? `\u001b[200~${text}\u001b[201~` : text);
    this.lastTyped = text;
    if (submit) {
      // The CLI can drop an Enter that arrives with the text; a person's pause apart.
      await delay(200);
      this.send('\r');
    }
  }

  progress(update: Progress | null): void {
    this.status.progress(update);
  }

  /** A usage limit's wait, in the title; the bell at its reset only when `bell` and the terminal is not known to be focused. */
  waiting(wait: Wait | null, bell = true): void {
    this.status.waiting(wait, () => bell && this.focused !== true);
  }

  notify(notice: Notice): void {
    if (this.child !== null && !this.stopping) {
      this.status.setTitle('recovery', notice.headline, 'key');
      this.showInSession(notice);
    } else {
      this.status.progress(null);
      this.status.lines(notice.text.join('\n'), notice.tone);
    }
  }

  /**
   * Recovery is over: what the person typed meanwhile goes into the box after the restored
   * prompt, without its Enter (nothing is sent that they could not see first); with no claude
   * to go to, it is shown back.
   */
  releaseInput(): void {
    this.holding = false;
    const text = this.held.take();
    if (text === '') return;
    // No claude to type it into (the recovery gave up): it is shown back, so it is not lost.
    if (this.child === null) return this.options.warn(`what you typed while it worked was not sent: ${text}`);
    const joined = this.lastTyped !== '' && !/\s$/.test(this.lastTyped) ? ` ${text}` : text;
    void this.typeInput(joined, false, { force: true });
    this.box.add([{ type: 'text', text }]);
  }
}
