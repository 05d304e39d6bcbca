// Reading a transcript without reading all of it: the lines appended since an offset, and
// the newest lines found by seeking back from the end (transcripts reach hundreds of MB).
// Synchronous on purpose: each call reads a bounded amount, runs only while an occurrence
// is being confirmed, and keeps the watcher deterministic under fake timers. The backward
// line splitting is shared with lines.ts, whose readers are async for recovery.
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
  const blockSize = options.blockSize ?? 1024 * 1024;
  const splitter = new BackwardSplitter(options.maxLineBytes ?? 8 * 1024 * 1024);
  /** Hands a complete line to the visitor; true when it says stop. */
  const report = (line: SplitLine): boolean => line.terminated && visit({ text: line.oversize ? null : line.bytes.toString('utf8'), bytes: line.length }) === true;
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const stopAt = Math.max(0, size - limitBytes);
    const block = Buffer.allocUnsafe(blockSize);
    for (let position = size; position > stopAt; ) {
      const length = Math.min(blockSize, position - stopAt);
      position -= length;
      const read = readFully(fd, block.subarray(0, length), position);
      for (const line of splitter.push(block.subarray(0, read), position)) if (report(line)) return;
    }
    // The first line of the file (when the limit stopped the scan, the line it cut is not reported).
    const first = stopAt === 0 ? splitter.finish() : null;
    if (first !== null) report(first);
  } finally {
    fs.closeSync(fd);
  }
}

/** A line met by BackwardSplitter. */
export interface SplitLine {
  /** The line's bytes without the newline (a copy; empty when oversize). */
  bytes: Buffer;
  /** Length of the line in bytes (without the newline), oversize or not. */
  length: number;
  /** True when the line was longer than the splitter's limit, so its bytes were not kept. */
  oversize: boolean;
  /** Byte offset of the line's start in the file. */
  offset: number;
  /** False for a last line the file does not end with a newline after (torn). */
  terminated: boolean;
}

/**
 * Splits the blocks of a file, fed from its end towards its start, into lines newest first:
 * the part shared by scanBackward (synchronous) and lines.ts's readLinesBackward (async
 * reads). It keeps only the line being assembled, and of it at most `maxLineBytes`.
 */
export class BackwardSplitter {
  /** Pieces of the line being assembled, newest piece first; emptied once it is oversize. */
  private pieces: Buffer[] = [];
  private length = 0;
  /** Whether a newline was met yet: until then the bytes belong to the torn last line, if any. */
  private sawNewline = false;

  constructor(private readonly maxLineBytes = Infinity) {}

  /** The lines completed by `block`, which starts at file offset `position`, newest first. The block may be reused afterwards. */
  *push(block: Buffer, position: number): Generator<SplitLine> {
    let end = block.length;
    for (;;) {
      const at = end === 0 ? -1 : block.lastIndexOf(NEWLINE, end - 1);
      if (at === -1) break;
      this.take(block, at + 1, end);
      // What follows the file's last newline is a line only when it is not empty (a torn one).
      if (this.sawNewline || this.length > 0) yield this.emit(position + at + 1);
      this.sawNewline = true;
      end = at;
    }
    this.take(block, 0, end);
  }

  /** After the block at offset 0: the file's first line, or null when it is empty. */
  finish(): SplitLine | null {
    return this.length > 0 ? this.emit(0) : null;
  }

  private take(block: Buffer, from: number, to: number): void {
    const length = to - from;
    if (length <= 0) return;
    if (this.length + length <= this.maxLineBytes) this.pieces.push(Buffer.from(block.subarray(from, to)));
    else this.pieces = [];
    this.length += length;
  }

  private emit(offset: number): SplitLine {
    const oversize = this.length > this.maxLineBytes;
    const line: SplitLine = {
      bytes: oversize ? Buffer.alloc(0) : Buffer.concat(this.pieces.reverse(), this.length),
      length: this.length,
      oversize,
      offset,
      terminated: this.sawNewline,
    };
    this.pieces = [];
    this.length = 0;
    return line;
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
