// Micro-benchmark of the screen detector (dist/detect/screen.js): MB/s of push() on
// TUI-like output fed in 16 KiB chunks through a StringDecoder, as the wrapper feeds it.
// Run alone with `node bench/detector.mjs` (after `npm run build`), or import benchDetector().
import { mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { GATE_RENDERING, payload } from './payloads.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const CHUNK = 16 * 1024;
const SIZE = 32 * 1024 * 1024;

/** Splits bytes into decoded chunks the way the wrapper does. */
function decodeChunks(bytes) {
  const decoder = new StringDecoder('utf8');
  const chunks = [];
  for (let at = 0; at < bytes.length; at += CHUNK) chunks.push(decoder.write(bytes.subarray(at, at + CHUNK)));
  chunks.push(decoder.end());
  return chunks;
}

/** Median MB/s of `run(chunks)` over `rounds`, each round repeating until it has run ≥ minMs. */
function measure(chunks, bytes, run, { rounds = 5, minMs = 150 } = {}) {
  const rates = [];
  run(chunks); // warm-up
  for (let round = 0; round < rounds; round++) {
    let passes = 0;
    const started = process.hrtime.bigint();
    let elapsedMs = 0;
    do {
      run(chunks);
      passes++;
      elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    } while (elapsedMs < minMs);
    rates.push((bytes * passes) / 1e6 / (elapsedMs / 1000));
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)];
}

/**
 * Returns { mbPerSec, candidatesMbPerSec, decoderMbPerSec, costVsDecoder, gatesPlanted, gatesFound }:
 * - mbPerSec: push() alone on TUI output without candidates (the common case);
 * - candidatesMbPerSec: the same output with a `TypeError:`-style line every ~2 KB, so the
 *   prefilter hits and the window normalization runs often (a stack-trace-heavy session);
 * - decoderMbPerSec: StringDecoder.write on the same bytes, work the wrapper does anyway;
 *   costVsDecoder = decoder rate / detector rate (the detector's cost relative to it);
 * - gatesPlanted / gatesFound: the payload's planted gate renderings, all new occurrences.
 */
export async function benchDetector({ size = SIZE } = {}) {
  const { ScreenDetector } = await import(pathToFileURL(path.join(ROOT, 'dist', 'detect', 'screen.js')).href);
  const dir = path.join(os.tmpdir(), 'claude-recover-bench');
  mkdirSync(dir, { recursive: true });

  const clean = readFileSync(payload(dir, 'tui', size, { gates: 0 }).path);
  const cleanChunks = decodeChunks(clean);
  const mbPerSec = measure(cleanChunks, clean.length, (chunks) => {
    const detector = new ScreenDetector();
    for (const chunk of chunks) detector.push(chunk);
  });
  const decoderMbPerSec = measure([clean], clean.length, ([bytes]) => {
    const decoder = new StringDecoder('utf8');
    for (let at = 0; at < bytes.length; at += CHUNK) decoder.write(bytes.subarray(at, at + CHUNK));
  });

  const noisy = Buffer.from(clean.subarray(0, Math.min(clean.length, 8 * 1024 * 1024)).toString('utf8').replace(/\n/g, (newline, offset) => (offset % 2048 < 80 ? '\n\u001b[31mTypeError: Cannot read properties of undefined\u001b[39m\n' : newline)));
  const noisyChunks = decodeChunks(noisy);
  const candidatesMbPerSec = measure(noisyChunks, noisy.length, (chunks) => {
    const detector = new ScreenDetector();
    for (const chunk of chunks) detector.push(chunk);
  }, { rounds: 3 });

  const planted = payload(dir, 'tui', 8 * 1024 * 1024, { gates: 5 });
  const detector = new ScreenDetector();
  let gatesFound = 0;
  for (const chunk of decodeChunks(readFileSync(planted.path))) gatesFound += detector.push(chunk).filter((match) => !match.repaint).length;

  return {
    mbPerSec: Math.round(mbPerSec),
    candidatesMbPerSec: Math.round(candidatesMbPerSec),
    decoderMbPerSec: Math.round(decoderMbPerSec),
    costVsDecoder: Number((decoderMbPerSec / mbPerSec).toFixed(3)),
    gatesPlanted: planted.gates,
    gatesFound,
    gateBytes: GATE_RENDERING.length,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await benchDetector();
  console.log(JSON.stringify(result, null, 2));
  if (result.gatesFound !== result.gatesPlanted) process.exitCode = 1;
}
