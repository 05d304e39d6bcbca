// Reads a process's CPU time, memory and wake-ups from /proc (Linux only).
import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on Linux

const read = (file) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
};

/**
 * One sample of a live process, or null once it is gone:
 * cpuMs (sum of se.sum_exec_runtime over its threads: µs precision, where /proc/<pid>/stat
 * has 10 ms ticks), statCpuMs (utime + stime from /proc/<pid>/stat; userMs and systemMs
 * apart), rssKiB (rssAnonKiB + rssFileKiB: heap and the like, mapped files), hwmKiB,
 * switches (voluntary + involuntary context switches, all threads: wake-ups), wchar / rchar
 * (bytes written / read), writes / reads (write and read system calls).
 */
export function sample(pid) {
  const stat = read(`/proc/${pid}/stat`);
  const status = read(`/proc/${pid}/status`);
  if (stat === null || status === null) return null;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const statCpuMs = (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  const kib = (name) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  let cpuMs = 0;
  let switches = 0;
  let tasks = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return null;
  }
  for (const tid of tasks) {
    const sched = read(`/proc/${pid}/task/${tid}/sched`);
    if (sched !== null) cpuMs += Number(/^se\.sum_exec_runtime\s+:\s+([\d.]+)/m.exec(sched)?.[1] ?? 0);
    const taskStatus = read(`/proc/${pid}/task/${tid}/status`);
    if (taskStatus !== null) {
      switches += Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(taskStatus)?.[1] ?? 0);
      switches += Number(/^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(taskStatus)?.[1] ?? 0);
    }
  }
  const io = read(`/proc/${pid}/io`);
  const ioField = (name) => (io === null ? NaN : Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(io)?.[1] ?? NaN));
  return {
    cpuMs,
    statCpuMs,
    userMs: Number(fields[11]) * TICK_MS,
    systemMs: Number(fields[12]) * TICK_MS,
    rssKiB: kib('VmRSS'),
    rssAnonKiB: kib('RssAnon'),
    rssFileKiB: kib('RssFile'),
    hwmKiB: kib('VmHWM'),
    switches,
    wchar: ioField('wchar'),
    rchar: ioField('rchar'),
    writes: ioField('syscw'),
    reads: ioField('syscr'),
    threads: tasks.length,
  };
}

/** Pids of a process's direct children. */
export function children(pid) {
  const list = read(`/proc/${pid}/task/${pid}/children`);
  return list === null ? [] : list.trim().split(/\s+/).filter(Boolean).map(Number);
}
