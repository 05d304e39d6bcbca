// Start-up of every command as a paired difference over `node -e 0`: each round runs the
// baseline and each command once, inside `script` (a terminal, as a user runs them), in an
// order rotated every round; a command's figure is the median over rounds of (command −
// baseline of the same round), so load that drifts between rounds cancels out.
//
// Standalone: `node bench/startup.mjs [rounds] [command names…]` prints the rows for the
// current build (or BENCH_BIN's), with the same environment as `npm run bench`; names pick
// commands by their first word (`run`, `--version`, `doctor`…). BENCH_COMPARE=binA,binB times
// several builds in the same rounds (an A/B experiment on a loaded machine).
import { execFileSync } from 'node:child_process';
import { mkdirSync, openSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { armEnv, BIN, NODE, ROOT, runInScript, sh } from './arms.mjs';
import { median, printTable, verdict } from './stats.mjs';

/**
 * The commands timed, with the claude they see (`/bin/true`: `run` starts it in a PTY and
 * ends with it; `doctor` runs it for a version and opens a PTY of its own). `codes`: the exit
 * codes that mean the command ran (doctor fails its claude and transcript checks here).
 */
export const STARTUP_COMMANDS = [
  { name: 'run -- (claude = true)', args: 'run --', target: 40, codes: [0] },
  { name: '--version', args: '--version', target: 80, codes: [0] },
  { name: '--help', args: '--help', target: 80, codes: [0] },
  { name: 'log', args: 'log', target: 80, codes: [0] },
  { name: 'stats', args: 'stats', target: 80, codes: [0] },
  { name: 'config', args: 'config', target: 80, codes: [0] },
  { name: 'doctor', args: 'doctor', target: 80, codes: [0, 1] },
];

const rotate = (list, by) => list.map((_, i) => list[(i + by) % list.length]);

/**
 * Times the commands. Resolves { base: ms[], commands: [{ ...command, ms: ms[], diff: ms[] }],
 * failures: string[] } (round 0, a warm-up, left out).
 */
export async function measureStartup({ env, stdin, stdout, rounds, commands = STARTUP_COMMANDS, bins = [BIN], log = () => {} }) {
  const startupEnv = { ...env, CLAUDE_RECOVER_CLAUDE: '/bin/true' };
  // With several bins (an A/B experiment), each command runs once per bin in every round.
  const label = (bin) => (bins.length > 1 ? `[${bin}] ` : '');
  const timed = bins.flatMap((bin) => commands.map((c) => ({ ...c, name: `${label(bin)}${c.name}`, bin })));
  const arms = [{ key: 'base', command: `${sh(NODE)} -e 0`, codes: [0] }, ...timed.map((c) => ({ key: c.name, command: `${sh(c.bin)} ${c.args}`, codes: c.codes }))];
  const base = [];
  const results = timed.map((c) => ({ ...c, ms: [], diff: [] }));
  const failures = [];
  for (let round = 0; round <= rounds; round++) {
    const t = {};
    for (const arm of rotate(arms, round)) {
      const result = await runInScript(arm.command, { env: startupEnv, stdin, stdout, timeoutMs: 30_000 });
      if (!arm.codes.includes(result.code)) failures.push(`${arm.key}: exit ${result.code ?? result.signal} ${result.stderr}`);
      t[arm.key] = result.ms;
    }
    if (round === 0) continue;
    base.push(t.base);
    for (const r of results) {
      r.ms.push(t[r.name]);
      r.diff.push(t[r.name] - t.base);
    }
    log(`start-up round ${round}: ${results.map((r) => `${r.name} +${(t[r.name] - t.base).toFixed(0)}`).join(', ')}`);
  }
  return { base, commands: results, failures };
}

/** Table rows: per command, the median paired difference, its spread, and the minima's difference. */
export function startupRows({ base, commands }) {
  return commands.map((c) => {
    const over = median(c.diff);
    const sorted = [...c.diff].sort((a, b) => a - b);
    const q1 = sorted[Math.floor((sorted.length - 1) / 4)];
    const q3 = sorted[Math.ceil((3 * (sorted.length - 1)) / 4)];
    const minDiff = Math.min(...c.ms) - Math.min(...base);
    return {
      metric: `start-up over node -e 0: ${c.name}`,
      figure: `+${over.toFixed(1)} ms [IQR ${q1.toFixed(0)}–${q3.toFixed(0)}]; minima +${minDiff.toFixed(1)} (node -e 0: ${median(base).toFixed(1)} ms)`,
      target: `≤ +${c.target} ms`,
      verdict: verdict(Number(over.toFixed(1)) <= c.target),
    };
  });
}

async function standalone() {
  const rounds = Number(process.argv[2]) || 15;
  const work = path.join(ROOT, '.bench');
  mkdirSync(path.join(work, 'config'), { recursive: true });
  mkdirSync(path.join(work, 'state'), { recursive: true });
  const fifo = path.join(work, 'startup-stdin.fifo');
  rmSync(fifo, { force: true });
  execFileSync('mkfifo', [fifo]);
  const stdin = openSync(fifo, 'r+');
  const stdout = openSync('/dev/null', 'w');
  const env = armEnv(work, { CLAUDE_RECOVER_DETECT_ONLY: '1' });
  const load0 = os.loadavg()[0];
  const names = process.argv.slice(3);
  const commands = names.length ? STARTUP_COMMANDS.filter((c) => names.includes(c.name.split(' ')[0])) : STARTUP_COMMANDS;
  // BENCH_COMPARE=binA,binB: the same rounds for each bin (paired with one baseline per round).
  const bins = process.env.BENCH_COMPARE ? process.env.BENCH_COMPARE.split(',') : [BIN];
  const result = await measureStartup({ env, stdin, stdout, rounds, commands, bins, log: (line) => process.stderr.write(`${line}\n`) });
  console.log(`start-up, ${rounds} rounds, ${bins.join(' vs ')}, node ${process.version}, load ${load0.toFixed(2)} → ${os.loadavg()[0].toFixed(2)}`);
  printTable(startupRows(result));
  for (const failure of result.failures) console.log(`FAILED: ${failure}`);
  process.exit(result.failures.length ? 1 : 0);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await standalone();
