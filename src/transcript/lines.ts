// Reads a transcript line by line with bounded memory and async reads, for recovery:
// forward from an offset, or backward from the end (split by tail.ts's BackwardSplitter).
// Transcripts reach hundreds of MB; only one line (a few MB at most) and one chunk are ever held.
import { open } from 'node:fs/promises';
import { BackwardSplitter } from './tail.js';

const CHUNK = 1 << 20;
const NL = 0x0a;

export interface Line {
  /** The line's bytes without the newline (a view into a chunk; copy it to keep it). */
  bytes: Buffer;
  /** Byte offset of the line's start in the file. */
  offset: number;
  /** False for a last line the file does not end with a newline after. */
  terminated: boolean;
}

/** Yields every line from `start` (a line start) to the end of the file as it is now. */
export async function* readLines(file: string, start = 0, chunkSize = CHUNK): AsyncGenerator<Line> {
  const handle = await open(file, 'r');
  try {
    const chunk = Buffer.allocUnsafe(chunkSize);
    let carry: Buffer[] = [];
    let carryStart = start;
    let position = start;
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, chunkSize, position);
      if (bytesRead === 0) break;
      const view = chunk.subarray(0, bytesRead);
      let from = 0;
      for (;;) {
        const nl = view.indexOf(NL, from);
        if (nl === -1) break;
        const part = view.subarray(from, nl);
        if (carry.length > 0) {
          carry.push(part);
          yield { bytes: Buffer.concat(carry), offset: carryStart, terminated: true };
          carry = [];
        } else {
          yield { bytes: part, offset: position + from, terminated: true };
        }
        from = nl + 1;
        carryStart = position + from;
      }
      // The chunk buffer is reused on the next read, so the unfinished tail must be copied.
      if (from < bytesRead) carry.push(Buffer.from(view.subarray(from)));
      position += bytesRead;
    }
    if (carry.length > 0) yield { bytes: Buffer.concat(carry), offset: carryStart, terminated: false };
  } finally {
    await handle.close();
  }
}

/**
 * Yields lines from the end of the file backwards, stopping after `maxBytes` have been
 * scanned. A torn last line (no newline after it) is yielded too.
 */
export async function* readLinesBackward(file: string, maxBytes = 64 * CHUNK, chunkSize = CHUNK): AsyncGenerator<Line> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const floor = Math.max(0, size - maxBytes);
    const chunk = Buffer.allocUnsafe(chunkSize);
    const splitter = new BackwardSplitter();
    for (let position = size; position > floor; ) {
      const length = Math.min(chunkSize, position - floor);
      position -= length;
      const { bytesRead } = await handle.read(chunk, 0, length, position);
      yield* splitter.push(chunk.subarray(0, bytesRead), position);
    }
    // The first line of the file; when maxBytes stopped the scan, the line it cut is dropped.
    const first = floor === 0 ? splitter.finish() : null;
    if (first !== null) yield first;
  } finally {
    await handle.close();
  }
}
