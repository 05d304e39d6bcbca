// Test support for the watcher: a manual clock, a Claude config dir in a temp directory,
// and transcript records shaped like the CLI's (facts §2, test/fixtures/real).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_CONFIG, type Config } from '../../../src/config/types.js';
import type { WatcherClock } from '../../../src/detect/watcher.js';
import type { LogEntry, LogSink } from '../../../src/log/types.js';
import { projectDirName } from '../../../src/transcript/locate.js';

/** Timers that run only when the test advances time. */
export class ManualClock implements WatcherClock {
  private timers: Array<{ id: number; at: number; callback: () => void }> = [];
  private nextId = 1;
  constructor(public time: number) {}
  now(): number {
    return this.time;
  }
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ id, at: this.time + ms, callback });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((timer) => timer.id !== handle);
  }
  /** Runs every timer due within `ms`, in order, moving the clock to each. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers.filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((timer) => timer !== due);
      this.time = due.at;
      due.callback();
    }
    this.time = end;
  }
  pending(): number {
    return this.timers.length;
  }
}

export class MemorySink implements LogSink {
  readonly entries: LogEntry[] = [];
  write(entry: LogEntry): void {
    this.entries.push(entry);
  }
}

/** A temp HOME with a Claude config dir and the project dir of `cwd`. */
export function claudeHome(cwd = '/work/some/project'): { env: NodeJS.ProcessEnv; cwd: string; projectDir: string; configDir: string; cleanup: () => void } {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cr-detect-'));
  const configDir = path.join(home, '.claude');
  const projectDir = path.join(configDir, 'projects', projectDirName(cwd));
  fs.mkdirSync(projectDir, { recursive: true });
  return { env: { HOME: home, CLAUDE_CONFIG_DIR: configDir }, cwd, projectDir, configDir, cleanup: () => fs.rmSync(home, { recursive: true, force: true }) };
}

export function config(overrides: Partial<Config['detection']> = {}): Config {
  return { ...DEFAULT_CONFIG, detection: { ...DEFAULT_CONFIG.detection, ...overrides } };
}

const iso = (ms: number): string => new Date(ms).toISOString();
let counter = 0;
const uuid = (): string => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`;

export const SESSION = '6b1bd639-262c-4160-8889-b80290c26486';

/** A user prompt line. */
export function userLine(text: string, at: number, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ parentUuid: null, isSidechain: false, type: 'user', message: { role: 'user', content: text }, uuid: uuid(), timestamp: iso(at), sessionId: SESSION, ...extra });
}

/** A tool result line (the output of a tool, e.g. Read or Bash). */
export function toolResultLine(text: string, at: number): string {
  return JSON.stringify({
    type: 'user',
    isSidechain: false,
    message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text }] }] },
    uuid: uuid(),
    timestamp: iso(at),
    sessionId: SESSION,
  });
}

/** A model reply with usage. */
export function replyLine(contextTokens: number, at: number, options: { text?: string; requestedModel?: string; sidechain?: boolean } = {}): string {
  return JSON.stringify({
    type: 'assistant',
    isSidechain: options.sidechain === true,
    requestedModel: options.requestedModel ?? 'claude-sonnet-4-6[1m]',
    message: {
      model: 'claude-sonnet-4-6',
      role: 'assistant',
      content: [{ type: 'text', text: options.text ?? 'Done.' }],
      usage: { input_tokens: 3, cache_read_input_tokens: contextTokens - 1003, cache_creation_input_tokens: 1000, output_tokens: 40 },
    },
    uuid: uuid(),
    timestamp: iso(at),
    sessionId: SESSION,
    version: '2.1.330',
  });
}

/** The gate's error record as 2.1.330 writes it (OAuth/gateway). */
export function gateLine(at: number, options: { text?: string; sidechain?: boolean; sessionId?: string; apiError?: boolean } = {}): string {
  return JSON.stringify({
    parentUuid: null,
    isSidechain: options.sidechain === true,
    type: 'assistant',
    uuid: uuid(),
    timestamp: iso(at),
    message: {
      id: 'msg_x',
      model: '<synthetic>',
      role: 'assistant',
      type: 'message',
      content: [{ type: 'text', text: options.text ?? 'API Error: Usage credits required for 1M context · run /model to switch to standard context' }],
      usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    },
    error: 'rate_limit',
    isApiErrorMessage: true,
    ...(options.apiError === false ? {} : { apiError: 'long_context_credits_required' }),
    apiErrorStatus: 429,
    errorDetails: '429 {"type":"error","error":{"type":"rate_limit_error","message":"Extra usage is required for long context requests."}}',
    sessionId: options.sessionId ?? SESSION,
    version: '2.1.330',
    cwd: '/work/some/project',
  });
}
