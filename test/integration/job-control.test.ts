// Ctrl-Z and `fg` through the built bin, in a real interactive shell in a PTY (job control
// needs one: under node-pty alone the wrapper's group is orphaned and cannot be stopped).
// The fixture `suspend` suspends the way Claude Code does (facts §6).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import pty from '@lydell/node-pty';
import { readSync } from 'node:fs';
import { readChildModes } from '../../src/terminal/job-control.js';
import { spawnPty, type PtyRun } from '../support/pty-driver.js';
import { BIN, PROGRAMS, wrapperEnv } from '../support/paths.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'cr-jobs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const PROMPT = 'PROMPT> ';
const RUN = `${process.execPath} ${BIN} run --`;

/** zsh is not in every set-up (.ci/run installs it from Debian when it can): its cases run where it is installed. */
const zsh = spawnSync('zsh', ['-fc', 'true']).status === 0;
const SHELLS = [
  { name: 'bash', args: ['--norc', '--noprofile', '-i'], stopped: /Stopped/, available: true },
  { name: 'zsh', args: ['-f', '-i'], stopped: /suspended/, available: zsh },
];

/** Processes a test started that must not outlive it, killed by pid. */
const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
});

function procState(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] ?? null;
  } catch {
    return null;
  }
}

function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'latin1').trim().split(' ').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

interface Shell {
  pty: PtyRun;
  /** Types a command line and waits for the next prompt; resolves with the text in between. */
  run(command: string): Promise<string>;
  /** Starts the wrapper around `suspend <mode>` (or another fixture); resolves with claude's pid. */
  startWrapped(fixture: string, mode?: string): Promise<{ child: number; wrapper: number }>;
  /** The terminal settings as `stty -g` prints them. */
  stty(): Promise<string>;
  /** Types `q` (a line in line mode) to end the fixture, and waits for the shell's prompt after it. */
  quit(line?: boolean): Promise<void>;
}

async function startShell(shell: (typeof SHELLS)[number], program = 'suspend'): Promise<Shell> {
  const env = wrapperEnv(path.join(PROGRAMS, program), { PS1: PROMPT, HISTFILE: '/dev/null' });
  const pty = spawnPty(shell.name, shell.args, { env, cols: 90, rows: 25 });
  started.push(pty.pid);
  await pty.waitFor(PROMPT);
  let sttyCount = 0;
  const self: Shell = {
    pty,
    async run(command) {
      const from = pty.text().length;
      pty.write(`${command}\r`);
      // The prompt after the echoed command line.
      const seen = await pty.waitFor(new RegExp(`${command.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[\\s\\S]*${PROMPT}`), { from });
      return seen;
    },
    async startWrapped(fixture, mode) {
      const from = pty.text().length;
      pty.write(`${RUN} ${mode ?? ''}\r`);
      const text = await pty.waitFor(/pid (\d+) ready|echo-raw ready/, { from });
      const match = /pid (\d+) ready/.exec(text);
      // echo-raw does not print its pid: it is the child of the shell's child, the wrapper.
      const child = match ? Number(match[1]) : childrenOf(childrenOf(pty.pid)[0] ?? 0).find((pid) => cmdline(pid).includes(fixture)) ?? 0;
      const wrapper = parentOf(child);
      expect(cmdline(wrapper)).toContain(BIN);
      started.push(child, wrapper);
      return { child, wrapper };
    },
    async quit(line = false) {
      const from = pty.text().length;
      pty.write(line ? 'q\r' : 'q');
      await pty.waitFor('<71>', { from });
      await pty.waitFor(PROMPT, { from: pty.text().indexOf('<71>', from) });
    },
    async stty() {
      const file = path.join(tmp, `stty-${pty.pid}-${sttyCount++}`);
      await self.run(`stty -g > ${file}`);
      return readFileSync(file, 'utf8');
    },
  };
  return self;
}

