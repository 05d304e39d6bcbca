// The join point the launcher calls: screen matches from the PTY output, confirmed by the
// CLI's error record in the transcript, classified, logged as `detected`, then emitted.
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import type { Config } from '../config/types.js';
import type { DetectionChannel, GateCase, LogSink, RunMode } from '../log/types.js';
import { parseRecord, recordTime, type TranscriptRecord } from '../transcript/records.js';
import { findTranscript, hasProjectDir, readPidFile, recentTranscripts, sessionIdFromArgs } from '../transcript/locate.js';
import { readNewLines } from '../transcript/tail.js';
import { classifyOccurrence, gateMention, lineMayMentionGate, type GateRecordKind } from './classify.js';
import { compilePatterns, type CompiledPattern } from './patterns.js';
import { ScreenDetector, type GateMatch } from './screen.js';

/** One occurrence of the gate, as recovery receives it. */
export interface GateOccurrence {
  /** Ties the log entries of this occurrence together (DetectedEntry.occurrence). */
  occurrence: string;
  variant: string;
  channel: Extract<DetectionChannel, 'screen+transcript' | 'screen' | 'output+transcript' | 'output'>;
  case: GateCase;
  /** Context of the last main reply (or after the last compaction); null when unknown. */
  contextTokens: number | null;
  /** Rough tokens the main session added after that reply. */
  pendingTokens: number;
  reason: string;
  sessionId: string | null;
  transcriptPath: string | null;
  /** From the last main reply; keeps a `[1m]` suffix. */
  requestedModel: string | null;
  /** Whether the refused request carried the 1M-context beta (its `api-request` record); null: not recorded. */
  requestCarried1M: boolean | null;
  claudeVersion: string | null;
}

/** Time source and timers; tests pass fake ones. */
export interface WatcherClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface GateWatcherOptions {
  /** claude's working directory. */
  cwd: string;
  /** claude's environment (CLAUDE_CONFIG_DIR, HOME). */
  env: NodeJS.ProcessEnv;
  config: Config;
  /** Epoch ms taken before claude was spawned: only transcript lines written after it count. */
  launchedAt: number;
  /** claude's arguments (for `--resume <id>` / `--session-id <id>`). */
  args: readonly string[];
  childPid: () => number | undefined;
  log: LogSink;
  claudeVersion?: string | null;
  /** `claude -p`: plain output, no redraws. */
  print?: boolean;
  /** How claude runs, for the `detected` entry. Default `terminal`. */
  mode?: RunMode;
  clock?: WatcherClock;
}

/** How often the transcript is looked at while a screen match waits for confirmation. */
const POLL_MS = 150;
/**
 * Past the confirmation deadline, a readable transcript that has no new gate record yet is
 * still looked at this often until LATE_MS after the match: a loaded machine can delay the
 * CLI's write past the deadline, and a record that comes late is still the occurrence.
 */
const LATE_POLL_MS = 500;
const LATE_MS = 15_000;
/** How much of a transcript first met is read: the gate's record is among its last lines. */
const FIRST_READ_BYTES = 2 * 1024 * 1024;
/** Record uuids already turned into an occurrence (bounded). */
const CONSUMED_KEEP = 256;
/**
 * A record stamped this long before the screen match belongs to something the screen did
 * not show then (e.g. a refusal the CLI retried by itself): it does not confirm this match.
 */
const STALE_RECORD_MS = 15_000;

interface Hit {
  file: string;
  record: TranscriptRecord;
  kind: GateRecordKind;
  variant: string;
}

type ScanResult = { state: 'found'; hits: Hit[] } | { state: 'none' } | { state: 'unreadable'; why: string };

interface Confirmation {
  /** The screen's variant (the transcript's is preferred when it confirms). */
  variant: string;
  /** At least one match was not a repaint: the screen alone would count it. */
  screenNew: boolean;
  startedAt: number;
  deadline: number;
  timer: unknown;
  /** Content-only hits (case C) seen so far: emitted at the deadline unless the main error shows up. */
  contentHits: Hit[];
}

