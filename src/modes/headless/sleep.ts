// Waiting until a moment (a usage limit's reset), cut short by a signal.

/** Resolves at `until` (epoch ms), or as soon as `signal` aborts. */
export function sleepUntil(until: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    // Long waits in steps: a timer is limited to about 24.8 days, and the clock may jump.
    const step = (): void => {
      const left = until - Date.now();
      if (left <= 0) return done();
      timer = setTimeout(step, Math.min(left, 60_000));
    };
    let timer: NodeJS.Timeout = setTimeout(step, 0);
    signal.addEventListener('abort', done, { once: true });
  });
}
