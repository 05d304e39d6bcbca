// What the capture scripts share: the real CLI in a PTY whose output is recorded, with waits
// on content (never fixed sleeps), and `claude -p` with stdin closed.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const pty = createRequire(import.meta.url)('@lydell/node-pty');

/** A CLI in a PTY whose output is recorded; waits are on content. */
/**
 * `screenText` turns the raw output into searchable text (each script has its own idea of
 * which escapes to drop); waits are on that text.
 */
export function launch(bin, args, { cols, cwd, env, screenText }) {
  const chunks = [];
  let exited = null;
  const term = pty.spawn(bin, args, { name: 'xterm-256color', cols, rows: 30, cwd, env, encoding: null });
  term.onData((data) => chunks.push(Buffer.isBuffer(data) ? data : Buffer.from(data)));
  const exit = new Promise((resolve) => term.onExit((e) => { exited = e; resolve(e); }));
  const raw = () => Buffer.concat(chunks);
  const text = () => screenText(raw().toString('utf8'));
  async function waitFor(pattern, { from = 0, timeoutMs = 30_000 } = {}) {
    const start = Date.now();
    for (;;) {
      const hay = text().slice(from);
      if (typeof pattern === 'string' ? hay.includes(pattern) : pattern.test(hay)) return;
      if (exited) throw new Error(`exited before ${pattern}:\n${hay.slice(-1500)}`);
      if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${pattern}:\n${hay.slice(-1500)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  /** Waits until no output arrived for quietMs (the TUI settled after a redraw). */
  async function settle(quietMs, timeoutMs = 15_000) {
    const start = Date.now();
    let last = chunks.length;
    let since = Date.now();
    while (Date.now() - start < timeoutMs) {
      await new Promise((r) => setTimeout(r, 100));
      if (chunks.length !== last) { last = chunks.length; since = Date.now(); }
      else if (Date.now() - since >= quietMs) return;
    }
  }
  /** Types like a user: the text, then Enter on its own once the text shows, again if it was dropped. */
  async function type(line, expect) {
    const from = text().length;
    term.write(line);
    await waitFor(line.slice(-12), { from });
    const before = text().length;
    term.write('\r');
    try {
      await waitFor(expect, { from: before, timeoutMs: 4_000 });
    } catch {
      term.write('\r');
      await waitFor(expect, { from: before, timeoutMs: 30_000 });
    }
    return before;
  }
  /** Types a command and presses Enter (again if dropped) until the CLI exits. */
  async function exitWith(command) {
    const from = text().length;
    term.write(command);
    await waitFor(command, { from });
    for (let i = 0; i < 3 && !exited; i++) {
      term.write('\r');
      await Promise.race([exit, new Promise((r) => setTimeout(r, 4_000))]);
    }
    return exited;
  }
  return { raw, text, waitFor, settle, type, exit, exitWith, write: (d) => term.write(d), kill: () => { try { term.kill(); } catch { /* gone */ } } };
}

/** `claude -p …` with stdin closed (an open, silent stdin makes -p wait 3 s and warn). */
export function runHeadless(bin, args, { cwd, env }) {
  return new Promise((resolve) => {
    const child = spawn(bin, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
