// Questions recovery asks a transcript, each answered by streaming it: the last prompt the
// user typed, whether a compaction landed after a given offset, and a whole-file integrity
// check (every line parses, the parentUuid chain).
import { createHash } from 'node:crypto';
import { readLines, readLinesBackward } from '../transcript/lines.js';
import { isCompactBoundary, isMainAssistantReply, parseRecord, replyContextTokens, userPromptText, type TranscriptRecord } from '../transcript/records.js';

/** The last prompt the user typed (searched in the last 64 MiB), or null. */
export async function lastUserPrompt(file: string): Promise<string | null> {
  for await (const line of readLinesBackward(file)) {
    const record = parseRecord(line.bytes.toString('utf8'));
    if (!record) continue;
    const text = userPromptText(record);
    if (text !== null && text.trim() !== '') return text;
  }
  return null;
}

/**
 * What the person asked for since the last answer, in order: the blocked prompt and the
 * messages they queued behind it (`queue-operation` enqueue records, written as soon as a
 * message is queued; a queued message the CLI went on to send shows once). Searched backwards
 * from the end to the last real reply of the main session; empty when nothing was asked since.
 */
export async function promptsSinceLastReply(file: string): Promise<string[]> {
  const events: Array<{ kind: 'prompt' | 'queued'; text: string }> = [];
  for await (const line of readLinesBackward(file)) {
    const record = parseRecord(line.bytes.toString('utf8'));
    if (!record) continue;
    if (isMainAssistantReply(record)) break;
    const prompt = userPromptText(record);
    if (prompt !== null && prompt.trim() !== '') events.push({ kind: 'prompt', text: prompt });
    else if (record.type === 'queue-operation' && record.operation === 'enqueue' && typeof record.content === 'string' && record.content.trim() !== '') {
      events.push({ kind: 'queued', text: record.content });
    }
  }
  events.reverse();
  const prompts: string[] = [];
  const queued = new Map<string, number>();
  for (const event of events) {
    const waiting = queued.get(event.text) ?? 0;
    if (event.kind === 'queued') {
      prompts.push(event.text);
      queued.set(event.text, waiting + 1);
    } else if (waiting > 0) {
      queued.set(event.text, waiting - 1); // the queued message, sent: already in its place
    } else {
      prompts.push(event.text);
    }
  }
  return prompts;
}

export interface SessionFacts {
  /** The last `requestedModel` (keeps a `[1m]` suffix). */
  requestedModel: string | null;
  /** The CLI version of the last record that has one. */
  version: string | null;
  /** The context size of the last real assistant reply (input + cache read + cache creation). */
  contextTokens: number | null;
  /** The directory the session ran in, as its records say. */
  cwd: string | null;
}

/** What the transcript says about the session (searched backwards in the last 64 MiB). */
export async function sessionFacts(file: string): Promise<SessionFacts> {
  const facts: SessionFacts = { requestedModel: null, version: null, contextTokens: null, cwd: null };
  for await (const line of readLinesBackward(file)) {
    const record = parseRecord(line.bytes.toString('utf8'));
    if (!record) continue;
    if (facts.requestedModel === null && typeof record.requestedModel === 'string') facts.requestedModel = record.requestedModel;
    if (facts.version === null && typeof record.version === 'string') facts.version = record.version;
    if (facts.cwd === null && typeof record.cwd === 'string') facts.cwd = record.cwd;
    if (facts.contextTokens === null) facts.contextTokens = replyContextTokens(record);
    if (facts.requestedModel !== null && facts.version !== null && facts.contextTokens !== null && facts.cwd !== null) break;
  }
  return facts;
}

/** True when a `compact_boundary` record starts at or after `offset`. */
export async function hasCompactBoundarySince(file: string, offset: number): Promise<boolean> {
  for await (const line of readLines(file, offset)) {
    if (line.bytes.indexOf('compact_boundary') === -1) continue;
    const record = parseRecord(line.bytes.toString('utf8'));
    if (record && isCompactBoundary(record)) return true;
  }
  return false;
}

export interface IntegrityReport {
  lines: number;
  /** Lines that are not a JSON object (blank lines excluded). */
  malformed: number;
  /** Whether the last line is torn (no newline after it and not parseable). */
  tornTail: boolean;
  /** parentUuid values that name no record of the file. */
  danglingParents: number;
  /** Digest of the (uuid, parentUuid) sequence: equal digests mean an identical chain. */
  chainDigest: string;
}

/** Reads the whole file line by line and reports whether it parses and how its chain hangs together. */
export async function checkIntegrity(file: string): Promise<IntegrityReport> {
  const tracker = new ChainTracker();
  for await (const line of readLines(file)) tracker.add(line.bytes, line.terminated);
  return tracker.report();
}

/** Accumulates the integrity report one line at a time (shared with the pruner's passes). */
export class ChainTracker {
  private lines = 0;
  private malformed = 0;
  private tornTail = false;
  private readonly uuids = new Set<string>();
  private readonly parents = new Set<string>();
  private readonly hash = createHash('sha256');

  add(bytes: Buffer, terminated: boolean): void {
    this.addParsed(bytes, terminated, bytes.length > 0 ? parseRecord(bytes.toString('utf8')) : null);
  }

  /** Like add, for a caller that has already parsed the line. */
  addParsed(bytes: Buffer, terminated: boolean, record: TranscriptRecord | null): void {
    this.lines++;
    if (!record) {
      if (bytes.length === 0) return;
      if (!terminated) this.tornTail = true;
      else if (bytes.toString('utf8').trim() !== '') this.malformed++;
      return;
    }
    const id = typeof record.uuid === 'string' ? record.uuid : '';
    const parent = typeof record.parentUuid === 'string' ? record.parentUuid : '';
    if (id) this.uuids.add(id);
    if (parent) this.parents.add(parent);
    this.hash.update(`${id}\u0000${parent}\n`);
  }

  report(): IntegrityReport {
    let dangling = 0;
    for (const parent of this.parents) if (!this.uuids.has(parent)) dangling++;
    return {
      lines: this.lines,
      malformed: this.malformed,
      tornTail: this.tornTail,
      danglingParents: dangling,
      chainDigest: this.hash.digest('hex'),
    };
  }
}
