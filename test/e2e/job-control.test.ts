// Ctrl-Z and fg around the real claude, through an interactive bash in a PTY (job control needs
// a shell: a wrapper started by node-pty alone is in an orphaned group and cannot stop).
import { spawnSync } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startMockApi, type MockApi } from '../../src/demo/mock-api.js';
import { ensureClaude } from '../support/claude-cli.js';
import { createClaudeHome, type ClaudeHome } from '../support/claude-home.js';
import { until } from '../support/e2e.js';
import { BIN, wrapperEnv } from '../support/paths.js';
import { spawnPty, type PtyRun } from '../support/pty-driver.js';

const PROMPT = 'PROMPT> ';
let api: MockApi | null = null;
let home: ClaudeHome | null = null;
let shell: PtyRun | null = null;
afterEach(async () => {
  shell?.kill('SIGKILL');
  await api?.close();
  home?.remove();
  [api, home, shell] = [null, null, null];
});

function stat(pid: number): string[] {
  const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

function childrenOf(pid: number): number[] {
  return readFileSync(`/proc/${pid}/task/${pid}/children`, 'latin1').trim().split(' ').filter(Boolean).map(Number);
}

/** Whether the terminal on a process's stdin is in line mode (ICANON), as stty reads it. */
function canonical(pid: number): boolean {
  const tty = readlinkSync(`/proc/${pid}/fd/0`);
  const words = spawnSync('stty', ['-a', '-F', tty], { encoding: 'utf8' }).stdout.split(/[\s;]+/);
  return !words.includes('-icanon');
}

// 2.1.332 raises SIGTSTP on its group (discarded under a PTY); 2.1.100 raises SIGSTOP on itself.
describe.each(['2.1.332', '2.1.100'])('job control around the real claude %s in bash', (version) => {
  it('Ctrl-Z gives the shell the terminal with both stopped; fg brings the session back, raw, and it keeps working', async () => {
    const claudePath = await ensureClaude(version);
    api = await startMockApi({ gate: 'off' });
    home = createClaudeHome({ apiUrl: api.url, auth: 'oauth-subscription' });
    const sh = spawnPty('bash', ['--norc', '--noprofile', '-i'], {
      cwd: home.cwd,
      env: wrapperEnv(claudePath, home.env({ PS1: PROMPT, HISTFILE: '/dev/null' })),
      cols: 90,
      rows: 30,
    });
    shell = sh;
    await sh.waitFor(PROMPT);
    sh.write(`${process.execPath} ${BIN} run -- --model claude-sonnet-4-6\r`);
    await sh.waitFor('❯', { timeoutMs: 30_000 });
    const [wrapper] = childrenOf(sh.pid);
    const claude = childrenOf(wrapper as number).find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes('claude')) as number;
    const mockApi = api;

    const ask = async (text: string): Promise<void> => {
      const from = sh.text().length;
      sh.write(text);
      await sh.waitFor(text, { from });
      const before = mockApi.requests.length;
      for (let attempt = 1; ; attempt++) {
        sh.write('\r');
        try {
          await until(() => (mockApi.requests.slice(before).some((r) => r.lastUserText.endsWith(text)) ? true : undefined), `the mock to receive "${text}"`, 4_000);
          return;
        } catch (error) {
          if (attempt === 3) throw error;
        }
      }
    };
    await ask('before suspend');

    const suspended = sh.text().length;
    sh.write('\u001a');
    await sh.waitFor(/suspended/, { from: suspended });
    await sh.waitFor(/Stopped[\s\S]*PROMPT> /, { from: suspended });
    expect(stat(wrapper as number)[0]).toBe('T');
    // SIGSTOP takes effect when the CLI's threads are next scheduled.
    await expect.poll(() => stat(claude)[0]).toBe('T');
    const echoed = sh.text().length;
    sh.write('echo "the shell has it"\r');
    await sh.waitFor(/the shell has it\s+PROMPT> /, { from: echoed });

    sh.resize(100, 32);
    const resumed = sh.text().length;
    sh.write('fg\r');
    await sh.waitFor('❯', { from: resumed, timeoutMs: 20_000 });
    await expect.poll(() => stat(claude)[0]).not.toBe('T');
    // Raw on both sides again: the CLI's PTY and the user's terminal.
    await expect.poll(() => canonical(claude)).toBe(false);
    expect(canonical(wrapper as number)).toBe(false);
    await ask('after fg');
    expect(api.requests.filter((r) => r.kind === 'chat').map((r) => r.lastUserText)).toEqual(['before suspend', 'after fg']);

    const exiting = sh.text().length;
    sh.write('/exit');
    await sh.waitFor('/exit', { from: exiting });
    sh.write('\r');
    await sh.waitFor(PROMPT, { from: exiting, timeoutMs: 20_000 });
    const status = sh.text().length;
    sh.write('echo "status=$?"\r');
    await sh.waitFor('status=0', { from: status });
  });
});
