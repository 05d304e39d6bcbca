// Drives a program in a real PTY for tests: records every output byte, keeps a plain-text
// view of the screen stream (escape sequences stripped, cursor moves as spaces), and waits
// on content, never on time.
import pty from '@lydell/node-pty';
import stripAnsi from 'strip-ansi';
import { spawnChild } from '../../src/terminal/pty.js';

export interface PtyRun {
  /** Every byte the program wrote, as received. */
  readonly raw: () => Buffer;
  /** The same bytes in the chunks they arrived in (what a terminal would draw frame by frame). */
  readonly chunks: () => readonly Buffer[];
  /** The output as text with escape sequences stripped and cursor moves turned into spaces. */
  readonly text: () => string;
  readonly pid: number;
  write(data: string | Buffer): void;
  resize(cols: number, rows: number): void;
  kill(signal?: string): void;
  /** Resolves when the pattern appears in text() (searching only after `from`, an index into text()). */
  waitFor(pattern: string | RegExp, options?: { timeoutMs?: number; from?: number }): Promise<string>;
  /** Resolves with the exit once the program has exited. */
  exited: Promise<{ exitCode: number; signal: number }>;
}

export interface PtyOptions {
  cols?: number;
  rows?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

const CURSOR_MOVE = /\u001b\[[0-9;?]*[ABCDEFGHfd]/g;

/** Screen stream to searchable text. */
export function screenText(raw: string): string {
  return stripAnsi(raw.replace(CURSOR_MOVE, ' ').replace(/\r/g, ' ')).replace(/[ \t\u00a0]+/g, ' ');
}

export function spawnPty(file: string, args: string[], options: PtyOptions = {}): PtyRun {
  const chunks: Buffer[] = [];
  let textCache: string | null = '';
  const waiters = new Set<() => void>();
  // The product's own spawn, so the harness loses no output at exit either.
  const term = spawnChild(pty, file, args, {
    cols: options.cols ?? 100,
    rows: options.rows ?? 30,
    cwd: options.cwd ?? process.cwd(),
    env: { TERM: 'xterm-256color', ...(options.env ?? process.env) },
    onData: (data) => {
      chunks.push(data);
      textCache = null;
      for (const wake of [...waiters]) wake();
    },
  });
  let hasExited = false;
  const exited = term.exited.then((exit) => {
    hasExited = true;
    for (const wake of [...waiters]) wake();
    return exit;
  });
  const raw = (): Buffer => Buffer.concat(chunks);
  const text = (): string => {
    if (textCache === null) textCache = screenText(raw().toString('utf8'));
    return textCache;
  };
  return {
    raw,
    chunks: () => chunks,
    text,
    pid: term.pid,
    write: (data) => term.write(data),
    resize: (cols, rows) => term.resize(cols, rows),
    kill: (signal = 'SIGHUP') => term.kill(signal as NodeJS.Signals),
    exited,
    waitFor(pattern, { timeoutMs = 20_000, from = 0 } = {}) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const haystack = text().slice(from);
          const found = typeof pattern === 'string' ? haystack.includes(pattern) : pattern.test(haystack);
          if (found) {
            done();
            resolve(haystack);
          } else if (hasExited) {
            done();
            reject(new Error(`program exited before ${String(pattern)} appeared; screen text:\n${haystack.slice(-2000)}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${String(pattern)}; screen text:\n${text().slice(from).slice(-2000)}`));
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
  };
}
