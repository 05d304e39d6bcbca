// Ctrl-Z and `fg` through the PTY. The child leads its own session, so its process group is
// orphaned and Linux discards the SIGTSTP it raises on Ctrl-Z (facts §6): it is never stopped
// and no stopped child is ever reported. So after a Ctrl-Z is forwarded, this looks at the
// child's terminal for a short while (the modes of its PTY): when the
// child leaves raw mode (or is stopped), it wanted to be suspended. Then the child's group is
// stopped, the outer terminal restored and the wrapper's own job stopped, so the shell gets the
// terminal back; on SIGCONT (`fg`) raw mode, the size and the child come back, and it redraws.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** What job control needs from the session. */
export interface JobControlHost {
  /** The running child, or null (none, or recovery holds the terminal). */
  child(): { pid: number; slave: string } | null;
  /** Writes out what the child wrote before it was stopped (it may leave the alternate screen). */
  drainChild(): void;
  /** Puts the outer terminal back the way the shell expects it while claude-recover is stopped. */
  releaseTerminal(): void;
  /** Raw mode again, and the current size to the child (it may have changed meanwhile). */
  retakeTerminal(): void;
}

/** How long after a Ctrl-Z the child's terminal is watched, and the pauses between looks. */
const WATCH_MS = 5_000;
const LOOK_AFTER_MS = [15, 30, 60, 100, 200, 300, 500];

/** The terminal modes that matter here, as read from the PTY. */
export interface ChildModes {
  /** ICANON: line mode, which raw mode turns off. */
  canonical: boolean;
}

/**
 * Ctrl-Z as typed: the byte, or its kitty-keyboard (CSI 122;5u) and modifyOtherKeys forms, which
 * come as a key press of their own (a long chunk is a paste and is not searched for them).
 */