for (const shell of SHELLS) {
  describe.skipIf(!shell.available)(`job control in ${shell.name}`, () => {
    it('Ctrl-Z suspends claude and claude-recover and gives the shell the terminal; fg brings them back raw, at the new size', async () => {
      const sh = await startShell(shell);
      const before = await sh.stty();
      const { child, wrapper } = await sh.startWrapped('suspend', 'claude');

      const mark = sh.pty.text().length;
      sh.pty.write('\u001a');
      await sh.pty.waitFor(shell.stopped, { from: mark });
      await sh.pty.waitFor(PROMPT, { from: mark });
      await expect.poll(() => procState(child)).toBe('T');
      expect(procState(wrapper)).toBe('T');
      // The shell works as usual meanwhile, and its terminal is the one it had.
      expect(await sh.run('echo "shell has it"')).toContain('shell has it');
      expect(await sh.stty()).toBe(before);

      sh.pty.resize(101, 31);
      const resumed = sh.pty.text().length;
      sh.pty.write('fg\r');
      await sh.pty.waitFor('resumed 101x31 raw=true', { from: resumed });
      expect(procState(child)).not.toBe('T');
      // Raw again end to end: each byte reaches claude at once, unechoed, Ctrl-C included.
      sh.pty.write('a\u0003');
      await sh.pty.waitFor('<61>', { from: resumed });
      await sh.pty.waitFor('<03>', { from: resumed });
      await sh.quit();
      expect(await sh.run('echo "status=$?"')).toContain('status=0');
      expect(await sh.stty()).toBe(before);
    });

    it('suspends twice in a row, and the second fg still works', async () => {
      const sh = await startShell(shell);
      const { child } = await sh.startWrapped('suspend', 'claude');
      for (let round = 0; round < 2; round++) {
        const mark = sh.pty.text().length;
        sh.pty.write('\u001a');
        await sh.pty.waitFor(PROMPT, { from: mark });
        await expect.poll(() => procState(child)).toBe('T');
        const resumed = sh.pty.text().length;
        sh.pty.write('fg\r');
        await sh.pty.waitFor('resumed 90x25 raw=true', { from: resumed });
      }
      const end = sh.pty.text().length;
      await sh.quit();
    });
  });
}

describe('job control in bash: other ways a program asks to be suspended', () => {
  const bash = SHELLS[0] as (typeof SHELLS)[number];

  it('a child that stops itself with SIGSTOP: the shell gets the terminal', async () => {
    const sh = await startShell(bash);
    const { child } = await sh.startWrapped('suspend', 'sigstop');
    const mark = sh.pty.text().length;
    sh.pty.write('\u001a');
    await sh.pty.waitFor(/Stopped/, { from: mark });
    await sh.pty.waitFor(PROMPT, { from: mark });
    const resumed = sh.pty.text().length;
    sh.pty.write('fg\r');
    await sh.pty.waitFor('resumed 90x25 raw=true', { from: resumed });
    expect(procState(child)).not.toBe('T');
    await sh.quit();
  });

  it('a child slow to suspend is stopped only once it is done (its SIGCONT handler set), and comes back', async () => {
    const sh = await startShell(bash);
    const { child } = await sh.startWrapped('suspend', 'slow');
    const mark = sh.pty.text().length;
    sh.pty.write('\u001a');
    await sh.pty.waitFor(/Stopped[\s\S]*PROMPT> /, { from: mark });
    await expect.poll(() => procState(child)).toBe('T');
    const resumed = sh.pty.text().length;
    sh.pty.write('fg\r');
    await sh.pty.waitFor('resumed 90x25 raw=true', { from: resumed });
    await sh.quit();
  });

  it('a child stopped before it set its SIGCONT handler, which then stops itself: fg continues it again', async () => {
    const sh = await startShell(bash);
    await sh.startWrapped('suspend', 'sleepy');
    const mark = sh.pty.text().length;
    sh.pty.write('\u001a');
    await sh.pty.waitFor(/Stopped[\s\S]*PROMPT> /, { from: mark });
    const resumed = sh.pty.text().length;
    sh.pty.write('fg\r');
    await sh.pty.waitFor('resumed 90x25 raw=true', { from: resumed });
    await sh.quit();
  });

  it('a child in line mode: Ctrl-Z stops it as the terminal would', async () => {
    const sh = await startShell(bash);
    const { child } = await sh.startWrapped('suspend', 'cooked');
    const mark = sh.pty.text().length;
    sh.pty.write('\u001a');
    await sh.pty.waitFor(/Stopped/, { from: mark });
    await sh.pty.waitFor(PROMPT, { from: mark });
    await expect.poll(() => procState(child)).toBe('T');
    const resumed = sh.pty.text().length;
    sh.pty.write('fg\r');
    await sh.pty.waitFor('resumed 90x25 raw=false', { from: resumed });
    await sh.quit(true);
  });

  it('a child in line mode that handles SIGTSTP and carries on: Ctrl-Z does nothing', async () => {
    const sh = await startShell(bash);
    await sh.startWrapped('suspend', 'catch');
    const mark = sh.pty.text().length;
    sh.pty.write('\u001a');
    await sh.pty.waitFor('caught SIGTSTP', { from: mark });
    sh.pty.write('hello\r');
    await sh.pty.waitFor('<68><65><6c><6c><6f><0a>', { from: mark });
    await sh.quit(true);
    expect(await sh.run('jobs; echo "jobs listed"')).not.toMatch(/Stopped/);
  });

  it('a raw-mode child that reads Ctrl-Z as a key: nothing is suspended', async () => {
    const sh = await startShell(bash, 'echo-raw');
    await sh.startWrapped('echo-raw');
    const mark = sh.pty.text().length;
    sh.pty.write('\u001a');
    await sh.pty.waitFor('<1a>', { from: mark });
    sh.pty.write('x');
    await sh.pty.waitFor('<78>', { from: mark });
    await sh.quit();
    expect(await sh.run('echo "status=$?"')).toContain('status=0');
  });

  it('SIGTSTP sent to claude-recover suspends both; fg gives raw mode back', async () => {
    const sh = await startShell(bash, 'echo-raw');
    const { child, wrapper } = await sh.startWrapped('echo-raw');
    const before = sh.pty.text().length;
    process.kill(wrapper, 'SIGTSTP');
    await sh.pty.waitFor(/Stopped/, { from: before });
    await sh.pty.waitFor(PROMPT, { from: before });
    await expect.poll(() => procState(child)).toBe('T');
    const resumed = sh.pty.text().length;
    sh.pty.write('fg\r');
    // The shell echoes `fg` and the job's name; then keystrokes are raw bytes for the child again.
    await sh.pty.waitFor(/fg[\s\S]*run --/, { from: resumed });
    await expect.poll(() => procState(child)).not.toBe('T');
    const typed = sh.pty.text().length;
    sh.pty.write('z');
    await sh.pty.waitFor('<7a>', { from: typed });
    await sh.quit();
  });
});

