// The demo: the mock API, a throwaway HOME, and the real Claude Code CLI with claude-recover in
// front, in the user's own terminal, so someone without an account sees a session hit the
// 1M-context credits gate after a couple of prompts and come back by itself.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';
import { createFileSink } from '../log/sink.js';
import type { LogEntry } from '../log/types.js';
import { stateDir } from '../paths.js';
import { terminalColumns, wrapText } from '../ui/width.js';
import { createClaudeHome } from './claude-home.js';
import { ensureClaude } from './claude-cli.js';
import { startMockApi, type MockRequest } from './mock-api.js';

const BIN = fileURLToPath(new URL('../../bin/claude-recover.js', import.meta.url));

export interface DemoOptions {
  /** A claude binary to use instead of the cached install. */
  claude?: string;
  /** The Claude Code version to install/use. Default DEMO_CLAUDE_VERSION. */
  claudeVersion: string;
  /** Keep the throwaway home afterwards (to look at the transcript and log). */
  keep: boolean;
  /** Start without waiting for Enter. */
  yes: boolean;
  /** Which prompt the gate refuses (the first is 1). */
  gateAt: number;
}

/** The model the demo runs with: a 1M one, so the 2.1.330 CLI shows the gate instead of compacting by itself. */
export const DEMO_MODEL = 'claude-sonnet-4-6[1m]';

/**
 * Writes to stderr, each line fitted to the terminal: broken at spaces, continuation lines
 * indented under the line's own text (two further for an indented item), so nothing wraps
 * mid-word on a narrow terminal.
 */
const say = (text = ''): void => {
  const columns = terminalColumns(process.stderr);
  const lines = text.split('\n').map((line) => {
    const indent = /^ */.exec(line)?.[0].length ?? 0;
    return ' '.repeat(indent) + wrapText(line.slice(indent), columns - indent, indent === 0 ? 0 : 2).replace(/\n/g, `\n${' '.repeat(indent)}`);
  });
  process.stderr.write(`${lines.join('\n')}\n`);
};

/** Runs the demo; resolves with the exit code. */
export async function runDemo(options: DemoOptions): Promise<number> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new UserError('expected a terminal for the demo (it runs claude interactively), got a pipe; run it in a terminal');
  }
  if (!Number.isInteger(options.gateAt) || options.gateAt < 1) {
    throw new UserError(`expected --gate-at to be a whole number ≥ 1, got ${String(options.gateAt)}`);
  }
  const claudePath = options.claude ?? (await ensureClaude(options.claudeVersion, { onProgress: (line) => say(`claude-recover demo: ${line}`) }));
  if (!existsSync(claudePath)) throw new UserError(`expected a claude binary at ${claudePath}, found none`);

  // Prompt n carries n-1 answers (base + (n-1)·perTurn): only prompt `gateAt` lands past 200K.
  const window = 200_000;
  const tokensPerTurn = 40_000;
  const baseTokens = Math.max(window - (options.gateAt - 1) * tokensPerTurn + tokensPerTurn / 2, 10_000);
  const api = await startMockApi({ baseTokens, tokensPerTurn, window, gate: 'over-window', chunkDelayMs: 15 });
  const home = createClaudeHome({ apiUrl: api.url, auth: 'oauth-subscription', cwdName: 'demo-project' });
  try {
    say('');
    say('claude-recover demo');
    say(`  Claude Code:  ${claudePath}`);
    say(`  mock API:     ${api.url} (no account, nothing leaves this machine)`);
    say(`  throwaway home: ${home.home}`);
    say('');
    say(`The mock reports a context of ${Math.round(baseTokens / 1000)}K tokens that grows ${tokensPerTurn / 1000}K with every answer, and the session runs ${DEMO_MODEL}, so prompt ${options.gateAt} is refused with`);
    say('  "API Error: Usage credits required for 1M context · …"');
    say('claude-recover sees it, compacts the same session with Haiku, resumes it with claude-sonnet-4-6 and puts your blocked prompt back in the input box: press Enter to send it.');
    say('');
    say(`What to type: ${options.gateAt} short prompts, each followed by Enter (e.g. "hello", "tell me more", "and then?").`);
    say('Leave with /exit.');
    say('');
    if (!options.yes) await waitForEnter('Press Enter to start… ');

    const env = home.env({ CLAUDE_RECOVER_CLAUDE: claudePath });
    // The user's own claude-recover overrides would make the demo behave differently from its script.
    for (const name of Object.keys(env)) if (name.startsWith('CLAUDE_RECOVER_') && name !== 'CLAUDE_RECOVER_CLAUDE') delete env[name];
    const code = await runWrapped(['run', '--', '--model', DEMO_MODEL], home.cwd, env);

    say('');
    say('claude-recover demo: what happened');
    say(summarizeRequests(api.requests));
    const gateHit = api.requests.some((r) => r.status === 429);
    const entries = readEvents(path.join(stateDir(env), 'events.jsonl'));
    for (const line of summarizeEvents(entries, gateHit)) say(line);
    const kept = keepInUserLog(entries);
    if (kept !== null) say(`  also logged to ${kept}: \`claude-recover log\` and \`claude-recover stats\` show it (its cwd is the demo's)`);
    if (options.keep) say(`  kept: ${home.home} (transcripts under .claude/projects, the log under .local/state/claude-recover)`);
    return code;
  } finally {
    await api.close();
    if (!options.keep) home.remove();
  }
}

