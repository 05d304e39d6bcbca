// One end-to-end session: the mock API, an isolated HOME, and `claude-recover run -- <args>`
// (the built bin) around the real Claude Code CLI in a real PTY; typing like a user and
// reading back the screen, the mock's request log, the transcript and the event log.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LogEntry } from '../../src/log/types.js';
import { GATE_BETA, startMockApi, type MockApi, type MockApiOptions, type MockRequest } from '../../src/demo/mock-api.js';
import type { TranscriptRecord } from '../../src/transcript/records.js';
import { ensureClaude } from './claude-cli.js';
import { createClaudeHome, readEvents, readTranscript, transcriptFiles, transcriptPath, type AuthKind, type ClaudeHome } from './claude-home.js';
import { spawnPty, type PtyRun } from './pty-driver.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = path.join(ROOT, 'bin', 'claude-recover.js');

export const HAIKU = 'claude-haiku-4-5-20251001';
export const STANDARD_MODEL = 'claude-sonnet-4-6';
export const ONE_M_MODEL = 'claude-sonnet-4-6[1m]';

export interface E2eOptions {
  /** Claude Code version from the e2e cache. Default 2.1.332. */
  version?: string;
  /** Default oauth-subscription. */
  auth?: AuthKind;
  /** Passed as --model. Default claude-sonnet-4-6[1m]. */
  model?: string;
  /** Further claude arguments. */
  args?: string[];
  cols?: number;
  rows?: number;
  mock?: MockApiOptions;
  /** Extra environment (e.g. CLAUDE_RECOVER_* config overrides). */
  env?: NodeJS.ProcessEnv;
  /** Run the real claude directly, without claude-recover (to check the set-up itself). */
  direct?: boolean;
}

export interface E2eSession {
  readonly api: MockApi;
  readonly home: ClaudeHome;
  readonly pty: PtyRun;
  readonly claudePath: string;
  /** The session id the CLI sent with its first chat request, or null before it sent one. */
  sessionId(): string | null;
  /** Requests of these kinds (all when none given). */
  requests(...kinds: MockRequest['kind'][]): MockRequest[];
  /** Types a prompt, then Enter on its own; resolves once the mock received it (Enter resent if dropped). */
  typePrompt(text: string): Promise<void>;
  /** Types a slash command and Enter (no request expected); resolves with the screen offset before Enter. */
  typeCommand(text: string): Promise<number>;
  /**
   * Waits until the model's answer to this prompt is in a transcript of the home. (The screen is
   * no use for this: the TUI redraws only the cells that changed, so a repeated phrase may never
   * be written out whole.)
   */
  waitForAnswer(prompt: string, timeoutMs?: number): Promise<void>;
  /** Waits for the text on screen (after `from`). */
  waitFor(pattern: string | RegExp, options?: { timeoutMs?: number; from?: number }): Promise<string>;
  /** The current length of the screen text, to search only what comes after. */
  mark(): number;
  events(): LogEntry[];
  /** The transcript of the first session (empty before it exists). */
  transcript(): TranscriptRecord[];
  /** Kills whatever still runs, stops the mock, removes the home. */
  close(): Promise<void>;
}

/** Resolves once check() returns a value that is not undefined; polls on a short interval. */
export async function until<T>(check: () => T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts the mock, the home and the wrapped (or direct) claude, and waits for its input box. */
export async function startSession(options: E2eOptions = {}): Promise<E2eSession> {
  if (!options.direct && !existsSync(path.join(ROOT, 'dist', 'cli.cjs'))) {
    throw new Error('expected a built claude-recover (dist/cli.cjs, the bundle the bin runs), found none: run `npm run build` first');
  }
  const claudePath = await ensureClaude(options.version ?? '2.1.332');
  const api = await startMockApi(options.mock ?? {});
  const home = createClaudeHome({ apiUrl: api.url, auth: options.auth ?? 'oauth-subscription' });
  const claudeArgs = ['--model', options.model ?? ONE_M_MODEL, ...(options.args ?? [])];
  const env = home.env({ CLAUDE_RECOVER_CLAUDE: claudePath, ...options.env });
  const [file, args] = options.direct ? [claudePath, claudeArgs] : [process.execPath, [BIN, 'run', '--', ...claudeArgs]];
  const pty = spawnPty(file, args, { cols: options.cols ?? 70, rows: options.rows ?? 30, cwd: home.cwd, env });

  let closed = false;
  let exited = false;
  void pty.exited.then(() => {
    exited = true;
  });
  const session: E2eSession = {
    api,
    home,
    pty,
    claudePath,
    sessionId: () => api.requests.find((r) => r.kind === 'chat' && r.sessionId !== null)?.sessionId ?? null,
    requests: (...kinds) => api.requests.filter((r) => kinds.length === 0 || kinds.includes(r.kind)),
    async typePrompt(text) {
      const from = pty.text().length;
      pty.write(text);
      await pty.waitFor(text, { from });
      const before = api.requests.length;
      const received = (): true | undefined =>
        api.requests.slice(before).some((r) => r.lastUserText.endsWith(text)) ? true : undefined;
      // Some versions drop an Enter sent right after the text: press it again until the
      // prompt reaches the API.
      for (let attempt = 1; ; attempt++) {
        pty.write('\r');
        try {
          await until(received, `the mock to receive "${text}"`, 4_000);
          return;
        } catch (error) {
          if (attempt === 3) throw error;
        }
      }
    },
    async typeCommand(text) {
      const from = pty.text().length;
      pty.write(text);
      await pty.waitFor(text, { from });
      const before = pty.text().length;
      pty.write('\r');
      return before;
    },
    async waitForAnswer(prompt, timeoutMs = 20_000) {
      const said = `you said "${prompt}"`;
      await until(
        () =>
          transcriptFiles(home).some((file) =>
            readTranscript(file).some((r) => r.type === 'assistant' && JSON.stringify(r.message?.content ?? '').includes(JSON.stringify(said).slice(1, -1))),
          )
            ? true
            : undefined,
        `the answer to "${prompt}" in the transcript`,
        timeoutMs,
      );
    },
    waitFor: (pattern, waitOptions) => pty.waitFor(pattern, waitOptions),
    mark: () => pty.text().length,
    events: () => readEvents(home),
    transcript() {
      const id = session.sessionId();
      const file = id === null ? null : transcriptPath(home, id);
      return file === null ? [] : readTranscript(file);
    },
    async close() {
      if (closed) return;
      closed = true;
      if (!exited) {
        // SIGTERM first: the wrapper relays it to claude and waits for it, so no CLI is left behind.
        pty.kill('SIGTERM');
        const gone = await Promise.race([pty.exited.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 5_000))]);
        if (!gone) {
          pty.kill('SIGKILL');
          await pty.exited;
        }
      }
      await api.close();
      home.remove();
    },
  };
  await pty.waitFor('❯', { timeoutMs: 30_000 });
  return session;
}

/** Types /exit and resolves with the exit of the wrapper (Enter resent if dropped). */
export async function exitSession(session: E2eSession): Promise<{ exitCode: number; signal: number }> {
  await session.typeCommand('/exit');
  for (let attempt = 1; attempt < 3; attempt++) {
    const done = await Promise.race([
      session.pty.exited,
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 4_000)),
    ]);
    if (done !== null) return done;
    session.pty.write('\r');
  }
  return session.pty.exited;
}

export const carries1M = (request: MockRequest): boolean => request.betas.includes(GATE_BETA);
