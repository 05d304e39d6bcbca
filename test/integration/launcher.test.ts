// The built bin in a real PTY against small fixture programs: what a user of
// `alias claude='claude-recover run --'` must not be able to tell apart from claude.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnPty } from '../support/pty-driver.js';
import { BIN, PROGRAMS, wrapperEnv } from '../support/paths.js';

/** The status a shell reports: the exit code, or 128 + the signal that ended the process. */
const shellStatus = (exit: { exitCode: number; signal: number }): number => (exit.signal ? 128 + exit.signal : exit.exitCode);

const program = (name: string): string => path.join(PROGRAMS, name);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'cr-launcher-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function runWrapped(name: string, args: string[] = [], options: { cols?: number; rows?: number } = {}) {
  return spawnPty(process.execPath, [BIN, 'run', '--', ...args], { env: wrapperEnv(program(name)), ...options });
}

describe('interactive passthrough', () => {
  it('passes keystrokes through in raw mode, byte for byte', async () => {
    const run = runWrapped('echo-raw');
    await run.waitFor('echo-raw ready');
    run.write(Buffer.from([0x03, 0x1b, 0x5b, 0x41, 0xc3, 0xa9, 0x0d]));
    await run.waitFor('<03><1b><5b><41><c3><a9><0d>');
    run.write('q');
    expect((await run.exited).exitCode).toBe(0);
  });

  it('ends with the child exit code', async () => {
    const run = runWrapped('exit-code', ['3']);
    await run.waitFor('exiting soon');
    expect(await run.exited).toEqual({ exitCode: 3, signal: 0 });
  });

  it('ends with 128 + the signal number when the child dies by a signal', async () => {
    const run = runWrapped('die-by-signal', ['SIGTERM']);
    expect((await run.exited).exitCode).toBe(128 + 15);
  });

  it.each([
    ['SIGTERM', 15],
    ['SIGHUP', 1],
    ['SIGINT', 2],
  ] as const)('relays %s sent to claude-recover to the child, and ends with 128 + n', async (signal, number) => {
    const run = runWrapped('wait-signal');
    await run.waitFor('waiting for a signal');
    run.kill(signal);
    if (signal !== 'SIGHUP') await run.waitFor(`got ${signal}`);
    // After SIGHUP the wrapper ends by the signal itself (a shell reports 129 either way).
    expect(shellStatus(await run.exited)).toBe(128 + number);
  });

  it('starts the child at the caller size and follows resizes', async () => {
    const run = runWrapped('winsize', [], { cols: 91, rows: 27 });
    await run.waitFor('size 91x27');
    run.resize(47, 19);
    await run.waitFor('size 47x19');
    run.write('q');
    expect((await run.exited).exitCode).toBe(0);
  });

  it('marks the child so a claude started inside claude is not wrapped again', async () => {
    const run = runWrapped('print-args', ['--version']);
    const text = await run.waitFor('"active"');
    expect(text).toContain('"args":["--version"]');
    expect(text).toContain('"active":"1"');
    expect(text).toContain('"stdinTTY":true');
  });
});

describe('exit paths restore the terminal', () => {
  // A shell in the outer PTY records the tty settings before and after the wrapper.
  it.each([
    ['a normal exit', 'exit-code 0'],
    ['an exit code', 'exit-code 3'],
    ['a child killed by a signal', 'die-by-signal SIGKILL'],
  ])('after %s', async (_label, command) => {
    const [name, arg] = command.split(' ') as [string, string];
    const before = path.join(tmp, `before-${name}-${arg}`);
    const after = path.join(tmp, `after-${name}-${arg}`);
    const script = `stty -g > ${before}; ${process.execPath} ${BIN} run -- ${arg}; echo "status=$?"; stty -g > ${after}; echo done-checking`;
    const run = spawnPty('/bin/sh', ['-c', script], { env: wrapperEnv(program(name)) });
    await run.waitFor('done-checking');
    await run.exited;
    expect(readFileSync(after, 'utf8')).toBe(readFileSync(before, 'utf8'));
  });
});

describe('byte-exact output', () => {
  // The outer terminal is util-linux `script`, independent of node-pty; its stdin is a
  // FIFO held open so it never injects an EOF into the session.
  it('delivers the last bytes of a 256 KiB burst written right before exit, exactly', () => {
    const fifo = path.join(tmp, 'stdin.fifo');
    execFileSync('mkfifo', [fifo]);
    const out = path.join(tmp, 'burst.out');
    const cmd = `exec 7<>${fifo}; script -qfec "${process.execPath} ${BIN} run -- 262144" /dev/null <&7 > ${out}`;
    for (let round = 0; round < 5; round++) {
      execFileSync('/bin/sh', ['-c', cmd], { env: wrapperEnv(program('burst')) });
      const expected = execFileSync(program('burst'), ['262144']);
      // The child's own PTY turns \n into \r\n (ONLCR); the outer side must add nothing.
      const received = readFileSync(out);
      expect(received.length).toBe(expected.length + expected.toString().split('\n').length - 1);
      expect(received.toString().replaceAll('\r\n', '\n')).toBe(expected.toString());
      expect(received.subarray(-12).toString()).toBe('END-OF-BURST');
    }
  });
});

