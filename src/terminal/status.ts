// The one writer of claude-recover's own text on a live terminal:
// - while no child owns the screen, one status row (fitted to the width in display columns,
//   redrawn in place, never wrapped) and lines that stay above it;
// - while a child owns the screen, a notice pinned to the bottom rows, which the child is told
//   it does not have (the session gives it fewer rows), until the person's next keystroke;
// - the terminal title, kept over the titles the child sets, and the bell.
// Everything goes through `write`, in order with the child's bytes and, while a child draws,
// only between its escape sequences.
import type { Notice, Progress, Wait } from '../recovery/types.js';
import type { Colours } from '../ui/colour.js';
import { TerminalOverlay } from './overlay.js';
import { hasKeystroke, type InputToken } from './typed-input.js';

type Width = typeof import('../ui/width.js');
let width: Width | null = null;

/**
 * Loads the display-width helpers the row and the notices are measured with (string-width and
 * cli-truncate: ~5 MiB and tens of ms). Not at start, since `run` starts with every `claude`:
 * the launcher loads them with recovery, when the gate is seen. Until then widths are counted
 * one column a character.
 */
export async function loadWidth(): Promise<void> {
  width ??= await import('../ui/width.js');
}

const displayWidth = (text: string): number => (width ? width.displayWidth(text) : Array.from(text).length);
const fitWidth = (text: string, columns: number): string => (width ? width.fitWidth(text, columns) : Array.from(text).slice(0, Math.max(0, columns)).join(''));
const wrapWidth = (text: string, columns: number): string[] => (width ? width.wrapWidth(text, columns) : [text]);

/** No colour: what the writer uses until prepare() has loaded the real ones. */
const PLAIN = new Proxy({}, { get: () => (text: string) => text }) as Colours;

export interface StatusWriterOptions {
  /** Writes to the terminal, synchronously, in order with the child's output. */
  write(data: string): void;
  size(): { cols: number; rows: number };
  /** The colours to use; without, prepare() picks them for `colourStream` (NO_COLOR, FORCE_COLOR). */
  colours?: Colours;
  colourStream?: { isTTY?: boolean };
  /** Gives the child this many rows fewer than the terminal has (0: all of them). */
  reserve(rows: number): void;
  now?: () => number;
  /** Milliseconds between spinner frames; 0 draws once per update (tests). */
  frameMs?: number;
  /** Told about the first failed write. */
  report?(message: string): void;
}

/** Who shows a title: recovery's wins over a usage limit's countdown, which wins over the guard's. */
export type TitleOwner = 'recovery' | 'wait' | 'guard';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const HIDE_CURSOR = '\u001b[?25l';
const SHOW_CURSOR = '\u001b[?25h';
/** Back to column 0, erase from there to the end of the screen. */
const ERASE_ROW = '\r\u001b[J';
/** Smallest terminal a notice is pinned in: below this it waits for the end of the session. */
const MIN_PIN_ROWS = 8;
/** After the child's rows change it repaints; the pinned rows are drawn once it is done. */
const REPAINT_MS = 150;
const REDRAW_DEBOUNCE_MS = 60;
/** A child quiet this long sits between sequences (see TerminalOverlay.quiet). */
const QUIET_MS = 150;

/** `claude-haiku-4-5-20251001` → `haiku-4-5`: what a narrow row has room for. */
export function shortModel(model: string): string {
  return model.replace(/^claude-/, '').replace(/-\d{8}$/, '');
}

/** 3_400 → `3s`, 65_000 → `1m05s`. */
export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

type Piece = [text: string, style?: 'brand' | 'about' | 'dim' | 'spinner'];

/**
 * The progress row at `cols` display columns: the richest form that fits, shortened in this
 * order: the model's date suffix, the Ctrl-C hint, what the block is, the model, the step,
 * then cut with an ellipsis (at 20 columns: `⠋ claude-recover 3s`).
 */
