// Sizes and durations as people read them, in the units they are labelled with: bytes in
// binary units named as such (KiB, MiB), durations as `850ms`, `4.2s`, `1m 5s`, `1h 2m`.
import prettyBytes from 'pretty-bytes';
import prettyMs from 'pretty-ms';

/** 512 B, 2.93 KiB, 191 MiB: three significant digits (pretty-bytes cuts off, rather than rounds, when told a number of decimals). */
export function formatBytes(bytes: number): string {
  return prettyBytes(bytes, { binary: true });
}

/** 850ms, 4.2s, 38s, 1m 5s, 1h 2m: a tenth of a second only below ten seconds, at most two units. */
export function formatDuration(ms: number): string {
  // pretty-ms cuts off (72.9 s would read 1m 12s); round to the digit shown first.
  const shown = ms < 1000 ? Math.round(ms) : ms < 10_000 ? Math.round(ms / 100) * 100 : Math.round(ms / 1000) * 1000;
  return prettyMs(Math.max(0, shown), { unitCount: 2, secondsDecimalDigits: shown < 10_000 ? 1 : 0 });
}
