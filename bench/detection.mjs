// Are the planted gate messages detected? Two checks: the built ScreenDetector run
// in-process over the payload stream (every planted gate found, one by one, at every
// split), and the wrapper end to end (checkWrapperDetection: the `detected` entries the
// real `run` writes to events.jsonl).
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { pathToFileURL } from 'node:url';
import { checkArm, ROOT, sh, wrapperCommand } from './arms.mjs';
import { GATE_RENDERING } from './payloads.mjs';

const SCREEN_MODULE = path.join(ROOT, 'dist', 'detect', 'screen.js');
const DECODE_MODULE = path.join(ROOT, 'dist', 'terminal', 'decode.js');

/** Deterministic chunk sizes from 1 byte to 16 KiB, so splits land everywhere, inside the gate messages too. */
function* chunkSizes() {
  let x = 12345;
  for (;;) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    yield 1 + ((x >>> 8) % 16384);
  }
}

/**
 * Feeds the payload to a fresh ScreenDetector the way the wrapper does (raw bytes through the
 * session's decoder, chunk by chunk). Returns null when dist/detect/screen.js is not built yet,
 * else { fresh, repaints, variants, feedMs, bytes }: fresh counts matches that are new
 * occurrences (repaint false); feedMs is the time spent inside push() alone.
 */
export async function runScreenDetector(payloadFile) {
  if (!existsSync(SCREEN_MODULE)) return null;
  const { ScreenDetector } = await import(pathToFileURL(SCREEN_MODULE).href);
  if (typeof ScreenDetector !== 'function' || typeof ScreenDetector.prototype.push !== 'function') {
    throw new Error('expected dist/detect/screen.js to export class ScreenDetector with push(text): BlockMatch[]; got something else');
  }
  const detector = new ScreenDetector();
  // The session's own decoder when built (dist/terminal/decode.js), else what it replaced.
  const decoder = existsSync(DECODE_MODULE) ? new (await import(pathToFileURL(DECODE_MODULE).href)).Utf8Stream() : new StringDecoder('utf8');
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

/** The entries of a state directory's events.jsonl (rotated files not included); a torn line is skipped. */
export function readEvents(stateHome) {
  const file = path.join(stateHome, 'claude-recover', 'events.jsonl');
  if (!existsSync(file)) return [];
  const entries = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      entries.push(JSON.parse(line));
    } catch {
      // A torn last line: not an entry.
    }
  }
  return entries;
}

/** Entry types only recovery writes (a step, its outcome): none may appear while detectOnly is on. */
export const RECOVERY_ENTRY_TYPES = new Set(['step', 'recovered', 'gave-up', 'auto-compact']);

/** Offsets just past each planted gate's line (the rendering and its LF) in the payload file. */
function gateEnds(file) {
  const fd = openSync(file, 'r');
  const ends = [];
  const window = Buffer.alloc(4 << 20);
  let at = 0;
  try {
    for (;;) {
      const n = readSync(fd, window, 0, window.length, at);
      if (n <= 0) break;
      const view = window.subarray(0, n);
      for (let i = view.indexOf(GATE_RENDERING); i !== -1; i = view.indexOf(GATE_RENDERING, i + 1)) ends.push(at + i + GATE_RENDERING.length + 1);
      if (n < window.length) break;
      // The next window overlaps this one by a rendering less one byte: one across the edge is found whole, none twice.
      at += n - GATE_RENDERING.length + 1;
    }
  } finally {
    closeSync(fd);
  }
  return ends;
}

/** Splits the payload after each gate's line into part files (cached by the payload's name); returns their paths. */
function splitAtGates(file) {
  const ends = gateEnds(file);
  const size = statSync(file).size;
  const bounds = [0, ...ends, size].filter((end, i, all) => i === 0 || end > all[i - 1]);
  const dir = `${file}.parts`;
  mkdirSync(dir, { recursive: true });
  const parts = [];
  const fd = openSync(file, 'r');
  try {
    for (let i = 0; i + 1 < bounds.length; i++) {
      const [from, to] = [bounds[i], bounds[i + 1]];
      const part = path.join(dir, `part-${i}`);
      parts.push(part);
      if (existsSync(part) && statSync(part).size === to - from) continue;
      const out = openSync(part, 'w');
      try {
        const buffer = Buffer.alloc(1 << 20);
        for (let offset = from; offset < to; ) {
          const n = readSync(fd, buffer, 0, Math.min(buffer.length, to - offset), offset);
          writeSync(out, buffer, 0, n);
          offset += n;
        }
      } finally {
        closeSync(out);
      }
    }
  } finally {
    closeSync(fd);
  }
  return { parts, gates: ends.length };
}

/**
 * The wrapper's own detection, end to end: `claude-recover run` as the user runs it
 * (detection and guard on, as shipped) with detectOnly, around a child that prints the TUI
 * payload and stays alive. The bench has no Claude transcript (CLAUDE_CONFIG_DIR empty), so
 * every screen match ends in the screen-only fallback once `confirmMs` has passed: one
 * `detected` entry with channel `screen` and one `warning` each.
 *
 * mode 'spaced': the payload cut after each gate's line, a `sleep gapS` after every part,
 * confirmMs short (200 ms): every planted gate must give exactly one occurrence.
 * mode 'burst': the whole payload at once, then a sleep past the default confirmation
 * window (confirmMs null: the config's own): gates within one window merge (see BlockWatcher),
 * so 1 ≤ occurrences ≤ gates.
 *
 * Resolves { problem (byte check or exit), gates, detected, screen, warnings, recovery, variants, ms }.
 */
export async function checkWrapperDetection(payloadInfo, { workDir, env, stdin, mode, confirmMs = null, gapS = 1, name = mode }) {
  const stateHome = path.join(workDir, `state-detect-${name}`);
  rmSync(stateHome, { recursive: true, force: true });
  mkdirSync(stateHome, { recursive: true });
  let script;
  let gates = payloadInfo.gates;
  if (mode === 'spaced') {
    const split = splitAtGates(payloadInfo.path);
    gates = split.gates;
    script = split.parts.map((part) => `cat ${sh(part)}; sleep ${gapS}`).join('; ');
  } else {
    script = `cat ${sh(payloadInfo.path)}; sleep ${gapS}`;
  }
  const armEnv = {
    ...env,
    XDG_STATE_HOME: stateHome,
    CLAUDE_RECOVER_CLAUDE: '/bin/sh',
    CLAUDE_RECOVER_DETECT_ONLY: '1',
    ...(confirmMs === null ? {} : { CLAUDE_RECOVER_CONFIRM_TIMEOUT_MS: String(confirmMs) }),
  };
  const result = await checkArm(wrapperCommand(`-c ${sh(script)}`), payloadInfo.path, {
    env: armEnv,
    stdin,
    timeoutMs: 120_000 + payloadInfo.bytes / 1000,
  });
  const entries = readEvents(stateHome);
  const detected = entries.filter((e) => e.type === 'detected');
  return {
    problem: result.problem,
    gates,
    detected: detected.length,
    screen: detected.filter((e) => e.channel === 'screen').length,
    warnings: entries.filter((e) => e.type === 'warning' && /could not confirm/.test(e.message ?? '')).length,
    recovery: entries.filter((e) => RECOVERY_ENTRY_TYPES.has(e.type)).map((e) => e.type),
    variants: [...new Set(detected.map((e) => e.variant))],
    ms: result.ms,
  };
}
