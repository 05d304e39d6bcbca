// The interactive session: owns the PTY child, raw mode, resizes and signals; writes the
// child's bytes to the terminal unchanged and hands the same chunks to subscribers; and
// implements ChildControl so recovery can stop and restart the child in the same terminal.
import { writeSync } from 'node:fs';
import type * as NodePty from '@lydell/node-pty';
import { describeError } from '../errors.js';
import type { ChildControl, StopResult } from '../recovery/types.js';
import { Utf8Stream } from './decode.js';
import { exitStatus, spawnChild, type ChildExit, type ChildPty } from './pty.js';
import type { UserTerminal } from './tty.js';

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
  /** One-line warnings about claude-recover itself (fail open). */
  warn: (message: string) => void;
}

const RELAYED_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const SIGNAL_NUMBERS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };
const BRACKETED_PASTE_ON = Buffer.from('\u001b[?2004h');
const BRACKETED_PASTE_OFF = Buffer.from('\u001b[?2004l');
/** Not `\u001b[?2004`: ESC starts every other sequence of TUI output, `?` few. */
const BRACKETED_PASTE_KEY = Buffer.from('?2004');
/** What a CLI killed by a signal may leave switched on: alternate screen, mouse, paste, focus. */
const MODES_RESET = '\u001b[?1049l\u001b[?1000l\u001b[?1002l\u001b[?1003l\u001b[?1006l\u001b[?2004l\u001b[?1004l\u001b[?25h\u001b[0m';

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

export class InteractiveSession implements ChildControl {
  private child: ChildPty | null = null;
  /** Decodes the output for the prompt tail, only while recovery waits for the prompt. */
  private decoder = new Utf8Stream();
  private readonly subscribers: OutputSubscriber[] = [];
  /** Keystrokes typed while recovery runs; they belong to the resumed child. */
  private held: Buffer[] = [];
  private holding = false;
  /** The child exits because recovery asked it to: its exit does not end the session. */
  private stopping = false;
  private terminalGone = false;
  private statusShown = false;
  private bracketedPaste = false;
  /** Recent decoded output, kept from a spawn until someone has waited for the prompt. */
  private promptTail: string | null = null;
  private lastOutputAt = 0;
  private lastExit: ChildExit = { exitCode: 0, signal: 0 };
  private observer: SessionObserver | null = null;
  private resolveFinished!: (status: number) => void;
  private isFinished = false;
  /** The session's exit status, once the child has exited and no recovery holds the terminal. */
  readonly finished: Promise<number>;

  private readonly onInput = (data: Buffer): void => {
    if (this.child !== null && !this.holding) return this.send(data);
    // Ctrl-C while recovery works with no child on screen cancels it; it is not held.
    if (this.child === null && this.onInterrupt !== null && data.includes(0x03)) return this.onInterrupt();
    this.held.push(data);
  };
  /** Called when the user presses Ctrl-C while no child owns the screen (recovery cancels). */
  onInterrupt: (() => void) | null = null;
  private readonly onResize = (): void => {
    const { cols, rows } = this.options.terminal.size();
    this.child?.resize(cols, rows);
  };
  private readonly onSignal = (signal: NodeJS.Signals): void => {
    // Raw mode turns Ctrl-C into a byte for the child, so a signal here was sent to
    // claude-recover itself (kill, a closed terminal): pass it on, as if the user had
    // sent it to claude. With no child (mid-recovery), the session ends with it.
    if (signal === 'SIGHUP') this.terminalGone = true;
    if (this.child !== null) this.child.kill(signal);
    else this.finish(128 + (SIGNAL_NUMBERS[signal] ?? 0));
  };

  constructor(private readonly options: SessionOptions) {
    this.finished = new Promise((resolve) => {
      this.resolveFinished = resolve;
    });
  }

  /** Takes over the terminal and starts claude with these arguments. */
  start(args: string[]): void {
    const { terminal } = this.options;
    terminal.enterRaw();
    terminal.input.on('data', this.onInput);
    terminal.input.resume();
    terminal.output.on('resize', this.onResize);
    for (const signal of RELAYED_SIGNALS) process.on(signal, this.onSignal);
    this.spawn(args);
  }

  /** Receives every chunk of the child's output (see OutputSubscriber); a subscriber that throws is dropped. */
  subscribe(subscriber: OutputSubscriber): void {
    this.subscribers.push(subscriber);
  }

  /** Sets the one observer of the bytes (the guard); set it before start() so it sees them all. */
  observe(observer: SessionObserver): void {
    this.observer = observer;
  }