export function hasSuspendKey(data: Buffer | string): boolean {
  if (typeof data === 'string') return data.includes('\u001a') || (data.length <= KEY_MAX && CSI_CTRL_Z.test(data));
  if (data.includes(0x1a)) return true;
  return data.length <= KEY_MAX && data.includes(0x1b) && CSI_CTRL_Z.test(data.toString('latin1'));
}
const KEY_MAX = 32;
const CSI_CTRL_Z = /\u001b\[(?:122;5[u:]|27;5;122~)/;

export class JobControl {
  private watch: { pid: number; until: number; timer: NodeJS.Timeout | null; step: number; looking: boolean } | null = null;
  /** The child's pid while both it and claude-recover are stopped. */
  private stopped: { pid: number | null } | null = null;
  private active = false;

  constructor(
    private readonly host: JobControlHost,
    private readonly warn: (message: string) => void,
  ) {}

  /** Listens for the wrapper's own SIGTSTP and SIGCONT while the session runs. */
  start(): void {
    if (this.active) return;
    this.active = true;
    process.on('SIGTSTP', this.onStop);
    process.on('SIGCONT', this.onContinue);
  }

  stop(): void {
    this.active = false;
    this.endWatch();
    process.off('SIGTSTP', this.onStop);
    process.off('SIGCONT', this.onContinue);
  }

  /** Sees each chunk of the user's input after it went to the child. */
  forwarded(data: Buffer | string): void {
    if (!this.active || !hasSuspendKey(data)) return;
    const child = this.host.child();
    if (child === null) return;
    this.endWatch();
    this.watch = { pid: child.pid, until: performance.now() + WATCH_MS, timer: null, step: 0, looking: false };
    this.schedule();
  }

  private schedule(): void {
    const watch = this.watch;
    if (watch === null) return;
    const delay = LOOK_AFTER_MS[Math.min(watch.step++, LOOK_AFTER_MS.length - 1)] as number;
    watch.timer = setTimeout(() => void this.look(), delay);
    watch.timer.unref();
  }

  private async look(): Promise<void> {
    const watch = this.watch;
    if (watch === null || watch.looking) return;
    watch.timer = null;
    const child = this.host.child();
    // The session keeps its child until the PTY is drained; an exited one has nothing to suspend.
    if (child === null || child.pid !== watch.pid || !running(child.pid)) return this.endWatch();
    watch.looking = true;
    // Stopped by itself (SIGSTOP is never discarded: 2.1.100 does that), or in line mode with
    // SIGTSTP left to its default action, the action Linux just discarded (Claude Code 2.1.200+,
    // a program in line mode); and then idle, not still running the code that suspends it (which
    // sets its SIGCONT handler: stopped before that, it would miss the continue).
    const wantsStop =
      processStopped(child.pid) ||
      ((await readChildModes(child.slave))?.canonical === true && stopDisposition(child.pid) === 'default' && idle(child.pid));
    watch.looking = false;
    if (this.watch !== watch) return;
    if (wantsStop && this.host.child()?.pid === child.pid && running(child.pid)) {
      this.endWatch();
      this.suspend();
      return;
    }
    if (performance.now() >= watch.until) return this.endWatch();
    this.schedule();
  }

  private endWatch(): void {
    if (this.watch?.timer) clearTimeout(this.watch.timer);
    this.watch = null;
  }

  /** A SIGTSTP sent to claude-recover itself (raw mode means it never comes from the keyboard). */
  private readonly onStop = (): void => {
    this.endWatch();
    this.suspend();
  };

  /**
   * Stops the child's group, restores the terminal and stops the wrapper's own job, as the
   * shell expects of a program after Ctrl-Z. Where nothing would continue it (an orphaned
   * group: no job-control shell above), the child is continued instead and keeps the screen.
   */
  private suspend(): void {
    if (this.stopped !== null) return;
    const child = this.host.child();
    if (!inStoppableGroup()) {
      if (child !== null) signalGroup(child.pid, 'SIGCONT');
      this.warn('Ctrl-Z: no job-control shell runs claude-recover here, so claude was continued instead of suspended');
      return;
    }
    if (child !== null) signalGroup(child.pid, 'SIGSTOP');
    this.stopped = { pid: child?.pid ?? null };
    attempt(() => this.host.drainChild());
    attempt(() => this.host.releaseTerminal());
    // The whole job stops, as with a Ctrl-Z the terminal sends (a wrapper script above us too).
    // Our own SIGTSTP listener would catch it: off for the moment, so the default action applies.
    process.off('SIGTSTP', this.onStop);
    try {
      process.kill(0, 'SIGTSTP');
    } finally {
      if (this.active) process.on('SIGTSTP', this.onStop);
    }
    // Execution resumes here after SIGCONT; onContinue (asynchronous) takes the terminal back.
  }

  private readonly onContinue = (): void => {
    const stopped = this.stopped;
    this.stopped = null;
    // Also after a stop by someone else (SIGSTOP): the shell has reset the terminal meanwhile.
    // A terminal gone meanwhile (hang-up) cannot be taken: the child is continued all the same.
    attempt(() => this.host.retakeTerminal());
    if (stopped?.pid == null) return;
    signalGroup(stopped.pid, 'SIGCONT');
    this.checkContinued(stopped.pid);
  };

  /**
   * A child that stops itself (SIGSTOP) and was caught by our stop just before it set its
   * SIGCONT handler stops itself again once continued: shortly after `fg` it is continued once
   * more, unless a new Ctrl-Z has gone to it meanwhile.
   */
  private checkContinued(pid: number): void {
    let step = 0;
    const check = (): void => {
      if (this.watch !== null || this.stopped !== null || this.host.child()?.pid !== pid) return;
      if (processStopped(pid)) signalGroup(pid, 'SIGCONT');
      else if (++step < CONTINUED_CHECKS_MS.length) setTimeout(check, CONTINUED_CHECKS_MS[step]).unref();
    };
    setTimeout(check, CONTINUED_CHECKS_MS[0]).unref();
  }
}

/** When, after `fg`, to make sure the child runs. */
const CONTINUED_CHECKS_MS = [30, 100, 250, 500, 1_000];

/** Runs a terminal step that may fail on a hung-up terminal; the rest of the sequence goes on. */
function attempt(step: () => void): void {
  try {
    step();
  } catch {
    // EIO and the like: nothing left to restore or take.
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

/**
 * The child's terminal modes: `stty -a` on the PTY's slave device. A few ms of a short-lived
 * process, run only in the seconds after a Ctrl-Z. Not with the master as stty's stdin: the
 * child process would clear O_NONBLOCK on it, which the master's open file shares with us.
 * Null when they cannot be read.
 */
export function readChildModes(slave: string): Promise<ChildModes | null> {
  return new Promise((resolve) => {
    let out = '';
    let child;
    try {
      child = spawn('stty', ['-a', process.platform === 'linux' ? '-F' : '-f', slave], { stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      resolve(null);
      return;
    }
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text: string) => {
      out += text;
    });
    child.on('error', () => resolve(null));
    child.on('close', (code) => {
      if (code !== 0) return resolve(null);
      const words = new Set(out.split(/[\s;]+/));
      if (words.has('-icanon')) return resolve({ canonical: false });
      if (words.has('icanon')) return resolve({ canonical: true });
      resolve(null);
    });
  });
}

/** /proc/<pid>/stat after the command name: state, ppid, pgrp, session. */
function procStat(pid: number | 'self'): { state: string; ppid: number; pgrp: number; session: number } | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return null;
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', ppid: Number(fields[1]), pgrp: Number(fields[2]), session: Number(fields[3]) };
}

/** True while the process exists and has not exited (a zombie has); without /proc, as kill(0) says. */
function running(pid: number): boolean {
  const stat = procStat(pid);
  if (stat !== null) return stat.state !== 'Z' && stat.state !== 'X';
  if (procStat('self') !== null) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** True when the process sleeps (waits for input or an event), as a program in its event loop does; without /proc, true. */
function idle(pid: number): boolean {
  const state = procStat(pid)?.state;
  return state === undefined || state === 'S' || state === 'D';
}

/** True when the process is stopped (Linux; elsewhere unknown, so false). */
export function processStopped(pid: number): boolean {
  return procStat(pid)?.state === 'T';
}

/**
 * What the process does on SIGTSTP (Linux, /proc; elsewhere taken as the default): a program in
 * line mode that ignores or catches it is not stopped by a Ctrl-Z, and decides for itself.
 */
export function stopDisposition(pid: number): 'default' | 'ignored' | 'caught' {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'latin1');
  } catch {
    // No /proc here: nothing to go by. With /proc, the process is gone and wants nothing.
    return procStat('self') === null ? 'default' : 'ignored';
  }
  // SIGTSTP is signal 20: bit 19 of the masks.
  const has = (field: string): boolean => {
    const hex = new RegExp(`^${field}:\\s*([0-9a-f]+)`, 'm').exec(status)?.[1];
    return hex !== undefined && (BigInt(`0x${hex}`) & (1n << 19n)) !== 0n;
  };
  if (has('SigIgn')) return 'ignored';
  return has('SigCgt') ? 'caught' : 'default';
}

/**
 * Whether stopping this process's group would stop it: the group is not orphaned, i.e. some
 * member has a parent in another group of the same session (the shell that continues it). An
 * orphaned group is never stopped by SIGTSTP. Without /proc, assume a job-control shell.
 */
export function inStoppableGroup(): boolean {
  const self = procStat('self');
  if (self === null) return true;
  const bridges = (member: { ppid: number }): boolean => {
    const parent = procStat(member.ppid);
    return parent !== null && parent.pgrp !== self.pgrp && parent.session === self.session;
  };
  if (bridges(self)) return true;
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return true;
  }
  for (const name of names) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    const member = procStat(Number(name));
    if (member !== null && member.pgrp === self.pgrp && bridges(member)) return true;
  }
  return false;
}
