// Follows the session's transcript as the CLI appends to it and feeds each record to the
// context guard, at next to no cost while nothing is written.
import fs from 'node:fs';
import { contextTokens, isCompactBoundary, isMainAssistantReply, parseRecord, type TranscriptRecord } from '../transcript/records.js';
import { readNewLines, scanBackward } from '../transcript/tail.js';

/** What the follower feeds: ContextGuard. */
export interface RecordSink {
  feed(record: TranscriptRecord, live?: boolean): void;
  settle(): void;
  reset(): void;
}

/** A change watch on one file; `fs.watch` by default. */
export type WatchFile = (file: string, onChange: () => void) => { close(): void };

export interface FollowerTimers {
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface TranscriptFollowerOptions {
  sink: RecordSink;
  /** Told about the first failure only (fail open: the follower keeps trying quietly). */
  report?: (message: string) => void;
  /** The poll without a working watch: one stat per period while nothing changes (default 2000 ms). */
  pollMs?: number;
  /** The safety-net poll while a watch is open (default 10000 ms). */
  watchedPollMs?: number;
  /** How far back from the end to look for the current context when a transcript is set (default 8 MiB; read synchronously). */
  historyBytes?: number;
  /** Most bytes read in one go; more appended at once skips the oldest (default 16 MiB). */
  maxReadBytes?: number;
  watch?: WatchFile;
  timers?: FollowerTimers;
}

/** Line types that never matter to the guard and can be large (request blobs): skipped unparsed. */
const SKIPPED_PREFIXES = ['{"type":"api-request', '{"type":"file-history-snapshot"', '{"type":"cost-state"'];
/** Enough of the end of the file to find the last complete line. */
const END_PROBE_BYTES = 64 * 1024;

const fsWatch: WatchFile = (file, onChange) => {
  const watcher = fs.watch(file, { persistent: false }, () => onChange());
  watcher.on('error', () => watcher.close()); // the poll carries on
  return watcher;
};

const realTimers: FollowerTimers = {
  setInterval: (callback, ms) => setInterval(callback, ms).unref(),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

/**
 * Reads the lines appended to one transcript and feeds them to the sink.
 *
 * Cost while idle: an `fs.watch` (inotify: no CPU until the file changes) and a safety-net
 * poll, one `stat` every `watchedPollMs` (watches can miss changes on network and container
 * file systems), or every `pollMs` when no watch could be opened (the file does not exist
 * yet, or the file system has none); a read happens only when the size changed. Reads are
 * synchronous and bounded (`maxReadBytes`), so a record is never half-fed.
 *
 * When a transcript is set (or appears, or is replaced by a rewrite such as prune-images),
 * only its end is read back, to the last reply or compaction, and replayed as history
 * (`feed(record, false)` then `settle()`); from there on, appended records are fed live.
 * `setTranscript` switches files (the session id learnt late, `/resume`, a new session)
 * and resets the sink. Nothing throws to the caller.
 */
export class TranscriptFollower {
  private readonly pollMs: number;
  private readonly watchedPollMs: number;
  private readonly historyBytes: number;
  private readonly maxReadBytes: number;
  private readonly watchFile: WatchFile;
  private readonly timers: FollowerTimers;
  private file: string | null = null;
  /** Inode of the file being followed; null until it exists. */
  private ino: number | null = null;
  private offset = 0;
  private watcher: { close(): void } | null = null;
  private interval: unknown = null;
  private intervalMs = 0;
  private reported = false;
  private disposed = false;

  constructor(private readonly options: TranscriptFollowerOptions) {
    this.pollMs = options.pollMs ?? 2000;
    this.watchedPollMs = options.watchedPollMs ?? 10_000;
    this.historyBytes = options.historyBytes ?? 8 * 1024 * 1024;
    this.maxReadBytes = options.maxReadBytes ?? 16 * 1024 * 1024;
    this.watchFile = options.watch ?? fsWatch;
    this.timers = options.timers ?? realTimers;
  }

  /** The transcript now followed, or null. */
  get transcript(): string | null {
    return this.file;
  }

  /** Follows this transcript from now on (null: none). A file that does not exist yet is waited for. */
  setTranscript(file: string | null): void {
    if (this.disposed || file === this.file) return;
    this.guarded(() => {
      this.detach();
      const hadFile = this.file !== null;
      this.file = file;
      if (hadFile) this.options.sink.reset();
      this.updatePoll();
      if (file !== null) this.poll();
    });
  }

  /** Reads whatever was appended since the last read (the watch and the poll call this). */
  poll(): void {
    if (this.disposed || this.file === null) return;
    this.guarded(() => this.readAppended(this.file as string));
  }

  /** Stops following; the sink is left as it is (its owner disposes it). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.detach();
    this.file = null;
    this.updatePoll();
  }

  private readAppended(file: string): void {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch (error) {
      if (isMissing(error)) return; // not written yet, or being replaced: the next poll sees it
      throw error;
    }
    if (this.ino === null) {
      this.attach(file, stat);
      return;
    }
    if (stat.ino !== this.ino || stat.size < this.offset) {
      // Rewritten (prune-images renames a new file over it) or truncated: start over from its end.
      this.detach();
      this.options.sink.reset();
      this.attach(file, stat);
      return;
    }
    if (stat.size === this.offset) return;
    const read = readNewLines(file, this.offset, this.maxReadBytes);
    this.offset = read.offset;
    for (const line of read.lines) {
      const record = parseLine(line);
      if (record !== null) this.options.sink.feed(record, true);
    }
  }

  /** Starts on a file: watch it, replay its end as history, and read live from its last complete line. */
  private attach(file: string, stat: fs.Stats): void {
    this.ino = stat.ino;
    try {
      this.watcher = this.watchFile(file, () => this.poll());
    } catch {
      this.watcher = null; // no watch here: the poll alone
    }
    this.updatePoll();
    // Where live reading starts: past the last complete line now (a line being written is read live).
    const start = Math.max(0, stat.size - END_PROBE_BYTES);
    this.offset = stat.size === 0 ? 0 : readNewLines(file, start, END_PROBE_BYTES).offset;
    // History: from the end back to the last reply or compaction (anything appended meanwhile may be fed twice, which is harmless).
    const history: TranscriptRecord[] = [];
    scanBackward(
      file,
      (line) => {
        if (line.text === null) return false;
        const record = parseLine(line.text);
        if (record === null) return false;
        history.push(record);
        return isDecisive(record);
      },
      { limitBytes: this.historyBytes },
    );
    for (let i = history.length - 1; i >= 0; i--) this.options.sink.feed(history[i] as TranscriptRecord, false);
    this.options.sink.settle();
    // Lines completed since the probe are read live next; do it now rather than at the next event.
    this.readAppended(file);
  }

  private detach(): void {
    this.watcher?.close();
    this.watcher = null;
    this.ino = null;
    this.offset = 0;
  }

  /** No poll without a file; a slow one while a watch is open; a faster one without. */
  private updatePoll(): void {
    const ms = this.disposed || this.file === null ? 0 : this.watcher !== null ? this.watchedPollMs : this.pollMs;
    if (ms === this.intervalMs) return;
    if (this.interval !== null) this.timers.clearInterval(this.interval);
    this.interval = ms === 0 ? null : this.timers.setInterval(() => this.poll(), ms);
    this.intervalMs = ms;
  }

  private guarded(action: () => void): void {
    try {
      action();
    } catch (error) {
      if (this.reported) return;
      this.reported = true;
      const message = error instanceof Error ? error.message : String(error);
      this.options.report?.(`the context guard cannot read the transcript ${this.file ?? ''} (${message}); it keeps trying`);
    }
  }
}

function parseLine(line: string): TranscriptRecord | null {
  for (const prefix of SKIPPED_PREFIXES) if (line.startsWith(prefix)) return null;
  return parseRecord(line);
}

/** A record that fixes the context size on its own: a main reply with usage, or a compaction. */
function isDecisive(record: TranscriptRecord): boolean {
  return isCompactBoundary(record) || (isMainAssistantReply(record) && contextTokens(record.message?.usage) > 0);
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
