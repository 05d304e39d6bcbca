// The user's terminal: raw mode with output post-processing off, so the child's bytes
// reach the screen exactly as written, and a restore that is safe to call on every exit
// path (it runs at most once).
import { spawnSync } from 'node:child_process';
import { fstatSync } from 'node:fs';
import type { ReadStream, WriteStream } from 'node:tty';

export class UserTerminal {
  private raw = false;
  private opostOffOnOtherDevice = false;

  constructor(
    readonly input: ReadStream,
    readonly output: WriteStream,
    private readonly fds: { input: number; output: number } = { input: 0, output: 1 },
  ) {}

  size(): { cols: number; rows: number } {
    return { cols: this.output.columns || 80, rows: this.output.rows || 24 };
  }

  /**
   * Asks the terminal for its size again: a resize made while claude-recover was stopped sent
   * its SIGWINCH to the shell, not to us. Node's own refresh (a 'resize' event if it changed).
   */
  refreshSize(): void {
    try {
      (this.output as unknown as { _refreshSize?: () => void })._refreshSize?.();
    } catch {
      // Not a terminal any more.
    }
  }

  /**
   * Raw mode on the input. setRawMode keeps OPOST/ONLCR on (libuv forces ONLCR), which
   * would turn the child's \n into \r\n a second time and cost a quarter of the
   * throughput, so output post-processing is switched off with stty on the output's tty.
   * setRawMode(false) restores the termios libuv saved before raw mode, OPOST included.
   */
  enterRaw(): void {
    if (this.raw) return;
    this.input.setRawMode(true);
    this.raw = true;
    const result = spawnSync('stty', ['-opost'], { stdio: [this.fds.output, 'ignore', 'ignore'] });
    if (result.status === 0 && !sameDevice(this.fds.input, this.fds.output)) this.opostOffOnOtherDevice = true;
  }

  restore(): void {
    if (!this.raw) return;
    this.raw = false;
    try {
      this.input.setRawMode(false);
    } catch {
      // The terminal may be gone (SIGHUP); nothing left to restore.
    }
    if (this.opostOffOnOtherDevice) {
      spawnSync('stty', ['opost'], { stdio: [this.fds.output, 'ignore', 'ignore'] });
      this.opostOffOnOtherDevice = false;
    }
  }

}

function sameDevice(a: number, b: number): boolean {
  try {
    return fstatSync(a).rdev === fstatSync(b).rdev;
  } catch {
    return true;
  }
}
