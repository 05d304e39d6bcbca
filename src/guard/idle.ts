// Whether Claude Code sits idle at an empty input prompt, judged from its output and the
// user's keystrokes: what the guard's auto-compact needs before it may type.

/** The input box's prompt: `❯` and a no-break space (facts §5); a picker's `❯ 1. Yes` has a plain space. */
const PROMPT = '❯\u00a0';
/** Drawn while a request or a compaction runs. */
const BUSY = ['esc to interrupt', 'Compacting conversation'];
/**
 * Drawn by dialogs that Enter would answer (permission questions, pickers) [I: wordings not
 * all verified]; one seen after the last prompt means "not at the prompt".
 */
const MODAL = ['Do you want to', 'Enter to confirm', 'Enter to select', 'Esc to cancel'];
/** Output kept, in bytes: enough for the last frame's input box and footer (16K characters of box drawing). */
const TAIL_BYTES = 48 * 1024;

/** Terminal reports that reach the child as input without being typed: focus in/out, mouse (SGR and X10). */
const REPORTS = /\u001b\[[IO]|\u001b\[<\d+;\d+;\d+[Mm]|\u001b\[M[\s\S]{3}/g;

export interface PromptIdleOptions {
  /** Milliseconds, monotonic; defaults to performance.now. */
  now?: () => number;
}

/**
 * Tracks the CLI's prompt from its output and the user's input.
 *
 * Idle at an empty prompt means all of:
 * - no output for `idleMs` (a request or tool shows an animated spinner, so output stops
 *   only when nothing runs);
 * - since the user's last keystroke, either the transcript recorded the end of a turn
 *   (`onTurnEnd`: 2.1.330 redraws only changed cells, so after an answer its `❯` is often
 *   not drawn again), or the CLI drew its input prompt with nothing busy after it (the
 *   output is kept only from the last keystroke on, so a prompt in it was drawn after it);
 *   and nothing modal after the last prompt drawn;
 * - the last keystroke submitted or cleared the input (Enter, Ctrl-C), or there was none:
 *   any other typing leaves text in the box, even if it was deleted again.
 */
export class PromptIdle {
  private readonly now: () => number;
  /** Recent output as received, raw, at least TAIL_BYTES of it; joined and decoded only when asked. */
  private chunks: Buffer[] = [];
  private chunkBytes = 0;
  private lastOutputAt = -Infinity;
  private inputPending = false;
  private turnEnded = false;
  /** Text was typed since the turn ended: an Enter now submits it and starts a new turn. */
  private typedSinceTurnEnd = false;

  constructor(options: PromptIdleOptions = {}) {
    this.now = options.now ?? (() => performance.now());
  }

  /** The child's output: the session's raw chunks (kept by reference, never changed), or text. */
  onOutput(output: Buffer | string): void {
    if (output.length === 0) return;
    this.lastOutputAt = this.now();
    // On the output hot path: no decoding, no copying, only dropping chunks no longer needed.
    const chunk = typeof output === 'string' ? Buffer.from(output) : output;
    this.chunks.push(chunk);
    this.chunkBytes += chunk.length;
    while (this.chunkBytes - (this.chunks[0] as Buffer).length >= TAIL_BYTES) this.chunkBytes -= (this.chunks.shift() as Buffer).length;
  }

  /** The output kept, decoded (a character cut at its start becomes U+FFFD, which no marker contains). */
  private get tail(): string {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]?.toString('utf8') ?? '';
  }

  /**
   * Bytes sent to the child as typing: the user's keystrokes, and text claude-recover types
   * itself (a restored prompt), but not the guard's own `/compact`.
   */
  onInput(data: Buffer | string): void {
    const typed = (typeof data === 'string' ? data : data.toString('utf8')).replace(REPORTS, '');
    if (typed.length === 0) return;
    // Only output drawn after this keystroke can show the prompt as it is now.
    this.chunks = [];
    this.chunkBytes = 0;
    const submitted = typed.endsWith('\r') && !typed.endsWith('\\\r') && !typed.endsWith('\u001b\r');
    const cleared = typed === '\u0003';
    this.inputPending = !(submitted || cleared);
    // Enter or Ctrl-C on the empty box the turn left behind changes nothing in the CLI: the
    // turn stays ended. Anything typed means a new turn (or text in the box) until the next end.
    if ((typed === '\r' || cleared) && !this.typedSinceTurnEnd) return;
    this.turnEnded = false;
    this.typedSinceTurnEnd = !submitted && !cleared;
  }

  /** The transcript recorded a main reply that ended its turn (`stop_reason: end_turn`). */
  onTurnEnd(): void {
    this.turnEnded = true;
    this.typedSinceTurnEnd = false;
  }

  /** True when the CLI is idle at an empty input prompt, with no output for `idleMs`. */
  isIdleAtEmptyPrompt(idleMs: number): boolean {
    if (this.inputPending) return false;
    if (this.now() - this.lastOutputAt < idleMs) return false;
    const tail = this.tail;
    const prompt = tail.lastIndexOf(PROMPT);
    if (prompt !== -1) for (const marker of MODAL) if (tail.indexOf(marker, prompt) !== -1) return false;
    if (this.turnEnded) return true;
    if (prompt === -1) return false;
    for (const marker of BUSY) if (tail.indexOf(marker, prompt) !== -1) return false;
    return true;
  }
}
