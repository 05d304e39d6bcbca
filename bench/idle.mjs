// Idle cost of the wrapper: started around `cat` waiting for input inside `script`, then
// sampled from /proc over a window that starts 0.5 s after its child is up (the start-up
// itself is not idle time). Used by bench/run.mjs; run alone for a closer look:
//   node bench/idle.mjs [seconds]      (BENCH_BIN / BENCH_NODE_FLAGS as for the bench)
// prints CPU per thread and per second, so a burst can be pinned on a thread and a time.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { armEnv, ROOT, runInScript, sh, wrapperCommand } from './arms.mjs';
import { children, sample } from './proc.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU ms per thread name of a process (threads of one name summed: V8 workers, libuv pool). */
export function threadCpu(pid) {
  const out = {};
  let tasks = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tasks) {
    try {
      const sched = readFileSync(`/proc/${pid}/task/${tid}/sched`, 'utf8');
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      const ms = Number(/^se\.sum_exec_runtime\s+:\s+([\d.]+)/m.exec(sched)?.[1] ?? 0);
      const key = tid === String(pid) ? `${name} (main)` : name;
      out[key] = (out[key] ?? 0) + ms;
    } catch {
      // The thread ended meanwhile.
    }
  }
  return out;
}

/**
 * Starts the wrapper around `cat` (waiting for input) inside script and waits until it is
 * up; finish(windowMs) returns its CPU time, wake-ups and memory over windowMs from the
 * first sample (0.5 s after its child started), then stops it. The `cat` child must be
 * CLAUDE_RECOVER_CLAUDE in env.
 */
export async function startIdleWrapper(workDir, env, stdin, devNull) {
  const pidFile = path.join(workDir, 'idle.pid');
  rmSync(pidFile, { force: true });
  let scriptChild;
  const done = runInScript(`echo $$ > ${sh(pidFile)}; exec ${wrapperCommand()}`, {
    env,
    stdin,
    stdout: devNull,
    timeoutMs: 180_000,
    onSpawn: (child) => (scriptChild = child),
  });
  let pid = null;
  let startedAt = 0;
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (pid === null && existsSync(pidFile)) {
      pid = Number(readFileSync(pidFile, 'utf8').trim()) || null;
      startedAt = Date.now();
    }
    if (pid !== null && children(pid).length > 0) break;
    await sleep(20);
  }
  const stop = async () => {
    if (pid !== null) {
      try {
        process.kill(pid, 'SIGTERM'); // relayed to cat; the wrapper then exits
      } catch {
        // Already gone.
      }
    }
    const timer = setTimeout(() => scriptChild?.kill('SIGKILL'), 5_000);
    await done;
    clearTimeout(timer);
  };
  if (pid === null || children(pid).length === 0) {
    await stop();
    return { finish: async () => ({ error: 'the idle wrapper never started its child' }) };
  }
  await sleep(500); // the start-up itself is not idle time
  const first = sample(pid);
  const firstThreads = threadCpu(pid);
  const t0 = Date.now();
  // Sampled every 250 ms (reading /proc does not wake it), to say when any activity happened.
  const bursts = [];
  const perSecond = [];
  let previous = first;
  let secondStart = first;
  const poller = setInterval(() => {
    const now = sample(pid);
    if (now === null || previous === null) return;
    if (now.switches !== previous.switches) bursts.push(`+${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
    previous = now;
    if (Date.now() - t0 >= (perSecond.length + 1) * 1000) {
      perSecond.push(now.cpuMs - secondStart.cpuMs);
      secondStart = now;
    }
  }, 250);
  return {
    pid,
    async finish(windowMs) {
      await sleep(Math.max(0, t0 + windowMs - Date.now()));
      clearInterval(poller);
      const last = sample(pid);
      const lastThreads = threadCpu(pid);
      await stop();
      if (first === null || last === null) return { error: 'the idle wrapper exited early' };
      const threads = Object.fromEntries(
        Object.entries(lastThreads)
          .map(([name, ms]) => [name, ms - (firstThreads[name] ?? 0)])
          .filter(([, ms]) => ms > 0.005),
      );
      return {
        cpuMs: last.cpuMs - first.cpuMs,
        statCpuMs: last.statCpuMs - first.statCpuMs,
        switches: last.switches - first.switches,
        rssKiB: last.rssKiB,
        rssAnonKiB: last.rssAnonKiB,
        rssFileKiB: last.rssFileKiB,
        hwmKiB: last.hwmKiB,
        bursts,
        perSecond,
        threads,
      };
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const seconds = Number(process.argv[2]) || 10;
  const work = path.join(ROOT, '.bench');
  mkdirSync(path.join(work, 'idle-alone', 'state'), { recursive: true });
  mkdirSync(path.join(work, 'idle-alone', 'config'), { recursive: true });
  const fifo = path.join(work, 'idle-alone', 'stdin.fifo');
  rmSync(fifo, { force: true });
  execFileSync('mkfifo', [fifo]);
  const stdin = openSync(fifo, 'r+');
  const devNull = openSync('/dev/null', 'w');
  const env = armEnv(path.join(work, 'idle-alone'), { CLAUDE_RECOVER_CLAUDE: '/bin/cat' });
  console.log(`idle wrapper: ${wrapperCommand()}`);
  const idle = await startIdleWrapper(path.join(work, 'idle-alone'), env, stdin, devNull);
  const result = await idle.finish(seconds * 1000);
  if (result.error) {
    console.log(result.error);
    process.exit(1);
  }
  console.log(
    `${seconds} s idle: ${result.cpuMs.toFixed(2)} ms CPU (stat ticks ${result.statCpuMs} ms), ${result.switches} wake-ups` +
      `${result.bursts.length ? ` at ${result.bursts.join(', ')}` : ''}; RSS ${(result.rssKiB / 1024).toFixed(1)} MiB ` +
      `(anonymous ${(result.rssAnonKiB / 1024).toFixed(1)}, files ${(result.rssFileKiB / 1024).toFixed(1)})`,
  );
  console.log(`per second (ms): ${result.perSecond.map((ms) => ms.toFixed(2)).join(' ')}`);
  console.log(`per thread (ms): ${Object.entries(result.threads).map(([name, ms]) => `${name} ${ms.toFixed(2)}`).join(', ')}`);
  process.exit(0);
}
