// Writes claude-recover's own bytes (a title, the bell, rows drawn over the child's screen)
// into the user's terminal between the child's escape sequences, keeps claude-recover's
// title on top of the titles the child sets, and gives the user's title back at the end.
import { EscapeBoundary } from './escape-boundary.js';
import { BELL, TITLE_POP, TITLE_PUSH, titleSequence } from './title.js';

export interface TerminalOverlayOptions {
  /** Writes to the user's terminal, synchronously, in order with the child's output. */
  write(data: string): void;
  /** Told about the first failed write only. */
  report?(message: string): void;
}

const BYTE_ESC = 0x1b;
const BYTE_RBRACKET = 0x5d;
const BYTE_BEL = 0x07;
const BYTE_BACKSLASH = 0x5c;
/** A child title longer than this is not kept for restoring (it is re-asserted over all the same). */
const MAX_CHILD_TITLE = 1024;
/** CAN: cancels a sequence left open by a child that died inside it. */
const CANCEL = '\u0018';

/**
 * The guard's out-of-band output. Title and bell requests are held until the stream is at
 * an escape-sequence boundary, then written; the host feeds every byte that reaches the
 * terminal through `onOutput` (after writing it), so the boundary is always known.
 *
 * Claude Code sets its own title (OSC 0) at every busy/idle change; while the guard shows
 * a title, each such write is followed by the guard's title again. The child's last title
 * is kept, so that hiding the guard's title shows the child's current one. `start()` saves
 * the user's title on the terminal's title stack (XTWINOPS 22) and `dispose()` restores it
 * (XTWINOPS 23), after writing the child's last title for terminals without a title stack.
 */
export class TerminalOverlay {
  private readonly boundary = new EscapeBoundary();
  private desired: string | null = null;
  private showing = false;
  private titleDue = false;
  private bellDue = false;
  /** Bytes of our own waiting for a boundary (complete sequences and text). */
  private inserts = '';
  private pushed = false;
  private disposed = false;
  private failed = false;
  /** The child's last complete OSC 0/2 sequence, verbatim. */
  private childTitle: string | null = null;
  private lastByte = -1;
  /** False after `resync()` until a chunk with an ESC tells where the stream is. */
  private synced = true;

  constructor(private readonly options: TerminalOverlayOptions) {}

  /** Saves the user's title now rather than with the first title shown (optional). */
  start(): void {
    if (this.pushed || this.disposed) return;
    this.pushed = true;
    this.write(TITLE_PUSH);
  }

  /** Every chunk written to the terminal by anyone else (the child, status lines), after it was written. */
  onOutput(chunk: Buffer): void {
    if (this.disposed || chunk.length === 0) return;
    this.boundary.push(chunk);
    if (!this.synced && chunk.includes(BYTE_ESC)) this.synced = true;
    if (this.seesTitle(chunk) && this.showing) this.titleDue = true;
    this.lastByte = chunk[chunk.length - 1] as number;
    if (this.pending && this.atBoundary) this.flush();
  }

  /** Where the stream is: at a boundary, as far as the chunks seen tell. */
  private get atBoundary(): boolean {
    return this.synced && this.boundary.atBoundary;
  }

  /**
   * The chunks before the next one were not all seen (the host started feeding mid-stream):
   * nothing is written until a chunk with an ESC in it shows where the stream is (an ESC
   * starts every sequence, so the state after that chunk is exact).
   */
  resync(): void {
    this.synced = false;
  }

  /**
   * The stream has been quiet for a while: a program that draws does not stop inside a
   * sequence, so it sits at a boundary; what waits is written.
   */
  quiet(): void {
    if (this.disposed || this.synced) return;
    this.boundary.reset();
    this.synced = true;
    if (this.pending) this.flush();
  }

  /** Shows `text` as the title, or (null) gives the title back to the child and the user. */
  setTitle(text: string | null): void {
    if (this.disposed || text === this.desired) return;
    this.desired = text;
    this.titleDue = text !== null || this.showing;
    if (this.atBoundary) this.flush();
  }

