// The terminal chains under test, each inside an outer `script` as in real use, and the
// two ways of running them: timed (output to /dev/null) and checked byte for byte.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { children, sample } from './proc.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The wrapper's entry point; BENCH_BIN points the bench at another build (an A/B experiment). */
export const BIN = process.env.BENCH_BIN ? path.resolve(process.env.BENCH_BIN) : path.join(ROOT, 'bin', 'claude-recover.js');
export const NODE = process.execPath;
const CR = Buffer.from('\r');

/** Quotes one word for /bin/sh. */
export const sh = (word) => `'${String(word).replace(/'/g, `'\\''`)}'`;

/**
 * The environment of every arm: no NODE_OPTIONS / NODE_EXTRA_CA_CERTS (the second adds
 * ~70 ms to each Node start here), the bench's node first on PATH (the bin's shebang finds
 * it there), /bin/sh as script's shell, and claude-recover's config and state and Claude's
 * config dir in the bench's own directories, so nothing of the user's can change the figures.
 */
export function armEnv(workDir, extra = {}) {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  delete env.NODE_EXTRA_CA_CERTS;
  delete env.CLAUDE_RECOVER_ACTIVE;
  return {
    ...env,
    PATH: `${path.dirname(NODE)}${path.delimiter}${env.PATH ?? ''}`,
    SHELL: '/bin/sh',
    TERM: 'xterm-256color',
    XDG_CONFIG_HOME: path.join(workDir, 'config'),
    // Claude's own config dir, empty: no transcript or pid file of the user's can be read.
    CLAUDE_CONFIG_DIR: path.join(workDir, 'claude'),
    XDG_STATE_HOME: path.join(workDir, 'state'),
    ...extra,
  };
}

/**
 * The wrapper around the program in CLAUDE_RECOVER_CLAUDE, with these (already quoted)
 * arguments, run as a user's alias runs it: the bin itself, through its shebang
 * (`#!/usr/bin/env node`, so armEnv puts this node first on PATH), not `node bin/…`.
 */
export const wrapperCommand = (args = '') => `${sh(BIN)} run --${args ? ` ${args}` : ''}`;

/**
 * Inner commands (what the outer `script` runs) of the throughput arms for a payload file:
 * (a) one PTY, (d) the C relay `script` inside it, (w) our wrapper (CLAUDE_RECOVER_CLAUDE=/bin/cat).
 */
export const THROUGHPUT_ARMS = {
  a: (file) => `cat ${sh(file)}`,
  d: (file) => `script -qfec ${sh(`cat ${sh(file)}`)} /dev/null`,
  w: (file) => wrapperCommand(sh(file)),
};

/**
 * Runs `script -qfec COMMAND /dev/null` with stdin the bench FIFO (open read-write, never
 * EOF: on EOF script would type an EOF character into the session) and stdout `stdout`
 * (a file descriptor, or 'pipe'). Resolves { ms, code, signal, stderr } when it exits.
 */
