// Whether a file is a Claude Code transcript before anything plans on it or touches it: JSON
// lines, each an object with a `type`, with session records (a `sessionId`) among the first.
// A file named <uuid>.jsonl that is anything else (random bytes, another program's log) is
// refused with the reason.
import { open } from 'node:fs/promises';
import { readLines } from './lines.js';

/** Lines looked at at most: real transcripts carry a sessionId from their first or second line. */
const MAX_LINES = 200;
/** Lines checked at least (fewer when the file is shorter). */
const MIN_LINES = 5;
const HEAD_BYTES = 64 * 1024;

/** Null when `file` looks like a transcript; else why not, as a phrase (`line 1 is not JSON`). */
export async function transcriptProblem(file: string): Promise<string | null> {
  const handle = await open(file, 'r');
  let head: Buffer;
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  if (head.length === 0) return 'it is empty';
  // Cheap refusals first, so a large binary file is never read as one enormous line.
  if (head.includes(0)) return 'it holds binary data';
  if (head[0] !== 0x7b) return 'line 1 is not a JSON object';

  let lineNumber = 0;
  let sessionRecords = 0;
  for await (const line of readLines(file)) {
    lineNumber++;
    const text = line.bytes.toString('utf8');
    if (text.trim() !== '') {
      const record = parseObject(text);
      // A torn last line is a transcript being written, not a foreign file.
      if (typeof record === 'string') {
        if (line.terminated || sessionRecords === 0) return `line ${lineNumber} ${record}`;
      } else if (typeof record.sessionId === 'string') {
        sessionRecords++;
      }
    }
    if (sessionRecords > 0 && lineNumber >= MIN_LINES) return null;
    if (lineNumber >= MAX_LINES) break;
  }
  return sessionRecords > 0 ? null : `none of its first ${lineNumber} line${lineNumber === 1 ? '' : 's'} is a session record (with a sessionId)`;
}

/** The line as a record with a `type`, or what is wrong with it. */
function parseObject(text: string): Record<string, unknown> | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'is not JSON';
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'is not a JSON object';
  const record = value as Record<string, unknown>;
  return typeof record.type === 'string' ? record : 'has no record type';
}
