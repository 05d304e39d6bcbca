// Keystroke round trip: a direct PTY, the C relay (`script`) and our wrapper, open at once,
// driven key by key in turn by a small C helper (bench/pty-latency.c, see there for why C).
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, wrapperCommand } from './arms.mjs';
import { quantile } from './stats.mjs';

/** The echo child of every arm: the terminal raw and silent, then cat echoes each byte back. */
const ECHO_CHILD = 'stty raw -echo; printf READY; exec cat';

/** Compiles a C helper from bench/ into workDir (once per source version); returns its path. */
export function compileHelper(workDir, name, libs = []) {
  const source = path.join(ROOT, 'bench', `${name}.c`);
  const hash = createHash('sha256').update(readFileSync(source)).digest('hex').slice(0, 10);
  const binary = path.join(workDir, `${name}-${hash}`);
  if (!existsSync(binary)) execFileSync('gcc', ['-O2', '-Wall', '-o', binary, source, ...libs], { stdio: ['ignore', 'inherit', 'inherit'] });
  return binary;
}

/**
 * Runs `keys` round trips per arm with `gapUs` between keys; resolves
 * { direct, relay, wrapper } each { p50, p90, p99 } in µs, plus `added` over direct.
 */
export async function measureKeystrokes(workDir, env, { keys, gapUs }) {
  const helper = compileHelper(workDir, 'pty-latency', ['-lutil']);
  const arms = {
    direct: ECHO_CHILD,
    relay: `exec script -qfec '${ECHO_CHILD}' /dev/null`,
    wrapper: `exec ${wrapperCommand(`-c '${ECHO_CHILD}'`)}`,
  };
  const names = Object.keys(arms);
  const output = await new Promise((resolve, reject) => {
    execFile(
      helper,
      [String(keys), String(gapUs), ...names.map((name) => arms[name])],
      { env: { ...env, CLAUDE_RECOVER_CLAUDE: '/bin/sh' }, maxBuffer: 64 << 20, timeout: 300_000 },
      (error, stdout, stderr) => (error ? reject(new Error(`pty-latency failed: ${stderr.trim() || error.message}`, { cause: error })) : resolve(stdout)),
    );
  });
  const samples = Object.fromEntries(names.map((name) => [name, []]));
  for (const line of output.trim().split('\n')) {
    const [arm, ns] = line.split(' ');
    samples[names[Number(arm)]].push(Number(ns) / 1000);
  }
  const summary = {};
  for (const name of names) {
    const v = samples[name];
    summary[name] = { n: v.length, p50: quantile(v, 0.5), p90: quantile(v, 0.9), p99: quantile(v, 0.99) };
  }
  const added = (name) => ({
    p50: summary[name].p50 - summary.direct.p50,
    p90: summary[name].p90 - summary.direct.p90,
    p99: summary[name].p99 - summary.direct.p99,
  });
  return { ...summary, added: { relay: added('relay'), wrapper: added('wrapper') } };
}
