// The join point the launcher calls: screen matches of every kind of block from the PTY
// output, confirmed by the CLI's error record in the transcript, classified per kind, logged
// as `detected`, then emitted.
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import type { BlockKind } from '../blocks/index.js';
import { imageFacts, type ImageFacts } from '../blocks/image-refused.js';
import type { RecordKind } from '../blocks/types.js';
import { usageLimitFacts, usageLimitFactsFromText, type UsageLimitFacts } from '../blocks/usage-limit.js';
import type { Config } from '../config/types.js';
import type { DetectedEntry, DetectionChannel, GateCase, LogSink, RunMode } from '../log/types.js';
import { parseRecord, recordTime, type TranscriptRecord } from '../transcript/records.js';
import { findTranscript, hasProjectDir, readPidFile, recentTranscripts, sessionIdFromArgs } from '../transcript/locate.js';
import { readNewLines } from '../transcript/tail.js';
import { classifyOccurrence } from './classify.js';
import { compileBlocks, type KindWordings } from './patterns.js';
import { ScreenDetector, type BlockMatch } from './screen.js';

/** What every occurrence says, whatever its kind. */
interface OccurrenceBase {
  /** Ties the log entries of this occurrence together (DetectedEntry.occurrence). */
  occurrence: string;
  variant: string;
  channel: Extract<DetectionChannel, 'screen+transcript' | 'screen' | 'output+transcript' | 'output'>;
  /** Why this classification (one line for the log, no conversation text). */
  reason: string;
  sessionId: string | null;
  transcriptPath: string | null;
  claudeVersion: string | null;
  /** The uuid of the CLI's error record, when the transcript confirmed it. */
  recordUuid: string | null;
  /** When the block happened: the record's time, else when it was seen (epoch ms). */
  at: number;
}

/** One occurrence of the 1M gate, as recovery receives it. */
export interface GateOccurrence extends OccurrenceBase {
  kind: 'credits-1m';
  case: GateCase;
  /** Context of the last main reply (or after the last compaction); null when unknown. */
  contextTokens: number | null;
  /** Rough tokens the main session added after that reply. */
  pendingTokens: number;
  /** From the last main reply; keeps a `[1m]` suffix. */
  requestedModel: string | null;
  /** Whether the refused request carried the 1M-context beta (its `api-request` record); null: not recorded. */
  requestCarried1M: boolean | null;
}

/** One usage limit: when it resets. */
export interface UsageLimitOccurrence extends OccurrenceBase, UsageLimitFacts {
  kind: 'usage-limit';
}

/** One refused image: healed or not, and the images it can mean. */
export interface ImageOccurrence extends OccurrenceBase, ImageFacts {
  kind: 'image-refused';
}

export type BlockOccurrence = GateOccurrence | UsageLimitOccurrence | ImageOccurrence;

