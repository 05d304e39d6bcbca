// Signals claude-recover relays, and how it ends by one.

export const SIGNAL_NUMBERS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

/**
 * Ends this process by `signal` with its default action, so the parent sees it die by that
 * signal (a shell reports 128 + n). After a hang-up this is the only clean way out: Node's own
 * exit resets the tty, and on a hung-up tty `node::ResetStdio` asserts and the process dies
 * of SIGABRT instead (facts §6; reproduced here by closing the outer PTY's master). Every
 * listener goes first, so nothing (execa's signal-exit included) can catch it.
 */
export function dieBySignal(signal: NodeJS.Signals): void {
  process.removeAllListeners(signal);
  process.kill(process.pid, signal);
}
