// Test support for recovery: an isolated Claude config dir and state dir with a session's
// transcript in place, synthetic transcripts with image blocks, and a ChildControl that
// records what recovery asked of the terminal.
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildControl, Notice, Progress, RespawnOptions, StopResult } from '../../src/recovery/types.js';
import { projectDirName } from '../../src/transcript/locate.js';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FAKE_CLAUDE = path.join(REPO, 'test', 'fixtures', 'fake-claude', 'claude');
export const REAL_TRANSCRIPTS = path.join(REPO, 'test', 'fixtures', 'real', 'transcripts');
/** The session id of a real capture (its records' sessionId). */
export function captureSession(name: string): string {
  for (const line of readFileSync(path.join(REAL_TRANSCRIPTS, name), 'utf8').split('\n')) {
    const id = line ? (JSON.parse(line) as { sessionId?: unknown }).sessionId : undefined;
    if (typeof id === 'string') return id;
  }
  throw new Error(`expected a sessionId in ${name}, got none`);
}

/** The session id inside the real 2.1.330 gate capture the tests use most. */
export const REAL_SESSION = captureSession('2.1.330-oauth-sub-70-gate.jsonl');

export interface RecoveryHome {
  root: string;
  cwd: string;
  configDir: string;
  stateDir: string;
  projectDir: string;
  env: NodeJS.ProcessEnv;
  transcript(sessionId: string): string;
  cleanup(): void;
}

/** A temporary HOME with a project cwd, CLAUDE_CONFIG_DIR and XDG_STATE_HOME inside it. */
export function makeHome(): RecoveryHome {
  const root = mkdtempSync(path.join(os.tmpdir(), 'cr-recovery-'));
  const cwd = path.join(root, 'project');
  const configDir = path.join(root, '.claude');
  const stateDir = path.join(root, 'state', 'claude-recover');
  const projectDir = path.join(configDir, 'projects', projectDirName(cwd));
  mkdirSync(cwd, { recursive: true });
  mkdirSync(projectDir, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: root,
    CLAUDE_CONFIG_DIR: configDir,
    XDG_STATE_HOME: path.join(root, 'state'),
  };
  return {
    root,
    cwd,
    configDir,
    stateDir,
    projectDir,
    env,
    transcript: (sessionId) => path.join(projectDir, `${sessionId}.jsonl`),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Copies a real capture into the home as the transcript of `sessionId`. */
export function installRealTranscript(home: RecoveryHome, name: string, sessionId = captureSession(name)): string {
  const file = home.transcript(sessionId);
  copyFileSync(path.join(REAL_TRANSCRIPTS, name), file);
  return file;
}

export interface SyntheticOptions {
  sessionId?: string;
  turns: number;
  /** Put a tool result with an image into every n-th turn (0: none). */
  imageEvery?: number;
  /** base64 characters per image. */
  imageChars?: number;
  /** Padding characters in each assistant answer. */
  answerChars?: number;
  /** The last user prompt's text: that prompt is the blocked one (an API error of the gate instead of an answer). */
  lastPrompt?: string;
}

/** Lines of a plausible transcript: a parentUuid chain of prompts, tool results and answers. */
export function syntheticTranscript(options: SyntheticOptions): string[] {
  const sessionId = options.sessionId ?? randomUUID();
  const lines: string[] = [];
  let parent: string | null = null;
  const base = { isSidechain: false, userType: 'external', cwd: '/tmp/x', sessionId, version: '2.1.330' };
  const push = (record: Record<string, unknown>): void => {
    const uuid = randomUUID();
    lines.push(JSON.stringify({ parentUuid: parent, ...base, ...record, uuid, timestamp: new Date(0).toISOString() }));
    parent = uuid;
  };
  for (let turn = 1; turn <= options.turns; turn++) {
    const prompt = turn === options.turns && options.lastPrompt !== undefined ? options.lastPrompt : `prompt ${turn}`;
    push({ type: 'user', message: { role: 'user', content: prompt } });
    if (options.imageEvery && turn % options.imageEvery === 0) {
      const data = Buffer.alloc(Math.ceil(((options.imageChars ?? 4096) * 3) / 4), turn % 251).toString('base64').slice(0, options.imageChars ?? 4096);
      push({
        type: 'user',
        message: {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: `toolu_${turn}`,
              content: [
                { type: 'text', text: 'screenshot' },
                { type: 'image', source: { type: 'base64', media_type: 'image/png', data } },
              ],
            },
          ],
        },
        toolUseResult: { type: 'image' },
      });
    }
    if (turn === options.turns && options.lastPrompt !== undefined) {
      push({
        type: 'assistant',
        isApiErrorMessage: true,
        error: 'rate_limit',
        message: { role: 'assistant', model: '<synthetic>', content: [{ type: 'text', text: 'API Error: Usage credits required for 1M context · run /model to switch to standard context' }] },
      });
    } else {
      push({
        type: 'assistant',
        message: {
          role: 'assistant',
          model: 'claude-sonnet-4-6',
          content: [{ type: 'text', text: `answer ${turn} ${'x'.repeat(options.answerChars ?? 40)}` }],
          usage: { input_tokens: 10, cache_read_input_tokens: 1000 * turn, cache_creation_input_tokens: 0, output_tokens: 5 },
        },
        requestedModel: 'claude-sonnet-4-6[1m]',
      });
    }
    lines.push(JSON.stringify({ type: 'last-prompt', lastPrompt: prompt, sessionId }));
  }
  return lines;
}