  /** Writes bytes of claude-recover's own (a title, a bell) to the terminal, unobserved. */
  writeRaw(text: string): void {
    this.writeOut(Buffer.from(text, 'utf8'));
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

  private spawn(args: string[]): void {
    const { cols, rows } = this.options.terminal.size();
    this.decoder = new Utf8Stream();
    this.bracketedPaste = false;
    const child = spawnChild(this.options.pty, this.options.claudePath, args, {
      cols,
      rows,
      cwd: this.options.cwd,
      env: this.options.env,
      onData: (data) => this.onChildData(data),
    });
    this.child = child;
    void child.exited.then((exit) => this.onChildExit(child, exit));
  }

  /** The output hot path: nothing here decodes the chunk, and nothing allocates but the prompt tail while recovery waits. */
  private onChildData(data: Buffer): void {
    this.writeOut(data);
    this.observeWritten(data);
    this.lastOutputAt = performance.now();
    if (data.indexOf(BRACKETED_PASTE_KEY) !== -1) {
      const on = data.lastIndexOf(BRACKETED_PASTE_ON);
      const off = data.lastIndexOf(BRACKETED_PASTE_OFF);
      if (on !== off) this.bracketedPaste = on > off;
    }
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

  /** Ends the session: restores the terminal and releases every listener. */
  finish(status: number = exitStatus(this.lastExit)): void {
    if (this.isFinished) return;
    this.isFinished = true;
    this.endStatusLine();
    const { terminal } = this.options;
    terminal.restore();
    terminal.input.off('data', this.onInput);
    terminal.input.pause();
    terminal.output.off('resize', this.onResize);
    for (const signal of RELAYED_SIGNALS) process.off(signal, this.onSignal);
    this.child?.kill('SIGHUP');
    this.resolveFinished(status);
  }

  // ChildControl

  async stop(): Promise<StopResult> {
    this.holding = true;
    this.stopping = true;
    const child = this.child;
    if (child === null) return { exitCode: this.lastExit.exitCode, signal: this.lastExit.signal, how: 'already-exited', timedOut: false };
    // Ctrl-C twice within half a second exits the CLI cleanly; a first pair may only
    // clear text left in the input box, so a second pair follows. A signal only after that.
    for (let attempt = 0; attempt < 2; attempt++) {
      child.write('\u0003');
      await delay(150);
      child.write('\u0003');
      const exit = await raceTimeout(child.exited, 2_500);
      if (exit !== null) return { exitCode: exit.exitCode, signal: exit.signal, how: 'ctrl-c', timedOut: false };
    }
    child.kill('SIGTERM');
    let exit = await raceTimeout(child.exited, 3_000);
    if (exit === null) {
      child.kill('SIGKILL');
      exit = await child.exited;
    }
    const reset = Buffer.from(MODES_RESET);
    this.writeOut(reset);
    this.observeWritten(reset);
    return { exitCode: exit.exitCode, signal: exit.signal, how: 'signal', timedOut: true };
  }

  async respawn(args: string[]): Promise<void> {
    this.endStatusLine();
    this.stopping = false;
    // Recovery waits for this child's prompt next; the box may be drawn before it asks.
    this.promptTail = '';
    this.spawn(args);
  }

  async waitForPrompt(timeoutMs: number): Promise<boolean> {
    const started = performance.now();
    if (this.promptTail === null) {
      // Output is decoded only while someone waits for the prompt: start a fresh stream.
      this.decoder = new Utf8Stream();
      this.promptTail = '';
    }
    try {
      while (performance.now() - started < timeoutMs) {
        if (this.child === null) return false;
        const tail = this.promptTail;
        const quiet = performance.now() - this.lastOutputAt > 300;
        // The input box: a line starting with ❯ (a `>` in older versions) under a rule,
        // and nothing busy in the footer.
        if (quiet && /─{8,}/.test(tail) && /[❯>]/.test(tail) && !tail.includes('esc to interrupt')) return true;
        await delay(50);
      }
      return false;
    } finally {
      this.promptTail = null;
    }
  }

  /**
   * Types into the child: as one bracketed paste when the child enabled it (or the text has
   * several lines), or as plain keystrokes with `paste: false`; with submit, Enter follows.
   */
  async typeInput(text: string, submit: boolean, options: { paste?: boolean } = {}): Promise<void> {
    if (this.child === null) return;
    const paste = (options.paste ?? true) && (this.bracketedPaste || text.includes('\n'));
    this.send(paste ? `\u001b[200~${text}\u001b[201~` : text);
    if (submit) {
      // The CLI can drop an Enter that arrives with the text; a person's pause apart.
      await delay(200);
      this.send('\r');
    }
  }

  status(line: string): void {
    if (this.terminalGone || this.child !== null) return;
    const lines = line.split('\n');
    const last = lines.pop() ?? '';
    let out = '\r\u001b[2K';
    for (const full of lines) out += `${full}\r\n`;
    out += last;
    this.statusShown = last !== '';
    try {
      writeSync(2, out);
    } catch {
      this.terminalGone = true;
    }
  }

  private endStatusLine(): void {
    if (!this.statusShown || this.terminalGone) return;
    this.statusShown = false;
    try {
      writeSync(2, '\r\n');
    } catch {
      this.terminalGone = true;
    }
  }

  /** Recovery is over: keystrokes typed meanwhile go to the resumed child, in order. */
  releaseInput(): void {
    this.holding = false;
    const held = this.held;
    this.held = [];
    if (this.child === null) return;
    for (const data of held) this.send(data);
  }
}
