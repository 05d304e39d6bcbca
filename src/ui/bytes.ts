// Sizes as people read them, in the units they are labelled with: binary units named as
// such (KiB, MiB), three significant digits.
import prettyBytes from 'pretty-bytes';

/** 512 B, 2.93 KiB, 191 MiB (pretty-bytes cuts off, rather than rounds, when told a number of decimals). */
export function formatBytes(bytes: number): string {
  return prettyBytes(bytes, { binary: true });
}
