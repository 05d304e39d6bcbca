// The occurrence log on disk: a sink that appends one JSON line per entry to
// events.jsonl in the state directory with size-bounded rotation, a memory sink for
// tests, and the reader that `log` and `stats` use.
import {
  closeSync,
  fstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
  type Stats,
} from 'node:fs';
import path from 'node:path';
import { DEFAULT_CONFIG } from '../config/types.js';
import { describeError } from '../errors.js';
import { stateDir } from '../paths.js';
import { withLockSync } from '../storage/lock.js';
import { ensurePrivateDirSync, narrowSync, PRIVATE_FILE } from '../storage/private.js';
import type { LogEntry, LogSink } from './types.js';

export const EVENTS_FILE = 'events.jsonl';

/** The path of the current log file. */
export function eventsFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(stateDir(env), EVENTS_FILE);
}

export interface FileSinkOptions {
  env?: NodeJS.ProcessEnv;
  /** Defaults to eventsFile(env). */
  file?: string;
  /** Rotate before a write would take the file past this size (config log.maxBytes). */
  maxBytes?: number;
  /** Rotated files to keep: events.jsonl.1 (newest) … events.jsonl.<keep> (config log.keep). */
  keep?: number;
  /** Told about the first failure only; defaults to a line on stderr. */
  report?: (message: string) => void;
}

export interface FileSink extends LogSink {
  readonly file: string;
  /** True once a write has failed (later writes are still attempted). */
  readonly failed: boolean;
}

/**
 * How long a write waits for another claude-recover that is rotating the log. Holders keep the
 * lock for about a millisecond; past this the entry is appended without a rotation check, so
 * the passthrough is never held up for long and no entry is lost.
 */
const LOCK_WAIT_MS = 250;

/** A LogSink that appends to events.jsonl; write() never throws. */
export function createFileSink(options: FileSinkOptions = {}): FileSink {
  const file = options.file ?? eventsFile(options.env ?? process.env);
  const maxBytes = options.maxBytes ?? DEFAULT_CONFIG.log.maxBytes;
  const keep = options.keep ?? DEFAULT_CONFIG.log.keep;
  const report = options.report ?? ((message: string) => void process.stderr.write(`claude-recover: ${message}\n`));
  let failed = false;
  let checkedMode = false;

  return {
    file,
    get failed() {
      return failed;
    },
    write(entry: LogEntry): void {
      try {
        const line = `${JSON.stringify(entry)}\n`;
        if (!checkedMode) {
          checkedMode = true;
          ensurePrivateDirSync(path.dirname(file));
          narrowSync(file, PRIVATE_FILE);
        }
        // Several wrappers share the file: the size check and the rotation happen under a lock,
        // or two rotating at once would rename over each other's files.
        withLockSync(`${file}.lock`, { waitMs: LOCK_WAIT_MS }, (held) => {
          // One stat a write: entries are rare, and another claude-recover may have appended or rotated.
          const stat = statOrNull(file);
          if (held && stat && stat.size > 0 && stat.size + Buffer.byteLength(line) > maxBytes) rotate(file, keep);
          appendLine(file, line);
        });
      } catch (error) {
        if (!failed) report(`could not write the event log ${file} (${describeError(error)}); claude keeps running, but this session may not be logged`);
        failed = true;
      }
    },
  };
}

/**
 * Appends one line (O_APPEND: one write, never interleaved with another writer's). A file that
 * does not end in a newline (a crash or a full disk cut its last line) gets one first, so the
 * new entry is not glued onto the broken one.
 */
function appendLine(file: string, line: string): void {
  const fd = openSync(file, 'a+', PRIVATE_FILE);
  try {
    const size = fstatSync(fd).size;
    let text = line;
    if (size > 0) {
      const last = Buffer.alloc(1);
      readSync(fd, last, 0, 1, size - 1);
      if (last[0] !== 0x0a) text = `\n${line}`;
    }
    const bytes = Buffer.from(text);
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset);
  } finally {
    closeSync(fd);
  }
}

export interface MemorySink extends LogSink {
  readonly entries: LogEntry[];
}

/** A LogSink that keeps entries in an array (tests). */
export function createMemorySink(): MemorySink {
  const entries: LogEntry[] = [];
  return { entries, write: (entry) => void entries.push(entry) };
}

