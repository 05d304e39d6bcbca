// Are the planted gate messages detected? Two checks: the built ScreenDetector run
// in-process over the payload stream, and (once `run` logs occurrences) the wrapper's own
// `detected` entries in events.jsonl.
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { pathToFileURL } from 'node:url';
import { ROOT } from './arms.mjs';

const SCREEN_MODULE = path.join(ROOT, 'dist', 'detect', 'screen.js');
const RUN_MODULE = path.join(ROOT, 'dist', 'commands', 'run.js');

/** Deterministic chunk sizes from 1 byte to 16 KiB, so splits land everywhere, inside the gate messages too. */
function* chunkSizes() {
  let x = 12345;
  for (;;) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    yield 1 + ((x >>> 8) % 16384);
  }
}

/**
 * Feeds the payload to a fresh ScreenDetector the way the wrapper does (raw bytes through a
 * StringDecoder, chunk by chunk). Returns null when dist/detect/screen.js is not built yet,
 * else { fresh, repaints, variants, feedMs, bytes }: fresh counts matches that are new
 * occurrences (repaint false); feedMs is the time spent inside push() alone.
 */
export async function runScreenDetector(payloadFile) {
  if (!existsSync(SCREEN_MODULE)) return null;
  const { ScreenDetector } = await import(pathToFileURL(SCREEN_MODULE).href);
  if (typeof ScreenDetector !== 'function' || typeof ScreenDetector.prototype.push !== 'function') {
    throw new Error('expected dist/detect/screen.js to export class ScreenDetector with push(text): GateMatch[]; got something else');
  }
  const detector = new ScreenDetector();
  const decoder = new StringDecoder('utf8');
  const fd = openSync(payloadFile, 'r');
  const buffer = Buffer.alloc(16384);
  const sizes = chunkSizes();
  let fresh = 0;
  let repaints = 0;
  let bytes = 0;
  let feedNs = 0n;
  const variants = new Set();
  const take = (matches) => {
    for (const match of matches) {
      if (match.repaint) repaints++;
      else fresh++;
      variants.add(match.variant);
    }
  };
  try {
    for (;;) {
      const n = readSync(fd, buffer, 0, sizes.next().value, null);
      if (n <= 0) break;
      bytes += n;
      const text = decoder.write(buffer.subarray(0, n));
      const started = process.hrtime.bigint();
      const matches = detector.push(text);
      feedNs += process.hrtime.bigint() - started;
      take(matches);
    }
    take(detector.push(decoder.end()));
  } finally {
    closeSync(fd);
  }
  return { fresh, repaints, variants: [...variants], feedMs: Number(feedNs) / 1e6, bytes };
}

/**
 * Hook for the wrapper's own detection: whether `run` has the GateWatcher wired in
 * (BENCH_WRAPPER_DETECTION=1 / 0 forces it either way), and once it is, how many
 * `detected` entries the wrapper wrote to $XDG_STATE_HOME/claude-recover/events.jsonl.
 */
export function wrapperDetectionWired() {
  const forced = process.env.BENCH_WRAPPER_DETECTION;
  if (forced === '1' || forced === '0') return forced === '1';
  return existsSync(RUN_MODULE) && readFileSync(RUN_MODULE, 'utf8').includes('GateWatcher');
}

/** Counts `detected` entries in the state directory's events.jsonl (rotated files not included). */
export function countWrapperDetections(stateHome) {
  const file = path.join(stateHome, 'claude-recover', 'events.jsonl');
  if (!existsSync(file)) return 0;
  let count = 0;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      if (JSON.parse(line).type === 'detected') count++;
    } catch {
      // A torn last line: not an entry.
    }
  }
  return count;
}