function waitForEnter(question: string): Promise<void> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    rl.question(question, () => {
      rl.close();
      resolve();
    });
  });
}

/** claude-recover itself in a child process that owns the terminal; resolves with its exit code. */
function runWrapped(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: 'inherit' });
    // The child reads the keyboard in raw mode, so Ctrl-C is a key for claude, not a signal
    // here; a signal from outside (kill, a closed terminal) goes to the child, which relays it.
    const relay = (signal: NodeJS.Signals): void => {
      child.kill(signal);
    };
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    for (const signal of signals) process.on(signal, relay);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      for (const s of signals) process.off(s, relay);
      resolve(code ?? 128 + (signal === null ? 1 : signalNumber(signal)));
    });
  });
}

function signalNumber(signal: NodeJS.Signals): number {
  const numbers: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
  return numbers[signal] ?? 1;
}

/**
 * Appends the demo's entries to the person's own log, so that `log` and `stats` right after
 * the demo show what it did (its throwaway home, log included, is deleted). Returns the log
 * file, or null when there was nothing to add or it could not be written (said once).
 */
export function keepInUserLog(entries: readonly LogEntry[], env: NodeJS.ProcessEnv = process.env): string | null {
  if (entries.length === 0) return null;
  let failed = false;
  const sink = createFileSink({
    env,
    report: (message) => {
      failed = true;
      say(`  could not add the demo's entries to your log: ${message}`);
    },
  });
  for (const entry of entries) sink.write(entry);
  return failed ? null : sink.file;
}

function readEvents(file: string): LogEntry[] {
  if (!existsSync(file)) return [];
  const entries: LogEntry[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      entries.push(JSON.parse(line) as LogEntry);
    } catch {
      // a torn last line: skip it
    }
  }
  return entries;
}

/** One line a request kind: how many, with which models and statuses. */
export function summarizeRequests(requests: readonly MockRequest[]): string {
  const groups = new Map<string, number>();
  for (const r of requests) {
    if (r.kind === 'other') continue;
    const key = `${r.kind} ${r.model ?? '?'}${r.betas.includes('context-1m-2025-08-07') ? ' (1M)' : ''} → ${r.status}`;
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  const lines = [...groups].map(([key, count]) => `  ${String(count).padStart(2)} × ${key}`);
  return lines.length > 0 ? `  requests the mock API answered:\n${lines.join('\n')}` : '  the mock API got no requests';
}

/** The event log, one short line an entry. */
export function summarizeEvents(entries: readonly LogEntry[], gateHit: boolean): string[] {
  if (entries.length === 0) {
    return [gateHit ? '  the gate was hit, but claude-recover logged nothing' : '  claude-recover logged nothing (the gate was not hit)'];
  }
  const lines = ['  claude-recover logged:'];
  for (const entry of entries) {
    switch (entry.type) {
      case 'detected':
        lines.push(`    detected the gate (case ${entry.case}, ${entry.contextTokens ?? '?'} tokens): ${entry.reason}`);
        break;
      case 'step':
        lines.push(`    step ${entry.name}${entry.model ? ` (${entry.model})` : ''}: ${entry.ok ? 'ok' : 'failed'} in ${entry.durationMs} ms`);
        break;
      case 'recovered':
        lines.push(`    recovered by ${entry.worked}, ${(entry.totalMs / 1000).toFixed(1)} s from the gate until the prompt was back in the box`);
        break;
      case 'gave-up':
        lines.push(`    gave up: ${entry.reason}`);
        break;
      default:
        lines.push(`    ${entry.type}`);
    }
  }
  return lines;
}
