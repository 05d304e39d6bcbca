// One headless compaction of a session with one model (facts §3): `claude -p /compact
// --resume <id> --model <m> --output-format stream-json --verbose`. Its exit status is 0
// even when compaction fails, so the result is read from the events, and a new
// compact_boundary must then be found in the transcript.
import { stat } from 'node:fs/promises';
import { hasCompactBoundarySince } from './transcript-scan.js';

export interface CompactionRun {
  ok: boolean;
  exitCode: number | null;
  timedOut: boolean;
  /** `success`, `failed`, or null when no event said. */
  compactResult: string | null;
  /** The CLI's compact_error, or what went wrong around it (one line). */
  error: string | null;
  /** Whether a new compact_boundary record landed in the transcript. */
  boundary: boolean;
  /** Short log detail. */
  detail: string;
}

export interface CompactionOptions {
  claudePath: string;
  sessionId: string;
  model: string;
  cwd: string;
  transcriptPath: string;
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Called once the claude process has started, with its pid (a test hook). */
  onSpawn?: (pid: number | undefined) => void;
}

/** The argv of a headless compaction. */
export function compactionArgs(sessionId: string, model: string): string[] {
  return ['-p', '/compact', '--resume', sessionId, '--model', model, '--output-format', 'stream-json', '--verbose'];
}

interface CompactEvent {
  type?: unknown;
  subtype?: unknown;
  compact_result?: unknown;
  compact_error?: unknown;
  is_error?: unknown;
  result?: unknown;
  message?: { model?: unknown; content?: unknown };
}

/** The text of the CLI's own (`<synthetic>`) assistant message, where 2.1.100 puts a compaction error. */
function syntheticText(event: CompactEvent): string | null {
  if (event.type !== 'assistant' || event.message?.model !== '<synthetic>' || !Array.isArray(event.message.content)) return null;
  const block: unknown = event.message.content[0];
  if (!block || typeof block !== 'object') return null;
  const text = (block as { text?: unknown }).text;
  return typeof text === 'string' && /^Error/.test(text) ? text : null;
}

/**
 * Reads the compaction outcome from stream-json output (one JSON object a line). Since
 * about 2.1.200 a status event carries `compact_result`; 2.1.100 has none, only a
 * `compact_boundary` event on success and a synthetic `Error: …` message on failure.
 */
export function readCompactEvents(stdout: string): { compactResult: string | null; error: string | null; boundaryEvent: boolean } {
  let compactResult: string | null = null;
  let error: string | null = null;
  let synthetic: string | null = null;
  let boundaryEvent = false;
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    let event: CompactEvent;
    try {
      event = JSON.parse(line) as CompactEvent;
    } catch {
      continue;
    }
    if (typeof event.compact_result === 'string') {
      compactResult = event.compact_result;
      if (typeof event.compact_error === 'string') error = event.compact_error;
    }
    if (event.type === 'system' && event.subtype === 'compact_boundary') boundaryEvent = true;
    synthetic ??= syntheticText(event);
    if (event.type === 'result' && event.is_error === true && error === null && typeof event.result === 'string') {
      error = event.result;
    }
  }
  // A success replays earlier messages, an older failure's synthetic error among them.
  return { compactResult, error: error ?? (compactResult === null && !boundaryEvent ? synthetic : null), boundaryEvent };
}

function firstLine(text: string, max = 160): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

/** Runs one compaction attempt and verifies it in the transcript. */
export async function runCompaction(options: CompactionOptions): Promise<CompactionRun> {
  const offset = await sizeOf(options.transcriptPath);
  // Loaded here, not at the top: execa and its dependencies are a third of the code every
  // command but `run` loads, and only a compaction needs them.
  const { execa } = await import('execa');
  const subprocess = execa(options.claudePath, compactionArgs(options.sessionId, options.model), {
    cwd: options.cwd,
    env: { ...(options.env ?? process.env), CLAUDE_RECOVER_ACTIVE: '1' },
    extendEnv: false,
    stdin: 'ignore',
    timeout: options.timeoutMs,
    forceKillAfterDelay: 2_000,
    cancelSignal: options.signal,
    reject: false,
    stripFinalNewline: false,
    maxBuffer: 64 * 1024 * 1024,
  });
  options.onSpawn?.(subprocess.pid);
  const result = await subprocess;
  const exitCode = typeof result.exitCode === 'number' ? result.exitCode : null;
  const stdout = typeof result.stdout === 'string' ? result.stdout : '';
  const stderr = typeof result.stderr === 'string' ? result.stderr : '';
  const events = readCompactEvents(stdout);
  const base = { exitCode, timedOut: result.timedOut, compactResult: events.compactResult };
  if (result.timedOut) {
    return { ...base, ok: false, error: 'timed out', boundary: false, detail: `timed out after ${options.timeoutMs} ms` };
  }
  if (result.isCanceled) return { ...base, ok: false, error: 'canceled', boundary: false, detail: 'canceled' };
  // Without compact_result (2.1.100), the boundary event stands in for it; the transcript decides.
  const reported = events.compactResult ?? (events.boundaryEvent ? 'success' : null);
  if (reported !== 'success') {
    const error = events.error ?? (firstLine(stderr) || firstLine(stdout) || null);
    const detail = events.compactResult
      ? `compact_result=${events.compactResult}${error ? `: ${firstLine(error)}` : ''}`
      : `no compact_result event (exit ${exitCode ?? result.signal ?? 'unknown'})${error ? `: ${firstLine(error)}` : ''}`;
    return { ...base, ok: false, error, boundary: false, detail };
  }
  const boundary = await hasCompactBoundarySince(options.transcriptPath, offset);
  if (!boundary) {
    return {
      ...base,
      ok: false,
      error: 'no new compact_boundary in the transcript',
      boundary,
      detail: 'compact_result=success but no new compact_boundary in the transcript',
    };
  }
  const said = events.compactResult ? 'compact_result=success' : 'compact_boundary event';
  return { ...base, ok: true, error: null, boundary, detail: `${said}, compact_boundary written` };
}
