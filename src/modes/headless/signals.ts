// The signals a headless wrapper handles itself: passed on to claude, and they cancel a
// recovery under way. Ctrl-C in a terminal reaches claude directly too (same process
// group); a doubled SIGINT is harmless, the first already ends a headless run.
import { constants } from 'node:os';

const HANDLED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Calls `handler` for each signal until the returned function is called. */
export function onSignals(handler: (signal: NodeJS.Signals) => void): () => void {
  for (const signal of HANDLED) process.on(signal, handler);
  return () => {
    for (const signal of HANDLED) process.off(signal, handler);
  };
}

/** 128 + the signal number: the status of a process ended by that signal. */
export function signalStatus(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}