/** Time source and timers; tests pass fake ones. */
export interface WatcherClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface BlockWatcherOptions {
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
 * Past the confirmation deadline, a readable transcript that has no new record yet is
 * still looked at this often until LATE_MS after the match: a loaded machine can delay the
 * CLI's write past the deadline, and a record that comes late is still the occurrence.
 */
const LATE_POLL_MS = 500;
const LATE_MS = 15_000;
/** How much of a transcript first met is read: the block's record is among its last lines. */
const FIRST_READ_BYTES = 2 * 1024 * 1024;
/** Record uuids already turned into an occurrence (bounded). */
const CONSUMED_KEEP = 256;
/** Records found for a kind no confirmation was waiting for yet (bounded). */
const UNCLAIMED_KEEP = 64;
/**
 * A record stamped this long before the screen match belongs to something the screen did
 * not show then (e.g. a refusal the CLI retried by itself): it does not confirm this match.
 */
const STALE_RECORD_MS = 15_000;

interface Hit {
  block: BlockKind;
  file: string;
  record: TranscriptRecord;
  kind: RecordKind;
  variant: string;
  /** The record's time, or null. */
  time: number | null;
}

type ScanResult = { state: 'read' } | { state: 'unreadable'; why: string };

interface Confirmation {
  block: BlockKind;
  /** The screen's variant (the transcript's is preferred when it confirms). */
  variant: string;
  /** The message as the screen showed it (facts when no record confirms it). */
  body: string;
  /** At least one match was not a repaint: the screen alone would count it. */
  screenNew: boolean;
  startedAt: number;
  deadline: number;
  timer: unknown;
  /** Content-only hits (the gate's case C) seen so far: emitted at the deadline unless the main error shows up. */
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
 * Watches one claude session for blocks of every kind.
 *
 * Decision rule: an occurrence needs the CLI's rendering on screen (ScreenDetector) and,
 * while the transcript can be read, a record of that kind appended to it after launch (or
 * after the last `rebase()`) that was not turned into an occurrence before. Each such record
 * is one occurrence, so redraws of an old message never repeat one. The transcript is polled
 * for `config.detection.confirmTimeoutMs` after the screen match (the CLI writes the line up
 * to ~1 s later); each kind is confirmed on its own. At the deadline: the gate's words found
 * only as content (a prompt, a tool result, the model's text, a subagent) give one case-C
 * occurrence (other kinds' are passed over); a readable transcript without any new record
 * gives nothing; an unreadable or unknown transcript gives a screen-only occurrence (only for
 * a match that was not a repaint) and a warning in the log.
 *
 * Who logs: the watcher writes the `detected` entry (and any warning) before it emits
 * `occurrence`; listeners log what they do next under the same `occurrence` id.
 */
export class BlockWatcher extends EventEmitter<{ occurrence: [BlockOccurrence]; dismissed: [string] }> {
  private readonly options: BlockWatcherOptions;
  private readonly clock: WatcherClock;
  private readonly detector: ScreenDetector;
  private readonly kinds: KindWordings[];
  private argsSessionId: string | null;
  /** Only transcript lines stamped at or after this count. */
  private baseline: number;
  /** Read offsets of the transcripts met so far. */
  private readonly offsets = new Map<string, number>();
  private readonly consumed: string[] = [];
  /** Records read while no confirmation of their kind was open. */
  private unclaimed: Hit[] = [];
  private readonly confirmations = new Map<BlockKind, Confirmation>();
  private lastSessionId: string | null = null;
  private lastTranscript: string | null = null;
  private disabled = false;
  private disposed = false;
  /** A `-p` or stream-json run: its output, not a screen, shows the block. */
  private readonly headless: boolean;

  constructor(options: BlockWatcherOptions) {
    super();
    this.options = options;
    this.clock = options.clock ?? realClock;
    this.baseline = options.launchedAt;
    this.headless = options.mode === 'print' || options.mode === 'stream-json';
    this.argsSessionId = sessionIdFromArgs(options.args);
    this.detector = new ScreenDetector(options.config.detection.extraPatterns, { print: options.print === true });
    this.kinds = compileBlocks(options.config.detection.extraPatterns).kinds;
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
      this.warn(`block detection stopped after an internal error: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * A headless mode saw the CLI's own rendering of a block in its output (a `-p` result, a
   * stream-json error event): confirmed like a new screen match. Ends in `occurrence`, or in
   * `dismissed` when no record confirms it. `body` is the message as printed.
   */
  onRendering(variant: string, kind: BlockKind = 'credits-1m', body = ''): void {
    if (this.disabled || this.disposed) return;
    this.onMatches([{ kind, variant, body, repaint: false, offset: -1 }]);
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
   * message redrawn by the resumed CLI is a repaint. Cancels confirmations in progress. Call
   * it before the new claude can send anything (before a restored prompt is submitted);
   * `args`, when given, are the new claude's arguments (for its `--resume <id>`).
   */
  rebase(args?: readonly string[]): void {
    this.baseline = this.clock.now();
    if (args) this.argsSessionId = sessionIdFromArgs(args) ?? this.argsSessionId;
    this.detector.rebase();
    this.cancel();
    this.unclaimed = [];
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

  private onMatches(matches: BlockMatch[]): void {
    for (const kind of new Set(matches.map((match) => match.kind))) this.confirm(kind, matches.filter((match) => match.kind === kind));
  }

  private confirm(block: BlockKind, matches: BlockMatch[]): void {
    const last = matches[matches.length - 1] as BlockMatch;
    const screenNew = matches.some((match) => !match.repaint);
    const open = this.confirmations.get(block);
    if (open) {
      // Within its deadline, a confirmation under way covers this match too; past it (only
      // looking late at a slow pace), a new match starts afresh and is looked at now.
      if (this.clock.now() < open.deadline) {
        if (screenNew) open.screenNew = true;
        return;
      }
      this.cancel(block);
    }
    const shown = matches.find((match) => !match.repaint) ?? last;
    const confirmation: Confirmation = {
      block,
      variant: shown.variant,
      body: shown.body,
      screenNew,
      startedAt: this.clock.now(),
      deadline: this.clock.now() + this.options.config.detection.confirmTimeoutMs,
      timer: null,
      contentHits: [],
    };
    this.confirmations.set(block, confirmation);
    // Not on the hot path: the first look at the transcript runs from a timer.
    this.schedule(confirmation, 0);
  }

  private schedule(confirmation: Confirmation, ms: number): void {
    confirmation.timer = this.clock.setTimeout(() => this.check(confirmation), ms);
  }

  /** Cancels one kind's confirmation, or all of them. */
  private cancel(block?: BlockKind): void {
    for (const [kind, confirmation] of [...this.confirmations]) {
      if (block !== undefined && kind !== block) continue;
      if (confirmation.timer != null) this.clock.clearTimeout(confirmation.timer);
      this.confirmations.delete(kind);
      if (!this.disposed) this.emit('dismissed', 'superseded by a restart');
    }
  }

  private check(confirmation: Confirmation): void {
    if (this.confirmations.get(confirmation.block) !== confirmation || this.disposed) return;
    confirmation.timer = null;
    let result: ScanResult;
    try {
      result = this.scan();
    } catch (error) {
      result = { state: 'unreadable', why: error instanceof Error ? error.message : String(error) };
    }
    const freshSince = confirmation.startedAt - STALE_RECORD_MS;
    const hits = this.claim(confirmation.block, freshSince);
    const main = hits.filter((hit) => hit.kind === 'main-error');
    if (main.length > 0) {
      this.finish(confirmation, main[main.length - 1] as Hit, hits);
      return;
    }
    confirmation.contentHits.push(...hits);
    if (this.clock.now() < confirmation.deadline) {
      this.schedule(confirmation, Math.min(POLL_MS, Math.max(0, confirmation.deadline - this.clock.now())));
      return;
    }
    // Deadline.
    const spec = this.kinds.find((kind) => kind.spec.kind === confirmation.block)?.spec;
    const label = spec?.short ?? confirmation.block;
    if (confirmation.contentHits.length > 0) {
      const content = confirmation.contentHits;
      if (spec?.logsContent === true) this.finish(confirmation, content[content.length - 1] as Hit, content);
      else this.drop(confirmation, 'the words were conversation content, not the CLI\'s error');
    } else if (result.state === 'unreadable' && confirmation.screenNew) {
      this.confirmations.delete(confirmation.block);
      this.screenOnly(confirmation, result.why);
    } else if (this.clock.now() < confirmation.startedAt + LATE_MS) {
      this.schedule(confirmation, LATE_POLL_MS);
    } else {
      if (confirmation.screenNew) {
        this.warn(`the ${this.headless ? 'output' : 'screen'} showed the ${label} (${confirmation.variant}) but the transcript got no record of it within ${LATE_MS / 1000} s: not acted on`, this.lastSessionId);
      }
      this.drop(confirmation, 'no transcript record confirmed it');
    }
  }

  private drop(confirmation: Confirmation, why: string): void {
    this.confirmations.delete(confirmation.block);
    this.emit('dismissed', why);
  }

  /** The hits of one kind read so far and not yet turned into an occurrence; error records older than `freshSince` are passed over. */
  private claim(block: BlockKind, freshSince: number): Hit[] {
    const mine = this.unclaimed.filter((hit) => hit.block === block);
    this.unclaimed = this.unclaimed.filter((hit) => hit.block !== block);
    return mine.filter((hit) => hit.time === null || hit.time >= freshSince);
  }

  /** Reads what was appended to the session's transcript(s) since the last look: every kind's records go to `unclaimed`. */
  private scan(): ScanResult {
    const { cwd, env } = this.options;
    const files = this.candidates();
    if (files.length === 0) {
      return { state: 'unreadable', why: hasProjectDir(cwd, env) ? 'no transcript of this session found' : 'no project directory for this cwd' };
    }
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
        const maybe = this.kinds.filter(({ spec, wordings }) => spec.lineMayCarry(line, wordings));
        if (maybe.length === 0) continue;
        const record = parseRecord(line);
        if (!record) continue;
        const time = recordTime(record);
        // Lines of a file met for the first time count only by their timestamp; later lines were appended since we looked.
        if (time === null ? fresh : time < this.baseline) continue;
        if (typeof record.uuid === 'string' && this.consumed.includes(record.uuid)) continue;
        for (const { spec, wordings } of maybe) {
          const mention = spec.mention(record, wordings);
          if (!mention) continue;
          this.unclaimed.push({ block: spec.kind, file, record, kind: mention.kind, variant: mention.variant, time });
          break;
        }
      }
    }
    if (this.unclaimed.length > UNCLAIMED_KEEP) this.unclaimed = this.unclaimed.slice(-UNCLAIMED_KEEP);
    if (readable === 0) return { state: 'unreadable', why: lastError || 'transcript unreadable' };
    return { state: 'read' };
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

  private finish(confirmation: Confirmation, hit: Hit, all: Hit[]): void {
    this.confirmations.delete(confirmation.block);
    for (const each of all) if (typeof each.record.uuid === 'string') this.consume(each.record.uuid);
    const sessionId = typeof hit.record.sessionId === 'string' ? hit.record.sessionId : sessionIdOfFile(hit.file);
    if (hit.kind === 'main-error') {
      this.lastSessionId = sessionId;
      this.lastTranscript = hit.file;
    }
    const base = {
      occurrence: newOccurrenceId(),
      variant: hit.variant,
      channel: this.headless ? ('output+transcript' as const) : ('screen+transcript' as const),
      sessionId,
      transcriptPath: hit.file,
      claudeVersion: this.options.claudeVersion ?? (typeof hit.record.version === 'string' ? hit.record.version : null),
      recordUuid: typeof hit.record.uuid === 'string' ? hit.record.uuid : null,
      at: hit.time ?? this.clock.now(),
    };
    if (confirmation.block === 'usage-limit') {
      const facts = usageLimitFacts(hit.record, hit.variant);
      this.report({ ...base, kind: 'usage-limit', ...facts, reason: usageReason(facts) });
    } else if (confirmation.block === 'image-refused') {
      const facts = imageFacts(hit.file, hit.record, hit.variant);
      this.report({ ...base, kind: 'image-refused', ...facts, reason: imageReason(facts) });
    } else {
      const classification = classifyOccurrence(hit.file, hit.kind, this.options.config.cases);
      this.report({
        ...base,
        kind: 'credits-1m',
        case: classification.case,
        contextTokens: classification.contextTokens,
        pendingTokens: classification.pendingTokens,
        reason: classification.reason,
        requestedModel: classification.requestedModel,
        requestCarried1M: classification.requestCarried1M,
      });
    }
  }

  private screenOnly(confirmation: Confirmation, why: string): void {
    const sessionId = this.sessionId();
    const transcriptPath = sessionId === null ? null : findTranscript(this.options.cwd, sessionId, this.options.env) ?? this.lastTranscript;
    const where = this.headless ? 'output' : 'screen';
    const label = this.kinds.find((kind) => kind.spec.kind === confirmation.block)?.spec.short ?? confirmation.block;
    this.warn(`${label} seen on ${where} but the transcript could not confirm it (${why}); acting on the ${where} alone`, sessionId);
    const base = {
      occurrence: newOccurrenceId(),
      variant: confirmation.variant,
      channel: this.headless ? ('output' as const) : ('screen' as const),
      sessionId,
      transcriptPath,
      claudeVersion: this.options.claudeVersion ?? null,
      recordUuid: null,
      at: confirmation.startedAt,
    };
    if (confirmation.block === 'usage-limit') {
      const facts = usageLimitFactsFromText(confirmation.body, confirmation.variant, confirmation.startedAt);
      this.report({ ...base, kind: 'usage-limit', ...facts, reason: `${where} only (${why}); ${usageReason(facts)}` });
    } else if (confirmation.block === 'image-refused') {
      const facts: ImageFacts = { healed: confirmation.variant === 'removed', again: false, refusal: confirmation.body.slice(0, 200), images: [] };
      this.report({ ...base, kind: 'image-refused', ...facts, reason: `${where} only (${why}); no image can be named without the transcript` });
    } else {
      this.report({
        ...base,
        kind: 'credits-1m',
        case: 'A',
        contextTokens: null,
        pendingTokens: 0,
        reason: `${where} only (${why}); assumed A: compacting a small session fails harmlessly`,
        requestedModel: null,
        requestCarried1M: null,
      });
    }
  }

  private report(occurrence: BlockOccurrence): void {
    const { config, cwd } = this.options;
    const entry: DetectedEntry = {
      type: 'detected',
      ts: new Date(this.clock.now()).toISOString(),
      occurrence: occurrence.occurrence,
      kind: occurrence.kind,
      variant: occurrence.variant,
      channel: occurrence.channel,
      mode: this.options.mode ?? 'terminal',
      reason: occurrence.reason,
      claudeVersion: occurrence.claudeVersion,
      sessionId: occurrence.sessionId,
      cwd,
    };
    if (occurrence.kind === 'credits-1m') {
      entry.case = occurrence.case;
      entry.contextTokens = occurrence.contextTokens;
      entry.thresholds = { standardWindow: config.cases.standardWindow, caseAMinTokens: config.cases.caseAMinTokens };
    } else if (occurrence.kind === 'usage-limit') {
      entry.resetsAt = occurrence.resetsAt === null ? null : new Date(occurrence.resetsAt).toISOString();
      entry.resetSource = occurrence.resetSource;
      entry.limit = occurrence.limit;
    } else {
      entry.image = { healed: occurrence.healed, again: occurrence.again, refusal: occurrence.refusal.slice(0, 300), images: occurrence.images };
    }
    this.write(entry);
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

function usageReason(facts: UsageLimitFacts): string {
  const when = facts.resetsAt === null ? 'reset time unknown' : `resets ${new Date(facts.resetsAt).toISOString()} (${facts.resetSource === 'record' ? 'from its record' : 'from its text, to the minute'})`;
  return `${facts.limit}; ${when}`;
}

function imageReason(facts: ImageFacts): string {
  const images = `${facts.images.length} image${facts.images.length === 1 ? '' : 's'} added since the last answer it can mean`;
  if (facts.healed) return `the CLI left the image out and sent the request again; ${images}`;
  return `${facts.again ? 'the same refusal again with no answer between: not healed' : 'first refusal: the CLI may still heal it'}; ${images}`;
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
