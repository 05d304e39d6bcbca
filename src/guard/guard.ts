// The context guard: fed the session's transcript records, it watches the context size and,
// before the standard window is reached, shows it in the title, logs a near-miss and rings
// the bell, and (opt-in) types /compact for the user at an idle, empty prompt.
import type { Config } from '../config/types.js';
import type { LogSink } from '../log/types.js';
import { contextTokens, isCompactBoundary, isMainAssistantReply, userPromptText, type TranscriptRecord } from '../transcript/records.js';
import { statusText } from './title.js';

/** What the guard asks of the terminal session that hosts it. */
export interface GuardHost {
  /** Shows a title, or (null) gives the title back; written only at an escape boundary (TerminalOverlay.setTitle). */
  setTitle(title: string | null): void;
  /** Rings the terminal bell once, at an escape boundary (TerminalOverlay.bell). */
  bell(): void;
  /** True when the CLI sits at an empty input prompt with no output for idleMs and nothing streaming (PromptIdle). */
  isIdleAtEmptyPrompt(idleMs: number): boolean;
  /** Types `text` into the CLI as keystrokes (not a bracketed paste), then Enter separately. */
  typeCommand(text: string): Promise<void>;
  log: LogSink;
  sessionId(): string | null;
}

/** Timers, injectable so tests drive time by hand. */
export interface GuardTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface ContextGuardOptions {
  config: Pick<Config, 'guard' | 'cases'>;
  host: GuardHost;
  /** Wall clock for log timestamps, ms since the epoch. */
  now?: () => number;
  timers?: GuardTimers;
  /** How often a pending auto-compact asks the host whether the CLI is idle (default idleMs / 2, at least 1000). */
  recheckMs?: number;
  /** Told once when the guard or its host fails; the guard then switches itself off. */
  report?: (message: string) => void;
}

/** The command typed for the user. */
export const COMPACT_COMMAND = '/compact';

const realTimers: GuardTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Decisions from transcript records; all effects go through the host.
 *
 * - Context = input + cache read + cache creation tokens of the last main-session reply; a
 *   compact_boundary sets it to its `postTokens` (unknown when absent).
 * - Title: from `titleRatio` of the standard window up, `claude · 172K/200K ctx`, set again
 *   only when that text changes; below it (or unknown), the title is given back.
 * - Near-miss: the first time the context is at or past `nearMissRatio` with no compaction
 *   since the last near-miss: one `near-miss` entry and one bell. A compact_boundary re-arms.
 * - Auto-compact (`guard.autoCompact`): past `nearMissRatio`, it asks the host every
 *   `recheckMs` whether the CLI is idle at an empty prompt, and not while a tool call of the
 *   last reply is unanswered (a permission question may be on screen); then it types
 *   `/compact` once and logs `auto-compact`. A compact_boundary re-arms it.
 *
 * `feed(record, false)` replays history without effects; `settle()` then acts once on the
 * state reached, so a resumed session near the window is reported once, not per old turn.
 */
export class ContextGuard {
  private readonly now: () => number;
  private readonly timers: GuardTimers;
  private readonly recheckMs: number;
  private tokens: number | null = null;
  private nearMissArmed = true;
  private autoCompactArmed = true;
  private typing = false;
  private readonly pendingTools = new Set<string>();
  private title: string | null = null;
  private timer: unknown = null;
  private off = false;
  private reported = false;

  constructor(private readonly options: ContextGuardOptions) {
    this.now = options.now ?? Date.now;
    this.timers = options.timers ?? realTimers;
    this.recheckMs = options.recheckMs ?? Math.max(1000, Math.round(options.config.guard.idleMs / 2));
  }

  /** The context size of the session as last seen, or null when unknown. */
  get contextTokens(): number | null {
    return this.tokens;
  }

  /** One transcript record; `live = false` for history (no effects until `settle()`). */
  feed(record: TranscriptRecord, live = true): void {
    if (this.off) return;
    try {
      this.take(record);
      if (live) this.settle();
    } catch (error) {
      this.fail(error);
    }
  }

  /** Acts on the current state: title, near-miss, auto-compact. */
  settle(): void {
    if (this.off || !this.options.config.guard.enabled) return;
    try {
      this.decide();
    } catch (error) {
      this.fail(error);
    }
  }

  /** A different transcript (another session): forget this one, giving the title back. */
  reset(): void {
    if (this.off) return;
    this.tokens = null;
    this.nearMissArmed = true;
    this.autoCompactArmed = true;
    this.pendingTools.clear();
    this.settle();
  }