/** Writes lines as a transcript file (each followed by a newline). */
export function writeTranscript(file: string, lines: readonly string[]): void {
  writeFileSync(file, lines.map((line) => `${line}\n`).join(''));
}

export type ControlCall =
  | { call: 'stop' }
  | { call: 'respawn'; args: string[]; notice?: Notice }
  | { call: 'waitForPrompt'; timeoutMs: number }
  | { call: 'typeInput'; text: string; submit: boolean }
  | { call: 'progress'; update: Progress | null }
  | { call: 'notify'; notice: Notice };

/** A ChildControl that records every call; the child "exists" until stop and after respawn. */
export class RecordingControl implements ChildControl {
  readonly calls: ControlCall[] = [];
  promptReady = true;
  respawnError: Error | null = null;
  stopResult: StopResult = { exitCode: 0, signal: null, how: 'exit-command', timedOut: false };

  async stop(): Promise<StopResult> {
    this.calls.push({ call: 'stop' });
    return this.stopResult;
  }

  async respawn(args: string[], options: RespawnOptions = {}): Promise<void> {
    this.calls.push({ call: 'respawn', args, ...(options.notice ? { notice: options.notice } : {}) });
    if (this.respawnError) throw this.respawnError;
  }

  async waitForPrompt(timeoutMs: number): Promise<boolean> {
    this.calls.push({ call: 'waitForPrompt', timeoutMs });
    return this.promptReady;
  }

  async typeInput(text: string, submit: boolean): Promise<void> {
    this.calls.push({ call: 'typeInput', text, submit });
  }

  progress(update: Progress | null): void {
    this.calls.push({ call: 'progress', update });
  }

  notify(notice: Notice): void {
    this.calls.push({ call: 'notify', notice });
  }

  /** What recovery asked the child to do: no progress, no notices, respawn without its notice. */
  actions(): ControlCall[] {
    return this.calls.filter((c) => c.call !== 'progress' && c.call !== 'notify').map((c) => (c.call === 'respawn' ? { call: 'respawn', args: c.args } : c));
  }

  /** The notices, shown with notify or carried by a respawn. */
  notices(): Notice[] {
    return this.calls.flatMap((c) => (c.call === 'notify' ? [c.notice] : c.call === 'respawn' && c.notice ? [c.notice] : []));
  }
}
