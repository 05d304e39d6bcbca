// Hot-path cost of the context guard: EscapeBoundary.push and TerminalOverlay.onOutput run on
// every chunk of the child's output. Target: ≥ 1 GB/s, far above the passthrough (~58 MB/s TUI).
// benchEscapeBoundary(context?) uses context.payloadFile (bench/run.mjs's TUI payload) when
// given, else the real CLI captures in test/fixtures/real/screens repeated to 32 MiB.
// Needs a build (dist/). Run alone: node bench/guard.mjs
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = (file) => pathToFileURL(path.join(here, '..', 'dist', 'terminal', file)).href;
const SCREENS = path.join(here, '..', 'test', 'fixtures', 'real', 'screens');

function tuiBuffer(targetBytes) {
  const captures = readdirSync(SCREENS)
    .filter((name) => name.endsWith('.bin'))
    .sort()
    .map((name) => readFileSync(path.join(SCREENS, name)));
  const one = Buffer.concat(captures);
  return Buffer.concat(Array.from({ length: Math.ceil(targetBytes / one.length) }, () => one));
}

/** Best of `rounds` timed passes of `pass()` over `bytes`, in MB/s. */
function mbPerSec(bytes, rounds, pass) {
  let best = Infinity;
  for (let round = 0; round < rounds; round++) {
    const started = process.hrtime.bigint();
    pass();
    const ns = Number(process.hrtime.bigint() - started);
    best = Math.min(best, ns);
  }
  return Math.round(bytes / 1e6 / (best / 1e9));
}

/** { mbPerSec (4 KiB chunks, as a PTY delivers them), mbPerSec64k, overlayMbPerSec, bytes }. */
export async function benchEscapeBoundary(context = {}) {
  const { EscapeBoundary } = await import(dist('escape-boundary.js'));
  const { TerminalOverlay } = await import(dist('overlay.js'));
  const data = context.payloadFile ? readFileSync(context.payloadFile) : tuiBuffer(32 * 1024 * 1024);
  const chunksOf = (size) => {
    const chunks = [];
    for (let at = 0; at < data.length; at += size) chunks.push(data.subarray(at, at + size));
    return chunks;
  };
  const small = chunksOf(4096);
  const large = chunksOf(65536);
  const rounds = context.quick ? 3 : 8;
  const boundary = new EscapeBoundary();
  let sink = 0;
  const run = (chunks) => () => {
    for (const chunk of chunks) boundary.push(chunk);
    sink += boundary.atBoundary ? 1 : 0;
  };
  run(small)(); // warm-up
  const result = {
    mbPerSec: mbPerSec(data.length, rounds, run(small)),
    mbPerSec64k: mbPerSec(data.length, rounds, run(large)),
    bytes: data.length,
  };
  const overlay = new TerminalOverlay({ write: () => {} });
  overlay.setTitle('claude · 172K/200K ctx');
  result.overlayMbPerSec = mbPerSec(data.length, rounds, () => {
    for (const chunk of small) overlay.onOutput(chunk);
  });
  if (sink < 0) console.log(sink); // keep the loop observable
  return result;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await benchEscapeBoundary();
  console.log(
    `EscapeBoundary: ${result.mbPerSec} MB/s (4 KiB chunks), ${result.mbPerSec64k} MB/s (64 KiB chunks); ` +
      `TerminalOverlay.onOutput: ${result.overlayMbPerSec} MB/s; over ${(result.bytes / 1048576).toFixed(0)} MiB of real CLI output`,
  );
}
