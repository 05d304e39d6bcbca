// What a process the child leaves behind writes to the terminal after the child exits: with
// claude alone it appears, so the wrapper reads the PTY until EOF (bounded) before it ends.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnPty } from '../support/pty-driver.js';
import { BIN, PROGRAMS, wrapperEnv } from '../support/paths.js';

const holders: number[] = [];
afterEach(() => {
  for (const pid of holders.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
});

function alive(pid: number): boolean {
  try {
    return !readFileSync(`/proc/${pid}/stat`, 'latin1').includes(') Z ');
  } catch {
    return false;
  }
}

const runWrapped = (args: string[]) => spawnPty(process.execPath, [BIN, 'run', '--', ...args], { env: wrapperEnv(path.join(PROGRAMS, 'late-output')) });

describe('output of a background process after the child exits', () => {
  it('reaches the terminal, every line, before the wrapper ends with the child status', async () => {
    const run = runWrapped(['4', '60']);
    const exit = await run.exited;
    expect(exit.exitCode).toBe(0);
    const text = run.text();
    expect(text).toContain('child exiting');
    expect(text.match(/LATE-\d/g)).toEqual(['LATE-1', 'LATE-2', 'LATE-3', 'LATE-4']);
  });

  it('does not keep the wrapper waiting for a silent process that holds the terminal', async () => {
    const run = runWrapped(['hold']);
    const holder = Number(/holder (\d+)/.exec(await run.waitFor(/holder \d+/))?.[1]);
    holders.push(holder);
    expect((await run.exited).exitCode).toBe(0);
    // The wrapper ended on its bound, not because the holder let go.
    expect(alive(holder)).toBe(true);
  });
});