export function renderProgress(progress: Progress, elapsedMs: number, cols: number, frame: string, colours?: Colours): string {
  const time = formatElapsed(elapsedMs);
  const step = (model: string | undefined): string => (model ? `${progress.step} with ${model}` : progress.step);
  const short = progress.model ? shortModel(progress.model) : undefined;
  const sep: Piece = [' · ', 'dim'];
  const head: Piece[] = [[frame, 'spinner'], [' '], ['claude-recover', 'brand']];
  const cancel: Piece[] = progress.cancellable ? [sep, ['Ctrl-C cancels', 'dim']] : [];
  const candidates: Piece[][] = [
    [...head, sep, [progress.about, 'about'], sep, [step(progress.model)], sep, [time, 'dim'], ...cancel],
    [...head, sep, [progress.about, 'about'], sep, [step(short)], sep, [time, 'dim'], ...cancel],
    [...head, sep, [progress.about, 'about'], sep, [step(progress.model)], sep, [time, 'dim']],
    [...head, sep, [progress.about, 'about'], sep, [step(short)], sep, [time, 'dim']],
    [...head, sep, [step(short)], sep, [time, 'dim']],
    [...head, sep, [progress.step], sep, [time, 'dim']],
    [...head, [' '], [time, 'dim']],
  ];
  const plain = (pieces: Piece[]): string => pieces.map(([text]) => text).join('');
  const chosen = candidates.find((pieces) => displayWidth(plain(pieces)) <= cols);
  if (chosen === undefined) return fitWidth(plain(candidates[candidates.length - 1] as Piece[]), cols);
  if (!colours) return plain(chosen);
  const paint = ([text, style]: Piece): string => {
    switch (style) {
      case 'brand':
        return colours.bold(text);
      case 'about':
        return colours.yellow(text);
      case 'dim':
        return colours.dim(text);
      case 'spinner':
        return colours.cyan(text);
      default:
        return text;
    }
  };
  return chosen.map(paint).join('');
}

