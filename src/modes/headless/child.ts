// One headless claude process: stdin piped (or the terminal's), stdout piped to the mode,
// stderr inherited, so claude's own messages reach the caller unchanged.
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import type { Writable } from 'node:stream';
import { startFailure } from '../../launcher/inherit.js';
import type { StopResult } from '../../recovery/types.js';

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The exit status a shell would see: the code, or 128 + the signal number. */
  status: number;
  /** Set when the process could not be started at all. */
  error?: Error;
}

export interface ChildOptions {
  claudePath: string;
  args: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** `pipe`: the mode writes claude's input; `inherit`: claude reads the terminal itself. */
  stdin: 'pipe' | 'inherit';
  onStdout: (chunk: Buffer) => void;
}

/** After the process exits, how long its stdout may take to deliver what is left. */
const DRAIN_MS = 2_000;

function statusOf(code: number | null, signal: NodeJS.Signals | null): number {
  return signal ? 128 + (constants.signals[signal] ?? 0) : (code ?? 1);
}

/** A running claude; `exited` resolves once it has exited and its stdout is read to the end. */
export class HeadlessChild {
  readonly process: ChildProcess;
  readonly exited: Promise<ChildExit>;
  private done = false;

  constructor(options: ChildOptions) {
    this.process = spawn(options.claudePath, [...options.args], {
      cwd: options.cwd,
      env: options.env,
      stdio: [options.stdin, 'pipe', 'inherit'],
    });
    this.process.stdout?.on('data', (chunk: Buffer) => options.onStdout(chunk));
    // A caller gone away must not crash the wrapper with EPIPE on claude's stdin.
    this.process.stdin?.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      const stdoutEnded = new Promise<void>((ended) => {
        if (!this.process.stdout) ended();
        else this.process.stdout.once('close', () => ended());
      });
      this.process.once('error', (error: NodeJS.ErrnoException) => {
        this.done = true;
        const failure = startFailure(options.claudePath, error);
        resolve({ code: null, signal: null, status: failure.exitCode, error: failure });
      });
      this.process.once('exit', (code, signal) => {
        // Output still in the pipe belongs to this run; a grandchild holding the pipe open must not hold us.
        let timer: NodeJS.Timeout | undefined;
        const drained = new Promise<void>((r) => {
          timer = setTimeout(r, DRAIN_MS);
        });
        void Promise.race([stdoutEnded, drained]).then(() => {
          clearTimeout(timer);
          this.done = true;
          resolve({ code, signal, status: statusOf(code, signal) });
        });
      });
    });
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  /** True until the process has exited (and its output is read). */
  get running(): boolean {
    return !this.done;
  }

  /** claude's stdin, when piped. */
  get stdin(): Writable | null {
    return this.process.stdin;
  }

  /** Sends a signal if it still runs. */
  kill(signal: NodeJS.Signals): void {
    if (!this.done) this.process.kill(signal);
  }

  /**
   * Stops claude the gentle way first: end of input (a stream-json claude finishes and exits),
   * then SIGTERM after `graceMs`, then SIGKILL.
   */
  async stop(graceMs: number): Promise<StopResult> {
    if (this.done) {
      const exit = await this.exited;
      return { exitCode: exit.code, signal: exit.signal ? (constants.signals[exit.signal] ?? null) : null, how: 'already-exited', timedOut: false };
    }
    let how: StopResult['how'] = 'exit-command';
    let timedOut = false;
    this.process.stdin?.end();
    const waitFor = (ms: number): Promise<ChildExit | null> =>
      Promise.race([this.exited, new Promise<null>((resolve) => setTimeout(() => resolve(null), ms).unref())]);
    let exit = await waitFor(graceMs);
    if (exit === null) {
      how = 'signal';
      timedOut = true;
      this.kill('SIGTERM');
      exit = await waitFor(5_000);
      if (exit === null) {
        this.kill('SIGKILL');
        exit = await this.exited;
      }
    }
    return { exitCode: exit.code, signal: exit.signal ? (constants.signals[exit.signal] ?? null) : null, how, timedOut };
  }
}