  /** Stops the guard and gives the title back. */
  dispose(): void {
    if (this.off) return;
    this.cancelCheck();
    const shown = this.title !== null;
    this.off = true;
    this.title = null;
    if (!shown) return;
    try {
      this.options.host.setTitle(null);
    } catch (error) {
      this.report(`the context guard could not give the title back (${describe(error)})`);
    }
  }

  private take(record: TranscriptRecord): void {
    if (isCompactBoundary(record)) {
      const post = record.compactMetadata?.postTokens;
      this.tokens = typeof post === 'number' && Number.isFinite(post) && post >= 0 ? post : null;
      this.nearMissArmed = true;
      this.autoCompactArmed = true;
      this.pendingTools.clear();
      return;
    }
    if (record.isSidechain === true) return;
    if (record.type === 'system' && record.subtype === 'turn_duration') {
      this.pendingTools.clear(); // the turn is over
      return;
    }
    const content = record.message?.content;
    if (isMainAssistantReply(record)) {
      const tokens = contextTokens(record.message?.usage);
      if (tokens > 0) this.tokens = tokens;
      if (Array.isArray(content)) {
        for (const block of content) if (block.type === 'tool_use' && typeof block.id === 'string') this.pendingTools.add(block.id);
      }
      return;
    }
    if (record.type === 'user') {
      if (userPromptText(record) !== null) this.pendingTools.clear(); // a new prompt: no tool left waiting
      else if (Array.isArray(content)) {
        for (const block of content) if (block.type === 'tool_result' && typeof block.tool_use_id === 'string') this.pendingTools.delete(block.tool_use_id);
      }
    }
  }

  private decide(): void {
    const { guard, cases } = this.options.config;
    const { host } = this.options;
    const window = cases.standardWindow;
    const tokens = this.tokens;

    if (guard.title) {
      const title = tokens !== null && tokens >= guard.titleRatio * window ? statusText(tokens, window) : null;
      if (title !== this.title) {
        this.title = title;
        host.setTitle(title);
      }
    }

    const near = tokens !== null && tokens >= guard.nearMissRatio * window;
    if (near && this.nearMissArmed) {
      this.nearMissArmed = false;
      host.log.write({ type: 'near-miss', ts: this.timestamp(), sessionId: host.sessionId(), contextTokens: tokens, window });
      if (guard.bell) host.bell();
    }

    if (near && guard.autoCompact && this.autoCompactArmed && !this.typing) this.scheduleCheck();
    else this.cancelCheck();
  }

  private scheduleCheck(): void {
    if (this.timer !== null) return;
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      if (this.off) return;
      try {
        this.check();
      } catch (error) {
        this.fail(error);
      }
    }, this.recheckMs);
  }

  private cancelCheck(): void {
    if (this.timer === null) return;
    this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private check(): void {
    const { guard, cases } = this.options.config;
    const { host } = this.options;
    const tokens = this.tokens;
    const near = tokens !== null && tokens >= guard.nearMissRatio * cases.standardWindow;
    if (!near || !guard.autoCompact || !this.autoCompactArmed || this.typing) return;
    if (this.pendingTools.size > 0 || !host.isIdleAtEmptyPrompt(guard.idleMs)) {
      this.scheduleCheck();
      return;
    }
    this.autoCompactArmed = false;
    this.typing = true;
    const typed = (async () => host.typeCommand(COMPACT_COMMAND))();
    typed.then(
      () => {
        this.typing = false;
        if (this.off) return;
        try {
          host.log.write({ type: 'auto-compact', ts: this.timestamp(), sessionId: host.sessionId(), contextTokens: tokens });
        } catch (error) {
          this.fail(error);
        }
      },
      (error: unknown) => {
        this.typing = false;
        this.report(`the context guard could not type ${COMPACT_COMMAND} (${describe(error)}); it tries again after the next compaction`);
      },
    );
  }

  private timestamp(): string {
    return new Date(this.now()).toISOString();
  }

  /** A bug in the guard or its host: report it, give the title back if possible, and stop. */
  private fail(error: unknown): void {
    this.report(`the context guard stopped (${describe(error)}); claude keeps running`);
    this.cancelCheck();
    this.off = true;
    if (this.title === null) return;
    this.title = null;
    try {
      this.options.host.setTitle(null);
    } catch {
      // Already reported once; nothing more to do.
    }
  }

  /** Only the first report reaches the user. */
  private report(message: string): void {
    if (this.reported) return;
    this.reported = true;
    this.options.report?.(message);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
