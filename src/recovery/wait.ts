// Standing aside while a usage limit runs out in a live session: the mode shows the wait
// (ChildControl.waiting: a terminal's title), the transcript says how it ends, and the
// `waited` entry logs it. Nothing is typed, sent or cancelled: the CLI's own auto-continue or
// /rate-limit-options menu stays the person's.
import { autoContinueNote, USAGE_LIMIT } from '../blocks/usage-limit.js';
import type { UsageLimitOccurrence } from '../detect/watcher.js';
import type { LogSink, WaitedEntry } from '../log/types.js';
import { isMainAssistantReply, parseRecord, recordTime, type TranscriptRecord } from '../transcript/records.js';
import { readNewLines } from '../transcript/tail.js';
import type { ChildControl } from './types.js';

export interface WaitDeps {
  log: LogSink;
  /** Ends the wait: reason `ended` (claude exited), `refused-again` (a new usage-limit occurrence). */
  signal: AbortSignal;
  /** How often the transcript is looked at. Default 1 s. */
  pollMs?: number;
  now?: () => number;
}

/** How much of the transcript's end is read first, to find the refusal record and what follows it. */
const FIRST_READ_BYTES = 512 * 1024;

type End = Pick<WaitedEntry, 'until' | 'by' | 'detail'> & { at: number };

/**
 * Shows the wait until it ends and logs how long it was: the session went on (the first
 * request after the refusal that was answered: the CLI's own continuation or the person's
 * prompt), the same limit refused again, or claude ended. Resolves once logged; never throws.
 */
export async function waitOutLimit(occurrence: UsageLimitOccurrence, control: ChildControl, deps: WaitDeps): Promise<WaitedEntry> {
  const now = deps.now ?? Date.now;
  const pollMs = deps.pollMs ?? 1_000;
  const wait = { about: occurrence.limit, until: occurrence.resetsAt, continuesByItself: false };
  control.waiting?.(wait);
  const reader = new TranscriptFollower(occurrence);
  let end: End | null = null;
  const stopped = (): End => ({ at: now(), until: deps.signal.reason === 'refused-again' ? 'refused-again' : deps.signal.reason === 'ended' ? 'ended' : 'canceled' });
  try {
    while (end === null) {
      if (deps.signal.aborted) {
        end = stopped();
        break;
      }
      const seen = reader.poll();
      if (seen.continuesByItself !== null && seen.continuesByItself !== wait.continuesByItself) {
        wait.continuesByItself = seen.continuesByItself;
        control.waiting?.({ ...wait });
      }
      end = seen.end;
      if (end === null) await pause(pollMs, deps.signal);
    }
  } catch (error) {
    end = { at: now(), until: 'canceled', detail: `the wait stopped after an internal error: ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    control.waiting?.(null);
  }
  const entry: WaitedEntry = {
    ts: new Date(now()).toISOString(),
    type: 'waited',
    occurrence: occurrence.occurrence,
    sessionId: occurrence.sessionId,
    waitedMs: Math.max(0, end.at - occurrence.at),
    until: end.until,
    ...(end.by ? { by: end.by } : {}),
    ...(end.detail ? { detail: end.detail } : {}),
  };
  deps.log.write(entry);
  return entry;
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Reads what the CLI writes after the refusal record: its auto-continue notes, the next answer, a new refusal. */
class TranscriptFollower {
  private offset: number | null = null;
  /** The refusal record was met (or cannot be looked for). */
  private past: boolean;
  /** The newest prompt after the refusal: what made the session go on. */
  private lastPrompt: TranscriptRecord | null = null;
  private readonly compiled = USAGE_LIMIT.compile([]).wordings;

  constructor(private readonly occurrence: UsageLimitOccurrence) {
    this.past = occurrence.recordUuid === null;
  }

  poll(): { continuesByItself: boolean | null; end: End | null } {
    const file = this.occurrence.transcriptPath;
    let continuesByItself: boolean | null = null;
    if (file === null) return { continuesByItself, end: null };
    let lines: string[];
    try {
      if (this.offset === null) {
        const read = readNewLines(file, 0, FIRST_READ_BYTES);
        this.offset = read.offset;
        lines = read.lines;
      } else {
        const read = readNewLines(file, this.offset);
        this.offset = read.offset;
        lines = read.lines;
      }
    } catch {
      return { continuesByItself, end: null };
    }
    for (const line of lines) {
      const record = parseRecord(line);
      if (!record) continue;
      if (!this.past) {
        this.past = record.uuid === this.occurrence.recordUuid;
        continue;
      }
      const note = autoContinueNote(record);
      if (note === 'armed' || note === 'continuing') continuesByItself = true;
      else if (note === 'cancelled') continuesByItself = false;
      if (record.type === 'user' && record.isSidechain !== true && record.message?.role === 'user' && !isToolResult(record)) this.lastPrompt = record;
      if (record.type === 'assistant' && record.isApiErrorMessage === true && USAGE_LIMIT.mention(record, this.compiled)?.kind === 'main-error') {
        return { continuesByItself, end: { at: recordTime(record) ?? Date.now(), until: 'refused-again' } };
      }
      if (isMainAssistantReply(record)) {
        const prompt = this.lastPrompt;
        const automatic = (prompt?.origin as { kind?: string } | undefined)?.kind === 'auto-continuation';
        return {
          continuesByItself,
          end: {
            at: (prompt ? recordTime(prompt) : null) ?? recordTime(record) ?? Date.now(),
            until: 'continued',
            by: automatic ? 'claude' : 'person',
            detail: automatic ? 'the CLI continued by itself after the reset' : 'a prompt after the limit was answered',
          },
        };
      }
    }
    return { continuesByItself, end: null };
  }
}

function isToolResult(record: TranscriptRecord): boolean {
  const content = record.message?.content;
  return Array.isArray(content) && content.some((block) => block.type === 'tool_result');
}