  /** Rings the bell once, at the next boundary. */
  bell(): void {
    if (this.disposed) return;
    this.bellDue = true;
    if (this.atBoundary) this.flush();
  }

  /**
   * Writes `data` (complete sequences and text, leaving the cursor and attributes as it found
   * them) at the next boundary: now if the stream sits at one.
   */
  insert(data: string): void {
    if (this.disposed) return;
    this.inserts += data;
    if (this.atBoundary) this.flush();
  }

  /** Whether bytes of ours wait for a boundary. */
  get pending(): boolean {
    return this.titleDue || this.bellDue || this.inserts !== '';
  }

  /** A new child's stream starts: at a boundary, with no title of its own yet. */
  newStream(): void {
    this.boundary.reset();
    this.synced = true;
    if (this.pending) this.flush();
  }

  /** True while our title is the one on screen (as far as this overlay knows). */
  get titleShown(): boolean {
    return this.showing;
  }

  /** Restores the user's title; nothing is written after this. */
  dispose(): void {
    if (this.disposed) return;
    let out = this.boundary.atBoundary ? '' : CANCEL;
    if (this.showing) out += this.childTitle ?? titleSequence('');
    if (this.pushed) out += TITLE_POP;
    this.disposed = true;
    this.showing = false;
    if (out !== '' && out !== CANCEL) this.write(out);
  }

  private flush(): void {
    let out = '';
    if (this.titleDue) {
      this.titleDue = false;
      if (this.desired !== null) {
        // The user's title is saved the first time the guard shows one, so a session that
        // never comes near the window gets no byte from the guard at all.
        if (!this.pushed) {
          this.pushed = true;
          out += TITLE_PUSH;
        }
        out += titleSequence(this.desired);
        this.showing = true;
      } else if (this.showing) {
        this.showing = false;
        if (this.childTitle !== null) out += this.childTitle;
        else if (this.pushed) out += TITLE_POP + TITLE_PUSH; // the user's title, saved again
        else out += titleSequence('');
      }
    }
    if (this.bellDue) {
      this.bellDue = false;
      out += BELL;
    }
    out += this.inserts;
    this.inserts = '';
    if (out !== '') this.write(out);
  }

  /** Our own bytes are complete sequences written at a boundary: the boundary state does not change. */
  private write(data: string): void {
    try {
      this.options.write(data);
    } catch (error) {
      if (this.failed) return;
      this.failed = true;
      this.options.report?.(`could not write the guard's title or bell (${error instanceof Error ? error.message : String(error)})`);
    }
  }

  /**
   * Whether the chunk sets a title (OSC 0, 1 or 2); keeps the last complete OSC 0/2 the
   * child wrote. Searches for `]`, rare in terminal output, with a native indexOf.
   */
  private seesTitle(chunk: Buffer): boolean {
    let found = false;
    for (let at = chunk.indexOf(BYTE_RBRACKET); at !== -1; at = chunk.indexOf(BYTE_RBRACKET, at + 1)) {
      const before = at === 0 ? this.lastByte : (chunk[at - 1] as number);
      if (before !== BYTE_ESC) continue;
      const kind = chunk[at + 1];
      if (kind !== 0x30 && kind !== 0x31 && kind !== 0x32) continue;
      if (chunk[at + 2] !== 0x3b && at + 2 < chunk.length) continue;
      found = true;
      if (kind === 0x31) continue; // icon name only: nothing to restore from it
      const end = oscEnd(chunk, at + 2);
      if (end !== -1 && end - at < MAX_CHILD_TITLE) this.childTitle = `\u001b${chunk.toString('utf8', at, end)}`;
    }
    return found;
  }
}

/** Index just past the BEL or ST ending the OSC whose payload starts at `from`, or −1 when not in this chunk. */
function oscEnd(chunk: Buffer, from: number): number {
  const bel = chunk.indexOf(BYTE_BEL, from);
  const esc = chunk.indexOf(BYTE_ESC, from);
  if (esc !== -1 && (bel === -1 || esc < bel)) {
    return chunk[esc + 1] === BYTE_BACKSLASH ? esc + 2 : -1;
  }
  return bel === -1 ? -1 : bel + 1;
}