/** Shifts events.jsonl → .1 → .2 …, dropping files past `keep` (only the files that exist are renamed). */
export function rotate(file: string, keep: number): void {
  for (const old of rotatedFiles(file)) {
    if (old.index >= keep) removeIfExists(old.path);
    else renameIfExists(old.path, `${file}.${old.index + 1}`);
  }
  if (keep <= 0) removeIfExists(file);
  else renameIfExists(file, `${file}.1`);
}

/** The rotated files beside `file`, oldest (highest number) first. */
export function rotatedFiles(file: string): Array<{ path: string; index: number }> {
  const base = path.basename(file);
  let names: string[];
  try {
    names = readdirSync(path.dirname(file));
  } catch {
    return [];
  }
  const found: Array<{ path: string; index: number }> = [];
  for (const name of names) {
    if (!name.startsWith(`${base}.`)) continue;
    const suffix = name.slice(base.length + 1);
    if (/^[1-9]\d*$/.test(suffix)) found.push({ path: path.join(path.dirname(file), name), index: Number(suffix) });
  }
  return found.sort((a, b) => b.index - a.index);
}

export interface ReadOptions {
  /** Only entries at or after this time. */
  since?: Date;
  /** Defaults to eventsFile(env). */
  file?: string;
}

/** Every well-formed entry across the rotated files and the current one, oldest first; malformed lines are skipped. */
export function readEntries(env: NodeJS.ProcessEnv = process.env, options: ReadOptions = {}): LogEntry[] {
  return readLog(env, options).entries;
}

export interface LogRead {
  /** Oldest first. */
  entries: LogEntry[];
  /**
   * Lines that are not an entry: not JSON, or an entry of a known type without the fields
   * it needs (a torn write, an edited file). Entries of types this version does not know
   * (written by a newer one) are left out without counting.
   */
  unreadable: number;
}

/** readEntries, and how many lines could not be read. */
export function readLog(env: NodeJS.ProcessEnv = process.env, options: ReadOptions = {}): LogRead {
  const file = options.file ?? eventsFile(env);
  const since = options.since?.getTime() ?? Number.NEGATIVE_INFINITY;
  const entries: Array<{ entry: LogEntry; time: number }> = [];
  let unreadable = 0;
  for (const source of [...rotatedFiles(file).map((f) => f.path), file]) {
    let text: string;
    try {
      text = readFileSync(source, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        unreadable++;
        continue;
      }
      if (!isLogEntry(value)) {
        if (!isUnknownType(value)) unreadable++;
        continue;
      }
      const time = Date.parse(value.ts);
      if (time >= since) entries.push({ entry: value, time });
    }
  }
  // Several sessions append to the same file, so order by time (the sort is stable).
  return { entries: entries.sort((a, b) => a.time - b.time).map((e) => e.entry), unreadable };
}

const KNOWN_TYPES = new Set(['detected', 'step', 'recovered', 'gave-up', 'near-miss', 'auto-compact', 'warning']);

/** A well-formed line of a type this version does not know. */
function isUnknownType(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return typeof v.ts === 'string' && !Number.isNaN(Date.parse(v.ts)) && typeof v.type === 'string' && !KNOWN_TYPES.has(v.type);
}

const OCCURRENCE_TYPES = new Set(['detected', 'step', 'recovered', 'gave-up']);

/** Checks the fields the readers rely on; anything else in a line is passed through. */
export function isLogEntry(value: unknown): value is LogEntry {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  if (typeof v.ts !== 'string' || Number.isNaN(Date.parse(v.ts))) return false;
  if (OCCURRENCE_TYPES.has(String(v.type)) && typeof v.occurrence !== 'string') return false;
  switch (v.type) {
    case 'detected':
      return v.case === 'A' || v.case === 'B' || v.case === 'C';
    case 'step':
      return typeof v.name === 'string';
    case 'recovered':
      return typeof v.totalMs === 'number' && typeof v.worked === 'string';
    case 'gave-up':
      return typeof v.totalMs === 'number';
    case 'near-miss':
    case 'auto-compact':
      return v.sessionId === null || typeof v.sessionId === 'string';
    case 'warning':
      return typeof v.message === 'string';
    default:
      return false;
  }
}

function statOrNull(file: string): Stats | null {
  try {
    return statSync(file);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return null;
    throw error;
  }
}

function removeIfExists(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if (!isErrno(error, 'ENOENT')) throw error;
  }
}

function renameIfExists(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (error) {
    if (!isErrno(error, 'ENOENT')) throw error;
  }
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}
