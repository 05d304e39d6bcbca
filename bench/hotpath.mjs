// The wrapper's JavaScript work per chunk of the child's output, in process: the shipped
// InteractiveSession (dist/terminal/session.js) with the gate watcher and the context guard
// attached as startInteractive attaches them, fed the payload in 4 KiB Buffers (a fresh
// Buffer per chunk, as a PTY read delivers it) by a stand-in for node-pty, its terminal
// writes going to /dev/null. "delivery" is the same loop with nothing attached and no
// session, so full − delivery is what the session, the decode, detection and the guard add.
// The session writes to fd 1, so each measurement runs in a child whose stdout is /dev/null.
// Needs a build (dist/). Run alone: node bench/hotpath.mjs [payload files…] > /dev/null
import { spawn, spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = (file) => import(pathToFileURL(path.join(here, '..', 'dist', file)).href);
const CHUNK = 4096;

/**
 * A stand-in for node-pty's module: spawn returns a terminal whose data the bench pushes. Its
 * pid is a real `sleep` of ours, since the session signals its child's pid when it ends.
 */
function fakePty(pid) {
  const terms = [];
  return {
    terms,
    spawn() {
      const term = new EventEmitter();
      Object.assign(term, {
        pid,
        _fd: -1,
        // What pty.ts uses of node-pty's socket: its events, and destroy() at the late-output bound.
        _socket: Object.assign(new EventEmitter(), { destroyed: false, destroy() {} }),
        onData: (listener) => term.on('data', listener),
        onExit: (listener) => term.on('exit', listener),
        resize() {},
        write() {},
      });
      terms.push(term);
      return term;
    },
  };
}

function fakeTerminal() {
  const input = Object.assign(new EventEmitter(), { resume() {}, pause() {}, setRawMode() {} });
  return { input, output: new EventEmitter(), enterRaw() {}, restore() {}, size: () => ({ cols: 120, rows: 40 }) };
}

/** The session with watcher and guard as shipped (detectOnly), and a function that feeds it one chunk. */
async function shippedPath() {
  const [{ InteractiveSession }, { BlockWatcher }, { attachGuard }, { DEFAULT_CONFIG }] = await Promise.all([
    dist('terminal/session.js'),
    dist('detect/watcher.js'),
    dist('guard/attach.js'),
    dist('config/types.js'),
  ]);
  const config = { ...DEFAULT_CONFIG, detectOnly: true };
  const sleeper = spawn('sleep', ['600'], { stdio: 'ignore' });
  const pty = fakePty(sleeper.pid);
  const env = { ...process.env, CLAUDE_CONFIG_DIR: path.join(here, '..', '.bench', 'claude-none') };
  const log = { write() {} };
  const warnings = [];
  const warn = (message) => warnings.push(message);
  const session = new InteractiveSession({ pty, claudePath: '/bin/cat', cwd: process.cwd(), env, terminal: fakeTerminal(), warn });
  const guard = attachGuard({ session, config, log, cwd: process.cwd(), env, sessionId: () => null, recovering: () => false, warn });
  session.start([]);
  const watcher = new BlockWatcher({ cwd: process.cwd(), env, config, launchedAt: Date.now(), args: [], childPid: () => undefined, log });
  session.subscribe((text) => watcher.onOutput(text));
  const term = pty.terms[0];
  return {
    feed: (chunk) => term.emit('data', chunk),
    dispose() {
      watcher.dispose();
      guard?.dispose();
      session.finish(0);
      sleeper.kill();
      if (warnings.length) throw new Error(`expected no warnings from the hot path, got: ${warnings.join('; ')}`);
    },
  };
}

/** { full, delivery } ms/MB for one payload, in this process: best of `rounds` passes each, alternated. */
async function measureHere(file, rounds) {
  const data = readFileSync(file);
  const mb = data.length / 1e6;
  const pass = (feed) => {
    const started = process.hrtime.bigint();
    for (let at = 0; at < data.length; at += CHUNK) feed(Buffer.from(data.subarray(at, at + CHUNK)));
    return Number(process.hrtime.bigint() - started) / 1e6 / mb;
  };
  let sink = 0;
  const delivery = (chunk) => {
    sink += chunk.length;
  };
  let full = Infinity;
  let bare = Infinity;
  for (let round = 0; round <= rounds; round++) {
    const path = await shippedPath();
    const ms = pass(path.feed);
    path.dispose();
    const msBare = pass(delivery);
    if (round === 0) continue; // warm-up (JIT)
    full = Math.min(full, ms);
    bare = Math.min(bare, msBare);
  }
  if (sink < 0) console.log(sink);
  return { full, delivery: bare };
}

/** { full, delivery } ms/MB for one payload, measured in a child process with stdout /dev/null. */
export function measureHotPath(file, rounds = 5) {
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--json', String(rounds), file], {
    stdio: ['ignore', openSync('/dev/null', 'w'), 'pipe'],
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`expected the hot-path measurement to exit 0, got ${child.status ?? child.signal}: ${child.stderr.trim()}`);
  return JSON.parse(child.stderr.trim().split('\n').at(-1));
}

/** Rows for bench/run.mjs: context { payloads: { kind: file }, cpuMsPerMBByKind, quick }. */
export async function benchHotPath(context = {}) {
  const rows = [];
  for (const [kind, file] of Object.entries(context.payloads ?? {})) {
    const r = measureHotPath(file, context.quick ? 3 : 5);
    const wrapper = context.cpuMsPerMBByKind?.[kind] ?? null;
    const added = r.full - r.delivery;
    const share = wrapper ? ` = ${((100 * added) / wrapper).toFixed(1)}% of wrapper CPU` : '';
    rows.push({
      metric: `session output path in process (decode, paste check, watcher, guard), ${kind}`,
      figure: `${added.toFixed(2)} ms/MB${share} (delivery alone ${r.delivery.toFixed(2)})`,
      target: 'info',
      pass: null,
    });
  }
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === '--json') {
  process.stderr.write(`${JSON.stringify(await measureHere(process.argv[4], Number(process.argv[3])))}\n`);
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const file of process.argv.slice(2)) {
    const r = measureHotPath(file);
    process.stderr.write(`${path.basename(file)}: ${(r.full - r.delivery).toFixed(3)} ms/MB added by the output path (full ${r.full.toFixed(3)}, delivery ${r.delivery.toFixed(3)})\n`);
  }
}
