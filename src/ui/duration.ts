// Durations as people read them: `850ms`, `4.2s`, `1m 5s`, `1h 2m`.
import prettyMs from 'pretty-ms';

/** A tenth of a second only below ten seconds, at most two units. */
export function formatDuration(ms: number): string {
  // pretty-ms cuts off (72.9 s would read 1m 12s); round to the digit shown first.
  const shown = ms < 1000 ? Math.round(ms) : ms < 10_000 ? Math.round(ms / 100) * 100 : Math.round(ms / 1000) * 1000;
  return prettyMs(Math.max(0, shown), { unitCount: 2, secondsDecimalDigits: shown < 10_000 ? 1 : 0 });
}
