// The stdout filter of a `-p` run: passes claude's output through as it comes and holds it
// from the first line that is the CLI's rendering of a block the run may act on (see
// OutputHold); every block's line is reported.
// - json / stream-json: judged a line at a time (a line goes out when its newline arrives;
//   json output is one line written at the end of the run).
// - text: a line goes out byte for byte as soon as it can no longer start like a block's
//   message (`API Error: …`, `You've hit your …`); only a line that does waits for its newline.
import type { BlockKind } from '../../blocks/index.js';
import { classifyJsonLine, classifyTextLine, TEXT_PREFIXES, type HeadlessLine } from '../../detect/headless.js';
import type { CompiledPattern } from '../../detect/patterns.js';
import { OutputHold } from '../headless/hold.js';
import { LineSplitter, lineText } from '../headless/lines.js';
import type { OutputFormat } from '../args.js';

export interface OutputFilter {
  push(chunk: Buffer): void;
  /** claude's stdout ended: the last partial line is judged and goes out (or is held). */
  end(): void;
  readonly hold: OutputHold;
}

export interface FilterOptions {
  write: (data: Buffer) => void;
  patterns: readonly CompiledPattern[];
  /** Called with each block's line (the first one of a hold among them). */
  onBlock: (line: BlockLine) => void;
  /** Whether a block of this kind is held (the run may act on it); otherwise it is reported and goes through. */
  holds: (kind: BlockKind) => boolean;
}

/** A line that is a block's rendering. */
export type BlockLine = Extract<HeadlessLine, { kind: 'block' }>;

/** The filter for a `-p` run's output format. */
export function createOutputFilter(format: OutputFormat, options: FilterOptions): OutputFilter {
  return format === 'text' ? new TextFilter(options) : new JsonLinesFilter(options);
}

class JsonLinesFilter implements OutputFilter {
  readonly hold: OutputHold;
  private readonly lines: LineSplitter;

  constructor(private readonly options: FilterOptions) {
    this.hold = new OutputHold(options.write);
    this.lines = new LineSplitter((line) => this.judge(line));
  }

  push(chunk: Buffer): void {
    this.lines.push(chunk);
  }

  end(): void {
    this.lines.end();
    if (!this.hold.holding) this.hold.flushLead();
  }

  private judge(line: Buffer): void {
    judged(this.hold, this.options, line, classifyJsonLine(lineText(line), this.options.patterns));
  }
}

/** Hands a judged line to the hold (held when its block is) and reports a block's line; a hold already under way keeps everything. */
function judged(hold: OutputHold, options: FilterOptions, line: Buffer, verdict: HeadlessLine): void {
  const holding = hold.holding;
  if (verdict.kind !== 'block') {
    hold.line(line, verdict.kind);
    return;
  }
  hold.line(line, options.holds(verdict.block) ? 'hold' : 'other');
  if (!holding) options.onBlock(verdict);
}

const PREFIXES = TEXT_PREFIXES.map((prefix) => Buffer.from(prefix));
const MAX_PREFIX = Math.max(...PREFIXES.map((prefix) => prefix.length));

class TextFilter implements OutputFilter {
  readonly hold: OutputHold;
  /** Bytes of the current line while it may still be the error's rendering. */
  private candidate: Buffer[] = [];
  private candidateLength = 0;
  /** The current line cannot be the error: its bytes go straight through up to its newline. */
  private passing = false;

  constructor(private readonly options: FilterOptions) {
    this.hold = new OutputHold(options.write);
  }

  push(chunk: Buffer): void {
    let from = 0;
    while (from < chunk.length) {
      const newline = chunk.indexOf(0x0a, from);
      const stop = newline === -1 ? chunk.length : newline + 1;
      if (this.passing) {
        this.hold.pass(chunk.subarray(from, stop));
        if (newline !== -1) this.passing = false;
        from = stop;
        continue;
      }
      // Compare the line's first bytes with the prefixes as they arrive.
      const piece = chunk.subarray(from, stop);
      this.candidate.push(piece);
      this.candidateLength += piece.length;
      const contentLength = this.candidateLength - (newline === -1 ? 0 : 1);
      const head = Buffer.concat(this.candidate, Math.min(contentLength, MAX_PREFIX));
      if (!PREFIXES.some((prefix) => head.subarray(0, prefix.length).equals(prefix.subarray(0, Math.min(head.length, prefix.length))))) {
        // Not the error: what was held of this line goes out, the rest of it streams.
        this.flushCandidate(false);
        this.passing = newline === -1;
      } else if (newline !== -1) {
        this.flushCandidate(true);
      }
      from = stop;
    }
  }

  end(): void {
    if (this.candidate.length > 0) this.flushCandidate(true);
    this.passing = false;
  }

  /** The candidate line is complete (judged) or has diverged (passed as it is). */
  private flushCandidate(judge: boolean): void {
    const line = Buffer.concat(this.candidate);
    this.candidate = [];
    this.candidateLength = 0;
    if (!judge) {
      this.hold.pass(line);
      return;
    }
    judged(this.hold, this.options, line, classifyTextLine(lineText(line), this.options.patterns));
  }
}