describe('hang-up while suspended', () => {
  it('ends claude and claude-recover by the hang-up when the shell goes away, nothing left behind', async () => {
    const sh = await startShell(SHELLS[0] as (typeof SHELLS)[number]);
    const status = path.join(tmp, `status-${sh.pty.pid}`);
    // A parent that outlives the hang-up records the wrapper's status.
    sh.pty.write(`bash -c 'trap "" HUP; ${RUN} claude; echo $? > ${status}'\r`);
    const text = await sh.pty.waitFor(/pid (\d+) ready/);
    const child = Number(/pid (\d+) ready/.exec(text)?.[1]);
    const wrapper = parentOf(child);
    started.push(child, wrapper);
    const mark = sh.pty.text().length;
    sh.pty.write('\u001a');
    await sh.pty.waitFor(/Stopped[\s\S]*PROMPT> /, { from: mark });
    // The shell dies at once (a hung-up bash may wait for readline before it acts): the job is an
    // orphaned group with stopped members, and the kernel sends it SIGHUP and SIGCONT.
    sh.pty.kill('SIGKILL');
    await expect.poll(() => [procState(child), procState(wrapper)], { timeout: 10_000 }).toEqual([null, null]);
    await expect.poll(() => (existsSync(status) ? readFileSync(status, 'utf8').trim() : null), { timeout: 10_000 }).toBe('129');
  });
});

describe('without a job-control shell', () => {
  it('continues claude instead of leaving it stopped, and says why once it has exited', async () => {
    // node-pty makes the wrapper a session leader's child in an orphaned group: it cannot stop.
    const run = spawnPty(process.execPath, [BIN, 'run', '--', 'claude'], { env: wrapperEnv(path.join(PROGRAMS, 'suspend')) });
    started.push(run.pid);
    await run.waitFor(/pid \d+ ready/);
    run.write('\u001a');
    await run.waitFor('resumed 100x30 raw=true');
    run.write('q');
    await run.waitFor('no job-control shell');
    expect((await run.exited).exitCode).toBe(0);
  });
});

describe("reading the child's terminal modes", () => {
  it('tells raw from line mode, and leaves the master non-blocking', async () => {
    const term = pty.spawn('/bin/sh', ['-c', 'stty raw -echo; echo raw; read x; stty sane; echo sane; read y'], { cols: 80, rows: 24 });
    started.push(term.pid);
    const internals = term as unknown as { _fd: number; ptsName: string };
    let out = '';
    term.onData((data) => (out += data));
    await expect.poll(() => out).toContain('raw');
    expect(await readChildModes(internals.ptsName)).toEqual({ canonical: false });
    // stty ran on the slave: the master's shared file status is untouched (a blocking read would hang here).
    expect(() => readSync(internals._fd, Buffer.alloc(16))).toThrow(/EAGAIN/);
    term.write('\n');
    await expect.poll(() => out).toContain('sane');
    expect(await readChildModes(internals.ptsName)).toEqual({ canonical: true });
    term.write('\r');
  });
});
