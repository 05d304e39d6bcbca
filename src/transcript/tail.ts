// Reading a transcript without reading all of it: the lines appended since an offset, and
// the newest lines found by seeking back from the end (transcripts reach hundreds of MB).
// Synchronous on purpose: each call reads a bounded amount, runs only while an occurrence
// is being confirmed, and keeps the watcher deterministic under fake timers.
import fs from 'node:fs';

/** Complete lines appended since an offset. */
export interface NewLines {
  lines: string[];
  /** Where the next read starts: just past the last complete line (a torn last line is read again next time). */
  offset: number;
  /** File size at the time of the read. */
  size: number;
  /** True when the file shrank below the offset (replaced or rewritten): reading restarted from the tail. */
  reset: boolean;
  /** True when more than `maxBytes` were appended and the oldest of them were skipped. */
  skipped: boolean;
}

const NEWLINE = 0x0a;

/**
 * The complete lines written after `offset`. At most the last `maxBytes` of them are read;
 * a line still being written (no final newline yet) is left for the next call.
 * Throws the fs error when the file cannot be read.
 */
export function readNewLines(file: string, offset: number, maxBytes = 16 * 1024 * 1024): NewLines {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const reset = size < offset;
    let start = reset ? 0 : offset;
    let skipped = false;
    if (size - start > maxBytes) {
      start = size - maxBytes;
      skipped = true;
    }
    if (size === start) return { lines: [], offset: start, size, reset, skipped };
    const buffer = Buffer.allocUnsafe(size - start);
    const read = readFully(fd, buffer, start);
    let from = 0;
    if (skipped || (reset && start > 0)) {
      // Started mid-file: the first partial line is not ours.
      const first = buffer.indexOf(NEWLINE, 0);
      if (first === -1 || first >= read) return { lines: [], offset: start, size, reset, skipped };
      from = first + 1;
    }
    const last = buffer.lastIndexOf(NEWLINE, read - 1);
    if (last < from) return { lines: [], offset: start + from, size, reset, skipped };
    const lines = buffer.toString('utf8', from, last).split('\n');
    return { lines, offset: start + last + 1, size, reset, skipped };
  } finally {
    fs.closeSync(fd);
  }
}

/** One line met by `scanBackward`: its text, or null when it was longer than the line limit. */
export interface BackwardLine {
  text: string | null;
  /** Length of the line in bytes (without the newline). */
  bytes: number;
}

export interface ScanBackwardOptions {
  /** Stop after reading this many bytes from the end (default 256 MiB). */
  limitBytes?: number;
  /** Lines longer than this are reported with `text: null` instead of being kept (default 8 MiB). */
  maxLineBytes?: number;
  /** Read block size (default 1 MiB). */
  blockSize?: number;
}

/**
 * Visits the complete lines of a file newest first, reading blocks from the end, until the
 * visitor returns true or `limitBytes` have been read. A torn last line (no final newline)
 * is skipped. Memory is one block plus the longest kept line.
 */
export function scanBackward(file: string, visit: (line: BackwardLine) => boolean | void, options: ScanBackwardOptions = {}): void {
  const limitBytes = options.limitBytes ?? 256 * 1024 * 1024;
  const maxLineBytes = options.maxLineBytes ?? 8 * 1024 * 1024;
  const blockSize = options.blockSize ?? 1024 * 1024;
  /** Pieces of the line being assembled, newest piece first; empty when it is oversize. */
  let pieces: Buffer[] = [];
  let lineBytes = 0;
  const take = (block: Buffer, from: number, to: number): void => {
    const length = to - from;
    if (length <= 0) return;
    if (lineBytes + length <= maxLineBytes) pieces.push(Buffer.from(block.subarray(from, to)));
    else pieces = [];
    lineBytes += length;
  };
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const stopAt = Math.max(0, size - limitBytes);
    let position = size;
    /** Whether a newline was seen yet: everything after the last newline is a torn line. */
    let sawNewline = false;
    const block = Buffer.allocUnsafe(blockSize);
    const emit = (): boolean => {
      const oversize = lineBytes > maxLineBytes;
      const text = oversize ? null : Buffer.concat(pieces.reverse(), lineBytes).toString('utf8');
      pieces = [];
      const bytes = lineBytes;
      lineBytes = 0;
      return visit({ text, bytes }) === true;
    };
    while (position > stopAt) {
      const length = Math.min(blockSize, position - stopAt);
      position -= length;
      const read = readFully(fd, block.subarray(0, length), position);
      let end = read;
      for (let at = block.lastIndexOf(NEWLINE, end - 1); ; at = block.lastIndexOf(NEWLINE, end - 1)) {
        if (at < 0 || at >= end) break;
        if (sawNewline) {
          take(block, at + 1, end);
          if (emit()) return;
        } else {
          pieces = [];
          lineBytes = 0;
          sawNewline = true;
        }
        end = at;
        if (end === 0) break;
      }
      if (end > 0 && sawNewline) take(block, 0, end);
    }
    // The first line of the file (or of the scanned range when the limit stopped the scan: incomplete, not reported).
    if (position === 0 && sawNewline && lineBytes > 0) emit();
  } finally {
    fs.closeSync(fd);
  }
}

function readFully(fd: number, buffer: Buffer, position: number): number {
  let total = 0;
  while (total < buffer.length) {
    const read = fs.readSync(fd, buffer, total, buffer.length - total, position + total);
    if (read === 0) break;
    total += read;
  }
  return total;
}