describe('non-interactive', () => {
  it('pipes stdin and stdout through unchanged without a PTY', async () => {
    const payload = Buffer.from([0, 1, 2, 0x0d, 0x0a, 0xff, 0xfe, ...Buffer.from('héllo\n')]);
    const child = spawn(process.execPath, [BIN, 'run', '--', '-p', 'x'], { env: wrapperEnv(program('print-args')) });
    child.stdin.end(payload);
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    const info = JSON.parse(Buffer.concat(chunks).toString()) as { args: string[]; stdinTTY: boolean; stdoutTTY: boolean; stdin: string };
    expect(info.args).toEqual(['-p', 'x']);
    expect(info.stdinTTY).toBe(false);
    expect(info.stdoutTTY).toBe(false);
    expect(Buffer.from(info.stdin, 'base64')).toEqual(payload);
  });

  it.each([
    [['mcp', 'list'], ['mcp', 'list']],
    [['config', 'get', 'theme'], ['config', 'get', 'theme']],
    [['--version'], ['--version']],
    [['update'], ['update']],
    [['--help'], ['--help']],
    [['--', '--model', 'x', 'a b'], ['--model', 'x', 'a b']],
    [['--', '--', '-p'], ['--', '-p']],
    [['-p', '--output-format', 'json', 'run --'], ['-p', '--output-format', 'json', 'run --']],
  ])('hands %j to claude as %j', (given, expected) => {
    const out = execFileSync(process.execPath, [BIN, 'run', ...given], { env: wrapperEnv(program('print-args')), input: '' });
    expect((JSON.parse(out.toString()) as { args: string[] }).args).toEqual(expected);
  });

  it('keeps the child exit code', () => {
    let status: number | null = null;
    try {
      execFileSync(process.execPath, [BIN, 'run', '--', '7'], { env: wrapperEnv(program('exit-code')), stdio: 'pipe' });
    } catch (error) {
      status = (error as { status: number }).status;
    }
    expect(status).toBe(7);
  });
});

describe('fail open', () => {
  it('runs claude anyway after one line naming a bad config value', async () => {
    const configHome = path.join(tmp, 'bad-config');
    mkdirSync(path.join(configHome, 'claude-recover'), { recursive: true });
    writeFileSync(path.join(configHome, 'claude-recover', 'config.json'), '{"promptRestore": "sometimes"}');
    const run = spawnPty(process.execPath, [BIN, 'run', '--', '4'], {
      env: wrapperEnv(program('exit-code'), { XDG_CONFIG_HOME: configHome }),
    });
    const text = await run.waitFor('exiting soon');
    expect(text).toContain('promptRestore');
    expect(text).toContain('sometimes');
    expect((await run.exited).exitCode).toBe(4);
  });

  it('runs claude anyway after one line when the config file is not JSON', async () => {
    const configHome = path.join(tmp, 'broken-config');
    mkdirSync(path.join(configHome, 'claude-recover'), { recursive: true });
    writeFileSync(path.join(configHome, 'claude-recover', 'config.json'), '{ not json');
    const result = spawnSync(process.execPath, [BIN, 'run', '--', 'hello'], {
      env: wrapperEnv(program('print-args'), { XDG_CONFIG_HOME: configHome }),
      input: '',
    });
    expect(result.status).toBe(0);
    expect((JSON.parse(result.stdout.toString()) as { args: string[] }).args).toEqual(['hello']);
    const lines = result.stderr.toString().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/config\.json/);
  });
});

describe('missing claude', () => {
  it('says where it looked and exits 127', () => {
    const env = wrapperEnv('', { PATH: '/nonexistent', HOME: tmp });
    delete env.CLAUDE_RECOVER_CLAUDE;
    let error: { status: number; stderr: Buffer } | null = null;
    try {
      execFileSync(process.execPath, [BIN, 'run', '--', '--version'], { env, stdio: 'pipe' });
    } catch (caught) {
      error = caught as { status: number; stderr: Buffer };
    }
    expect(error?.status).toBe(127);
    const stderr = error?.stderr.toString() ?? '';
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('CLAUDE_RECOVER_CLAUDE');
    expect(stderr).toContain('PATH');
  });
});
