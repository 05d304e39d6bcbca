// BENCH_PROFILE=1: where the wrapper's time goes. Runs it under `node --cpu-prof` streaming
// the TUI payload and starting `true`, and prints the functions with the most self time.
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { BIN, NODE, runInScript, sh } from './arms.mjs';

/** Self time per function of a .cpuprofile, largest first: [{ name, ms }]. */
export function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]);
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? ` ${url.replace(/^file:\/\//, '').replace(/^.*\/(node_modules|dist)\//, '$1/')}:${lineNumber + 1}` : '';
    const name = `${functionName || '(anonymous)'}${where}`;
    totals.set(name, (totals.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  return [...totals].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms);
}

async function profileOnce(workDir, label, args, env, stdin, devNull, top) {
  const dir = path.join(workDir, `profile-${label}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const command = `${sh(NODE)} --cpu-prof --cpu-prof-dir=${sh(dir)} ${sh(BIN)} run --${args ? ` ${args}` : ''}`;
  const result = await runInScript(command, { env, stdin, stdout: devNull, timeoutMs: 300_000 });
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) {
    console.log(`\nprofile ${label}: no .cpuprofile written (exit ${result.code})`);
    return;
  }
  const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
  const times = selfTimes(profile);
  const total = times.reduce((sum, t) => sum + t.ms, 0);
  console.log(`\nprofile ${label} (${total.toFixed(0)} ms sampled, wall ${result.ms.toFixed(0)} ms; ${path.join(dir, file)}):`);
  for (const t of times.slice(0, top)) console.log(`  ${t.ms.toFixed(1).padStart(8)} ms  ${((100 * t.ms) / total).toFixed(1).padStart(5)}%  ${t.name}`);
}

/** Profiles the wrapper streaming payloadFile (through cat) and starting `true`. */
export async function profileWrapper(workDir, env, stdin, devNull, payloadFile) {
  await profileOnce(workDir, 'streaming', sh(payloadFile), { ...env, CLAUDE_RECOVER_CLAUDE: '/bin/cat' }, stdin, devNull, 15);
  await profileOnce(workDir, 'start-up', '', { ...env, CLAUDE_RECOVER_CLAUDE: '/bin/true' }, stdin, devNull, 15);
}
