// The child in a pseudo-terminal (node-pty 1.1.x), with two fixes over a plain
// node-pty passthrough: no output lost at exit, and keystrokes written straight to the
// master instead of through a thread-pool write.
import { writeSync, readSync } from 'node:fs';
import type { Socket } from 'node:net';
import type * as NodePty from '@lydell/node-pty';

export interface ChildExit {
  exitCode: number;
  signal: number;
}

export interface ChildPty {
  readonly pid: number;
  /** The PTY's slave device, /dev/pts/N (job control reads the child's terminal modes there). */
  readonly slave: string;
  write(data: Buffer | string): void;
  /** Delivers, synchronously, what the child wrote that was not read yet. */
  drain(): void;
  resize(cols: number, rows: number): void;
  kill(signal: NodeJS.Signals): void;
  /** Resolves after the last output byte has been delivered. */
  readonly exited: Promise<ChildExit>;
}

export interface SpawnOptions {
  cols: number;
  rows: number;
  cwd: string;
  env: NodeJS.ProcessEnv;
  onData: (data: Buffer) => void;
}

/** node-pty's UnixTerminal internals this module relies on (pinned to node-pty 1.1.x). */
interface UnixTerminalInternals {
  _fd: number;
  _pty: string;
  _socket: Socket;
}

export function spawnChild(pty: typeof NodePty, file: string, args: string[], options: SpawnOptions): ChildPty {
  const term = pty.spawn(file, args, {
    cols: options.cols,
    rows: options.rows,
    cwd: options.cwd,
    env: options.env,
    name: options.env.TERM || 'xterm-256color',
    encoding: null,
  });
  const internals = term as unknown as UnixTerminalInternals;
  const fd = internals._fd;
  term.onData((data) => options.onData(data as unknown as Buffer));

  // Reads what the kernel holds for us right now, synchronously, until EAGAIN (nothing more
  // yet) or EIO (slave closed and drained).
  const buffer = Buffer.allocUnsafe(65536);
  const readPending = (): void => {
    // Once the socket is closed the fd number may already belong to another file.
    if (internals._socket.destroyed) return;
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buffer, 0, buffer.length, null);
      } catch {
        return;
      }
      if (n <= 0) return;
      options.onData(Buffer.from(buffer.subarray(0, n)));
    }
  };

  // libuv ends a stream when poll reports POLLHUP after a short read, while the kernel
  // may still hold output the child wrote just before exiting (3–13 KB of a 256 KiB
  // burst here). On 'end' the fd is still open: read what is left.
  // node-pty emits its exit only after the socket closes, so the drained bytes come first.
  let ended = false;
  internals._socket.on('end', () => {
    ended = true;
    readPending();
  });
  waitForLateOutput(internals._socket, () => ended);

  const exited = new Promise<ChildExit>((resolve) => {
    term.onExit(({ exitCode, signal }) => resolve({ exitCode, signal: signal ?? 0 }));
  });

  // Keystrokes: a synchronous write to the master fd (non-blocking) costs no thread-pool
  // round trip. If the kernel buffer is full, the rest waits in order for the next tick.
  const pending: Buffer[] = [];
  let flushTimer: NodeJS.Timeout | null = null;
  const flush = (): void => {
    flushTimer = null;
    while (pending.length > 0) {
      const head = pending[0] as Buffer;
      let written: number;
      try {
        written = writeSync(fd, head);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN') break;
        pending.length = 0; // the child is gone; its input goes nowhere
        return;
      }
      if (written < head.length) {
        pending[0] = head.subarray(written);
        break;
      }
      pending.shift();
    }
    if (pending.length > 0 && flushTimer === null) flushTimer = setTimeout(flush, 2);
  };

  return {
    pid: term.pid,
    slave: internals._pty,
    drain: readPending,
    write(data) {
      pending.push(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
      if (flushTimer === null) flush();
    },
    resize(cols, rows) {
      try {
        term.resize(cols, rows);
      } catch {
        // The child already exited.
      }
    },
    kill(signal) {
      try {
        process.kill(term.pid, signal);
      } catch {
        // Already gone.
      }
    },
    exited,
  };
}

/** The exit status a shell would report: the code, or 128 + the signal number. */
export function exitStatus(exit: ChildExit): number {
  return exit.signal ? 128 + exit.signal : exit.exitCode;
}

/** After the child's exit, how long the master is read while output keeps coming, at most. */
export const LATE_OUTPUT_QUIET_MS = 1_000;
export const LATE_OUTPUT_MAX_MS = 3_000;

/**
 * node-pty waits 200 ms after the child's exit for the master to reach EOF, then destroys it.
 * EOF comes at once unless a process the child left in the background still holds the
 * terminal; with plain claude what it writes later still appears. So that destroy is put off
 * until EOF (no wait in the normal case), or until the output has been quiet for
 * LATE_OUTPUT_QUIET_MS, and for LATE_OUTPUT_MAX_MS at most: a silent daemon holding the
 * terminal must not keep the shell waiting.
 */
function waitForLateOutput(socket: Socket, ended: () => boolean): void {
  const destroy = socket.destroy.bind(socket);
  let waiting = false;
  socket.destroy = (error?: Error): Socket => {
    if (waiting) return socket;
    if (error !== undefined || ended() || socket.destroyed) return destroy(error);
    waiting = true;
    const started = performance.now();
    let lastOutput = started;
    const onData = (): void => {
      lastOutput = performance.now();
    };
    let timer: NodeJS.Timeout | null = null;
    const finish = (): void => {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      socket.off('data', onData);
    };
    const check = (): void => {
      const now = performance.now();
      const quietLeft = LATE_OUTPUT_QUIET_MS - (now - lastOutput);
      const maxLeft = LATE_OUTPUT_MAX_MS - (now - started);
      if (quietLeft <= 0 || maxLeft <= 0) {
        finish();
        destroy();
        return;
      }
      timer = setTimeout(check, Math.min(quietLeft, maxLeft));
    };
    socket.on('data', onData);
    socket.once('close', finish);
    check();
    return socket;
  };
}
