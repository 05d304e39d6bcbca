// Replaces the base64 image blocks of a transcript with short text placeholders, streaming
// line by line: a new file is written next to the old one, checked, and renamed over it.
import { constants } from 'node:fs';
import { open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import { pruneLeftovers, removeLeftovers } from '../storage/leftovers.js';
import { PRIVATE_FILE } from '../storage/private.js';
import { explainWriteError } from '../storage/write-errors.js';
import { transcriptWriterPid } from '../transcript/locate.js';
import { readLines } from '../transcript/lines.js';
import { formatBytes } from '../ui/bytes.js';
import { imageBlocks, parseRecord, type TranscriptRecord } from '../transcript/records.js';
import { noProbe, type Probe } from './probe.js';
import { ChainTracker, checkIntegrity, type IntegrityReport } from './transcript-scan.js';

export interface PrunedRecord {
  /** 1-based line number. */
  line: number;
  uuid: string | null;
  type: string | null;
  images: number;
  /** base64 characters removed. */
  bytes: number;
}

export interface PruneReport {
  file: string;
  images: number;
  /** base64 characters removed (the transcript shrinks by about this much). */
  bytesRemoved: number;
  /** The records that carried images (the first 1000). */
  records: PrunedRecord[];
  oldSize: number;
  newSize: number;
  /** False in a dry run and when there was nothing to prune. */
  written: boolean;
  integrity?: IntegrityReport;
}

export interface PruneOptions {
  dryRun?: boolean;
  /** Only images with at least this many base64 characters are replaced (default: all). */
  minBase64Chars?: number;
  signal?: AbortSignal;
  probe?: Probe;
  /** Only these image blocks (record uuid, and which image of that record in order, from 0); default every one. */
  only?: ReadonlyArray<{ uuid: string; index: number }>;
}

const IMAGE_MARK = Buffer.from('"type":"image"');
const OUT_BUFFER = 1 << 20;
const MAX_LISTED = 1000;

interface Removed {
  images: number;
  bytes: number;
}

/**
 * Replaces the base64 images of one record (in its content and its tool results) with text
 * placeholders, in place; returns what was removed. `only`: which images of the record (their
 * order among its image blocks, from 0), default all.
 */
export function pruneRecord(record: TranscriptRecord, min = 0, only?: ReadonlySet<number>): Removed {
  const removed: Removed = { images: 0, bytes: 0 };
  for (const [nth, { block, list, index }] of imageBlocks(record).entries()) {
    if (only !== undefined && !only.has(nth)) continue;
    const source = block.source;
    if (source?.type !== 'base64' || typeof source.data !== 'string') continue;
    const size = source.data.length;
    if (size < min) continue;
    const media = typeof source.media_type === 'string' ? source.media_type : 'image';
    list[index] = { type: 'text', text: `[image removed by claude-recover: ${media}, ${formatBytes(size)} of base64]` };
    removed.images++;
    removed.bytes += size;
  }
  return removed;
}

/** The images of `record` that `only` names (by their order in it), an empty set when none. */
function onlyFor(only: ReadonlyArray<{ uuid: string; index: number }>, record: TranscriptRecord): Set<number> {
  return new Set(only.filter((image) => image.uuid === record.uuid).map((image) => image.index));
}

/** Copies lines into a fixed buffer and writes it out when full, so the input chunk can be reused. */
class Output {
  private readonly buffer = Buffer.allocUnsafe(OUT_BUFFER);
  private used = 0;
  written = 0;

  constructor(private readonly handle: FileHandle | null) {}

  async append(bytes: Buffer): Promise<void> {
    if (this.used + bytes.length > this.buffer.length) await this.flush();
    if (bytes.length > this.buffer.length) {
      await this.write(bytes);
      return;
    }
    bytes.copy(this.buffer, this.used);
    this.used += bytes.length;
  }

  async flush(): Promise<void> {
    if (this.used === 0) return;
    await this.write(this.buffer.subarray(0, this.used));
    this.used = 0;
  }

  private async write(bytes: Buffer): Promise<void> {
    this.written += bytes.length;
    if (!this.handle) return;
    let offset = 0;
    while (offset < bytes.length) {
      const { bytesWritten } = await this.handle.write(bytes, offset, bytes.length - offset);
      offset += bytesWritten;
    }
  }
}

const NEWLINE = Buffer.from('\n');

/** Removes temporary files a killed prune left next to this transcript (a running prune's stays). */
export async function removeStalePruneFiles(file: string): Promise<number> {
  const prefix = `${path.basename(file)}.prune-`;
  const mine = (await pruneLeftovers(path.dirname(file))).filter((item) => path.basename(item.path).startsWith(prefix));
  return (await removeLeftovers(mine)).length;
}

async function fsyncDir(dir: string): Promise<void> {
  let handle: FileHandle | null = null;
  try {
    handle = await open(dir, constants.O_RDONLY);
    await handle.sync();
  } catch {
    // Some platforms cannot fsync a directory; the rename is still atomic.
  } finally {
    await handle?.close();
  }
}

function sameIntegrity(before: IntegrityReport, after: IntegrityReport): string | null {
  if (before.lines !== after.lines) return `expected ${before.lines} lines, got ${after.lines}`;
  if (after.malformed !== before.malformed) return `expected ${before.malformed} malformed lines, got ${after.malformed}`;
  if (after.tornTail !== before.tornTail) return 'the torn last line changed';
  if (after.chainDigest !== before.chainDigest || after.danglingParents !== before.danglingParents) {
    return 'the parentUuid chain changed';
  }
  return null;
}

/**
 * Prunes the images of a transcript. Without dryRun, writes `<file>.prune-<pid>-<ts>.tmp`
 * in the same directory, fsyncs it, checks that it parses line by line with the same
 * parentUuid chain as the original, and renames it over the original. A crash at any point
 * leaves either the old or the new file under the transcript's name.
 */
export async function pruneImages(file: string, options: PruneOptions = {}): Promise<PruneReport> {
  const min = options.minBase64Chars ?? 0;
  const probe = options.probe ?? noProbe;
  const before = await stat(file);
  if (!options.dryRun) await removeStalePruneFiles(file);
  const tmp = `${file}.prune-${process.pid}-${Date.now()}.tmp`;
  let handle: FileHandle | null = null;
  const report: PruneReport = { file, images: 0, bytesRemoved: 0, records: [], oldSize: before.size, newSize: before.size, written: false };
  const original = new ChainTracker();
  let renamed = false;
  try {
    // The whole conversation: private, as Claude Code writes its transcripts (0600).
    if (!options.dryRun) handle = await open(tmp, 'wx', PRIVATE_FILE);
    const out = new Output(handle);
    let lineNumber = 0;
    let probedWrite = false;
    for await (const line of readLines(file)) {
      options.signal?.throwIfAborted();
      lineNumber++;
      let bytes = line.bytes;
      const record = bytes.length > 0 ? parseRecord(bytes.toString('utf8')) : null;
      original.addParsed(bytes, line.terminated, record);
      if (record) {
        const chosen = options.only === undefined ? undefined : onlyFor(options.only, record);
        if (bytes.indexOf(IMAGE_MARK) !== -1 && (chosen === undefined || chosen.size > 0)) {
          const removed = pruneRecord(record, min, chosen);
          if (removed.images > 0) {
            report.images += removed.images;
            report.bytesRemoved += removed.bytes;
            if (report.records.length < MAX_LISTED) {
              report.records.push({
                line: lineNumber,
                uuid: typeof record.uuid === 'string' ? record.uuid : null,
                type: typeof record.type === 'string' ? record.type : null,
                images: removed.images,
                bytes: removed.bytes,
              });
            }
            bytes = Buffer.from(JSON.stringify(record));
          }
        }
      }
      await out.append(bytes);
      if (line.terminated) await out.append(NEWLINE);
      if (!probedWrite && out.written > 0) {
        probedWrite = true;
        await probe('prune:writing');
      }
    }
    await out.flush();
    report.newSize = out.written;
    if (options.dryRun || report.images === 0) return report;
    const writing = handle as FileHandle;
    await writing.sync();
    await writing.close();
    handle = null;
    await probe('prune:written');

    // The original must not have changed meanwhile (the CLI is stopped, but check anyway).
    const now = await stat(file);
    if (now.size !== before.size || now.mtimeMs !== before.mtimeMs) {
      const pid = transcriptWriterPid(file);
      throw new UserError(
        `the session is being written by a running claude${pid === null ? '' : ` (pid ${pid})`}; stop it first, then run this again (${file} changed from ${before.size} to ${now.size} bytes while it was pruned, and was left as it is)`,
      );
    }
    const integrity = await checkIntegrity(tmp);
    const problem = sameIntegrity(original.report(), integrity);
    if (problem) throw new Error(`pruned transcript failed its check: ${problem}`);
    report.integrity = integrity;
    await probe('prune:verified');
    await rename(tmp, file);
    renamed = true;
    await probe('prune:renamed');
    await fsyncDir(path.dirname(file));
    report.written = true;
    return report;
  } catch (error) {
    // Reading the transcript itself is not a matter of the folder.
    if ((error as NodeJS.ErrnoException).path === file) throw error;
    throw explainWriteError(error, 'the project folder', path.dirname(file));
  } finally {
    await handle?.close().catch(() => undefined);
    if (!renamed) await unlink(tmp).catch(() => undefined);
  }
}