export function runInScript(command, { env, stdin, stdout, timeoutMs = 120_000, onSpawn, onStdout }) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('script', ['-qfec', command, '/dev/null'], { env, stdio: [stdin, stdout, 'pipe'] });
    let stderr = '';
    let ms = 0;
    let exit = null;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text) => {
      if (stderr.length < 4096) stderr += text;
    });
    if (onStdout) child.stdout.on('data', onStdout);
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${timeoutMs} ms)`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      ms = Number(process.hrtime.bigint() - started) / 1e6;
      exit = { code, signal };
      clearTimeout(timer);
    });
    child.on('close', () => resolve({ ms, ...exit, stderr: stderr.trim() }));
    onSpawn?.(child);
  });
}

/**
 * Compares what reached the outer side with the payload, less the CRs the terminals add.
 * Exactly one output post-processing (ONLCR) stage sits on every chain, so every LF must
 * arrive as CR LF: (a) the one PTY's; (d) the inner PTY's (the inner script copies the
 * outer terminal's modes to its PTY, then puts the outer one in raw mode, OPOST off);
 * (w) node-pty's PTY (OPOST|ONLCR), the wrapper having switched OPOST off on the outer one.
 * A missing CR, a doubled one (OPOST left on in the wrapper), a lost, changed or extra
 * byte are all reported with the payload offset.
 */
export class CrlfComparator {
  constructor(file) {
    this.fd = openSync(file, 'r');
    this.window = Buffer.alloc(0);
    this.windowAt = 0;
    this.offset = 0; // payload bytes matched so far
    this.heldCr = false;
    this.problem = null;
  }

  push(chunk) {
    if (this.problem !== null || chunk.length === 0) return;
    let start = 0;
    let addedCrBeforeFirst = false;
    if (this.heldCr) {
      this.heldCr = false;
      if (chunk[0] === 0x0a) addedCrBeforeFirst = true; // the CR ending the last chunk was the added one
      else if (!this.expect(CR)) return;
    }
    for (let lf = chunk.indexOf(0x0a); lf !== -1; lf = chunk.indexOf(0x0a, lf + 1)) {
      if (lf === 0 && addedCrBeforeFirst) continue;
      if (lf === 0 || chunk[lf - 1] !== 0x0d) {
        this.fail('an LF arrived without the CR the terminal adds (output post-processing missing)');
        return;
      }
      if (!this.expect(chunk.subarray(start, lf - 1))) return;
      start = lf;
    }
    let end = chunk.length;
    if (end > start && chunk[end - 1] === 0x0d) {
      this.heldCr = true;
      end--;
    }
    this.expect(chunk.subarray(start, end));
  }

  /** Call once the output has ended; returns null when every byte matched, else what went wrong. */
  end() {
    if (this.problem === null && this.heldCr) this.expect(CR);
    const size = fstatSync(this.fd).size;
    if (this.problem === null && this.offset !== size) this.fail(`${size - this.offset} bytes at the end of the payload never arrived`);
    closeSync(this.fd);
    return this.problem;
  }

  /** The payload bytes at [offset, offset + length), through a sliding window. */
  payloadAt(offset, length) {
    if (offset < this.windowAt || offset + length > this.windowAt + this.window.length) {
      this.window = Buffer.alloc(Math.max(1 << 20, length));
      const n = readSync(this.fd, this.window, 0, this.window.length, offset);
      this.window = this.window.subarray(0, n);
      this.windowAt = offset;
    }
    const from = offset - this.windowAt;
    return this.window.subarray(from, Math.min(from + length, this.window.length));
  }

  expect(got) {
    if (got.length === 0) return true;
    const want = this.payloadAt(this.offset, got.length);
    if (want.length === got.length && want.equals(got)) {
      this.offset += got.length;
      return true;
    }
    let i = 0;
    while (i < want.length && want[i] === got[i]) i++;
    const at = this.offset + i;
    if (i >= want.length) this.fail(`${got.length - want.length} bytes more than the payload arrived at the end`, at);
    else if (want[i] === 0x0a && got[i] === 0x0d) this.fail('a CR too many before an LF (output post-processing left on?)', at);
    else this.fail('a byte differs', at, want.subarray(i, i + 24), got.subarray(i, i + 24));
    return false;
  }

  fail(what, at = this.offset, want, got) {
    this.problem = `${what} at payload offset ${at}` + (want ? `: expected ${JSON.stringify(want.toString('latin1'))}, got ${JSON.stringify(got.toString('latin1'))}` : '');
  }
}

/**
 * Runs one arm once with its output read back and compared to the payload. With
 * probePidFile, the command writes the pid of what it runs there (`echo $$ > F; exec node …`) and
 * the process is sampled from /proc every 50 ms while it streams (each sample says whether its
 * child was still there).
 * Resolves { problem: string | null, samples, ms }.
 */
export async function checkArm(command, payloadFile, { env, stdin, probePidFile, timeoutMs }) {
  const comparator = new CrlfComparator(payloadFile);
  const samples = [];
  let pid = null;
  let poller = null;
  if (probePidFile) {
    rmSync(probePidFile, { force: true });
    command = `echo $$ > ${sh(probePidFile)}; exec ${command}`;
  }
  const result = await runInScript(command, {
    env,
    stdin,
    stdout: 'pipe',
    timeoutMs,
    onStdout: (chunk) => comparator.push(chunk),
    onSpawn: () => {
      if (!probePidFile) return;
      poller = setInterval(() => {
        if (pid === null && existsSync(probePidFile)) pid = Number(readFileSync(probePidFile, 'utf8').trim()) || null;
        if (pid === null) return;
        const s = sample(pid);
        // child: whether it has not reaped its child yet (see streamStats in run.mjs).
        if (s !== null) samples.push({ t: performance.now(), ...s, child: children(pid).length > 0 });
      }, 50);
    },
  });
  if (poller) clearInterval(poller);
  let problem = comparator.end();
  if (result.code !== 0) problem = `exit ${result.code ?? result.signal}${result.stderr ? ` (${result.stderr})` : ''}${problem ? `; ${problem}` : ''}`;
  return { problem, samples, ms: result.ms, stderr: result.stderr };
}
