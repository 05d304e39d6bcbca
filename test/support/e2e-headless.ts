// Headless end-to-end runs: the mock API, an isolated HOME and the real Claude Code CLI, with
// claude-recover's built bin in between (`run -- -p …`, or bin/claude-recover-sdk as the Agent
// SDK's pathToClaudeCodeExecutable), reading back stdout, stderr, exit status, the mock's
// request log, transcripts and the event log.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { startMockApi, type MockApi, type MockApiOptions, type MockRequest } from '../../src/demo/mock-api.js';
import type { LogEntry } from '../../src/log/types.js';
import { ensureClaude } from './claude-cli.js';
import { createClaudeHome, readEvents, type AuthKind, type ClaudeHome } from './claude-home.js';
import { ROOT } from './paths.js';

export { until } from './e2e.js';

export const BIN = path.join(ROOT, 'bin', 'claude-recover.js');
export const SDK_LAUNCHER = path.join(ROOT, 'bin', 'claude-recover-sdk');

export interface HeadlessWorld {
  api: MockApi;
  home: ClaudeHome;
  /** The real claude. */
  claudePath: string;
  /** The environment for the wrapper (CLAUDE_RECOVER_CLAUDE at the real claude) or claude itself. */
  env: NodeJS.ProcessEnv;
  requests(...kinds: MockRequest['kind'][]): MockRequest[];
  events(): LogEntry[];
  close(): Promise<void>;
}

export async function startWorld(options: { version?: string; auth?: AuthKind; mock?: MockApiOptions } = {}): Promise<HeadlessWorld> {
  if (!existsSync(path.join(ROOT, 'dist', 'cli.js'))) throw new Error('expected a built claude-recover (dist/cli.js), found none: run `npm run build` first');
  const claudePath = await ensureClaude(options.version ?? '2.1.332');
  const api = await startMockApi(options.mock ?? {});
  const home = createClaudeHome({ apiUrl: api.url, auth: options.auth ?? 'oauth-subscription' });
  const env = home.env({ CLAUDE_RECOVER_CLAUDE: claudePath });
  delete env.NODE_OPTIONS;
  delete env.VITEST;
  delete env.CLAUDE_RECOVER_ACTIVE;
  return {
    api,
    home,
    claudePath,
    env,
    requests: (...kinds) => api.requests.filter((r) => kinds.length === 0 || kinds.includes(r.kind)),
    events: () => readEvents(home),
    async close() {
      await api.close();
      home.remove();
    },
  };
}

export interface Finished {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Running {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  finished: Promise<Finished>;
}

/** Starts `claude-recover run -- <args>` (or claude itself with `direct`) in the world's project. */
export function start(world: HeadlessWorld, args: string[], options: { direct?: boolean; stdin?: 'ignore' | 'pipe' } = {}): Running {
  const [file, argv] = options.direct ? [world.claudePath, args] : [process.execPath, [BIN, 'run', '--', ...args]];
  const child = spawn(file, argv, { cwd: world.home.cwd, env: world.env, stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const finished = new Promise<Finished>((resolve) => child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr })));
  return { child, stdout: () => stdout, stderr: () => stderr, finished };
}

/** Runs `claude-recover run -- <args>` (or claude with `direct`) to the end. */
export function runToEnd(world: HeadlessWorld, args: string[], options: { direct?: boolean } = {}): Promise<Finished> {
  return start(world, args, options).finished;
}

/** Prompt 1 reports 150K, prompt 2 190K, prompt 3 would be 230K with the 1M beta: refused. */
export const GATE_ON_THIRD: MockApiOptions = { baseTokens: 150_000, tokensPerTurn: 40_000, gate: 'over-window' };
export const ONE_M_MODEL = 'claude-sonnet-4-6[1m]';
export const STANDARD_MODEL = 'claude-sonnet-4-6';
export const HAIKU = 'claude-haiku-4-5-20251001';

/** The pids of processes whose working directory is `dir` (claude children left behind). */
export function processesIn(dir: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readlinkSync(`/proc/${name}/cwd`) === dir) pids.push(Number(name));
    } catch {
      // Gone, or not ours to look at.
    }
  }
  return pids;
}