const realClock: WatcherClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => {
    const timer = setTimeout(callback, ms);
    timer.unref();
    return timer;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Watches one claude session for the gate.
 *
 * Decision rule: an occurrence needs the CLI's error rendering on screen (ScreenDetector)
 * and, while the transcript can be read, a record of the gate appended to it after launch
 * (or after the last `rebase()`) that was not turned into an occurrence before. Each such
 * record is one occurrence, so redraws of an old error never repeat one. The transcript is
 * polled for `config.detection.confirmTimeoutMs` after the screen match (the CLI writes the
 * line up to ~1 s later). At the deadline: words found only as content (a prompt, a tool
 * result, the model's text, a subagent) give one case-C occurrence; a readable transcript
 * without any new gate record gives nothing; an unreadable or unknown transcript gives a
 * screen-only occurrence (only for a match that was not a repaint) and a warning in the log.
 *
 * Who logs: the watcher writes the `detected` entry (and any warning) before it emits
 * `occurrence`; listeners log what they do next under the same `occurrence` id.
 */
export class GateWatcher extends EventEmitter<{ occurrence: [GateOccurrence]; dismissed: [string] }> {
  private readonly options: GateWatcherOptions;
  private readonly clock: WatcherClock;
  private readonly detector: ScreenDetector;
  private readonly patterns: CompiledPattern[];
  private argsSessionId: string | null;
  /** Only transcript lines stamped at or after this count. */
  private baseline: number;
  /** Read offsets of the transcripts met so far. */
  private readonly offsets = new Map<string, number>();
  private readonly consumed: string[] = [];
  private confirmation: Confirmation | null = null;
  private lastSessionId: string | null = null;
  private lastTranscript: string | null = null;
  private disabled = false;
  private disposed = false;
  /** A `-p` or stream-json run: its output, not a screen, shows the gate. */
  private readonly headless: boolean;

  constructor(options: GateWatcherOptions) {
    super();
    this.options = options;
    this.clock = options.clock ?? realClock;
    this.baseline = options.launchedAt;
    this.headless = options.mode === 'print' || options.mode === 'stream-json';
    this.argsSessionId = sessionIdFromArgs(options.args);
    this.detector = new ScreenDetector(options.config.detection.extraPatterns, { print: options.print === true });
    this.patterns = compilePatterns(options.config.detection.extraPatterns).patterns;
    for (const source of this.detector.invalidPatterns) this.warn(`detection.extraPatterns: not a valid regular expression, skipped: ${source}`);
  }

  /**
   * Hot path: claude's output, raw (the session's chunks: decoded only near a candidate, see
   * ScreenDetector.pushBytes) or as text. Feed one session one way. Cheap, never throws.
   */
  onOutput(output: Buffer | string): void {
    if (this.disabled || this.disposed) return;
    try {
      const matches = typeof output === 'string' ? this.detector.push(output) : this.detector.pushBytes(output);
      if (matches.length > 0) this.onMatches(matches);
    } catch (error) {
      this.disabled = true;
      this.warn(`gate detection stopped after an internal error: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * A headless mode saw the CLI's own rendering of the gate in its output (a `-p` result, a
   * stream-json error event): confirmed like a new screen match. Ends in `occurrence`, or in
   * `dismissed` when no record confirms it.
   */
  onRendering(variant: string): void {
    if (this.disabled || this.disposed) return;
    this.onMatches([{ variant, repaint: false, offset: -1 }]);
  }

  /** The current session id, best knowledge: the pid file, the last confirmed occurrence, the newest transcript written since launch, the arguments. */
  sessionId(): string | null {
    try {
      const pid = this.options.childPid();
      const fromPid = pid === undefined ? null : readPidFile(pid, this.options.env);
      if (fromPid) return fromPid.sessionId;
      if (this.lastSessionId) return this.lastSessionId;
      const newest = recentTranscripts(this.options.cwd, this.baseline, this.options.env, 1)[0];
      if (newest) return newest.sessionId;
    } catch {
      // Fall through to what the arguments said.
    }
    return this.argsSessionId;
  }

  /**
   * After a recovery or a resume: only transcript lines written from now on count, and the
   * error redrawn by the resumed CLI is a repaint. Cancels a confirmation in progress. Call
   * it before the new claude can send anything (before a restored prompt is submitted);
   * `args`, when given, are the new claude's arguments (for its `--resume <id>`).
   */
  rebase(args?: readonly string[]): void {
    this.baseline = this.clock.now();
    if (args) this.argsSessionId = sessionIdFromArgs(args) ?? this.argsSessionId;
    this.detector.rebase();
    this.cancel();
    for (const file of this.offsets.keys()) {
      try {
        this.offsets.set(file, fs.statSync(file).size);
      } catch {
        this.offsets.delete(file);
      }
    }
  }

  /** Stops timers; later output is ignored. */
  dispose(): void {
    this.disposed = true;
    this.cancel();
    this.removeAllListeners();
  }

  private onMatches(matches: GateMatch[]): void {
    const last = matches[matches.length - 1] as GateMatch;
    const screenNew = matches.some((match) => !match.repaint);
    if (this.confirmation) {
      // Within its deadline, a confirmation under way covers this match too; past it (only
      // looking late at a slow pace), a new match starts afresh and is looked at now.
      if (this.clock.now() < this.confirmation.deadline) {
        if (screenNew) this.confirmation.screenNew = true;
        return;
      }
      this.cancel();
    }
    this.confirmation = {
      variant: (matches.find((match) => !match.repaint) ?? last).variant,
      screenNew,
      startedAt: this.clock.now(),
      deadline: this.clock.now() + this.options.config.detection.confirmTimeoutMs,
      timer: null,
      contentHits: [],
    };
    // Not on the hot path: the first look at the transcript runs from a timer.
    this.schedule(0);
  }

  private schedule(ms: number): void {
    const confirmation = this.confirmation;
    if (!confirmation) return;
    confirmation.timer = this.clock.setTimeout(() => this.check(), ms);
  }

  private cancel(): void {
    if (this.confirmation?.timer != null) this.clock.clearTimeout(this.confirmation.timer);
    const open = this.confirmation !== null;
    this.confirmation = null;
    if (open && !this.disposed) this.emit('dismissed', 'superseded by a restart');
  }

  private check(): void {
    const confirmation = this.confirmation;
    if (!confirmation || this.disposed) return;
    confirmation.timer = null;
    let result: ScanResult;
    try {
      result = this.scan(confirmation.startedAt - STALE_RECORD_MS);
    } catch (error) {
      result = { state: 'unreadable', why: error instanceof Error ? error.message : String(error) };
    }
    if (result.state === 'found') {
      const main = result.hits.filter((hit) => hit.kind === 'main-error');
      if (main.length > 0) {
        this.finish(main[main.length - 1] as Hit, result.hits);
        return;
      }
      confirmation.contentHits.push(...result.hits);
    }
    if (this.clock.now() < confirmation.deadline) {
      this.schedule(Math.min(POLL_MS, Math.max(0, confirmation.deadline - this.clock.now())));
      return;
    }
    // Deadline.
    if (confirmation.contentHits.length > 0) {
      const hits = confirmation.contentHits;
      this.finish(hits[hits.length - 1] as Hit, hits);
    } else if (result.state === 'unreadable' && confirmation.screenNew) {
      this.confirmation = null;
      this.screenOnly(confirmation, result.why);
    } else if (this.clock.now() < confirmation.startedAt + LATE_MS) {
      this.schedule(LATE_POLL_MS);
    } else {
      this.confirmation = null;
      if (confirmation.screenNew) {
        this.warn(`the ${this.headless ? 'output' : 'screen'} showed the gate (${confirmation.variant}) but the transcript got no record of it within ${LATE_MS / 1000} s: not acted on`, this.lastSessionId);
      }
      this.emit('dismissed', 'no transcript record confirmed it');
    }
  }

  /** Looks for gate records appended since launch in the session's transcript(s); error records older than `freshSince` are passed over. */
  private scan(freshSince: number): ScanResult {
    const { cwd, env } = this.options;
    const files = this.candidates();
    if (files.length === 0) {
      return { state: 'unreadable', why: hasProjectDir(cwd, env) ? 'no transcript of this session found' : 'no project directory for this cwd' };
    }
    const hits: Hit[] = [];
    let readable = 0;
    let lastError = '';
    for (const file of files) {
      let lines: string[];
      let fresh: boolean;
      try {
        const known = this.offsets.get(file);
        fresh = known === undefined;
        const read = readNewLines(file, known ?? 0, fresh ? FIRST_READ_BYTES : undefined);
        if (read.reset) fresh = true;
        this.offsets.set(file, read.offset);
        lines = read.lines;
        readable++;
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
        continue;
      }
      for (const line of lines) {
        if (!lineMayMentionGate(line, this.patterns)) continue;
        const record = parseRecord(line);
        if (!record) continue;
        const time = recordTime(record);
        // Lines of a file met for the first time count only by their timestamp; later lines were appended since we looked.
        if (time === null ? fresh : time < this.baseline) continue;
        if (typeof record.uuid === 'string' && this.consumed.includes(record.uuid)) continue;
        const mention = gateMention(record, this.patterns);
        if (!mention) continue;
        if (time !== null && time < freshSince) continue;
        hits.push({ file, record, kind: mention.kind, variant: mention.variant });
      }
    }
    if (readable === 0) return { state: 'unreadable', why: lastError || 'transcript unreadable' };
    return hits.length > 0 ? { state: 'found', hits } : { state: 'none' };
  }

  /**
   * The transcripts to look at: the pid file's session alone when it names one that exists
   * (exact even with other claude sessions in the same directory); otherwise the session of
   * the arguments or of the last occurrence, and every transcript of the project written
   * since the baseline (a new session, or a `/resume` switch).
   */
  private candidates(): string[] {
    const { cwd, env } = this.options;
    const pid = this.options.childPid();
    const fromPid = pid === undefined ? null : readPidFile(pid, env);
    if (fromPid) {
      const file = findTranscript(fromPid.cwd ?? cwd, fromPid.sessionId, env) ?? findTranscript(cwd, fromPid.sessionId, env);
      if (file) return [file];
    }
    const files = new Set<string>();
    for (const id of [this.argsSessionId, this.lastSessionId]) {
      const file = id === null ? null : findTranscript(cwd, id, env);
      if (file) files.add(file);
    }
    for (const recent of recentTranscripts(cwd, this.baseline, env)) files.add(recent.path);
    return [...files];
  }

  private finish(hit: Hit, all: Hit[]): void {
    this.confirmation = null;
    for (const each of all) if (typeof each.record.uuid === 'string') this.consume(each.record.uuid);
    const sessionId = typeof hit.record.sessionId === 'string' ? hit.record.sessionId : sessionIdOfFile(hit.file);
    if (hit.kind === 'main-error') {
      this.lastSessionId = sessionId;
      this.lastTranscript = hit.file;
    }
    const classification = classifyOccurrence(hit.file, hit.kind, this.options.config.cases);
    this.report({
      occurrence: newOccurrenceId(),
      variant: hit.variant,
      channel: this.headless ? 'output+transcript' : 'screen+transcript',
      case: classification.case,
      contextTokens: classification.contextTokens,
      pendingTokens: classification.pendingTokens,
      reason: classification.reason,
      sessionId,
      transcriptPath: hit.file,
      requestedModel: classification.requestedModel,
      requestCarried1M: classification.requestCarried1M,
      claudeVersion: this.options.claudeVersion ?? (typeof hit.record.version === 'string' ? hit.record.version : null),
    });
  }

  private screenOnly(confirmation: Confirmation, why: string): void {
    const sessionId = this.sessionId();
    const transcriptPath = sessionId === null ? null : findTranscript(this.options.cwd, sessionId, this.options.env) ?? this.lastTranscript;
    const where = this.headless ? 'output' : 'screen';
    this.warn(`gate seen on ${where} but the transcript could not confirm it (${why}); acting on the ${where} alone`, sessionId);
    this.report({
      occurrence: newOccurrenceId(),
      variant: confirmation.variant,
      channel: this.headless ? 'output' : 'screen',
      case: 'A',
      contextTokens: null,
      pendingTokens: 0,
      reason: `${where} only (${why}); assumed A: compacting a small session fails harmlessly`,
      sessionId,
      transcriptPath,
      requestedModel: null,
      requestCarried1M: null,
      claudeVersion: this.options.claudeVersion ?? null,
    });
  }

  private report(occurrence: GateOccurrence): void {
    const { config, cwd } = this.options;
    this.write({
      type: 'detected',
      ts: new Date(this.clock.now()).toISOString(),
      occurrence: occurrence.occurrence,
      variant: occurrence.variant,
      channel: occurrence.channel,
      mode: this.options.mode ?? 'terminal',
      case: occurrence.case,
      contextTokens: occurrence.contextTokens,
      thresholds: { standardWindow: config.cases.standardWindow, caseAMinTokens: config.cases.caseAMinTokens },
      reason: occurrence.reason,
      claudeVersion: occurrence.claudeVersion,
      sessionId: occurrence.sessionId,
      cwd,
    });
    try {
      this.emit('occurrence', occurrence);
    } catch (error) {
      this.warn(`an occurrence listener failed: ${error instanceof Error ? error.message : String(error)}`, occurrence.sessionId);
    }
  }

  private consume(uuid: string): void {
    this.consumed.push(uuid);
    if (this.consumed.length > CONSUMED_KEEP) this.consumed.shift();
  }

  private warn(message: string, sessionId?: string | null): void {
    this.write({ type: 'warning', ts: new Date(this.clock.now()).toISOString(), message, ...(sessionId !== undefined ? { sessionId } : {}) });
  }

  private write(entry: Parameters<LogSink['write']>[0]): void {
    try {
      this.options.log.write(entry);
    } catch {
      // The sink reports its own failures; detection goes on.
    }
  }
}

/**
 * The global Web Crypto loads node:crypto on first use: an import would load it at every
 * start (~0.9 MiB of resident memory) for ids needed only when the gate shows.
 */
const newOccurrenceId = (): string => globalThis.crypto.randomUUID();

function sessionIdOfFile(file: string): string | null {
  const name = file.split(/[\\/]/).pop() ?? '';
  return name.endsWith('.jsonl') ? name.slice(0, -'.jsonl'.length) : null;
}