/** `1:05:09`, `4:03`, `0:07`; past a day `2d 3h`. */
export function formatCountdown(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  const days = Math.floor(seconds / 86_400);
  if (days > 0) return `${days}d ${Math.floor((seconds % 86_400) / 3600)}h`;
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = String(seconds % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${minutes}:${rest}`;
}

/** The title while a usage limit waits (`left`: ms to the reset, null when unknown). */
export function waitTitle(wait: Wait, left: number | null): string {
  if (left === null) return `claude · ${wait.about} reached · waiting for its reset`;
  if (left > 0) return `claude · ${wait.about} · resets in ${formatCountdown(left)}`;
  return wait.continuesByItself ? `claude · ${wait.about} has reset · claude continues by itself` : `claude · ${wait.about} has reset · send your message again`;
}

/** The rows a pinned notice takes at this size: its text wrapped, cut to `maxRows` with an ellipsis. */
export function pinnedRows(notice: Notice, cols: number, maxRows: number): { rows: string[]; cut: boolean } {
  const rows = notice.text.flatMap((paragraph) => wrapWidth(paragraph, cols));
  if (rows.length <= maxRows) return { rows, cut: false };
  const kept = rows.slice(0, maxRows);
  kept[maxRows - 1] = fitWidth(`${kept[maxRows - 1] ?? ''} …`.trimStart(), cols);
  if (!kept[maxRows - 1]?.endsWith('…')) kept[maxRows - 1] = `${fitWidth(kept[maxRows - 1] ?? '', cols - 1)}…`;
  return { rows: kept, cut: true };
}

/** A pinned notice takes at most a third of the terminal. */
function maxPinnedRows(rows: number): number {
  return Math.max(1, Math.min(Math.floor(rows / 3), rows - 6));
}

interface Pinned {
  notice: Notice;
  rows: string[];
}

/** See the file comment. One per terminal session. */
export class StatusWriter {
  private readonly overlay: TerminalOverlay;
  private readonly now: () => number;
  private readonly frameMs: number;
  private childOnScreen = false;
  // The status row.
  private progressNow: Progress | null = null;
  private rowShown = false;
  private frame = 0;
  private timer: NodeJS.Timeout | null = null;
  // The pinned notice.
  private pinned: Pinned | null = null;
  private reserved = 0;
  private redrawTimer: NodeJS.Timeout | null = null;
  private quietTimer: NodeJS.Timeout | null = null;
  private drawnRows = 0;
  // The title.
  private readonly titles: Record<TitleOwner, string | null> = { recovery: null, wait: null, guard: null };
  // A usage limit's wait.
  private waitNow: Wait | null = null;
  private waitTimer: NodeJS.Timeout | null = null;
  private waitRang = false;
  private titleUntil: 'key' | 'enter' | null = null;
  private guardAttached = false;
  private titleEverShown = false;
  private disposed = false;
  /** Whether the session must feed the child's output (checked once per chunk). */
  tracking = false;
  private colours: Colours;

  constructor(private readonly options: StatusWriterOptions) {
    this.overlay = new TerminalOverlay({ write: (data) => options.write(data), report: options.report });
    this.now = options.now ?? Date.now;
    this.frameMs = options.frameMs ?? 120;
    this.colours = options.colours ?? PLAIN;
  }

  /** Loads the width helpers and the colours (see loadWidth); call before the first row or notice. */
  async prepare(): Promise<void> {
    await loadWidth();
    if (this.options.colours === undefined && this.colours === PLAIN) {
      const { coloursFor } = await import('../ui/colour.js');
      this.colours = coloursFor(this.options.colourStream ?? {});
    }
  }

  // The screen's owner.

  /** A child owns the screen from now on (true), or the screen is free (false). */
  setChildOnScreen(onScreen: boolean, newStream = false): void {
    this.childOnScreen = onScreen;
    if (newStream) this.overlay.newStream();
    if (!onScreen) {
      this.pinned = null;
      this.reserved = 0;
      this.drawnRows = 0;
      this.clearRedraw();
      if (this.progressNow) this.drawRow();
    }
    this.update();
  }

  /** Every chunk the child wrote, after it reached the terminal (only while `tracking`; on the output path: no allocation). */
  childOutput(chunk: Buffer): void {
    this.overlay.onOutput(chunk);
    if (this.pinned !== null) this.scheduleRedraw(REDRAW_DEBOUNCE_MS);
    if (this.quietTimer !== null) this.quietTimer.refresh();
  }

  /** The person typed: a pinned notice goes away at a keystroke, a kept title at its key. */
  keystroke(tokens: readonly InputToken[]): void {
    if (!hasKeystroke(tokens)) return;
    if (this.pinned) this.unpin();
    if (this.titleUntil === 'key' || (this.titleUntil === 'enter' && tokens.some((token) => token.type === 'enter'))) {
      this.titleUntil = null;
      this.setTitle('recovery', null);
    }
  }

  /** The terminal was resized: the row and the pinned notice are fitted again. */
  resized(): void {
    if (this.rowShown && this.progressNow) this.drawRow();
    if (this.pinned) this.layoutPinned();
  }

  /** Rows the child must leave free at the bottom. */
  get reservedRows(): number {
    return this.reserved;
  }

  // The status row (no child on screen).

  /** Shows (and animates) the progress row, or (null) removes it. The title follows. */
  progress(progress: Progress | null): void {
    if (progress === null) {
      this.progressNow = null;
      this.stopTimer();
      if (this.rowShown) this.write(`${ERASE_ROW}${SHOW_CURSOR}`);
      this.rowShown = false;
      return;
    }
    this.progressNow = progress;
    this.setTitle('recovery', `claude-recover: ${progress.step}… (${progress.about})`);
    if (this.childOnScreen) return;
    this.drawRow();
    if (this.frameMs > 0 && this.timer === null) {
      this.timer = setInterval(() => this.drawRow(), this.frameMs);
      this.timer.unref();
    }
  }

  /**
   * Lines that stay (not redrawn), above the status row if one is shown, wrapped at spaces to
   * the width. Only with no child on screen.
   */
  lines(text: string, tone: Notice['tone'] = 'info'): void {
    if (this.childOnScreen || text === '') return;
    const { colours } = this;
    const mark = tone === 'done' ? '✓ ' : tone === 'warning' ? '! ' : '';
    const paint = (line: string): string =>
      line.replace(/^([✓!] )?(claude-recover:)?/, (_all, sign: string | undefined, brand: string | undefined) => `${sign ? (tone === 'done' ? colours.green(sign) : colours.yellow(sign)) : ''}${brand ? colours.bold(brand) : ''}`);
    const rows = wrapWidth(`${mark}${text}`, this.options.size().cols);
    const body = rows.map((row, i) => (i === 0 ? paint(row) : row)).join('\r\n');
    this.write(`${ERASE_ROW}${body}\r\n`);
    this.rowShown = false;
    if (this.progressNow) this.drawRow();
    else this.write(SHOW_CURSOR);
  }

  private drawRow(): void {
    const progress = this.progressNow;
    if (!progress || this.childOnScreen) return;
    const { cols } = this.options.size();
    const frame = FRAMES[this.frame++ % FRAMES.length] as string;
    const row = renderProgress(progress, this.now() - progress.since, cols, frame, this.colours);
    // The cursor waits, hidden, at column 0 of the row: a terminal that rewraps the row when
    // it narrows keeps the wrapped part below the cursor, where the next erase reaches it.
    this.write(`${this.rowShown ? '' : HIDE_CURSOR}${ERASE_ROW}${row}\r`);
    this.rowShown = true;
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  // The pinned notice (a child on screen).

  /**
   * Pins `notice` under the child's screen until the next keystroke: 'whole', or 'cut' when
   * it has more rows than a third of the terminal. False when it cannot be (no child on
   * screen, a terminal too small): the caller shows it another way.
   */
  pin(notice: Notice): 'whole' | 'cut' | false {
    if (!this.childOnScreen || this.disposed) return false;
    const { cols, rows } = this.options.size();
    if (rows < MIN_PIN_ROWS) return false;
    this.pinned = { notice, rows: [] };
    this.layoutPinned();
    this.update();
    return pinnedRows(notice, cols, maxPinnedRows(rows)).cut ? 'cut' : 'whole';
  }

  /** Whether a notice is pinned now. */
  get pinnedNotice(): Notice | null {
    return this.pinned?.notice ?? null;
  }

  /** Removes the pinned notice and gives the child its rows back. */
  unpin(): void {
    if (!this.pinned) return;
    this.pinned = null;
    this.clearRedraw();
    if (this.drawnRows > 0) this.overlay.insert(this.pinnedBytes([], this.drawnRows));
    this.drawnRows = 0;
    this.reserved = 0;
    this.options.reserve(0);
    this.update();
  }

  private layoutPinned(): void {
    const pinned = this.pinned;
    if (!pinned) return;
    const { cols, rows } = this.options.size();
    if (rows < MIN_PIN_ROWS) {
      this.unpin();
      return;
    }
    pinned.rows = pinnedRows(pinned.notice, cols, maxPinnedRows(rows)).rows;
    if (this.drawnRows > 0) this.overlay.insert(this.pinnedBytes([], this.drawnRows));
    this.drawnRows = 0;
    this.reserved = pinned.rows.length;
    this.options.reserve(this.reserved);
    // The child repaints in its smaller screen first (if it repaints at all).
    this.scheduleRedraw(REPAINT_MS);
  }

  /** Bytes that draw `rows` on the bottom `count` rows (blank where there is no text), cursor untouched. */
  private pinnedBytes(rows: readonly string[], count: number): string {
    const { rows: height } = this.options.size();
    const { colours } = this;
    const tone = this.pinned?.notice.tone ?? 'info';
    const brand = (text: string): string => text.replace(/^claude-recover:/, (word) => (tone === 'done' ? colours.green(colours.bold(word)) : tone === 'warning' ? colours.yellow(colours.bold(word)) : colours.bold(word)));
    let out = '\u001b7';
    for (let i = 0; i < count; i++) {
      const text = rows[i] ?? '';
      out += `\u001b[${height - count + 1 + i};1H\u001b[0m\u001b[2K${i === 0 ? brand(text) : text}`;
    }
    return `${out}\u001b[0m\u001b8`;
  }

  private scheduleRedraw(ms: number): void {
    this.clearRedraw();
    this.redrawTimer = setTimeout(() => {
      this.redrawTimer = null;
      const pinned = this.pinned;
      if (!pinned || !this.childOnScreen) return;
      this.overlay.insert(this.pinnedBytes(pinned.rows, pinned.rows.length));
      this.drawnRows = pinned.rows.length;
      this.update();
    }, ms);
    this.redrawTimer.unref();
  }

  private clearRedraw(): void {
    if (this.redrawTimer) clearTimeout(this.redrawTimer);
    this.redrawTimer = null;
  }

  // The title and the bell.

  /**
   * Shows `text` as the title for `owner`, or (null) takes that owner's title away; recovery's
   * wins over the guard's. `until` takes recovery's title away at the next keystroke or Enter.
   */
  setTitle(owner: TitleOwner, text: string | null, until: 'key' | 'enter' | null = null): void {
    this.titles[owner] = text;
    if (owner === 'recovery') this.titleUntil = text === null ? null : until;
    const desired = this.titles.recovery ?? this.titles.wait ?? this.titles.guard;
    if (desired !== null) this.titleEverShown = true;
    this.overlay.setTitle(desired);
    this.update();
  }

  bell(): void {
    this.overlay.bell();
    this.update();
  }

  // A usage limit's wait (the child keeps the screen: only the title shows it).

  /**
   * Shows the wait for a usage limit's reset as a countdown in the title (it replaces the
   * guard's), once a second; past the reset, says once that it has reset: that the CLI goes on
   * by itself, or, when it does not, that the person can send again, with a bell when `ring`
   * says so. Null ends it and gives the title back.
   */
  waiting(wait: Wait | null, ring: () => boolean = () => false): void {
    this.waitNow = wait;
    if (wait === null) {
      if (this.waitTimer) clearInterval(this.waitTimer);
      this.waitTimer = null;
      this.waitRang = false;
      this.setTitle('wait', null);
      return;
    }
    const tick = (): void => {
      const current = this.waitNow;
      if (current === null || this.disposed) return;
      const left = current.until === null ? null : current.until - this.now();
      this.setTitle('wait', waitTitle(current, left));
      if (left !== null && left <= 0 && !current.continuesByItself && !this.waitRang) {
        this.waitRang = true;
        if (ring()) this.bell();
      }
    };
    tick();
    if (this.waitTimer === null && this.frameMs > 0) {
      this.waitTimer = setInterval(tick, 1_000);
      this.waitTimer.unref();
    }
  }

  /** The guard feeds on the title from the first byte: it tracks the child's title to give it back. */
  attachGuard(): void {
    this.guardAttached = true;
    this.update();
  }

  /** Ends the row, drops the pinned notice and gives the user's title back. */
  dispose(): void {
    if (this.disposed) return;
    this.progress(null);
    this.waiting(null);
    this.pinned = null;
    this.clearRedraw();
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.overlay.dispose();
    this.disposed = true;
    this.tracking = false;
  }

  private update(): void {
    const wasTracking = this.tracking;
    this.tracking = !this.disposed && (this.guardAttached || this.titleEverShown || this.pinned !== null || this.overlay.pending);
    // Fed from here on, mid-stream: the overlay waits until it knows where the stream is,
    // from a chunk with an ESC in it or from the child being quiet.
    if (this.tracking && !wasTracking && this.childOnScreen && !this.guardAttached) this.overlay.resync();
    if (this.overlay.pending && this.childOnScreen && this.quietTimer === null) {
      this.quietTimer = setTimeout(() => {
        this.quietTimer = null;
        this.overlay.quiet();
      }, QUIET_MS);
      this.quietTimer.unref();
    }
  }

  /** Our own row and lines: straight out while the screen is ours, else between the child's sequences. */
  private write(data: string): void {
    if (this.disposed) return;
    if (this.childOnScreen) this.overlay.insert(data);
    else this.options.write(data);
  }
}
